"""Plan fixtures: active plans running today for a North and a South key account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kamkit.accounts.models import Account
from kamkit.accounts.tests.fixtures import Book
from kamkit.plans import services
from kamkit.plans.choices import Cadence, MetricKind, PlanStatus
from kamkit.plans.models import AccountPlan, Objective, PlanAction
from kamkit.users.tests.fixtures import Org


def make_plan(
    account: Account,
    *,
    period: str = "FY-test",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    status: str = PlanStatus.DRAFT,
) -> AccountPlan:
    """A plan running from 100 days ago to 265 days ahead, unless told otherwise."""
    today = timezone.localdate()
    plan = services.create_plan(
        account=account,
        period=period,
        starts_on=starts_on or today - dt.timedelta(days=100),
        ends_on=ends_on or today + dt.timedelta(days=265),
    )
    if status != PlanStatus.DRAFT:
        services.set_plan_status(plan=plan, status=status)
    return plan


def make_objective(plan: AccountPlan, **fields: Any) -> Objective:
    """A SMART objective (not a revenue one, so no realism check) unless ``fields`` say otherwise."""
    values: dict[str, Any] = {
        "title": "Sell into two more divisions",
        "owner": plan.account.owner,
        "metric_kind": MetricKind.VOLUME,
        "metric": "Divisions buying",
        "unit": "divisions",
        "baseline": Decimal(2),
        "target": Decimal(4),
        "due_on": plan.ends_on,
    }
    values.update(fields)
    return services.create_objective(plan=plan, data=services.ObjectiveInput(**values))


def make_action(objective: Objective, **fields: Any) -> PlanAction:
    values: dict[str, Any] = {
        "title": "Call the sponsor",
        "owner": objective.owner,
        "cadence": Cadence.WEEKLY,
        "first_due_on": objective.plan.starts_on,
    }
    values.update(fields)
    return services.create_action(objective=objective, data=services.ActionInput(**values))


@dataclass
class Plans:
    """
    alpha: active plan for Alpha Industries (kam_a owns, kam_b backs up; North), one objective
           with a weekly call owned by kam_a
    south: active plan for Southern Power (kam_south; South), made a key account for it
    """

    alpha: AccountPlan
    alpha_objective: Objective
    alpha_action: PlanAction
    south: AccountPlan


@pytest.fixture
def plans(org: Org, book: Book) -> Plans:
    Account.objects.filter(pk=book.south.pk).update(is_key_account=True)
    book.south.refresh_from_db()
    alpha = make_plan(book.alpha, status=PlanStatus.ACTIVE)
    objective = make_objective(alpha)
    action = make_action(objective)
    south = make_plan(book.south, status=PlanStatus.ACTIVE)
    make_action(make_objective(south, title="Keep the south running"), title="Visit the plant")
    return Plans(alpha=alpha, alpha_objective=objective, alpha_action=action, south=south)
