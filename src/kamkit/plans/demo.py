"""Demo account plans: about half of the key accounts get an active plan for the demo's year, with
two or three objectives, weekly, monthly and quarterly actions, and the past occurrences marked
(mostly done, some skipped, a few left to go overdue), a team on both sides and a first review.

Plans cover the calendar year of the demo's day (``context.as_of``), named FY<year> like the plans
people start themselves; occurrences before that day are marked, the rest wait. So a seed and a day
give the same plans, and the same day of another year the same plans a year on (leap days aside).
A demo loaded early in January has a young plan year with little history, as a real one would.
Rows are written in bulk and bypass the audit trail; the report line says what was made. At most
``MAX_PLANS`` plans are made, so a 100,000-account demo stays quick.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from kamkit.accounts.choices import BuyingRole, DealStatus
from kamkit.accounts.models import Account, Contact, Deal
from kamkit.core.demo import DemoContext, builder
from kamkit.plans import queries, recurrence
from kamkit.plans.choices import Cadence, MetricKind, OccurrenceStatus, PlanStatus, TeamSide
from kamkit.plans.models import (
    AccountPlan,
    AccountReview,
    ActionOccurrence,
    Objective,
    PlanAction,
    PlanMember,
    PlanSection,
    PlanTemplate,
)
from kamkit.plans.services import DEFAULT_SECTIONS

PLAN_SHARE = 0.5
MAX_PLANS = 300
BATCH = 1_000

SECTION_TEXT = {
    "goal": "Become their first call for {line} and double the number of divisions buying from us.",
    "opportunities": "Renewal of the main contract in spring; two divisions still buy from a competitor.",
    "risks": "Our sponsor may move on after the reorganisation; a competitor is offering lower prices.",
    "key-players": "Their purchasing director decides; the operations lead is our strongest supporter.",
    "next-steps": "Quarterly review booked; proposal for the second division by the end of next month.",
}

# (title, metric kind, metric, unit, baseline, target, current) - revenue figures come from deals
OBJECTIVES = [
    ("Grow revenue with the account", MetricKind.REVENUE, "Won revenue in the year", "EUR"),
    ("Sell into more divisions", MetricKind.VOLUME, "Divisions buying from us", "divisions"),
    ("Raise customer satisfaction", MetricKind.SCORE, "Mean feedback score", "of 10"),
]
ACTIONS = {
    MetricKind.REVENUE: [
        ("Call the sponsor about open opportunities", Cadence.WEEKLY),
        ("Account review with the buying team", Cadence.MONTHLY),
    ],
    MetricKind.VOLUME: [("Meet a new division's lead", Cadence.MONTHLY)],
    MetricKind.SCORE: [
        ("Ask for feedback on the last delivery", Cadence.MONTHLY),
        ("Executive business review", Cadence.QUARTERLY),
    ],
}


# Time set aside for each occurrence (feeds the portfolio's return on time): short calls, longer reviews.
PLANNED_MINUTES = {Cadence.WEEKLY: 20, Cadence.MONTHLY: 60, Cadence.QUARTERLY: 120}


@builder(30, "plans")
def build_plans(context: DemoContext) -> str:
    rng = context.rng
    existing = AccountPlan.objects.count()
    if existing:
        return f"skipped: the database already holds {existing:,} plans"
    # the accounts builder says which key accounts it made (none when it skipped); without it, all
    key_ids: list[int] = (
        context.made["key_accounts"]
        if "key_accounts" in context.made
        else list(Account.objects.filter(is_key_account=True).order_by("pk").values_list("pk", flat=True))
    )
    chosen = sorted(i for i in key_ids if rng.random() < PLAN_SHARE)[:MAX_PLANS]
    if not chosen:
        return "no plans (no key accounts)"
    accounts = {
        a.pk: a for a in Account.objects.filter(pk__in=chosen).select_related("owner", "backup_owner")
    }
    today = context.as_of
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    won = dict(
        Deal.objects.filter(
            account_id__in=chosen, status=DealStatus.WON, closed_on__gte=today - dt.timedelta(days=365)
        )
        .values_list("account_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    buyers: dict[int, Contact] = {}
    for contact in Contact.objects.filter(account_id__in=chosen, has_left=False).order_by("-influence", "pk"):
        if contact.account_id not in buyers or contact.buying_role == BuyingRole.ECONOMIC_BUYER:
            buyers.setdefault(contact.account_id, contact)
    template = PlanTemplate.objects.filter(slug="lean-one-page").prefetch_related("sections").first()
    sections = [(s.key, s.title, s.prompt) for s in template.sections.all()] if template else DEFAULT_SECTIONS

    plans = AccountPlan.objects.bulk_create(
        [
            AccountPlan(
                account_id=pk,
                period=f"FY{today.year}",
                starts_on=year_start,
                ends_on=year_end,
                status=PlanStatus.ACTIVE,
                template=template,
                situation=queries.situation_from_profile(accounts[pk]),
            )
            for pk in chosen
        ],
        batch_size=BATCH,
    )
    PlanSection.objects.bulk_create(
        [
            PlanSection(
                plan=plan,
                key=key,
                title=title,
                prompt=prompt,
                text=SECTION_TEXT.get(key, "").format(line="their core purchases")
                if rng.random() < 0.8
                else "",
                order=order,
            )
            for plan in plans
            for order, (key, title, prompt) in enumerate(sections)
        ],
        batch_size=BATCH,
    )
    members = []
    for plan in plans:
        account = accounts[plan.account_id]
        if account.owner_id:
            members.append(
                PlanMember(plan=plan, side=TeamSide.OURS, user_id=account.owner_id, role="Account lead")
            )
        if account.backup_owner_id:
            members.append(
                PlanMember(
                    plan=plan, side=TeamSide.OURS, user_id=account.backup_owner_id, role="Backup and delivery"
                )
            )
        if plan.account_id in buyers:
            members.append(
                PlanMember(
                    plan=plan,
                    side=TeamSide.CUSTOMER,
                    contact=buyers[plan.account_id],
                    role="Executive sponsor",
                    responsibilities="Signs off the plan's goals and meets us each quarter.",
                )
            )
    PlanMember.objects.bulk_create(members, batch_size=BATCH)

    elapsed = (today - year_start).days / (year_end - year_start).days
    objectives = []
    for plan in plans:
        account = accounts[plan.account_id]
        for order, (title, kind, metric, unit) in enumerate(OBJECTIVES[: rng.choice((2, 3, 3))]):
            if kind == MetricKind.REVENUE:
                baseline = Decimal(round(float(won.get(plan.account_id) or 50_000), -3))
                target = (baseline * Decimal("1.2")).quantize(Decimal(1))
            elif kind == MetricKind.VOLUME:
                baseline, target = Decimal(rng.randint(1, 3)), Decimal(rng.randint(4, 6))
            else:
                baseline, target = Decimal("6.5"), Decimal("8.0")
            # progress spread around the time gone by, so some are on track, some at risk, some off
            progress = max(0.0, elapsed + rng.uniform(-0.45, 0.2))
            current = (baseline + (target - baseline) * Decimal(str(round(progress, 3)))).quantize(
                Decimal("0.1")
            )
            objectives.append(
                Objective(
                    plan=plan,
                    title=title,
                    owner_id=account.owner_id,
                    metric_kind=kind,
                    metric=metric,
                    unit=unit,
                    baseline=baseline,
                    target=target,
                    current=current,
                    current_on=today,
                    due_on=year_end,
                    order=order,
                )
            )
    Objective.objects.bulk_create(objectives, batch_size=BATCH)

    actions = []
    for objective in objectives:
        for title, cadence in ACTIONS[MetricKind(objective.metric_kind)]:
            first = year_start + dt.timedelta(days=rng.randint(3, 40))
            actions.append(
                PlanAction(
                    objective=objective,
                    title=title,
                    owner_id=objective.owner_id,
                    cadence=cadence,
                    first_due_on=first,
                    planned_minutes=PLANNED_MINUTES[cadence],
                )
            )
    PlanAction.objects.bulk_create(actions, batch_size=BATCH)

    # drawn before the occurrences, whose number depends on the calendar: a review is held on the same
    # day before the demo's day whatever its year (none before the plan year starts)
    reviews = []
    for plan in plans:
        held_on = today - dt.timedelta(days=rng.randint(10, 120))
        if rng.random() < 0.7 and held_on >= year_start:
            reviews.append(
                AccountReview(
                    plan=plan,
                    held_on=held_on,
                    other_attendees="Account team and the customer's sponsor",
                    what_changed="The customer reorganised purchasing under one director.",
                    decisions="Keep the revenue goal; bring the second division's proposal forward.",
                    revisions="Added a monthly call with the new purchasing director.",
                )
            )
    AccountReview.objects.bulk_create(reviews, batch_size=BATCH)

    occurrences = []
    counts: dict[str, int] = defaultdict(int)
    for action in actions:
        diligence = rng.uniform(0.55, 0.95)
        for day in recurrence.occurrence_dates(action.cadence, action.first_due_on, year_end):
            status, note, worth = OccurrenceStatus.PENDING, "", None
            if day < today:
                roll = rng.random()
                if roll < diligence:
                    status, worth = OccurrenceStatus.DONE, rng.randint(2, 5)
                    note = rng.choice(
                        ["", "", "Good conversation", "Follow-up agreed", "Sent the notes round"]
                    )
                elif roll < diligence + 0.08:
                    status, note = OccurrenceStatus.SKIPPED, "Customer on holiday"
                elif roll < diligence + 0.12:
                    status, note = OccurrenceStatus.MISSED, "Slipped; rebooked"
            counts[status] += 1
            occurrences.append(
                ActionOccurrence(
                    action=action,
                    due_on=day,
                    status=status,
                    note=note,
                    worth=worth,
                    marked_at=None if status == OccurrenceStatus.PENDING else context.at(day),
                    marked_by_id=None if status == OccurrenceStatus.PENDING else action.owner_id,
                )
            )
    ActionOccurrence.objects.bulk_create(occurrences, batch_size=BATCH)

    context.made["plans"] = [plan.pk for plan in plans]
    return (
        f"{len(plans):,} active plans for {len(key_ids):,} key accounts, {len(objectives):,} objectives, "
        f"{len(actions):,} actions, {len(occurrences):,} occurrences ({counts['done']:,} done, "
        f"{counts['skipped']:,} skipped, {counts['missed']:,} missed), {len(reviews):,} reviews"
    )
