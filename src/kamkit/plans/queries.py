"""Reading plans: lists, completeness, execution dashboards, the calendar and digest, qualification.

Every list starts from the permission service; counts come from SQL aggregates, and the rules
applied to them (tracking, completeness, SMART, scoring) are the plain functions next door.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kamkit.accounts import queries as account_queries
from kamkit.accounts.choices import DealStatus
from kamkit.accounts.models import Account, Deal
from kamkit.core import permissions
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.plans import completeness as completeness_rules
from kamkit.plans import scoring, smart, tracking
from kamkit.plans.choices import OccurrenceStatus, PlanStatus, TeamSide, Track
from kamkit.plans.models import (
    AccountPlan,
    ActionOccurrence,
    CalendarFeed,
    Objective,
    PlanAction,
    QualificationQuestion,
    QuestionSet,
    Scorecard,
)

PENDING, DONE, SKIPPED, MISSED = (
    OccurrenceStatus.PENDING,
    OccurrenceStatus.DONE,
    OccurrenceStatus.SKIPPED,
    OccurrenceStatus.MISSED,
)

PLAN_LIST = ListSpec(
    search_fields=("account__name", "period", "account__owner__full_name"),
    filters=(
        ListFilter("status", "Status", "status", choices=lambda: list(PlanStatus.choices)),
        ListFilter("account", "Account", "account_id", convert=int),
        ListFilter("owner", "Owner", "account__owner_id", convert=int),
        ListFilter("period", "Period", "period__iexact"),
    ),
    sort_fields={
        "account": "account__name",
        "period": "starts_on",
        "version": "version",
        "status": "status",
        "owner": "account__owner__full_name",
        "updated": "updated_at",
    },
    default_sort="account",
)


def today() -> dt.date:
    """Today in the organisation's time zone (settings.TIME_ZONE): due dates are its calendar dates."""
    return timezone.localdate()


def plans_for(user: Any) -> QuerySet[AccountPlan]:
    return permissions.visible_to(user, AccountPlan).select_related("account", "account__owner", "template")


def objectives_for(user: Any) -> QuerySet[Objective]:
    return permissions.visible_to(user, Objective).select_related("plan", "plan__account", "owner")


def actions_for(user: Any) -> QuerySet[PlanAction]:
    return permissions.visible_to(user, PlanAction).select_related(
        "objective", "objective__plan", "objective__plan__account", "owner"
    )


def occurrences_for(user: Any) -> QuerySet[ActionOccurrence]:
    return permissions.visible_to(user, ActionOccurrence).select_related(
        "action",
        "action__owner",
        "action__objective",
        "action__objective__plan",
        "action__objective__plan__account",
    )


def deals_for(user: Any) -> QuerySet[Deal]:
    return permissions.visible_to(user, Deal).select_related("account", "product", "owner")


def scorecards_for(user: Any) -> QuerySet[Scorecard]:
    return permissions.visible_to(user, Scorecard).select_related(
        "deal", "deal__account", "question_set", "decided_by"
    )


def question_sets_for(user: Any) -> QuerySet[QuestionSet]:
    return permissions.visible_to(user, QuestionSet).annotate(question_count=Count("questions"))


# Facts from the account ------------------------------------------------------------------------------


def won_last_12_months(account: Account, *, on: dt.date | None = None) -> Decimal:
    """The account's won revenue in the 365 days up to ``on`` (today), one SQL sum."""
    since = (on or today()) - dt.timedelta(days=365)
    total = Deal.objects.filter(account=account, status=DealStatus.WON, closed_on__gte=since).aggregate(
        total=Sum("amount")
    )["total"]
    return Decimal(total or 0)


def situation_from_profile(account: Account) -> str:
    """A plan's situation summary written from the account profile and the deal figures."""
    lines = []
    for view in account_queries.profile_of(account):
        section = view.section
        if view.missing or section is None:
            continue
        text = " ".join(section.text.split())
        if section.items:
            parts = [
                f"{part.capitalize()}: {'; '.join(items)}." for part, items in section.items.items() if items
            ]
            text = " ".join([text, *parts]).strip()
        if len(text) > 400:
            text = text[:397].rstrip() + "..."
        stale = " (not reviewed lately)" if view.stale else ""
        lines.append(f"{view.label}{stale}: {text}")
    totals = account_queries.deal_totals(account)
    lines.append(
        f"Won in the last 12 months: {totals['won_12m'] or 0:,.0f}; open pipeline: "
        f"{totals['pipeline'] or 0:,.0f} in {totals['open']} deals."
    )
    return "\n".join(lines)


