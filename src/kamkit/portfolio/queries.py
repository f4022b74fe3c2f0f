"""Reading the portfolio, and the SQL that computes it.

- ``metrics_queryset`` and ``normalised_queryset`` are the ORM aggregates and window functions
  that a re-score compiles into ``INSERT ... SELECT`` (``services.rescore_portfolio``): nothing is
  computed row by row in Python.
- The read helpers start from the permission service: scores, facts and ratings are visible to
  whoever may see the account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Floor, NullIf, PercentRank, Rank
from django.utils import timezone

from kamkit.accounts.choices import DealStatus, Tier
from kamkit.accounts.models import Account, Deal, Interaction
from kamkit.accounts.queries import industries
from kamkit.core import permissions
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.core.queries import spreadsheet_safe
from kamkit.portfolio import scoring
from kamkit.portfolio.choices import ALL_SOURCES, COMPUTED_SOURCES, QUADRANTS, RATED_SOURCES, Normalisation
from kamkit.portfolio.models import (
    AccountMetrics,
    AccountRating,
    AccountScore,
    PortfolioSettings,
    ScoringRun,
    SelectionCriterion,
)
from kamkit.users.queries import team_choices

FLOAT = FloatField()
BOOLEAN = BooleanField()
MONEY = DecimalField(max_digits=18, decimal_places=2)


# Settings and criteria as plain values -----------------------------------------------------------


def current_settings() -> PortfolioSettings:
    """The organisation's settings row, or the defaults when none was saved yet."""
    return PortfolioSettings.objects.filter(pk=1).first() or PortfolioSettings()


def scoring_settings(row: PortfolioSettings) -> scoring.ScoringSettings:
    return scoring.ScoringSettings(
        normalisation=row.normalisation,
        period_months=row.period_months,
        key_share=row.key_share,
        develop_share=row.develop_share,
        maintain_share=row.maintain_share,
        value_basis=row.value_basis,
    )


def rated_criteria() -> QuerySet[SelectionCriterion]:
    """The criteria in use that people rate (the ratings form, in the criteria's order)."""
    return SelectionCriterion.objects.filter(is_active=True, source__in=RATED_SOURCES)


def criterion_spec(criterion: SelectionCriterion) -> scoring.CriterionSpec:
    return scoring.CriterionSpec(
        source=criterion.source,
        name=criterion.name,
        axis=criterion.axis,
        weight=criterion.weight,
        scale=criterion.scale,
        is_active=criterion.is_active,
    )


# The SQL of a re-score -----------------------------------------------------------------------------


# Planned hours feed return on time once an app provides them: a provider returns, for a period, a
# queryset of rows with ``account_id`` and ``hours`` (e.g. the plans app's planned hours of actions).
PlannedHoursProvider = Callable[[dt.date, dt.date], QuerySet[Any]]
PLANNED_HOURS: list[PlannedHoursProvider] = []


def register_planned_hours(provider: PlannedHoursProvider) -> None:
    if provider not in PLANNED_HOURS:
        PLANNED_HOURS.append(provider)


METRICS_COLUMNS: tuple[str, ...] = (
    "account_id",
    "revenue_current",
    "revenue_previous",
    "profit_current",
    "pipeline",
    "historical_value",
    "revenue_growth",
    "share_of_wallet",
    "wallet_estimate",
    "years_as_customer",
    "hours_logged",
    "hours_planned",
    *(f"rating_{source}" for source in RATED_SOURCES),
    "computed_at",
)


def deal_sums_queryset(period: scoring.Period) -> QuerySet[Any]:
    """One row per account that has deals, with their sums: grouped on the deals themselves (the
    covering deals index, read in account order), not on the accounts joined to their deals, which
    PostgreSQL runs a third slower. Accounts without deals get zeros in ``metrics_sql``."""
    won = Q(status=DealStatus.WON)
    in_current = won & Q(closed_on__gt=period.current_start, closed_on__lte=period.as_of)
    in_previous = won & Q(closed_on__gt=period.previous_start, closed_on__lte=period.current_start)
    ever = won & (Q(closed_on__lte=period.as_of) | Q(closed_on__isnull=True))
    named: dict[str, Any] = {
        "revenue_current": Sum("amount", filter=in_current),
        "revenue_previous": Sum("amount", filter=in_previous),
        "profit_current": Sum("margin", filter=in_current),
        "pipeline": Sum("amount", filter=Q(status=DealStatus.OPEN)),
        "historical_value": Sum("amount", filter=ever),
        "first_won": Min("closed_on", filter=won),
    }
    return Deal.objects.order_by().values("account_id").annotate(**named).values("account_id", *named)


