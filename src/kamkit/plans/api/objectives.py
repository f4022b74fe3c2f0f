"""SMART objectives: each missing element is a 400 error on its own field."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Status

from kamkit.accounts.models import Deal
from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import queries, services
from kamkit.plans.api.base import api_fields, changeable_plan, inside, people, plan_or_404, router
from kamkit.plans.models import AccountPlan, Objective
from kamkit.plans.schemas import ObjectiveCreate, ObjectiveRead, ObjectiveUpdate

# Objectives ------------------------------------------------------------------------------------------


def _deals(plan: AccountPlan, ids: list[int]) -> list[Deal]:
    deals = list(Deal.objects.filter(account_id=plan.account_id, pk__in=ids))
    if len(deals) != len(set(ids)):
        raise ServiceError(
            "Unknown opportunity.", errors={"deal_ids": [f"Not all of them are at {plan.account}."]}
        )
    return deals


def _objective_input(
    plan: AccountPlan, data: dict[str, Any], deals: list[Deal] | None
) -> services.ObjectiveInput:
    return services.ObjectiveInput(
        title=data.get("title") or "",
        description=data.get("description") or "",
        owner=people(data.get("owner_id"), "owner_id"),
        metric_kind=data.get("metric_kind") or "other",
        metric=data.get("metric") or "",
        unit=data.get("unit") or "",
        baseline=data.get("baseline"),
        target=data.get("target"),
        current=data.get("current"),
        due_on=data.get("due_on"),
        confirmed_realistic=bool(data.get("confirmed_realistic")),
        deals=deals,
    )


def _objectives() -> QuerySet[Objective]:
    return Objective.objects.select_related("owner", "plan__account").prefetch_related("deals")


@router.get("/plans/{plan_id}/objectives", response={200: list[ObjectiveRead], **ERROR_RESPONSES})
def list_objectives(request: HttpRequest, plan_id: int) -> Any:
    return _objectives().filter(plan=plan_or_404(request, plan_id))


@router.post("/plans/{plan_id}/objectives", response={201: ObjectiveRead, **ERROR_RESPONSES})
def create_objective(request: HttpRequest, plan_id: int, payload: ObjectiveCreate) -> Any:
    """A SMART objective: each missing element is a 400 error on its own field (owner_id, metric,
    baseline, target, due_on); a revenue target far above the account's history needs
    confirmed_realistic."""
    plan = changeable_plan(request, plan_id)
    data = _objective_input(plan, payload.dict(), _deals(plan, payload.deal_ids))
    try:
        with transaction.atomic():
            objective = services.create_objective(plan=plan, data=data)
    except ServiceError as exc:
        raise api_fields(exc) from None
    return Status(201, _objectives().get(pk=objective.pk))


@router.get("/objectives/{objective_id}", response={200: ObjectiveRead, **ERROR_RESPONSES})
def get_objective(request: HttpRequest, objective_id: int) -> Any:
    return get_object_or_404(
        _objectives().filter(pk__in=queries.objectives_for(request.user)), pk=objective_id
    )


@router.patch("/objectives/{objective_id}", response={200: ObjectiveRead, **ERROR_RESPONSES})
def update_objective(request: HttpRequest, objective_id: int, payload: ObjectiveUpdate) -> Any:
    """Change what is sent; the whole objective must still be SMART afterwards."""
    objective: Objective = inside(request, queries.objectives_for(request.user), objective_id, "plan.account")
    sent = payload.dict(exclude_unset=True)
    current = {
        "title": objective.title,
        "description": objective.description,
        "owner_id": objective.owner_id,
        "metric_kind": objective.metric_kind,
        "metric": objective.metric,
        "unit": objective.unit,
        "baseline": objective.baseline,
        "target": objective.target,
        "current": objective.current,
        "due_on": objective.due_on,
        "confirmed_realistic": objective.confirmed_realistic,
    }
    deals = _deals(objective.plan, sent.pop("deal_ids")) if sent.get("deal_ids") is not None else None
    try:
        with transaction.atomic():
            services.update_objective(
                objective=objective, data=_objective_input(objective.plan, {**current, **sent}, deals)
            )
    except ServiceError as exc:
        raise api_fields(exc) from None
    return _objectives().get(pk=objective.pk)


@router.delete("/objectives/{objective_id}", response={204: None, **ERROR_RESPONSES})
def delete_objective(request: HttpRequest, objective_id: int) -> Any:
    objective = inside(request, queries.objectives_for(request.user), objective_id, "plan.account")
    with transaction.atomic():
        services.delete_objective(objective=objective)
    return Status(204, None)