# Completeness ----------------------------------------------------------------------------------------


def _objective_facts(objective: Objective, plan: AccountPlan, won: Decimal | None) -> smart.ObjectiveFacts:
    return smart.ObjectiveFacts(
        has_owner=objective.owner_id is not None,
        metric=objective.metric,
        metric_kind=objective.metric_kind,
        baseline=objective.baseline,
        target=objective.target,
        due_on=objective.due_on,
        period_start=plan.starts_on,
        period_end=plan.ends_on,
        won_last_12_months=won,
        realism_factor=Decimal(str(settings.KAMKIT_PLAN_REALISM_FACTOR)),
        confirmed_realistic=objective.confirmed_realistic,
    )


def smart_missing(objectives: Sequence[Objective], plan: AccountPlan) -> dict[int, list[str]]:
    """Objective id -> the SMART elements it misses (empty when SMART)."""
    won = won_last_12_months(plan.account) if any(o.metric_kind == "revenue" for o in objectives) else None
    return {
        o.pk: smart.missing_elements(smart.check_smart(_objective_facts(o, plan, won))) for o in objectives
    }


def plan_summary(plan: AccountPlan, *, on: dt.date | None = None) -> completeness_rules.PlanSummary:
    on = on or today()
    objectives = list(plan.objectives.annotate(action_count=Count("actions")))
    missing = smart_missing(objectives, plan)
    sides = dict(plan.members.values_list("side").annotate(n=Count("id")).order_by())
    last_review = plan.reviews.aggregate(last=Max("held_on"))["last"]
    linked = Deal.objects.filter(objectives__plan=plan, status=DealStatus.OPEN).distinct().count()
    profile = account_queries.profile_of(plan.account)
    return completeness_rules.PlanSummary(
        situation_written=bool(plan.situation.strip()),
        sections={s.title: bool(s.text.strip()) for s in plan.sections.all()},
        objectives=[o.title for o in objectives],
        not_smart={o.title: missing[o.pk] for o in objectives if missing[o.pk]},
        without_actions=[o.title for o in objectives if not o.action_count],
        our_team=sides.get(TeamSide.OURS, 0),
        customer_team=sides.get(TeamSide.CUSTOMER, 0),
        linked_opportunities=linked,
        days_since_review=(on - last_review).days if last_review else None,
        plan_age_days=max((on - plan.starts_on).days, 0),
        review_days=settings.KAMKIT_PLAN_REVIEW_DAYS,
        profile_sections=len(profile),
        profile_missing=[v.label for v in profile if v.missing],
        profile_stale=[v.label for v in profile if v.stale and not v.missing],
    )


def plan_completeness(plan: AccountPlan) -> completeness_rules.Completeness:
    return completeness_rules.completeness(plan_summary(plan))


# Execution -------------------------------------------------------------------------------------------


def _completion_aggregates(on: dt.date, prefix: str = "") -> dict[str, Any]:
    """Counts of occurrences (reached through ``prefix``) as tracking.completion counts them: due
    means past due, or due on ``on`` and already marked."""

    def q(**lookups: Any) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    marked = [DONE, SKIPPED, MISSED]
    key = f"{prefix}id"
    return {
        "due": Count(key, filter=q(due_on__lt=on) | q(due_on=on, status__in=marked)),
        "done": Count(key, filter=q(status=DONE, due_on__lte=on)),
        "skipped": Count(key, filter=q(status=SKIPPED, due_on__lte=on)),
        "overdue": Count(key, filter=q(status=PENDING, due_on__lt=on)),
        "upcoming": Count(key, filter=q(status=PENDING, due_on__gte=on)),
    }


def _completion(row: Mapping[str, Any]) -> tracking.Completion:
    due, done, skipped = row["due"] or 0, row["done"] or 0, row["skipped"] or 0
    return tracking.Completion(due=due, done=done, skipped=skipped, missed=due - done - skipped)


def plan_occurrences(plan: AccountPlan) -> QuerySet[ActionOccurrence]:
    return ActionOccurrence.objects.filter(action__objective__plan=plan)


