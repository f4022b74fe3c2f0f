"""Plans API: plans, their period, status, versions, sections and completeness."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.accounts import queries as account_queries
from kamkit.accounts.models import Account
from kamkit.accounts.schemas import AccountRef
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import queries, services
from kamkit.plans.api.base import acting, api_fields, changeable_plan, pick, plan_or_404, router
from kamkit.plans.models import AccountPlan, PlanTemplate
from kamkit.plans.schemas import (
    CompletenessRead,
    PlanCreate,
    PlanPeriodWrite,
    PlanRead,
    PlanSectionRead,
    PlanSectionWrite,
    PlanStatusWrite,
    PlanUpdate,
)


class PlanListParams(Schema):
    q: str | None = None
    sort: str | None = None
    status: str | None = None
    account: str | None = None
    owner: str | None = None
    period: str | None = None


# Plans -----------------------------------------------------------------------------------------------


@router.get("/plans", response={200: list[PlanRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_plans(request: HttpRequest, params: Query[PlanListParams]) -> Any:
    return queries.PLAN_LIST.apply(queries.plans_for(request.user), params.dict())


@router.post("/plans", response={201: PlanRead, **ERROR_RESPONSES})
def create_plan(request: HttpRequest, payload: PlanCreate) -> Any:
    """A first draft for a key account and period (sections from the template, if one is given)."""
    account: Account = pick(
        account_queries.accounts_for(request.user), payload.account_id, "account_id", "account"
    )
    permissions.require(request.user, Action.CHANGE, account)
    template = pick(PlanTemplate.objects.all(), payload.template_id, "template_id", "plan template")
    try:
        with transaction.atomic():
            plan = services.create_plan(
                account=account,
                period=payload.period,
                starts_on=payload.starts_on,
                ends_on=payload.ends_on,
                template=template,
                created_by=acting(request),
            )
    except ServiceError as exc:
        raise api_fields(exc) from None
    return Status(201, plan)


@router.get("/plan-accounts", response={200: list[AccountRef], **ERROR_RESPONSES})
def search_plan_accounts(request: HttpRequest, q: str = "") -> Any:
    """Key accounts the caller may start a plan for whose name holds every word of ``q`` (at most
    ten, names starting with ``q`` first): the account picker's suggestions."""
    permissions.require(request.user, Action.ADD, AccountPlan)
    return queries.search_accounts(queries.plannable_accounts(request.user), q)


@router.get("/plans/{plan_id}", response={200: PlanRead, **ERROR_RESPONSES})
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    return plan_or_404(request, plan_id)


@router.patch("/plans/{plan_id}", response={200: PlanRead, **ERROR_RESPONSES})
def update_plan(request: HttpRequest, plan_id: int, payload: PlanUpdate) -> Any:
    plan = changeable_plan(request, plan_id)
    data = payload.dict(exclude_unset=True)
    with transaction.atomic():
        return services.update_plan(
            plan=plan,
            period=data.get("period") or plan.period,
            starts_on=data.get("starts_on") or plan.starts_on,
            ends_on=data.get("ends_on") or plan.ends_on,
            situation=data["situation"] if data.get("situation") is not None else plan.situation,
        )


@router.delete("/plans/{plan_id}", response={204: None, **ERROR_RESPONSES})
def delete_plan(request: HttpRequest, plan_id: int) -> Any:
    plan = plan_or_404(request, plan_id)
    permissions.require(request.user, Action.DELETE, plan)
    with transaction.atomic():
        services.delete_plan(plan=plan)
    return Status(204, None)


@router.post("/plans/{plan_id}/status", response={200: PlanRead, **ERROR_RESPONSES})
def set_plan_status(request: HttpRequest, plan_id: int, payload: PlanStatusWrite) -> Any:
    """Draft, agreed, active, closed. Activating a version closes the one active before it."""
    plan = changeable_plan(request, plan_id)
    with transaction.atomic():
        services.set_plan_status(plan=plan, status=payload.status)
    return plan


@router.post("/plans/{plan_id}/versions", response={201: PlanRead, **ERROR_RESPONSES})
def start_new_version(request: HttpRequest, plan_id: int) -> Any:
    """A draft copy of the plan (objectives, actions, team) as its next version."""
    plan = changeable_plan(request, plan_id)
    with transaction.atomic():
        return Status(201, services.start_new_version(plan=plan, created_by=acting(request)))


@router.post("/plans/{plan_id}/next-period", response={201: PlanRead, **ERROR_RESPONSES})
def start_next_period(request: HttpRequest, plan_id: int, payload: PlanPeriodWrite) -> Any:
    """Next period's plan from this one, dates moved on by the distance between the periods."""
    plan = changeable_plan(request, plan_id)
    with transaction.atomic():
        new = services.start_next_period(
            plan=plan,
            period=payload.period,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            created_by=acting(request),
        )
    return Status(201, new)


@router.get("/plans/{plan_id}/sections", response={200: list[PlanSectionRead], **ERROR_RESPONSES})
def list_sections(request: HttpRequest, plan_id: int) -> Any:
    return plan_or_404(request, plan_id).sections.all()


@router.put("/plans/{plan_id}/sections/{key}", response={200: PlanSectionRead, **ERROR_RESPONSES})
def save_section(request: HttpRequest, plan_id: int, key: str, payload: PlanSectionWrite) -> Any:
    plan = changeable_plan(request, plan_id)
    with transaction.atomic():
        return services.save_section(plan=plan, key=key, text=payload.text)


@router.get("/plans/{plan_id}/completeness", response={200: CompletenessRead, **ERROR_RESPONSES})
def plan_completeness(request: HttpRequest, plan_id: int) -> Any:
    result = queries.plan_completeness(plan_or_404(request, plan_id))
    return {
        "score": result.score,
        "points": result.points,
        "gaps": [{"part": g.part, "message": g.message} for g in result.gaps],
    }
