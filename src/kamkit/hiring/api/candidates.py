"""Hiring API: candidates and their files."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from ninja import File, Form, Query, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.hiring import queries, services
from kamkit.hiring.api.base import candidate_or_404, managed_candidate, pick, router
from kamkit.hiring.choices import AttachmentKind
from kamkit.hiring.models import Candidate, CandidateAttachment
from kamkit.hiring.schemas import CandidateAttachmentRead, CandidateCreate, CandidateRead, CandidateUpdate
from kamkit.users.models import User

FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "The file as uploaded.",
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type, _ in services.ATTACHMENT_TYPES.values()
            },
        }
    }
}


class CandidateListParams(Schema):
    q: str | None = None
    sort: str | None = None
    source: str | None = None
    internal: str | None = None


@router.get("/hiring/candidates", response={200: list[CandidateRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_candidates(request: HttpRequest, params: Query[CandidateListParams]) -> Any:
    return queries.CANDIDATE_LIST.apply(queries.candidates_for(request.user), params.dict())


@router.post("/hiring/candidates", response={201: CandidateRead, **ERROR_RESPONSES})
def create_candidate(request: HttpRequest, payload: CandidateCreate) -> Any:
    permissions.require(request.user, Action.ADD, Candidate)
    user = pick(User.objects.filter(is_active=True), payload.user_id, "user_id", "active person")
    data = services.CandidateInput(
        full_name=payload.full_name,
        email=payload.email,
        phone=payload.phone,
        user=user,
        source=payload.source,
        source_detail=payload.source_detail,
        notes=payload.notes,
    )
    with transaction.atomic():
        candidate = services.create_candidate(data=data, created_by=request.user)  # type: ignore[arg-type]
    return Status(201, candidate_or_404(request, candidate.pk))


@router.get("/hiring/candidates/{candidate_id}", response={200: CandidateRead, **ERROR_RESPONSES})
def get_candidate(request: HttpRequest, candidate_id: int) -> Any:
    return candidate_or_404(request, candidate_id)


@router.patch("/hiring/candidates/{candidate_id}", response={200: CandidateRead, **ERROR_RESPONSES})
def update_candidate(request: HttpRequest, candidate_id: int, payload: CandidateUpdate) -> Any:
    candidate = managed_candidate(request, candidate_id)
    sent = payload.dict(exclude_unset=True)
    user = (
        pick(User.objects.filter(is_active=True), sent["user_id"], "user_id", "active person")
        if "user_id" in sent
        else candidate.user
    )
    data = services.CandidateInput(
        full_name=sent.get("full_name", candidate.full_name),
        email=sent.get("email", candidate.email),
        phone=sent.get("phone", candidate.phone),
        user=user,
        source=sent.get("source") or candidate.source,
        source_detail=sent.get("source_detail", candidate.source_detail),
        notes=sent.get("notes", candidate.notes),
    )
    with transaction.atomic():
        services.update_candidate(candidate=candidate, data=data)
    return candidate_or_404(request, candidate_id)


@router.delete("/hiring/candidates/{candidate_id}", response={204: None, **ERROR_RESPONSES})
def delete_candidate(request: HttpRequest, candidate_id: int) -> Any:
    """Erase the candidate with their applications, scorecards, decisions and files."""
    candidate = managed_candidate(request, candidate_id)
    if not queries.may_erase_candidate(request.user, candidate):
        raise PermissionDenied(queries.ERASE_REFUSED)
    with transaction.atomic():
        services.delete_candidate(candidate=candidate)
    return Status(204, None)


@router.get(
    "/hiring/candidates/{candidate_id}/attachments",
    response={200: list[CandidateAttachmentRead], **ERROR_RESPONSES},
)
def list_attachments(request: HttpRequest, candidate_id: int) -> Any:
    candidate = candidate_or_404(request, candidate_id)
    return queries.attachments_for(request.user).filter(candidate=candidate)


@router.post(
    "/hiring/candidates/{candidate_id}/attachments",
    response={201: CandidateAttachmentRead, **ERROR_RESPONSES},
)
def upload_attachment(
    request: HttpRequest,
    candidate_id: int,
    file: File[UploadedFile],
    kind: Form[AttachmentKind] = AttachmentKind.CV,
) -> Any:
    """Keep a CV or other document: PDF, Word, OpenDocument, RTF or plain text, up to 10 MB."""
    candidate = managed_candidate(request, candidate_id)
    with transaction.atomic():
        attachment = services.add_attachment(
            candidate=candidate,
            upload=file,
            kind=kind,
            uploaded_by=request.user,  # type: ignore[arg-type]
        )
    return Status(201, attachment)


@router.get(
    "/hiring/attachments/{attachment_id}/download",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra=FILE_RESPONSE,
)
def download_attachment(request: HttpRequest, attachment_id: int) -> Any:
    """The file as uploaded (at most 10 MB), for whoever may see the candidate."""
    attachment = get_object_or_404(queries.attachments_for(request.user), pk=attachment_id)
    try:
        with attachment.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.original_name)
    return response


@router.delete("/hiring/attachments/{attachment_id}", response={204: None, **ERROR_RESPONSES})
def delete_attachment(request: HttpRequest, attachment_id: int) -> Any:
    attachment: CandidateAttachment = get_object_or_404(
        queries.attachments_for(request.user), pk=attachment_id
    )
    managed_candidate(request, attachment.candidate_id)
    with transaction.atomic():
        services.delete_attachment(attachment=attachment)
    return Status(204, None)