def plan_completion(plan: AccountPlan, *, on: dt.date | None = None) -> tracking.Completion:
    return _completion(plan_occurrences(plan).aggregate(**_completion_aggregates(on or today())))


def plan_progress(account: Account) -> float | None:
    """Share of due occurrences done in the account's active plan (the one running today, else the
    latest); None without an active plan or before anything fell due. Feeds account health."""
    on = today()
    active = AccountPlan.objects.filter(account=account, status=PlanStatus.ACTIVE)
    plan = (
        active.filter(starts_on__lte=on, ends_on__gte=on).order_by("-starts_on").first()
        or active.order_by("-starts_on").first()
    )
    return plan_completion(plan, on=on).rate if plan else None


@dataclass
class MonthRow:
    month: dt.date
    completion: tracking.Completion
    planned: int  # all occurrences of the month, due or not


def completion_by_month(
    occurrences: QuerySet[ActionOccurrence], *, on: dt.date | None = None
) -> list[MonthRow]:
    """Completion per calendar month of the due dates, one grouped SQL query."""
    on = on or today()
    rows = (
        occurrences.annotate(month=TruncMonth("due_on"))
        .values("month")
        .annotate(planned=Count("id"), **_completion_aggregates(on))
        .order_by("month")
    )
    result = []
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        result.append(MonthRow(month=month, completion=_completion(row), planned=row["planned"]))
    return result


@dataclass
class ObjectiveRow:
    objective: Objective
    track: Track
    progress: float | None
    elapsed: float
    smart_missing: list[str] = field(default_factory=list)

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)

    @property
    def elapsed_percent(self) -> int:
        return round(self.elapsed * 100)


def objective_rows(
    objectives: Sequence[Objective], plan: AccountPlan, *, on: dt.date | None = None, with_smart: bool = True
) -> list[ObjectiveRow]:
    on = on or today()
    missing = smart_missing(objectives, plan) if with_smart else {}
    rows = []
    for objective in objectives:
        track, progress = tracking.objective_track(
            baseline=objective.baseline,
            target=objective.target,
            current=objective.current,
            start=plan.starts_on,
            due_on=objective.due_on,
            today=on,
        )
        elapsed = tracking.elapsed_share(plan.starts_on, objective.due_on or plan.ends_on, on)
        rows.append(ObjectiveRow(objective, track, progress, elapsed, missing.get(objective.pk, [])))
    return rows


def track_counts(rows: list[ObjectiveRow]) -> dict[str, int]:
    counts = {track.value: 0 for track in Track}
    for row in rows:
        counts[row.track.value] += 1
    return counts


@dataclass
class Slip:
    day: dt.date
    what: str
    detail: str
    kind: str  # "overdue" | "missed" | "objective"


def slipped(
    plan: AccountPlan, rows: list[ObjectiveRow], *, on: dt.date | None = None, limit: int = 50
) -> list[Slip]:
    """What slipped: occurrences missed or overdue, and objectives off track or past due short of target."""
    on = on or today()
    slips = []
    occurrences = (
        plan_occurrences(plan)
        .filter(Q(status=MISSED) | Q(status=PENDING, due_on__lt=on))
        .select_related("action", "action__owner")
        .order_by("-due_on")[:limit]
    )
    for o in occurrences:
        kind = "missed" if o.status == MISSED else "overdue"
        owner = o.action.owner or "nobody"
        slips.append(
            Slip(o.due_on, o.action.title, f"{kind}, owner {owner}{': ' + o.note if o.note else ''}", kind)
        )
    for row in rows:
        objective = row.objective
        if row.track == Track.OFF_TRACK:
            slips.append(
                Slip(
                    objective.due_on or plan.ends_on,
                    objective.title,
                    f"off track: {row.progress_percent}% of the way, {row.elapsed_percent}% of the time gone",
                    "objective",
                )
            )
        elif objective.due_on and objective.due_on < on and row.progress is not None and row.progress < 1:
            slips.append(
                Slip(
                    objective.due_on,
                    objective.title,
                    f"past due at {row.progress_percent}% of target",
                    "objective",
                )
            )
    return sorted(slips, key=lambda slip: slip.day, reverse=True)


@dataclass
class PlanDashboard:
    plan: AccountPlan
    completion: tracking.Completion
    months: list[MonthRow]
    objectives: list[ObjectiveRow]
    tracks: dict[str, int]
    slipped: list[Slip]
    mean_worth: float | None