DEAL_SUMS = ("revenue_current", "revenue_previous", "profit_current", "pipeline", "historical_value")


def days_between_sql(start_sql: str, vendor: str) -> str:
    """SQL for the days from ``start_sql`` (a date) to a date given as the next parameter, as a float."""
    if vendor == "sqlite":
        return f"(julianday(%s) - julianday({start_sql}))"
    return f"CAST((%s - {start_sql}) AS double precision)"


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def minutes_queryset(period: scoring.Period) -> QuerySet[Any]:
    """Minutes logged per account in the current period (interactions with a duration)."""
    return (
        Interaction.objects.filter(
            occurred_at__gt=_aware(period.current_start),
            occurred_at__lte=_aware(period.as_of),
            duration_minutes__gt=0,
        )
        .order_by()
        .values("account_id")
        .annotate(minutes=Sum("duration_minutes"))
        .values("account_id", "minutes")
    )


def ratings_queryset(rated: Mapping[str, int]) -> QuerySet[Any]:
    """Each rated account's ratings side by side, one column per rated source."""
    named = {
        f"rating_{source}": Max("score", filter=Q(criterion_id=criterion_id))
        for source, criterion_id in rated.items()
    }
    return (
        AccountRating.objects.filter(criterion_id__in=list(rated.values()))
        .order_by()
        .values("account_id")
        .annotate(**named)
        .values("account_id", *named)
    )


def planned_queryset(provider: PlannedHoursProvider, period: scoring.Period) -> QuerySet[Any]:
    return (
        provider(period.current_start, period.as_of)
        .order_by()
        .values("account_id")
        .annotate(planned=Sum("hours"))
        .values("account_id", "planned")
    )


def metrics_sql(
    period: scoring.Period, *, period_months: int, rated: Mapping[str, int], computed_at: dt.datetime
) -> tuple[str, list[Any]]:
    """The SELECT behind AccountMetrics, in METRICS_COLUMNS order.

    The ORM builds one aggregate per kind of fact (deals, minutes logged, ratings, planned hours),
    each grouped by account; this joins them to every account and derives growth, share of wallet
    and hours from their sums, so that every sum is computed once and every table read once. Every
    column has a type, NULLs included (a table made from this SELECT takes its types from it)."""
    real = FLOAT.cast_db_type(connection)

    def f(column: str) -> str:
        return f"CAST(f.{column} AS {real})"

    sums, sums_params = compiled(deal_sums_queryset(period))
    account = connection.ops.quote_name(Account._meta.db_table)
    since = days_between_sql("COALESCE(a.customer_since, d.first_won)", connection.vendor)
    as_of = connection.ops.adapt_datefield_value(period.as_of)
    facts = (
        "SELECT a.id AS pk, "
        + ", ".join(f"COALESCE(d.{name}, 0) AS {name}" for name in DEAL_SUMS)
        + f", a.wallet_estimate AS wallet, COALESCE({since} / 365.25, 0.0) AS years_as_customer "
        f"FROM {account} a LEFT JOIN ({sums}) d ON d.account_id = a.id"
    )
    params = [as_of, *sums_params]
    minutes, minutes_params = compiled(minutes_queryset(period))
    joins = [f"LEFT JOIN ({minutes}) h ON h.account_id = f.pk"]
    params += minutes_params
    ratings = []
    for source in RATED_SOURCES:
        ratings.append(f"r.rating_{source}" if source in rated else "CAST(NULL AS integer)")
    if rated:
        ratings_sql, ratings_params = compiled(ratings_queryset(rated))
        joins.append(f"LEFT JOIN ({ratings_sql}) r ON r.account_id = f.pk")
        params += ratings_params
    planned = []
    for number, provider in enumerate(PLANNED_HOURS):
        planned_sql, planned_params = compiled(planned_queryset(provider, period))
        joins.append(f"LEFT JOIN ({planned_sql}) p{number} ON p{number}.account_id = f.pk")
        params += planned_params
        planned.append(f"COALESCE(CAST(p{number}.planned AS {real}), 0)")
    scale = repr(period_months / 12)
    sql = (
        "SELECT f.pk, f.revenue_current, f.revenue_previous, f.profit_current, f.pipeline, "
        "f.historical_value, "
        f"({f('revenue_current')} - {f('revenue_previous')}) / NULLIF({f('revenue_previous')}, 0), "
        f"{f('revenue_current')} / NULLIF({f('wallet')} * {scale}, 0), "
        "f.wallet, f.years_as_customer, "
        f"COALESCE(CAST(h.minutes AS {real}) / 60, 0), "
        f"{' + '.join(planned) if planned else f'CAST(NULL AS {real})'}, "
        f"{', '.join(ratings)}, %s "
        f"FROM ({facts}) f {' '.join(joins)}"
    )
    return sql, [computed_at, *params]


