"""Opportunities of the plan's account, from the plan."""

from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Status

from kamkit.accounts.models import Deal, Product
from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import queries, services
from kamkit.plans.api.base import api_fields, changeable_plan, people, pick, plan_or_404, router
from kamkit.plans.models import AccountPlan, Objective
from kamkit.plans.schemas import OpportunityCreate, OpportunityRead, OpportunityUpdate


@router.get("/plans/{plan_id}/opportunities", response={200: list[OpportunityRead], **ERROR_RESPONSES})
def list_opportunities(request: HttpRequest, plan_id: int) -> Any:
    """The account's open deals, with the objectives of this plan each one is linked to."""
    return queries.opportunities_of(plan_or_404(request, plan_id))


@router.post("/plans/{plan_id}/opportunities", response={201: OpportunityRead, **ERROR_RESPONSES})
def create_opportunity(request: HttpRequest, plan_id: int, payload: OpportunityCreate) -> Any:
    """An opportunity in the plan's account (an open deal), linked to one of its objectives if given."""
    plan = changeable_plan(request, plan_id)
    objective = pick(plan.objectives.all(), payload.objective_id, "objective_id", "objective of this plan")
    objectives = _objectives(plan, payload.objective_ids)
    if objective is not None and objective not in objectives:
        objectives.append(objective)
    data = services.OpportunityInput(
        name=payload.name,
        stage=payload.stage,
        amount=payload.amount,
        expected_close_on=payload.expected_close_on,
        product=pick(Product.objects.all(), payload.product_id, "product_id", "product"),
        owner=people(payload.owner_id, "owner_id"),
        objectives=objectives,
    )
    try:
        with transaction.atomic():
            deal = services.add_opportunity(plan=plan, data=data)
    except ServiceError as exc:
        raise api_fields(exc) from None
    return Status(201, queries.opportunities_of(plan).get(pk=deal.pk))


def _objectives(plan: AccountPlan, ids: list[int]) -> list[Objective]:
    found = list(plan.objectives.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ServiceError(
            "Unknown objective.", errors={"objective_ids": ["Not all of them are objectives of this plan."]}
        )
    return found


@router.patch("/plans/{plan_id}/opportunities/{deal_id}", response={200: OpportunityRead, **ERROR_RESPONSES})
def update_opportunity(request: HttpRequest, plan_id: int, deal_id: int, payload: OpportunityUpdate) -> Any:
    """Change what is sent: name, stage, value, expected close, product, owner, and the objectives
    of this plan it serves. Won or lost closes it (it then leaves the plan's open opportunities, and
    the answer shows it as it is now)."""
    plan = changeable_plan(request, plan_id)
    deals = queries.deals_for(request.user).filter(account_id=plan.account_id)
    deal: Deal = get_object_or_404(deals, pk=deal_id)
    sent = payload.dict(exclude_unset=True)
    product = deal.product
    if "product_id" in sent:
        product = pick(Product.objects.all(), sent["product_id"], "product_id", "product")
    objectives = None
    if sent.get("objective_ids") is not None:
        objectives = _objectives(plan, sent["objective_ids"])
    data = services.OpportunityInput(
        name=sent.get("name") or deal.name,
        stage=sent.get("stage") or deal.stage,
        amount=sent.get("amount", deal.amount),
        expected_close_on=sent.get("expected_close_on", deal.expected_close_on),
        product=product,
        owner=people(sent["owner_id"], "owner_id") if sent.get("owner_id") is not None else deal.owner,
        objectives=objectives,
    )
    try:
        with transaction.atomic():
            services.update_opportunity(plan=plan, deal=deal, data=data)
    except ServiceError as exc:
        raise api_fields(exc) from None
    return (
        Deal.objects.select_related("product", "owner")
        .prefetch_related(Prefetch("objectives", queryset=Objective.objects.filter(plan=plan)))
        .get(pk=deal.pk)
    )