def plan_dashboard(plan: AccountPlan, *, on: dt.date | None = None) -> PlanDashboard:
    on = on or today()
    occurrences = plan_occurrences(plan)
    figures = occurrences.aggregate(
        **_completion_aggregates(on),
        worth_sum=Sum("worth", filter=Q(worth__isnull=False)),
        worth_n=Count("id", filter=Q(worth__isnull=False)),
    )
    rows = objective_rows(list(plan.objectives.select_related("owner")), plan, on=on)
    return PlanDashboard(
        plan=plan,
        completion=_completion(figures),
        months=completion_by_month(occurrences, on=on),
        objectives=rows,
        tracks=track_counts(rows),
        slipped=slipped(plan, rows, on=on),
        mean_worth=figures["worth_sum"] / figures["worth_n"] if figures["worth_n"] else None,
    )


@dataclass
class TeamPlanRow:
    plan: AccountPlan
    completion: tracking.Completion
    overdue: int
    tracks: dict[str, int]


@dataclass
class TeamDashboard:
    rows: list[TeamPlanRow]
    completion: tracking.Completion
    tracks: dict[str, int]
    months: list[MonthRow]
    by_owner: list[tuple[str, tracking.Completion, int]]  # owner, completion, plans
    by_team: list[tuple[str, tracking.Completion, int]]  # the accounts' team, completion, plans


def _sum_completion(rows: list[TeamPlanRow]) -> tracking.Completion:
    return tracking.Completion(
        due=sum(r.completion.due for r in rows),
        done=sum(r.completion.done for r in rows),
        skipped=sum(r.completion.skipped for r in rows),
        missed=sum(r.completion.missed for r in rows),
    )


