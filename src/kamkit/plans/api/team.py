"""The plan's team on both sides."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Status

from kamkit.core import permissions
from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import services
from kamkit.plans.api.base import api_fields, changeable_plan, inside, people, pick, plan_or_404, router
from kamkit.plans.models import PlanMember
from kamkit.plans.schemas import PlanMemberCreate, PlanMemberRead

# Team ------------------------------------------------------------------------------------------------


@router.get("/plans/{plan_id}/team", response={200: list[PlanMemberRead], **ERROR_RESPONSES})
def list_team(request: HttpRequest, plan_id: int) -> Any:
    return plan_or_404(request, plan_id).members.select_related("user", "contact")


@router.post("/plans/{plan_id}/team", response={201: PlanMemberRead, **ERROR_RESPONSES})
def add_member(request: HttpRequest, plan_id: int, payload: PlanMemberCreate) -> Any:
    plan = changeable_plan(request, plan_id)
    contact = pick(plan.account.contacts.all(), payload.contact_id, "contact_id", "contact at this account")
    user = people(payload.user_id, "user_id")
    try:
        with transaction.atomic():
            member = services.add_member(
                plan=plan,
                side=payload.side,
                role=payload.role,
                user=user,
                contact=contact,
                responsibilities=payload.responsibilities,
            )
    except ServiceError as exc:
        raise api_fields(exc) from None
    return Status(201, member)


@router.delete("/plan-members/{member_id}", response={204: None, **ERROR_RESPONSES})
def remove_member(request: HttpRequest, member_id: int) -> Any:
    member = inside(
        request,
        permissions.visible_to(request.user, PlanMember).select_related("plan__account"),
        member_id,
        "plan.account",
    )
    with transaction.atomic():
        services.remove_member(member=member)
    return Status(204, None)
