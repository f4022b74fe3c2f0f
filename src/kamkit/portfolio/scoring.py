"""The portfolio's arithmetic as plain functions on plain values.

The database computes every account's score in SQL (``services.rescore_portfolio``); these
functions state the same rules once more in Python, number by number, so that any score can be
explained ("opened") step by step and so that tests can check the SQL against hand-worked figures.

The rules:
- Computed criteria are brought to 0-1 across the portfolio, by min-max ((x - min) / (max - min))
  or by percentile (the share of the other accounts with a lower value: PERCENT_RANK).
- Rated criteria are brought to 0-1 on their own scale: (rating - 1) / (scale - 1).
- A value that is not known (no rating yet, no wallet estimate, no previous revenue to grow from)
  counts as the middle, 0.5: it neither rewards nor punishes the account. So does a criterion on
  which every account is equal (min = max).
- Totals are weighted means on 0-100: 100 x sum(weight x normalised) / sum(weights), over the active
  criteria (all of them, the attractiveness ones, or the our-strength ones). An axis without any
  weight sits in the middle (50).
- Accounts are ranked by total (equal totals share a rank). The tier follows the share of accounts
  ranked above: fewer than key_share % -> key, fewer than key + develop % -> develop, fewer than
  key + develop + maintain % -> maintain, else serve efficiently.
- Return on time = current revenue (or profit) / hours spent in the same period; none without hours.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kamkit.accounts.choices import Tier
from kamkit.portfolio.choices import (
    ALL_SOURCES,
    RATED_SOURCES,
    Axis,
    CriterionKind,
    Normalisation,
    Source,
    ValueBasis,
    kind_of,
)

UNKNOWN = 0.5  # a value nobody knows counts as the middle of the range


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    """The current period is (current_start, as_of]; the previous one (previous_start, current_start]."""

    as_of: dt.date
    current_start: dt.date
    previous_start: dt.date

    @classmethod
    def ending(cls, as_of: dt.date, months: int) -> Period:
        start = months_before(as_of, months)
        return cls(as_of=as_of, current_start=start, previous_start=months_before(start, months))


@dataclass(frozen=True)
class CriterionSpec:
    """What the arithmetic needs to know about one criterion."""

    source: str
    name: str
    axis: str
    weight: int
    scale: int = 5
    is_active: bool = True

    @property
    def kind(self) -> CriterionKind:
        return kind_of(self.source)

    @property
    def effective_weight(self) -> int:
        return self.weight if self.is_active else 0


@dataclass(frozen=True)
class ScoringSettings:
    normalisation: str = Normalisation.MIN_MAX
    period_months: int = 12
    key_share: int = 10
    develop_share: int = 20
    maintain_share: int = 40
    value_basis: str = ValueBasis.REVENUE


@dataclass(frozen=True)
class SourceStats:
    """How the portfolio looked on one computed source when it was scored.

    ``known``: accounts with a value; ``lower``: of those, how many are below this account's value.
    """

    minimum: float | None
    maximum: float | None
    known: int
    lower: int = 0


# Normalisation ----------------------------------------------------------------------------------


def min_max(value: float | None, low: float | None, high: float | None) -> float:
    if value is None or low is None or high is None or high == low:
        return UNKNOWN
    return (value - low) / (high - low)


def percent_rank(value: float | None, lower: int, known: int) -> float:
    """PERCENT_RANK: (rank - 1) / (n - 1) among the accounts with a value; rank - 1 = values below."""
    if value is None:
        return UNKNOWN
    if known <= 1:
        return 0.0
    return lower / (known - 1)


def on_scale(rating: float | None, scale: int) -> float:
    if rating is None:
        return UNKNOWN
    return (rating - 1) / (scale - 1)


def normalise(source: str, raw: float | None, *, scale: int, method: str, stats: SourceStats | None) -> float:
    if source in RATED_SOURCES:
        return on_scale(raw, scale)
    stats = stats or SourceStats(None, None, 0)
    if method == Normalisation.PERCENTILE:
        return percent_rank(raw, stats.lower, stats.known)
    return min_max(raw, stats.minimum, stats.maximum)


# Totals, tiers, return on time ------------------------------------------------------------------


def weighted_terms(criteria: Sequence[CriterionSpec], axis: str | None = None) -> list[CriterionSpec]:
    """The criteria that count, in the fixed source order (the SQL adds them in the same order)."""
    by_source = {c.source: c for c in criteria}
    return [
        by_source[s]
        for s in ALL_SOURCES
        if s in by_source
        and by_source[s].effective_weight > 0
        and (axis is None or by_source[s].axis == axis)
    ]


def weighted_total(terms: Sequence[CriterionSpec], normalised: Mapping[str, float]) -> float:
    """100 x sum(weight x normalised) / sum(weights); 50 when nothing carries weight."""
    weights = sum(c.effective_weight for c in terms)
    if not weights:
        return 50.0
    acc = 0.0
    for c in terms:
        acc = acc + c.effective_weight * normalised[c.source]
    return acc / weights * 100


def share_above(rank: int, count: int) -> float:
    return 100.0 * (rank - 1) / count if count else 0.0


def tier_for(rank: int, count: int, settings: ScoringSettings) -> Tier:
    """The suggested tier from how many accounts rank above (so ties share a tier)."""
    above = (rank - 1) * 100
    if above < settings.key_share * count:
        return Tier.KEY
    if above < (settings.key_share + settings.develop_share) * count:
        return Tier.DEVELOP
    if above < (settings.key_share + settings.develop_share + settings.maintain_share) * count:
        return Tier.MAINTAIN
    return Tier.SERVE


def return_on_time(value: float, hours_logged: float, hours_planned: float | None) -> float | None:
    hours = hours_logged + (hours_planned or 0.0)
    if hours == 0:
        return None
    return value / hours


# Explanations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountFacts:
    """One account's raw facts (AccountMetrics) as plain values."""

    revenue_current: float
    revenue_previous: float
    profit_current: float
    pipeline: float
    historical_value: float
    revenue_growth: float | None
    share_of_wallet: float | None
    years_as_customer: float
    hours_logged: float
    hours_planned: float | None
    ratings: Mapping[str, float | None] = field(default_factory=dict)
    wallet_estimate: float | None = None

    def raw(self, source: str) -> float | None:
        if source in RATED_SOURCES:
            return self.ratings.get(source)
        value: float | None = getattr(self, source)
        return value


