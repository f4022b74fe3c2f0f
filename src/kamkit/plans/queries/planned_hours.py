"""Planned time of plan actions per account, for the portfolio's return on time (value per hour of
logged or planned time).

An action's ``planned_minutes`` is the time planned for each of its occurrences. The time planned
for an account in a period is the sum over the occurrences due in it of their action's minutes,
counting:

- plans that run or ran: active ones, and closed ones that no later version of the same account
  and period replaced (a new version copies its occurrences, so counting both would count twice);
  drafts and agreed plans count once they are activated;
- occurrences done, missed or still to come; skipped ones are time no longer planned.

The portfolio sums the rows this returns per account in SQL (see ``kamkit.portfolio.queries.
planned_queryset``): one row per occurrence, with ``account_id`` and ``hours``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast

from kamkit.plans.choices import OccurrenceStatus, PlanStatus
from kamkit.plans.models import AccountPlan, ActionOccurrence

RAN = (PlanStatus.ACTIVE, PlanStatus.CLOSED)


def counted_plans() -> QuerySet[AccountPlan]:
    """Plans whose planned time counts: active, or closed and not replaced by a later version."""
    replaced = AccountPlan.objects.filter(
        account_id=OuterRef("account_id"),
        period=OuterRef("period"),
        version__gt=OuterRef("version"),
        status__in=RAN,
    )
    return AccountPlan.objects.filter(status__in=RAN).filter(Q(status=PlanStatus.ACTIVE) | ~Exists(replaced))


def planned_occurrences(start: dt.date, end: dt.date) -> QuerySet[ActionOccurrence]:
    """Occurrences with planned time due in (start, end], the portfolio's way of counting a period."""
    return ActionOccurrence.objects.filter(
        due_on__gt=start,
        due_on__lte=end,
        action__planned_minutes__gt=0,
        action__objective__plan__in=counted_plans(),
    ).exclude(status=OccurrenceStatus.SKIPPED)


def planned_hours(start: dt.date, end: dt.date) -> QuerySet[Any]:
    """The provider registered with ``kamkit.portfolio.queries.register_planned_hours``: one row per
    occurrence with its account and hours; the portfolio groups and sums them in SQL."""
    return (
        planned_occurrences(start, end)
        .order_by()
        .annotate(
            account_id=F("action__objective__plan__account_id"),
            hours=Cast(F("action__planned_minutes"), FloatField()) / Value(60.0),
        )
        .values("account_id", "hours")
    )


def planned_hours_by_account(start: dt.date, end: dt.date) -> dict[int, float]:
    """Hours planned per account in (start, end], one grouped SQL query (for pages and checks)."""
    rows = (
        planned_occurrences(start, end)
        .order_by()
        .values(account=F("action__objective__plan__account_id"))
        .annotate(minutes=Sum("action__planned_minutes"))
    )
    return {row["account"]: row["minutes"] / 60 for row in rows}


def planned_minutes_of(plan: AccountPlan) -> int:
    """All the time planned in one plan (every occurrence not skipped), in minutes."""
    total = (
        ActionOccurrence.objects.filter(action__objective__plan=plan, action__planned_minutes__gt=0)
        .exclude(status=OccurrenceStatus.SKIPPED)
        .aggregate(minutes=Sum("action__planned_minutes"))["minutes"]
    )
    return int(total or 0)