def _grouped(rows: list[TeamPlanRow], key: Any) -> list[tuple[str, tracking.Completion, int]]:
    groups: dict[str, list[TeamPlanRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return [(name, _sum_completion(group), len(group)) for name, group in sorted(groups.items())]


def team_dashboard(user: Any, *, on: dt.date | None = None, team_id: int | None = None) -> TeamDashboard:
    """Every active plan the user may see (a manager: their people's accounts), optionally of one
    team's accounts, in a fixed number of queries whatever the number of plans."""
    on = on or today()
    visible = plans_for(user).filter(status=PlanStatus.ACTIVE).select_related("account__team")
    if team_id is not None:
        visible = visible.filter(account__team_id=team_id)
    plans = list(
        visible.annotate(**_completion_aggregates(on, prefix="objectives__actions__occurrences__")).order_by(
            "account__name", "-starts_on"
        )
    )
    by_plan: dict[int, list[Objective]] = defaultdict(list)
    for objective in Objective.objects.filter(plan__in=[p.pk for p in plans]):
        by_plan[objective.plan_id].append(objective)
    rows = []
    all_tracks = {track.value: 0 for track in Track}
    for plan in plans:
        tracks = track_counts(objective_rows(by_plan[plan.pk], plan, on=on, with_smart=False))
        for key, count in tracks.items():
            all_tracks[key] += count
        figures = {k: getattr(plan, k) for k in ("due", "done", "skipped")}
        rows.append(TeamPlanRow(plan, _completion(figures), plan.overdue, tracks))  # type: ignore[attr-defined]
    total = _sum_completion(rows)
    months = completion_by_month(
        ActionOccurrence.objects.filter(
            action__objective__plan__in=[p.pk for p in plans],
            due_on__gte=dt.date(on.year - 1, on.month, 1),
            due_on__lte=on,
        ),
        on=on,
    )
    return TeamDashboard(
        rows=rows,
        completion=total,
        tracks=all_tracks,
        months=months,
        by_owner=_grouped(rows, lambda row: str(row.plan.account.owner or "No owner")),
        by_team=_grouped(rows, lambda row: str(row.plan.account.team or "No team")),
    )


# Calendar and digest ---------------------------------------------------------------------------------


def calendar_user(token: str) -> Any:
    """The active person a secret calendar token belongs to, or None."""
    feed = (
        CalendarFeed.objects.filter(token_hash=CalendarFeed.hash_token(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    return feed.user if feed else None


def live_occurrences() -> QuerySet[ActionOccurrence]:
    """Occurrences of actions in active plans (drafts and closed plans do not nag anyone)."""
    return ActionOccurrence.objects.filter(action__objective__plan__status=PlanStatus.ACTIVE).select_related(
        "action", "action__objective", "action__objective__plan", "action__objective__plan__account"
    )


def calendar_occurrences(user: Any, *, on: dt.date | None = None) -> QuerySet[ActionOccurrence]:
    """What goes in a person's calendar feed: their actions' occurrences from 90 days back on."""
    since = (on or today()) - dt.timedelta(days=90)
    return live_occurrences().filter(action__owner=user, due_on__gte=since).order_by("due_on", "pk")


@dataclass
class DigestItems:
    overdue: list[ActionOccurrence]
    this_week: list[ActionOccurrence]


def digest_items(user: Any, *, on: dt.date | None = None) -> DigestItems:
    on = on or today()
    pending = live_occurrences().filter(
        action__owner=user, status=PENDING, due_on__lte=on + dt.timedelta(days=6)
    )
    overdue: list[ActionOccurrence] = []
    this_week: list[ActionOccurrence] = []
    for occurrence in pending.order_by("due_on", "pk"):
        (overdue if occurrence.due_on < on else this_week).append(occurrence)
    return DigestItems(overdue=overdue, this_week=this_week)


def digest_owner_ids(*, on: dt.date | None = None) -> list[int]:
    """People with something overdue or due in the coming week in an active plan."""
    on = on or today()
    return list(
        live_occurrences()
        .filter(status=PENDING, due_on__lte=on + dt.timedelta(days=6), action__owner__is_active=True)
        .values_list("action__owner_id", flat=True)
        .distinct()
        .order_by("action__owner_id")
    )


# Plan pages ------------------------------------------------------------------------------------------


def opportunities_of(plan: AccountPlan) -> QuerySet[Deal]:
    """The account's open deals, each with the objectives of this plan it is linked to."""
    return (
        Deal.objects.filter(account_id=plan.account_id, status=DealStatus.OPEN)
        .select_related("product", "owner")
        .prefetch_related(Prefetch("objectives", queryset=Objective.objects.filter(plan=plan)))
        .annotate(scorecard_count=Count("scorecards"))
        .order_by("expected_close_on", "pk")
    )


def versions_of(plan: AccountPlan) -> QuerySet[AccountPlan]:
    return AccountPlan.objects.filter(account_id=plan.account_id).order_by("-starts_on", "-version")


def action_occurrences(plan: AccountPlan) -> QuerySet[PlanAction]:
    """The plan's actions with their occurrences (for the execution page), in two queries."""
    return (
        PlanAction.objects.filter(objective__plan=plan)
        .select_related("owner", "objective")
        .prefetch_related(
            Prefetch(
                "occurrences",
                queryset=ActionOccurrence.objects.select_related("marked_by").order_by("due_on"),
            )
        )
        .order_by("objective__order", "objective_id", "first_due_on", "pk")
    )


# Qualification ---------------------------------------------------------------------------------------


def questions_of(question_set: QuestionSet) -> list[QualificationQuestion]:
    return list(question_set.questions.all())


def scorecard_profile(scorecard: Scorecard) -> scoring.ScoreProfile:
    scores = dict(scorecard.answers.values_list("question_id", "score"))
    answers = [(q.round, scores.get(q.pk)) for q in scorecard.question_set.questions.all()]
    return scoring.score_profile(answers, list(scorecard.question_set.round_names or []))


# Home page -------------------------------------------------------------------------------------------


def home_cards(user: Any) -> list[Any]:
    """The start page: your overdue plan actions and the active plans you can see."""
    from kamkit.core.home import HomeCard

    on = today()
    mine = (
        live_occurrences()
        .filter(action__owner=user, status=PENDING)
        .aggregate(
            overdue=Count("id", filter=Q(due_on__lt=on)),
            week=Count("id", filter=Q(due_on__gte=on, due_on__lte=on + dt.timedelta(days=6))),
        )
    )
    active = plans_for(user).filter(status=PlanStatus.ACTIVE).count()
    return [
        HomeCard(
            "Overdue plan actions",
            mine["overdue"],
            "See the plans",
            "plans:list",
            note=f"{mine['week']} more due in the coming week",
        ),
        HomeCard("Active account plans", active, "Open the execution dashboard", "plans:team_dashboard"),
    ]
