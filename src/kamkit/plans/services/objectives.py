"""SMART objectives: each missing element refused by name; revenue targets checked for realism."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kamkit.accounts.models import Deal
from kamkit.core.errors import ServiceError
from kamkit.plans import clock, smart
from kamkit.plans.choices import MetricKind
from kamkit.plans.models import AccountPlan, ActionOccurrence, Objective
from kamkit.plans.queries.completeness import objective_facts
from kamkit.plans.queries.plans import won_last_12_months
from kamkit.plans.services.common import refuse, refuse_if_marked, require_open, set_links
from kamkit.users.models import User

# Objectives ------------------------------------------------------------------------------------------


@dataclass
class ObjectiveInput:
    title: str
    owner: User | None = None
    metric_kind: str = MetricKind.OTHER
    metric: str = ""
    unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    current: Decimal | None = None
    current_on: dt.date | None = None
    due_on: dt.date | None = None
    description: str = ""
    confirmed_realistic: bool = False
    deals: list[Deal] | None = None  # None: leave the links as they are


def _facts(plan: AccountPlan, data: ObjectiveInput) -> smart.ObjectiveFacts:
    """The objective as the SMART check sees it, with the account's won revenue looked up when needed."""
    won = (
        won_last_12_months(plan.account)
        if data.metric_kind == MetricKind.REVENUE and data.target is not None
        else None
    )
    return objective_facts(plan, data, has_owner=data.owner is not None, won=won)


def _objective_errors(
    plan: AccountPlan, data: ObjectiveInput, facts: smart.ObjectiveFacts
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = ["Say in a few words what the objective is."]
    if data.metric_kind not in MetricKind.values:
        errors["metric_kind"] = [f"Use one of: {', '.join(MetricKind.values)}."]
    if data.owner is not None and not data.owner.is_active:
        errors["owner"] = [f"{data.owner} is no longer active."]
    strangers = [str(d) for d in data.deals or [] if d.account_id != plan.account_id]
    if strangers:
        errors["deals"] = [f"Not opportunities of {plan.account}: {', '.join(strangers)}."]
    for name, messages in smart.errors_by_field(smart.check_smart(facts)).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def _apply_objective(objective: Objective, data: ObjectiveInput, facts: smart.ObjectiveFacts) -> None:
    objective.title = data.title.strip()
    objective.description = data.description.strip()
    objective.owner = data.owner
    objective.metric_kind = data.metric_kind
    objective.metric = data.metric.strip()
    objective.unit = data.unit.strip()
    objective.baseline, objective.target = data.baseline, data.target
    if data.current != objective.current:
        objective.current_on = data.current_on or (clock.today() if data.current is not None else None)
    elif data.current_on is not None:
        objective.current_on = data.current_on
    objective.current = data.current
    objective.due_on = data.due_on
    # only a target that needed confirming keeps the confirmation on record
    objective.confirmed_realistic = data.confirmed_realistic and bool(smart.realism_warning(facts))


def create_objective(*, plan: AccountPlan, data: ObjectiveInput) -> Objective:
    """A SMART objective; each missing element is refused by name, and a revenue target far above
    the account's history needs ``confirmed_realistic``."""
    require_open(plan)
    facts = _facts(plan, data)
    errors = _objective_errors(plan, data, facts)
    if errors:
        raise ServiceError("The objective is not SMART yet.", errors=errors)
    objective = Objective(plan=plan, order=plan.objectives.count())
    _apply_objective(objective, data, facts)
    objective.save()
    if data.deals:
        set_links(objective, "deals", data.deals)
    return objective


def update_objective(*, objective: Objective, data: ObjectiveInput) -> Objective:
    plan = objective.plan
    require_open(plan)
    facts = _facts(plan, data)
    errors = _objective_errors(plan, data, facts)
    if errors:
        raise ServiceError("The objective is not SMART yet.", errors=errors)
    _apply_objective(objective, data, facts)
    objective.save()
    if data.deals is not None:
        set_links(objective, "deals", data.deals)
    return objective


def record_progress(
    *, objective: Objective, current: Decimal, measured_on: dt.date | None = None
) -> Objective:
    """The metric's latest value (what the on track / at risk / off track call is made from)."""
    require_open(objective.plan)
    objective.current = current
    objective.current_on = measured_on or clock.today()
    objective.save()
    return objective


def delete_objective(*, objective: Objective) -> None:
    require_open(objective.plan)
    refuse_if_marked(ActionOccurrence.objects.filter(action__objective=objective), str(objective))
    objective.delete()


def link_deal(*, objective: Objective, deal: Deal) -> None:
    require_open(objective.plan)
    if deal.account_id != objective.plan.account_id:
        raise refuse(
            "That opportunity is at another account.", deal=f"{deal} is not at {objective.plan.account}."
        )
    set_links(objective, "deals", [*objective.deals.all(), deal])
