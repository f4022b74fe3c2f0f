"""Uploaded files waiting for their import, in DATA_DIR/imports under a random token.

The web pages keep an upload there between their steps (the session knows its token). A file
handed to a background import moves to ``imports/queued/``, which the sweep of stale uploads
leaves alone for longer (a queue may wait for a stopped worker), and the import task deletes it.
Files are named by the token only, so a name read back from a task cannot point elsewhere.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

QUEUED = "queued"
UPLOAD_TTL_SECONDS = 2 * 60 * 60  # an upload waits this long between the web steps, then it is deleted
QUEUED_TTL_SECONDS = 7 * 24 * 60 * 60  # a queued file whose task never ran is deleted after a week
_EXTENSION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class UnknownUpload(ValueError):
    """A name that is not one of ours (a token, optionally under queued/, and an extension)."""


def is_token(text: str) -> bool:
    """Whether ``text`` could be an upload's token (before any file is looked for)."""
    return bool(_TOKEN.fullmatch(text))


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_token() -> str:
    return secrets.token_urlsafe(24)


def extension_of(filename: str) -> str:
    """The file name's extension, lower case, or '' when it is not a short plain one."""
    suffix = Path(filename or "").suffix.lower()
    if 2 <= len(suffix) <= 6 and set(suffix[1:]) <= _EXTENSION_CHARS:
        return suffix
    return ""


def path_of(name: str) -> Path:
    """The file behind ``name`` ('<token><ext>' or 'queued/<token><ext>'); refuses any other name."""
    parts = name.split("/")
    if len(parts) > 2 or (len(parts) == 2 and parts[0] != QUEUED):
        raise UnknownUpload(name)
    stem, _, extension = parts[-1].partition(".")
    if not _TOKEN.fullmatch(stem) or (extension and extension_of(f"x.{extension}") != f".{extension}"):
        raise UnknownUpload(name)
    return folder() / name


def keep(chunks: Iterable[bytes], filename: str, *, queued: bool = False) -> str:
    """Write an upload under a new token; returns its name (for ``path_of``)."""
    name = f"{new_token()}{extension_of(filename)}"
    if queued:
        name = f"{QUEUED}/{name}"
    path = path_of(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return name


def hand_to_queue(name: str) -> str:
    """Move a waiting upload to queued/ (out of the two-hour sweep); returns its new name."""
    source = path_of(name)
    queued = f"{QUEUED}/{source.name}"
    target = path_of(queued)
    target.parent.mkdir(parents=True, exist_ok=True)
    source.replace(target)
    return queued


def remove(name: str) -> None:
    with contextlib.suppress(UnknownUpload):
        path_of(name).unlink(missing_ok=True)


def sweep() -> None:
    """Delete uploads left too long: two hours between the web steps, a week in the queue."""
    now = time.time()
    for directory, ttl in ((folder(), UPLOAD_TTL_SECONDS), (folder() / QUEUED, QUEUED_TTL_SECONDS)):
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            if path.is_file() and path.stat().st_mtime < now - ttl:
                path.unlink(missing_ok=True)
