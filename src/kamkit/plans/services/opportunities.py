"""Opportunities of a plan's account, added and changed from the plan.

An opportunity is an ``accounts.Deal``. The deal rules (stages and their status, a close date for
won and lost deals, amounts, owners, external ids) are the deal services in
``kamkit.accounts.services`` (``DealInput``, ``create_deal``, ``update_deal``); this module calls
them and adds only what the plan needs: the plan is open, the deal is in the plan's account, a new
opportunity is open and named, and links go to objectives of this plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kamkit.accounts import services as deal_services
from kamkit.accounts.choices import STAGE_STATUS, DealStage, DealStatus
from kamkit.accounts.models import Deal, Product
from kamkit.core.errors import ServiceError
from kamkit.plans import clock
from kamkit.plans.models import AccountPlan, Objective
from kamkit.plans.services.common import require_open, set_links
from kamkit.users.models import User

OPEN_STAGES = [stage for stage in DealStage.values if STAGE_STATUS[DealStage(stage)] == DealStatus.OPEN]


@dataclass
class OpportunityInput:
    """What the plan lets one change about an opportunity. ``objectives``: the objectives of this plan
    it serves (None: leave the links as they are; links to other plans' objectives are never touched)."""

    name: str
    stage: str = DealStage.PROSPECTING
    amount: Decimal | None = None
    expected_close_on: dt.date | None = None
    product: Product | None = None
    owner: User | None = None
    objectives: list[Objective] | None = None


def _plan_errors(plan: AccountPlan, data: OpportunityInput, *, adding: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = ["Say what the opportunity is."]
    if data.stage not in DealStage.values:
        errors["stage"] = [f"Use one of: {', '.join(DealStage.values)}."]
    elif adding and data.stage not in OPEN_STAGES:
        errors["stage"] = [f"A new opportunity is open: use one of {', '.join(OPEN_STAGES)}."]
    strangers = [str(o) for o in data.objectives or [] if o.plan_id != plan.pk]
    if strangers:
        errors["objectives"] = [f"Not objectives of this plan: {', '.join(strangers)}."]
    return errors


def _refused(detail: str, errors: dict[str, list[str]]) -> ServiceError:
    return ServiceError(detail, errors=errors)


def _link_objectives(plan: AccountPlan, deal: Deal, wanted: list[Objective]) -> None:
    """Make ``wanted`` the objectives of ``plan`` that ``deal`` serves (each change audited)."""
    wanted_ids = {o.pk for o in wanted}
    for objective in plan.objectives.prefetch_related("deals"):
        linked = list(objective.deals.all())
        has = any(d.pk == deal.pk for d in linked)
        if objective.pk in wanted_ids and not has:
            set_links(objective, "deals", [*linked, deal])
        elif objective.pk not in wanted_ids and has:
            set_links(objective, "deals", [d for d in linked if d.pk != deal.pk])


def add_opportunity(*, plan: AccountPlan, data: OpportunityInput) -> Deal:
    """A new open deal in the plan's account (owner: the account's owner unless given), linked to
    the objectives given."""
    require_open(plan)
    errors = _plan_errors(plan, data, adding=True)
    if errors:
        raise _refused("The opportunity was not added.", errors)
    deal = deal_services.create_deal(
        data=deal_services.DealInput(
            account=plan.account,
            name=data.name.strip(),
            stage=data.stage,
            amount=data.amount,
            expected_close_on=data.expected_close_on,
            product=data.product,
            owner=data.owner or plan.account.owner,
            engaged_on=clock.today(),
        )
    )
    if data.objectives:
        _link_objectives(plan, deal, data.objectives)
    return deal


def update_opportunity(*, plan: AccountPlan, deal: Deal, data: OpportunityInput) -> Deal:
    """Change an opportunity's name, stage, value, expected close, product, owner and the objectives
    of this plan it serves. Moving it to won or lost closes it today (it then leaves the plan's list
    of open opportunities); moving it back to an open stage reopens it."""
    require_open(plan)
    if deal.account_id != plan.account_id:
        raise _refused(
            "That opportunity is at another account.", {"deal": [f"{deal} is not at {plan.account}."]}
        )
    errors = _plan_errors(plan, data, adding=False)
    if errors:
        raise _refused("The opportunity was not saved.", errors)
    is_open = STAGE_STATUS[DealStage(data.stage)] == DealStatus.OPEN
    closed_on = None if is_open else (deal.closed_on or clock.today())
    deal_services.update_deal(
        deal=deal,
        data=deal_services.DealInput(
            account=plan.account,
            name=data.name.strip(),
            external_id=deal.external_id,
            product=data.product,
            division=deal.division,
            owner=data.owner or deal.owner,
            stage=data.stage,
            amount=data.amount,
            margin=deal.margin,
            engaged_on=deal.engaged_on,
            expected_close_on=data.expected_close_on,
            closed_on=closed_on,
        ),
    )
    if data.objectives is not None:
        _link_objectives(plan, deal, data.objectives)
    return deal


def create_opportunity(
    *,
    plan: AccountPlan,
    name: str,
    amount: Decimal | None = None,
    stage: str = DealStage.PROSPECTING,
    expected_close_on: dt.date | None = None,
    product: Product | None = None,
    owner: User | None = None,
    objective: Objective | None = None,
) -> Deal:
    """An opportunity linked to one objective when given (add_opportunity with one link)."""
    return add_opportunity(
        plan=plan,
        data=OpportunityInput(
            name=name,
            stage=stage,
            amount=amount,
            expected_close_on=expected_close_on,
            product=product,
            owner=owner,
            objectives=[objective] if objective is not None else None,
        ),
    )
