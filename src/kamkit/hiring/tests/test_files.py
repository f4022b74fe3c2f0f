"""Candidates' files: the content must match the name (checked from the bytes, not the extension
alone), names are cleaned before they are kept, downloads name the file safely, and files leave the
storage only when the deletion commits."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from kamkit.core.errors import ServiceError
from kamkit.hiring import services
from kamkit.hiring.models import Candidate, CandidateAttachment
from kamkit.hiring.tests.fixtures import Hiring
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]

ODT_MIME = b"application/vnd.oasis.opendocument.text"


def zipped(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            method = zipfile.ZIP_STORED if name == stored_first else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=method)
    return buffer.getvalue()


def docx() -> bytes:
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def odt() -> bytes:
    return zipped(
        {"mimetype": ODT_MIME, "content.xml": b"<office:document-content/>"}, stored_first="mimetype"
    )


def keep(org: Org, hiring: Hiring, name: str, content: bytes) -> CandidateAttachment:
    return services.add_attachment(
        candidate=hiring.candidate,
        upload=ContentFile(content, name=name),
        kind="cv",
        uploaded_by=org.north_manager,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cv.docx", docx()),
        ("cv.odt", odt()),
        ("cv.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
        ("cv.pdf", b"%PDF-1.7\n"),
        ("cv.rtf", b"{\\rtf1 Casey}"),
        ("cv.txt", "Casey Candidate, Zürich".encode()),
    ],
)
def test_real_documents_are_kept(org: Org, hiring: Hiring, name: str, content: bytes) -> None:
    assert keep(org, hiring, name, content).original_name == name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # a program renamed to a document
        ("cv.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("cv.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("cv.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        # any zip archive is not a Word or OpenDocument file
        ("cv.docx", zipped({"setup.exe": b"MZ\x90\x00"})),
        ("cv.odt", zipped({"setup.exe": b"MZ\x90\x00"})),
        # an OpenDocument spreadsheet is not a text document, nor a Word file an OpenDocument one
        (
            "cv.odt",
            zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, stored_first="mimetype"),
        ),
        ("cv.odt", docx()),
        ("cv.docx", odt()),
        # a zip that ends before its directory
        ("cv.docx", docx()[:40]),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(
    org: Org, hiring: Hiring, name: str, content: bytes
) -> None:
    with pytest.raises(ServiceError) as refused:
        keep(org, hiring, name, content)
    assert "the content is not a" in refused.value.errors["file"][0]
    assert not CandidateAttachment.objects.exists()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\casey\\My CV.pdf", "My CV.pdf"),
        ("../../etc/cv.pdf", "cv.pdf"),
        ('cv "final"\r\n.pdf', 'cv "final".pdf'),
        ("cv\u202egpj.pdf", "cvgpj.pdf"),  # a right-to-left override that would disguise the name
        ("  .cv.pdf", "cv.pdf"),
        ("é" * 300 + ".pdf", "é" * 251 + ".pdf"),
    ],
)
def test_names_are_cleaned_before_they_are_kept(org: Org, hiring: Hiring, given: str, kept: str) -> None:
    attachment = keep(org, hiring, given, b"%PDF-1.7 casey")
    assert attachment.original_name == kept
    assert attachment.file.name.endswith(".pdf") and kept not in attachment.file.name


def test_downloads_name_odd_files_safely(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    attachment = keep(org, hiring, 'Zoë "CV"; 2024.pdf', b"%PDF-1.7 zoe")
    page = signed_in(org.north_manager).get(f"/hiring/files/{attachment.pk}/")
    api = api_as(org.north_manager).get(f"/hiring/attachments/{attachment.pk}/download")
    for response in (page, api):
        header = response["Content-Disposition"]
        assert header == "attachment; filename*=utf-8''Zo%C3%AB%20%22CV%22%3B%202024.pdf"
        assert response["Content-Type"] == "application/pdf"
        assert response.get("X-Content-Type-Options") == "nosniff"


def test_files_leave_the_storage_only_when_the_deletion_commits(
    org: Org, hiring: Hiring, django_capture_on_commit_callbacks: Any
) -> None:
    attachment = keep(org, hiring, "cv.pdf", b"%PDF-1.7 casey")
    name, candidate_id = attachment.file.name, hiring.candidate.pk
    # a deletion that rolls back leaves the file where it was
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.delete_candidate(candidate=hiring.candidate)
        raise RuntimeError("something later in the same request failed")
    assert Candidate.objects.filter(pk=candidate_id).exists() and default_storage.exists(name)
    # one that commits removes it
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.delete_attachment(attachment=CandidateAttachment.objects.get(pk=attachment.pk))
    assert not default_storage.exists(name)


def test_a_renamed_program_is_refused_on_the_page_and_through_the_api(
    org: Org, hiring: Hiring, api_as: ApiAs
) -> None:
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    page = signed_in(org.north_manager).post(
        f"/hiring/candidates/{hiring.candidate.pk}/files/",
        {"file": SimpleUploadedFile("cv.pdf", program), "kind": "cv"},
        follow=True,
    )
    assert "the content is not a .pdf file" in page.content.decode()
    api = api_as(org.north_manager).upload(
        f"/hiring/candidates/{hiring.candidate.pk}/attachments",
        {"file": SimpleUploadedFile("cv.docx", zipped({"run.exe": program}))},
    )
    assert api.status_code == 400 and api.json()["errors"][0]["field"] == "file"
    assert not CandidateAttachment.objects.exists()
