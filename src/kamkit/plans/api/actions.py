"""Actions, their occurrences, and marking what happened."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Status

from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import queries, services, tracking
from kamkit.plans.api.base import acting, api_fields, inside, people, router
from kamkit.plans.models import ActionOccurrence, PlanAction
from kamkit.plans.schemas import (
    ActionOccurrenceMark,
    ActionOccurrenceRead,
    PlanActionCreate,
    PlanActionRead,
    PlanActionUpdate,
)

# Actions and occurrences -----------------------------------------------------------------------------


def _action_input(data: dict[str, Any]) -> services.ActionInput:
    return services.ActionInput(
        title=data.get("title") or "",
        description=data.get("description") or "",
        owner=people(data.get("owner_id"), "owner_id"),
        cadence=data.get("cadence") or "once",
        first_due_on=data.get("first_due_on"),
        repeat_until=data.get("repeat_until"),
        planned_minutes=data.get("planned_minutes"),
    )


@router.get("/objectives/{objective_id}/actions", response={200: list[PlanActionRead], **ERROR_RESPONSES})
def list_actions(request: HttpRequest, objective_id: int) -> Any:
    objective = get_object_or_404(queries.objectives_for(request.user), pk=objective_id)
    return objective.actions.select_related("owner")


@router.post("/objectives/{objective_id}/actions", response={201: PlanActionRead, **ERROR_RESPONSES})
def create_action(request: HttpRequest, objective_id: int, payload: PlanActionCreate) -> Any:
    """An action with its dated occurrences over the plan period."""
    objective = inside(request, queries.objectives_for(request.user), objective_id, "plan.account")
    try:
        with transaction.atomic():
            action = services.create_action(objective=objective, data=_action_input(payload.dict()))
    except ServiceError as exc:
        raise api_fields(exc) from None
    return Status(201, action)


@router.get("/plan-actions/{action_id}", response={200: PlanActionRead, **ERROR_RESPONSES})
def get_action(request: HttpRequest, action_id: int) -> Any:
    return get_object_or_404(queries.actions_for(request.user), pk=action_id)


@router.patch("/plan-actions/{action_id}", response={200: PlanActionRead, **ERROR_RESPONSES})
def update_action(request: HttpRequest, action_id: int, payload: PlanActionUpdate) -> Any:
    """Future unmarked occurrences follow the new cadence and dates; marked ones never change."""
    action: PlanAction = inside(
        request, queries.actions_for(request.user), action_id, "objective.plan.account"
    )
    current = {
        "title": action.title,
        "description": action.description,
        "owner_id": action.owner_id,
        "cadence": action.cadence,
        "first_due_on": action.first_due_on,
        "repeat_until": action.repeat_until,
        "planned_minutes": action.planned_minutes,
    }
    try:
        with transaction.atomic():
            return services.update_action(
                action=action, data=_action_input({**current, **payload.dict(exclude_unset=True)})
            )
    except ServiceError as exc:
        raise api_fields(exc) from None


@router.delete("/plan-actions/{action_id}", response={204: None, **ERROR_RESPONSES})
def delete_action(request: HttpRequest, action_id: int) -> Any:
    action = inside(request, queries.actions_for(request.user), action_id, "objective.plan.account")
    with transaction.atomic():
        services.delete_action(action=action)
    return Status(204, None)


def _occurrence_read(occurrence: ActionOccurrence) -> dict[str, Any]:
    return {
        "id": occurrence.pk,
        "action_id": occurrence.action_id,
        "due_on": occurrence.due_on,
        "status": occurrence.status,
        "state": tracking.effective_state(occurrence.status, occurrence.due_on, queries.today()),
        "note": occurrence.note,
        "worth": occurrence.worth,
        "marked_at": occurrence.marked_at,
    }


@router.get(
    "/plan-actions/{action_id}/occurrences", response={200: list[ActionOccurrenceRead], **ERROR_RESPONSES}
)
def list_occurrences(request: HttpRequest, action_id: int) -> Any:
    action = get_object_or_404(queries.actions_for(request.user), pk=action_id)
    return [_occurrence_read(o) for o in action.occurrences.all()]


@router.post("/occurrences/{occurrence_id}/mark", response={200: ActionOccurrenceRead, **ERROR_RESPONSES})
def mark_occurrence(request: HttpRequest, occurrence_id: int, payload: ActionOccurrenceMark) -> Any:
    """Done, skipped or missed, with a note and its worth to the plan (1-5); 'pending' clears it."""
    occurrence = inside(
        request, queries.occurrences_for(request.user), occurrence_id, "action.objective.plan.account"
    )
    with transaction.atomic():
        services.mark_occurrence(
            occurrence=occurrence,
            status=payload.status,
            note=payload.note,
            worth=payload.worth,
            marked_by=acting(request),
        )
    return _occurrence_read(occurrence)
