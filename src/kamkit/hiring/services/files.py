"""Candidates' files: checked from their content (not the extension alone), stored under a random
name, removed from storage only once the deletion commits.
"""

from __future__ import annotations

import os
import struct
import unicodedata
import zipfile
from collections.abc import Sequence
from typing import Any

from django.core.files.base import File
from django.db import transaction

from kamkit.hiring.choices import AttachmentKind
from kamkit.hiring.models import Candidate, CandidateAttachment
from kamkit.hiring.services.common import refuse, tidy
from kamkit.users.models import User

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Extension -> (content type, what the file must start with; None: plain text, checked otherwise).
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".rtf": ("application/rtf", (b"{\\rtf",)),
    ".txt": ("text/plain", None),
}
ACCEPTED_FILES = "PDF, Word (.doc, .docx), OpenDocument text (.odt), RTF or plain text (.txt)"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def remove_files_on_commit(names: Sequence[str]) -> None:
    from django.core.files.storage import default_storage

    def remove() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(remove)


def clean_file_name(name: str) -> str:
    """The name a file is kept and offered under: no folders (either kind of slash), no control or
    invisible formatting characters (a right-to-left override can disguise an extension), no leading
    dots or spaces, at most 255 characters with the extension kept."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp"))
    name = tidy(name).lstrip(". ")
    if len(name) > 255:
        stem, extension = os.path.splitext(name)
        name = stem[: 255 - len(extension[:20])] + extension[:20]
    return name


def _zip_names(upload: File[Any]) -> set[str] | None:
    """The entries of a zip archive, or None when it is not one (read from its central directory)."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)


def _is_odt(head: bytes) -> bool:
    """OpenDocument puts an uncompressed ``mimetype`` entry first, naming the kind of document."""
    if len(head) < 30 or not head.startswith(b"PK\x03\x04"):
        return False
    (method,) = struct.unpack("<H", head[8:10])
    name_length, extra_length = struct.unpack("<HH", head[26:30])
    start = 30 + name_length + extra_length
    return (
        method == 0
        and head[30 : 30 + name_length] == b"mimetype"
        and head[start : start + len(ODT_MIMETYPE)] == ODT_MIMETYPE
    )


def _content_matches(extension: str, head: bytes, upload: File[Any] | None) -> bool:
    """Does the content look like the kind of file its name says? Cheap checks on the first bytes,
    and for Word and OpenDocument (zip archives) on the archive's entries."""
    signatures = ATTACHMENT_TYPES[extension][1]
    if signatures is None:
        return b"\x00" not in head
    if not any(head.startswith(signature) for signature in signatures):
        return False
    if extension not in (".docx", ".odt") or upload is None:
        return True
    names = _zip_names(upload)
    if names is None:
        return False
    if extension == ".docx":
        return {"[Content_Types].xml", "word/document.xml"} <= names
    return _is_odt(head) and "content.xml" in names


def check_attachment(*, name: str, size: int, head: bytes, upload: File[Any] | None = None) -> str:
    """The content type of an acceptable upload, or a refusal saying what is wrong with it. The
    content is checked from its bytes (``head``: the first 2 KB; ``upload``: the whole file, for the
    zip-based formats), not from the extension or the content type the browser claims."""
    extension = os.path.splitext(name)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise refuse(
            f"{name}: kamkit keeps {ACCEPTED_FILES} files only.",
            file=f"{name or 'This file'} is not one of {ACCEPTED_FILES}.",
        )
    if size > MAX_ATTACHMENT_BYTES:
        limit = MAX_ATTACHMENT_BYTES // (1024 * 1024)
        raise refuse(
            f"{name} is {size / (1024 * 1024):.1f} MB; the limit is {limit} MB.",
            file=f"The file is {size / (1024 * 1024):.1f} MB; files up to {limit} MB are accepted.",
        )
    if size == 0:
        raise refuse(f"{name} is empty.", file="The file is empty.")
    content_type = ATTACHMENT_TYPES[extension][0]
    if not _content_matches(extension, head, upload):
        raise refuse(
            f"{name} does not look like a {extension} file.",
            file=f"The name ends in {extension}, but the content is not a {extension} file.",
        )
    return content_type


def add_attachment(
    *, candidate: Candidate, upload: File[Any], kind: str, uploaded_by: User | None
) -> CandidateAttachment:
    """Keep a CV or other document (checked for type, size and content) with the candidate."""
    if kind not in AttachmentKind.values:
        raise refuse(f"{kind!r} is not a kind of document.", kind="Choose CV, cover letter or other.")
    name = clean_file_name(upload.name or "")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    size = upload.size if upload.size is not None else len(head)
    content_type = check_attachment(name=name, size=size, head=head, upload=upload)
    attachment = CandidateAttachment(
        candidate=candidate,
        kind=kind,
        original_name=name[:255],
        size=size,
        content_type=content_type,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def delete_attachment(*, attachment: CandidateAttachment) -> None:
    name = attachment.file.name
    attachment.delete()
    if name:
        remove_files_on_commit([name])