@dataclass(frozen=True)
class CriterionLine:
    source: str
    name: str
    kind: str
    axis: str
    weight: int
    raw: float | None
    raw_text: str
    method_text: str
    normalised: float
    contribution: float | None  # weight x normalised, None when the criterion does not count


@dataclass(frozen=True)
class Explanation:
    criteria: list[CriterionLine]
    total: float
    total_text: str
    attractiveness: float
    attractiveness_text: str
    strength: float
    strength_text: str
    rank: int
    count: int
    share_above: float
    tier: Tier
    tier_text: str
    return_on_time: float | None
    return_on_time_text: str

    def lines(self) -> list[str]:
        """The whole computation as plain text lines (CLI, CSV, API)."""
        out = []
        for c in self.criteria:
            weight = (
                f"weight {c.weight}"
                if c.contribution is not None
                else "does not count (weight 0 or inactive)"
            )
            out.append(f"{c.name}: {c.raw_text}; {c.method_text}; {weight}")
        out += [
            f"Total: {self.total_text}",
            f"Attractiveness: {self.attractiveness_text}",
            f"Our strength: {self.strength_text}",
            f"Rank and tier: {self.tier_text}",
            f"Return on time: {self.return_on_time_text}",
        ]
        return out


def money(value: float | None) -> str:
    return "unknown" if value is None else f"{value:,.0f}"


def _num(value: float) -> str:
    return f"{value:.3f}"


def _raw_text(source: str, facts: AccountFacts, period: Period, scale: int) -> str:
    since = f"{period.current_start + dt.timedelta(days=1):%d %b %Y} to {period.as_of:%d %b %Y}"
    if source == Source.REVENUE_CURRENT:
        return f"won deals closed {since}: {money(facts.revenue_current)}"
    if source == Source.PROFIT_CURRENT:
        return f"margin on the deals won {since}: {money(facts.profit_current)}"
    if source == Source.REVENUE_GROWTH:
        if facts.revenue_growth is None:
            return f"no revenue in the previous period (to {period.current_start:%d %b %Y}): growth unknown"
        return (
            f"(current - previous) / previous = ({money(facts.revenue_current)} - "
            f"{money(facts.revenue_previous)}) / {money(facts.revenue_previous)} "
            f"= {facts.revenue_growth:+.1%}"
        )
    if source == Source.PIPELINE:
        return f"open deals: {money(facts.pipeline)}"
    if source == Source.SHARE_OF_WALLET:
        if facts.share_of_wallet is None:
            return "no wallet estimate: unknown"
        wallet = f" / wallet estimate {money(facts.wallet_estimate)}" if facts.wallet_estimate else ""
        return f"current revenue{wallet} (scaled to the period) = {facts.share_of_wallet:.1%}"
    if source == Source.YEARS_AS_CUSTOMER:
        return f"{facts.years_as_customer:.1f} years (from 'customer since', else the first won deal)"
    if source == Source.HISTORICAL_VALUE:
        return f"all deals won up to {period.as_of:%d %b %Y}: {money(facts.historical_value)}"
    rating = facts.ratings.get(source)
    return "not rated yet" if rating is None else f"rated {rating:.0f} of {scale}"


