"""How complete a plan is: the facts gathered in a few queries, scored by the plain rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from kamkit.accounts import queries as account_queries
from kamkit.accounts.choices import DealStatus
from kamkit.accounts.models import Deal
from kamkit.plans import clock, smart
from kamkit.plans import completeness as completeness_rules
from kamkit.plans.choices import MetricKind, PlanStatus, TeamSide
from kamkit.plans.models import AccountPlan, Objective
from kamkit.plans.queries.plans import won_last_12_months


def realism_factor() -> Decimal:
    """N in "a revenue target above N times last year's won revenue needs confirming"."""
    return Decimal(str(settings.KAMKIT_PLAN_REALISM_FACTOR))


class ObjectiveValues(Protocol):
    """What the SMART check reads of an objective: a saved one, or the input for one."""

    metric: str
    metric_kind: str
    baseline: Decimal | None
    target: Decimal | None
    due_on: dt.date | None
    confirmed_realistic: bool


def objective_facts(
    plan: AccountPlan, values: ObjectiveValues, *, has_owner: bool, won: Decimal | None
) -> smart.ObjectiveFacts:
    """The objective as the SMART check sees it, in ``plan`` (the one place the facts are gathered,
    for the services' refusals and for the plan pages' "not SMART yet" alike)."""
    return smart.ObjectiveFacts(
        has_owner=has_owner,
        metric=values.metric,
        metric_kind=values.metric_kind,
        baseline=values.baseline,
        target=values.target,
        due_on=values.due_on,
        period_start=plan.starts_on,
        period_end=plan.ends_on,
        won_last_12_months=won,
        realism_factor=realism_factor(),
        confirmed_realistic=values.confirmed_realistic,
    )


def smart_missing(objectives: Sequence[Objective], plan: AccountPlan) -> dict[int, list[str]]:
    """Objective id -> the SMART elements it misses (empty when SMART)."""
    revenue = any(o.metric_kind == MetricKind.REVENUE for o in objectives)
    won = won_last_12_months(plan.account) if revenue else None
    return {
        o.pk: smart.missing_elements(
            smart.check_smart(objective_facts(plan, o, has_owner=o.owner_id is not None, won=won))
        )
        for o in objectives
    }


def plan_summary(plan: AccountPlan, *, on: dt.date | None = None) -> completeness_rules.PlanSummary:
    on = on or clock.today()
    objectives = list(plan.objectives.annotate(action_count=Count("actions")))
    missing = smart_missing(objectives, plan)
    sides = dict(plan.members.values_list("side").annotate(n=Count("id")).order_by())
    last_review = plan.reviews.aggregate(last=Max("held_on"))["last"]
    linked = Deal.objects.filter(objectives__plan=plan, status=DealStatus.OPEN).distinct().count()
    profile = account_queries.profile_of(plan.account)
    sections = list(plan.sections.all())
    review_days = settings.KAMKIT_PLAN_REVIEW_DAYS
    running = plan.status != PlanStatus.CLOSED and on <= plan.ends_on

    def age(day: dt.date) -> int:
        return (on - day).days

    stale_sections = {
        s.title: age(timezone.localdate(s.updated_at))
        for s in sections
        if running and s.text.strip() and age(timezone.localdate(s.updated_at)) > review_days
    }
    stale_measurements = {
        o.title: age(o.current_on)
        for o in objectives
        if running and o.current is not None and o.current_on and age(o.current_on) > review_days
    }
    return completeness_rules.PlanSummary(
        situation_written=bool(plan.situation.strip()),
        sections={s.title: bool(s.text.strip()) for s in sections},
        stale_sections=stale_sections,
        stale_measurements=stale_measurements,
        objectives=[o.title for o in objectives],
        not_smart={o.title: missing[o.pk] for o in objectives if missing[o.pk]},
        without_actions=[o.title for o in objectives if not o.action_count],
        our_team=sides.get(TeamSide.OURS, 0),
        customer_team=sides.get(TeamSide.CUSTOMER, 0),
        linked_opportunities=linked,
        days_since_review=(on - last_review).days if last_review else None,
        plan_age_days=max((on - plan.starts_on).days, 0),
        review_days=review_days,
        profile_sections=len(profile),
        profile_missing=[v.label for v in profile if v.missing],
        profile_stale=[v.label for v in profile if v.stale and not v.missing],
    )


def plan_completeness(plan: AccountPlan, *, on: dt.date | None = None) -> completeness_rules.Completeness:
    return completeness_rules.completeness(plan_summary(plan, on=on))
