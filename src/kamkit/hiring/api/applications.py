"""Hiring API: applications and their stage moves."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.hiring import queries, services
from kamkit.hiring.api.base import application_or_404, managed_application, pick, require_running, router
from kamkit.hiring.schemas import ApplicationCreate, ApplicationRead, StageChangeCreate, StageChangeRead


class ApplicationListParams(Schema):
    q: str | None = None
    sort: str | None = None
    opening: str | None = None
    candidate: str | None = None
    stage: str | None = None


@router.get("/hiring/applications", response={200: list[ApplicationRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_applications(request: HttpRequest, params: Query[ApplicationListParams]) -> Any:
    """Candidates in positions: interviewers see only the ones they are assigned to."""
    return queries.APPLICATION_LIST.apply(queries.applications_for(request.user), params.dict())


@router.post("/hiring/applications", response={201: ApplicationRead, **ERROR_RESPONSES})
def create_application(request: HttpRequest, payload: ApplicationCreate) -> Any:
    """Consider a candidate (whom you may change) for a position you run."""
    opening = pick(queries.openings_for(request.user), payload.opening_id, "opening_id", "position")
    candidate = pick(queries.candidates_for(request.user), payload.candidate_id, "candidate_id", "candidate")
    require_running(request.user, opening)
    if not queries.manages_candidate(request.user, candidate):
        raise PermissionDenied("Only the people running this candidate's hiring may add them to a position.")
    with transaction.atomic():
        application = services.add_application(
            candidate=candidate,
            opening=opening,
            added_by=request.user,  # type: ignore[arg-type]
            note=payload.note,
        )
    return Status(201, application_or_404(request, application.pk))


@router.get("/hiring/applications/{application_id}", response={200: ApplicationRead, **ERROR_RESPONSES})
def get_application(request: HttpRequest, application_id: int) -> Any:
    return application_or_404(request, application_id)


@router.get(
    "/hiring/applications/{application_id}/stage-changes",
    response={200: list[StageChangeRead], **ERROR_RESPONSES},
)
def list_stage_changes(request: HttpRequest, application_id: int) -> Any:
    """The dated history of the application's stages: who moved it, when, and why."""
    application = managed_application(request, application_id)
    return queries.stage_history(request.user, application)


@router.post(
    "/hiring/applications/{application_id}/stage-changes",
    response={201: StageChangeRead, **ERROR_RESPONSES},
)
def move_stage(request: HttpRequest, application_id: int, payload: StageChangeCreate) -> Any:
    """Move the application; refused moves answer with the reason (see docs/hiring.md for the rules)."""
    application = managed_application(request, application_id)
    with transaction.atomic():
        change = services.move_stage(
            application=application,
            to_stage=payload.stage,
            changed_by=request.user,  # type: ignore[arg-type]
            note=payload.note,
            reopen=payload.reopen,
        )
    return Status(201, change)
