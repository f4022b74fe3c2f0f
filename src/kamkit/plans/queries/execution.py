"""Execution figures: completion by period, where objectives stand, what slipped, dashboards.

Counts come from SQL aggregates; the rules applied to them are the plain functions in tracking."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from kamkit.accounts.models import Account
from kamkit.plans import clock, tracking
from kamkit.plans.choices import OccurrenceStatus, PlanStatus, Track
from kamkit.plans.models import AccountPlan, ActionOccurrence, Objective
from kamkit.plans.queries.completeness import smart_missing
from kamkit.plans.queries.plans import plans_for

PENDING, DONE, SKIPPED, MISSED = (
    OccurrenceStatus.PENDING,
    OccurrenceStatus.DONE,
    OccurrenceStatus.SKIPPED,
    OccurrenceStatus.MISSED,
)


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
    return _completion(plan_occurrences(plan).aggregate(**_completion_aggregates(on or clock.today())))


def plan_progress(account: Account) -> float | None:
    """Share of due occurrences done in the account's active plan (the one running today, else the
    latest); None without an active plan or before anything fell due. Feeds account health."""
    on = clock.today()
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
    on = on or clock.today()
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
    on = on or clock.today()
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
    on = on or clock.today()
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
    on = on or clock.today()
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
    on = on or clock.today()
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