def raw_value(source: str) -> Cast:
    """The raw value of a source in AccountMetrics, as a float (a rating for rated sources)."""
    column = f"rating_{source}" if source in RATED_SOURCES else source
    return Cast(F(column), FLOAT)


Bounds = Mapping[str, tuple[float | None, float | None]]


def min_max_bounds() -> Bounds:
    """The lowest and highest raw value of every computed source over the facts: one aggregate (one
    pass over AccountMetrics), so that min-max needs no window over the whole table per source."""
    aggregates: dict[str, Any] = {}
    for source in COMPUTED_SOURCES:
        aggregates[f"{source}__min"] = Min(raw_value(source))
        aggregates[f"{source}__max"] = Max(raw_value(source))
    row = AccountMetrics.objects.aggregate(**aggregates)
    return {source: (row[f"{source}__min"], row[f"{source}__max"]) for source in COMPUTED_SOURCES}


def _normalised(source: str, method: str, scale: int, bounds: Bounds) -> Any:
    raw = raw_value(source)
    if source in RATED_SOURCES:
        return Coalesce(
            (raw - Value(1.0)) / Value(float(scale - 1)), Value(scoring.UNKNOWN), output_field=FLOAT
        )
    if method == Normalisation.PERCENTILE:
        column = source
        return Case(
            When(**{f"{column}__isnull": True}, then=Value(scoring.UNKNOWN)),
            default=Window(
                PercentRank(),
                partition_by=[
                    ExpressionWrapper(Q(**{f"{column}__isnull": True}), output_field=BooleanField())
                ],
                order_by=raw.asc(),
            ),
            output_field=FLOAT,
        )
    low, high = bounds.get(source, (None, None))
    if low is None or high is None or high == low:
        return Value(scoring.UNKNOWN, output_field=FLOAT)
    spread = Value(float(high) - float(low))
    return Coalesce((raw - Value(float(low))) / spread, Value(scoring.UNKNOWN), output_field=FLOAT)


NORMALISED_COLUMNS: tuple[str, ...] = (
    "account_id",
    *(f"n_{source}" for source in ALL_SOURCES),
    "return_on_time",
    "revenue_current",
)


def normalised_queryset(settings: scoring.ScoringSettings, scales: Mapping[str, int]) -> QuerySet[Any]:
    """Every account's criterion values on 0-1 and its return on time, in NORMALISED_COLUMNS order.

    Min-max reads each source's bounds first (one aggregate) and writes them into the expression;
    percentiles are window functions over all AccountMetrics rows."""
    value = F("profit_current") if settings.value_basis == "profit" else F("revenue_current")
    hours = F("hours_logged") + Coalesce(F("hours_planned"), Value(0.0), output_field=FLOAT)
    bounds = min_max_bounds() if settings.normalisation == Normalisation.MIN_MAX else {}
    named: dict[str, Any] = {
        f"n_{source}": _normalised(source, settings.normalisation, scales.get(source, 5), bounds)
        for source in ALL_SOURCES
    }
    named["return_on_time"] = Cast(value, FLOAT) / NullIf(hours, Value(0.0))
    named["current"] = F("revenue_current")
    return AccountMetrics.objects.order_by().annotate(**named).values("account_id", *named)