def _method_text(
    source: str, raw: float | None, value: float, scale: int, method: str, stats: SourceStats
) -> str:
    if source in RATED_SOURCES:
        if raw is None:
            return f"counted as the middle, {UNKNOWN}"
        return f"on its scale: ({raw:.0f} - 1) / ({scale} - 1) = {_num(value)}"
    if raw is None:
        return f"unknown, counted as the middle, {UNKNOWN}"
    if method == Normalisation.PERCENTILE:
        if stats.known <= 1:
            return "percentile: the only account with a value, 0"
        return (
            f"percentile: {stats.lower} of the {stats.known - 1} other accounts with a value are lower: "
            f"{stats.lower} / {stats.known - 1} = {_num(value)}"
        )
    if stats.minimum is None or stats.maximum is None or stats.minimum == stats.maximum:
        return f"min-max: every account has the same value, counted as the middle, {UNKNOWN}"
    fmt = (
        money
        if source not in (Source.REVENUE_GROWTH, Source.SHARE_OF_WALLET, Source.YEARS_AS_CUSTOMER)
        else _num
    )
    return (
        f"min-max: (x - lowest) / (highest - lowest) = ({fmt(raw)} - {fmt(stats.minimum)}) / "
        f"({fmt(stats.maximum)} - {fmt(stats.minimum)}) = {_num(value)}"
    )


def _total_text(terms: Sequence[CriterionSpec], normalised: Mapping[str, float], total: float) -> str:
    if not terms:
        return "no criterion carries weight: 50"
    parts = " + ".join(f"{c.effective_weight} x {_num(normalised[c.source])}" for c in terms)
    weights = sum(c.effective_weight for c in terms)
    return f"100 x ({parts}) / {weights} = {total:.1f}"


def explain(
    *,
    facts: AccountFacts,
    criteria: Sequence[CriterionSpec],
    settings: ScoringSettings,
    stats: Mapping[str, SourceStats],
    period: Period,
    rank: int,
    count: int,
) -> Explanation:
    """Every number of one account's score, recomputed from its raw facts, with how it was computed."""
    normalised: dict[str, float] = {}
    lines = []
    counting = {c.source for c in weighted_terms(criteria)}
    for spec in sorted(criteria, key=lambda c: ALL_SOURCES.index(Source(c.source))):
        raw = facts.raw(spec.source)
        source_stats = stats.get(spec.source, SourceStats(None, None, 0))
        value = normalise(
            spec.source, raw, scale=spec.scale, method=settings.normalisation, stats=source_stats
        )
        normalised[spec.source] = value
        lines.append(
            CriterionLine(
                source=spec.source,
                name=spec.name,
                kind=spec.kind,
                axis=spec.axis,
                weight=spec.effective_weight,
                raw=raw,
                raw_text=_raw_text(spec.source, facts, period, spec.scale),
                method_text=_method_text(
                    spec.source, raw, value, spec.scale, settings.normalisation, source_stats
                ),
                normalised=value,
                contribution=spec.effective_weight * value if spec.source in counting else None,
            )
        )
    all_terms = weighted_terms(criteria)
    attractive_terms = weighted_terms(criteria, Axis.ATTRACTIVENESS)
    strength_terms = weighted_terms(criteria, Axis.STRENGTH)
    total = weighted_total(all_terms, normalised)
    attractiveness = weighted_total(attractive_terms, normalised)
    strength = weighted_total(strength_terms, normalised)
    tier = tier_for(rank, count, settings)
    above = share_above(rank, count)
    bands = (
        f"key below {settings.key_share}%, develop below {settings.key_share + settings.develop_share}%, "
        f"maintain below {settings.key_share + settings.develop_share + settings.maintain_share}%"
    )
    tier_text = (
        f"rank {rank} of {count}: {rank - 1} account{'s' if rank != 2 else ''} above, {above:.1f}% "
        f"({bands}) -> {tier.label}"
    )
    basis_is_profit = settings.value_basis == ValueBasis.PROFIT
    value = facts.profit_current if basis_is_profit else facts.revenue_current
    rot = return_on_time(value, facts.hours_logged, facts.hours_planned)
    what = "current profit" if basis_is_profit else "current revenue"
    if rot is None:
        rot_text = f"no time logged or planned in the period: not computed ({what} {money(value)})"
    else:
        hours = facts.hours_logged + (facts.hours_planned or 0.0)
        split = (
            f" ({facts.hours_logged:.1f} h logged + {facts.hours_planned:.1f} h planned)"
            if facts.hours_planned
            else ""
        )
        rot_text = f"{what} / hours = {money(value)} / {hours:.1f} h{split} = {money(rot)} per hour"
    return Explanation(
        criteria=lines,
        total=total,
        total_text=_total_text(all_terms, normalised, total),
        attractiveness=attractiveness,
        attractiveness_text=_total_text(attractive_terms, normalised, attractiveness),
        strength=strength,
        strength_text=_total_text(strength_terms, normalised, strength),
        rank=rank,
        count=count,
        share_above=above,
        tier=tier,
        tier_text=tier_text,
        return_on_time=rot,
        return_on_time_text=rot_text,
    )
