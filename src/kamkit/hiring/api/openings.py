"""Hiring API: positions and their status."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.hiring import queries, services
from kamkit.hiring.api.base import managed_opening, opening_or_404, pick, published_benchmarks, router
from kamkit.hiring.models import Opening
from kamkit.hiring.schemas import OpeningCreate, OpeningRead, OpeningStatusWrite, OpeningUpdate
from kamkit.users.models import Team, User


class OpeningListParams(Schema):
    q: str | None = None
    sort: str | None = None
    status: str | None = None
    team: str | None = None


@router.get("/hiring/openings", response={200: list[OpeningRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_openings(request: HttpRequest, params: Query[OpeningListParams]) -> Any:
    """Positions you may see: those you run, and those you interview for."""
    return queries.OPENING_LIST.apply(queries.openings_for(request.user), params.dict())


@router.post("/hiring/openings", response={201: OpeningRead, **ERROR_RESPONSES})
def create_opening(request: HttpRequest, payload: OpeningCreate) -> Any:
    """Open a position; its interview kit is built from the benchmark's framework at once."""
    permissions.require(request.user, Action.ADD, Opening)
    manager = pick(
        User.objects.filter(is_active=True), payload.hiring_manager_id, "hiring_manager_id", "person"
    )
    manager = manager or User.objects.get(pk=request.user.pk or 0)
    team = pick(Team.objects.all(), payload.team_id, "team_id", "team")
    benchmark = pick(published_benchmarks(), payload.benchmark_id, "benchmark_id", "published benchmark")
    with transaction.atomic():
        opening = services.create_opening(
            title=payload.title,
            benchmark=benchmark,
            target_level=payload.target_level,
            hiring_manager=manager,
            team=team,
            description=payload.description,
            location=payload.location,
            headcount=payload.headcount,
            created_by=request.user,  # type: ignore[arg-type]
        )
    return Status(201, opening_or_404(request, opening.pk))


@router.get("/hiring/openings/{opening_id}", response={200: OpeningRead, **ERROR_RESPONSES})
def get_opening(request: HttpRequest, opening_id: int) -> Any:
    return opening_or_404(request, opening_id)


@router.patch("/hiring/openings/{opening_id}", response={200: OpeningRead, **ERROR_RESPONSES})
def update_opening(request: HttpRequest, opening_id: int, payload: OpeningUpdate) -> Any:
    """Only the fields sent change; a new hiring manager or team needs your rights there (else 403)."""
    opening = managed_opening(request, opening_id)
    sent = payload.dict(exclude_unset=True)
    manager = pick(
        User.objects.filter(is_active=True), sent.get("hiring_manager_id"), "hiring_manager_id", "person"
    )
    changes = services.OpeningChanges(
        title=sent.get("title"),
        benchmark=pick(
            published_benchmarks(), sent.get("benchmark_id"), "benchmark_id", "published benchmark"
        ),
        target_level=sent.get("target_level"),
        hiring_manager=manager,
        team=pick(Team.objects.all(), sent.get("team_id"), "team_id", "team"),
        clear_team="team_id" in sent and sent["team_id"] is None,
        description=sent.get("description"),
        location=sent.get("location"),
        headcount=sent.get("headcount"),
    )
    with transaction.atomic():
        services.update_opening(opening=opening, changes=changes, by=request.user)  # type: ignore[arg-type]
    return opening_or_404(request, opening_id)


@router.post("/hiring/openings/{opening_id}/status", response={200: OpeningRead, **ERROR_RESPONSES})
def set_opening_status(request: HttpRequest, opening_id: int, payload: OpeningStatusWrite) -> Any:
    """Put on hold, mark filled, close or reopen."""
    opening = managed_opening(request, opening_id)
    with transaction.atomic():
        services.set_opening_status(opening=opening, status=payload.status)
    return opening_or_404(request, opening_id)


@router.delete("/hiring/openings/{opening_id}", response={204: None, **ERROR_RESPONSES})
def delete_opening(request: HttpRequest, opening_id: int) -> Any:
    """Only a position nobody was considered for; close the others."""
    opening = managed_opening(request, opening_id)
    permissions.require(request.user, Action.DELETE, opening)
    with transaction.atomic():
        services.delete_opening(opening=opening)
    return Status(204, None)