def weighted_sql(terms: Sequence[scoring.CriterionSpec], alias: str) -> str:
    """100 x sum(weight x normalised) / sum(weights) over ``alias``'s n_ columns, as SQL (weights are
    validated integers, written as literals; the terms are added in the fixed source order)."""
    weights = sum(int(c.effective_weight) for c in terms)
    if not weights:
        return "50.0"
    parts = " + ".join(f"{int(c.effective_weight)} * {alias}.n_{c.source}" for c in terms)
    return f"({parts}) / {weights} * 100"


def compiled(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


# Reading scores ----------------------------------------------------------------------------------


def scores_for(user: Any) -> QuerySet[AccountScore]:
    return permissions.visible_to(user, AccountScore).select_related(
        "account", "account__owner", "account__team", "account__portfolio_metrics"
    )


def scores_in_scope(user: Any) -> QuerySet[AccountScore]:
    """The scores ``user`` may see, as a plain filter (no DISTINCT), for aggregates and exports."""
    if permissions.scope(user, AccountScore, "view") is permissions.ALL:
        return AccountScore.objects.all()
    visible = permissions.visible_to(user, AccountScore).order_by().values("pk")
    return AccountScore.objects.filter(pk__in=visible)


def ratings_for(user: Any) -> QuerySet[AccountRating]:
    return permissions.visible_to(user, AccountRating).select_related("account", "criterion", "rated_by")


def latest_run() -> ScoringRun | None:
    return ScoringRun.objects.order_by("-started_at", "-id").first()


TASK_QUEUED = "queued"
TASK_RUNNING = "running"


@dataclass(frozen=True)
class ScoreStatus:
    """When the scores were computed, and whether what they are computed from changed since."""

    run: ScoringRun | None
    inputs_changed: bool  # since the last re-score (or: never scored)
    changed_at: dt.datetime | None  # the last change of inputs
    task: str | None  # the background re-score: TASK_QUEUED, TASK_RUNNING or None

    @property
    def scored_at(self) -> dt.datetime | None:
        return self.run.started_at if self.run is not None else None

    @property
    def stale(self) -> bool:
        """Scores exist but lag behind their inputs."""
        return self.run is not None and self.inputs_changed

    @property
    def text(self) -> str:
        """The status in one sentence, for the command line and API clients."""
        if self.run is None:
            return "Not scored yet" + (f"; re-score {self.task}." if self.task else ".")
        when = timezone.localtime(self.run.started_at).strftime("%Y-%m-%d %H:%M")
        text = f"Scored at {when} (as of {self.run.as_of.isoformat()})."
        if self.stale:
            text += " Inputs changed since"
            if self.changed_at is not None:
                text += f" ({timezone.localtime(self.changed_at).strftime('%Y-%m-%d %H:%M')})"
            text += f"; re-score {self.task}." if self.task else "; not re-scored yet."
        return text


def _task_state(task_id: str) -> str | None:
    """What became of the last queued re-score, when the task backend can tell (the database backend
    can; the immediate one of the tests ran it already)."""
    from django.core.exceptions import ValidationError
    from django.tasks import TaskResultStatus
    from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

    from kamkit.portfolio.tasks import rescore_portfolio_task

    try:
        status = rescore_portfolio_task.get_result(task_id).status
    except (TaskResultDoesNotExist, TaskResultMismatch, NotImplementedError, ValidationError, ValueError):
        return None
    return {TaskResultStatus.READY: TASK_QUEUED, TaskResultStatus.RUNNING: TASK_RUNNING}.get(status)


def score_status() -> ScoreStatus:
    """The scores' freshness: the last re-score, whether inputs changed since, and the re-score task."""
    row = (
        PortfolioSettings.objects.filter(pk=1)
        .values("inputs_version", "inputs_changed_at", "rescore_task_id")
        .first()
    ) or {"inputs_version": 0, "inputs_changed_at": None, "rescore_task_id": ""}
    run = latest_run()
    if run is not None and run.account_count and not AccountScore.objects.exists():
        run = None  # its scores are gone (PostgreSQL empties its UNLOGGED tables after a crash)
    changed = run is None or row["inputs_version"] > run.inputs_version
    task = _task_state(row["rescore_task_id"]) if changed and row["rescore_task_id"] else None
    return ScoreStatus(run=run, inputs_changed=changed, changed_at=row["inputs_changed_at"], task=task)


def _yes_no(value: str) -> bool:
    if value not in ("yes", "no"):
        raise ValueError(value)
    return value == "yes"


def _owner_choices() -> list[tuple[str, str]]:
    from kamkit.users.models import User

    owners = User.objects.filter(owned_accounts__isnull=False).distinct().order_by("full_name")
    return [(str(pk), name) for pk, name in owners.values_list("pk", "full_name")]


SCORE_FILTERS = (
    ListFilter("tier", "Suggested tier", "tier_suggestion", choices=lambda: list(Tier.choices)),
    ListFilter(
        "key",
        "Key account",
        "account__is_key_account",
        choices=lambda: [("yes", "Yes"), ("no", "No")],
        convert=_yes_no,
    ),
    ListFilter("team", "Team", "account__team_id", choices=team_choices, convert=int),
    ListFilter("owner", "Owner", "account__owner_id", choices=_owner_choices, convert=int),
    ListFilter("industry", "Industry", "account__industry__iexact", choices_for=industries),
)

SCORE_LIST = ListSpec(
    search_fields=("account__name", "account__owner__full_name"),
    filters=SCORE_FILTERS,
    sort_fields={
        "rank": "rank",
        "name": "account__name__lower",
        "total": "total",
        "attractiveness": "attractiveness",
        "strength": "strength",
        "rot": "return_on_time",
        "revenue": "revenue_current",
        "tier": "rank",
    },
    default_sort="rank",
)

MATRIX_FILTERS = ListSpec(search_fields=("account__name",), filters=SCORE_FILTERS)


# Explanations ------------------------------------------------------------------------------------


def run_settings(run: ScoringRun) -> scoring.ScoringSettings:
    return scoring.ScoringSettings(**run.settings_snapshot)


def run_criteria(run: ScoringRun) -> list[scoring.CriterionSpec]:
    return [scoring.CriterionSpec(**item) for item in run.criteria_snapshot]


def facts_of(metrics: AccountMetrics) -> scoring.AccountFacts:
    wallet = metrics.wallet_estimate
    return scoring.AccountFacts(
        revenue_current=float(metrics.revenue_current),
        revenue_previous=float(metrics.revenue_previous),
        profit_current=float(metrics.profit_current),
        pipeline=float(metrics.pipeline),
        historical_value=float(metrics.historical_value),
        revenue_growth=metrics.revenue_growth,
        share_of_wallet=metrics.share_of_wallet,
        years_as_customer=metrics.years_as_customer,
        hours_logged=metrics.hours_logged,
        hours_planned=metrics.hours_planned,
        ratings={source: metrics.raw(source) for source in RATED_SOURCES},
        wallet_estimate=float(wallet) if wallet is not None else None,
    )


def source_stats(metrics: AccountMetrics) -> dict[str, scoring.SourceStats]:
    """Lowest, highest, how many known and how many below this account, per computed source: one
    aggregate over the facts of the last re-score."""
    aggregates: dict[str, Any] = {}
    for source in COMPUTED_SOURCES:
        raw = raw_value(source)
        aggregates[f"{source}__min"] = Min(raw)
        aggregates[f"{source}__max"] = Max(raw)
        aggregates[f"{source}__known"] = Count(source)
        value = metrics.raw(source)
        if value is not None:
            aggregates[f"{source}__lower"] = Count(
                "pk", filter=Q(**{f"{source}__lt": _as_stored(source, value)})
            )
    row = AccountMetrics.objects.aggregate(**aggregates)
    return {
        source: scoring.SourceStats(
            minimum=row[f"{source}__min"],
            maximum=row[f"{source}__max"],
            known=row[f"{source}__known"],
            lower=row.get(f"{source}__lower") or 0,
        )
        for source in COMPUTED_SOURCES
    }


def _as_stored(source: str, value: float) -> Any:
    field = AccountMetrics._meta.get_field(source)
    return Decimal(str(value)) if isinstance(field, DecimalField) else value


@dataclass
class ScoreExplanation:
    score: AccountScore
    metrics: AccountMetrics
    run: ScoringRun
    period: scoring.Period
    explanation: scoring.Explanation


def explanation_for(score: AccountScore) -> ScoreExplanation | None:
    """How ``score`` was computed, from the facts and the settings of the re-score that stored it."""
    run = latest_run()
    metrics = AccountMetrics.objects.select_related("account").filter(pk=score.pk).first()
    if run is None or metrics is None:
        return None
    settings = run_settings(run)
    period = scoring.Period.ending(run.as_of, settings.period_months)
    explanation = scoring.explain(
        facts=facts_of(metrics),
        criteria=run_criteria(run),
        settings=settings,
        stats=source_stats(metrics),
        period=period,
        rank=score.rank,
        count=run.account_count,
    )
    return ScoreExplanation(score=score, metrics=metrics, run=run, period=period, explanation=explanation)


# What-if -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIfRow:
    account: Account
    total: float
    rank: int
    new_total: float
    new_rank: int

    @property
    def movement(self) -> int:
        """Places gained (positive) or lost (negative) against the saved ranking."""
        return self.rank - self.new_rank


def what_if(
    user: Any, weights: Mapping[str, int], *, axes: Mapping[str, str] | None = None, limit: int = 25
) -> list[WhatIfRow]:
    """The ranking with other weights, computed in SQL from the stored normalised values; nothing is
    saved. Ranks are over the whole portfolio; the rows are the first ``limit`` the user may see."""
    terms = [
        scoring.CriterionSpec(source=s, name=s, axis=(axes or {}).get(s, ""), weight=int(weights.get(s, 0)))
        for s in ALL_SOURCES
        if int(weights.get(s, 0)) > 0
    ]
    new_total: Any
    if terms:
        weighted: Any = None
        for term in terms:
            part = Value(float(term.weight)) * F(f"n_{term.source}")
            weighted = part if weighted is None else weighted + part
        new_total = weighted / Value(float(sum(t.weight for t in terms))) * Value(100.0)
    else:
        new_total = Value(50.0)
    ranked = (
        AccountScore.objects.order_by()
        .annotate(new_total=Cast(new_total, FLOAT))
        .annotate(new_rank=Window(Rank(), order_by=F("new_total").desc()))
        .values("account_id", "total", "rank", "new_total", "new_rank")
    )
    sql, params = compiled(ranked)
    query = f"SELECT r.account_id, r.total, r.rank, r.new_total, r.new_rank FROM ({sql}) r"
    if permissions.scope(user, AccountScore, "view") is not permissions.ALL:
        visible_sql, visible_params = compiled(permissions.visible_to(user, Account).order_by().values("pk"))
        query += f" WHERE r.account_id IN ({visible_sql})"
        params += visible_params
    query += " ORDER BY r.new_rank, r.account_id LIMIT %s"
    params.append(int(limit))
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    accounts = Account.objects.select_related("owner").in_bulk([row[0] for row in rows])
    return [
        WhatIfRow(account=accounts[row[0]], total=row[1], rank=row[2], new_total=row[3], new_rank=row[4])
        for row in rows
        if row[0] in accounts
    ]


# The matrix --------------------------------------------------------------------------------------

GRID = 20  # bins per axis
TOP_ACCOUNTS = 150  # accounts drawn one by one (the biggest by revenue); the rest as bins


@dataclass(frozen=True)
class MatrixBin:
    x: int  # strength bin, 0..GRID-1
    y: int  # attractiveness bin
    count: int
    revenue: Decimal


@dataclass(frozen=True)
class Matrix:
    bins: list[MatrixBin]
    top: list[AccountScore]
    count: int
    quadrants: dict[str, int]

    @property
    def max_bin(self) -> int:
        return max((b.count for b in self.bins), default=0)

    @property
    def max_revenue(self) -> Decimal:
        return max((s.revenue_current for s in self.top), default=Decimal(0))


def _bin(column: str) -> Case:
    return Case(
        When(**{f"{column}__gte": 100}, then=Value(GRID - 1)),
        default=Cast(Floor(F(column) / Value(100.0 / GRID)), IntegerField()),
        output_field=IntegerField(),
    )


def matrix(scores: QuerySet[AccountScore], *, top: int = TOP_ACCOUNTS) -> Matrix:
    """Accounts on attractiveness x our strength: a GRID x GRID aggregate of counts and revenue, and
    the ``top`` biggest accounts by current revenue as single points (never the whole portfolio)."""
    rows = (
        scores.order_by()
        .annotate(bx=_bin("strength"), by=_bin("attractiveness"))
        .values("bx", "by")
        .annotate(n=Count("pk"), revenue=Sum("revenue_current"))
    )
    bins = [MatrixBin(r["bx"], r["by"], r["n"], r["revenue"] or Decimal(0)) for r in rows]
    half = GRID // 2
    quadrants = {label: 0 for label in QUADRANTS.values()}
    for b in bins:
        quadrants[QUADRANTS[(b.y >= half, b.x >= half)]] += b.count
    biggest = list(
        scores.select_related("account").order_by("-revenue_current", "account_id")[: max(0, min(top, 300))]
    )
    return Matrix(bins=bins, top=biggest, count=sum(b.count for b in bins), quadrants=quadrants)


def export_rows(scores: QuerySet[AccountScore]) -> Any:
    """CSV rows of every score in ``scores`` (header first), read in chunks."""
    yield [
        "rank",
        "account_id",
        "account",
        "owner",
        "team",
        "industry",
        "key_account",
        "total",
        "attractiveness",
        "strength",
        "tier_suggestion",
        "share_above_pct",
        "return_on_time",
        "revenue_current",
        "profit_current",
        "pipeline",
        "hours_logged",
        *(f"n_{source}" for source in ALL_SOURCES),
        "scored_at",
    ]
    rows = scores.order_by("rank", "account_id").values_list(
        "rank",
        "account_id",
        "account__name",
        "account__owner__full_name",
        "account__team__name",
        "account__industry",
        "account__is_key_account",
        "total",
        "attractiveness",
        "strength",
        "tier_suggestion",
        "share_above",
        "return_on_time",
        "revenue_current",
        "account__portfolio_metrics__profit_current",
        "account__portfolio_metrics__pipeline",
        "account__portfolio_metrics__hours_logged",
        *(f"n_{source}" for source in ALL_SOURCES),
        "computed_at",
    )
    for row in rows.iterator(chunk_size=5000):
        yield [_csv_value(value) for value in row]


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return "" if value is None else value


# The start page ----------------------------------------------------------------------------------


def home_cards(user: Any) -> list[Any]:
    from kamkit.core.home import HomeCard

    scores = scores_in_scope(user)
    suggested = scores.filter(tier_suggestion=Tier.KEY)
    if not permissions.can(user, "view", AccountScore) or not AccountScore.objects.exists():
        return []
    not_yet = suggested.filter(account__is_key_account=False).count()
    status = score_status()
    note = f"{not_yet} not key accounts yet"
    if status.scored_at is not None:
        note += f"; scored {timezone.localtime(status.scored_at):%d %b %Y %H:%M}"
        if status.stale:
            note += f" (inputs changed since; re-score {status.task or 'not queued yet'})"
    return [
        HomeCard(
            "Suggested key accounts", suggested.count(), "Open the portfolio", "portfolio:matrix", note=note
        )
    ]
