"""API shapes of the portfolio (criteria, settings, ratings, scores, what-if, matrix) and of deals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from kamkit.accounts.choices import DealStage, DealStatus, Tier
from kamkit.accounts.schemas import AccountRef
from kamkit.portfolio.choices import Axis, CriterionKind, Normalisation, Source, ValueBasis
from kamkit.users.schemas import UserRef


class SelectionCriterionRead(Schema):
    id: int
    name: str
    source: Source
    kind: CriterionKind
    description: str
    axis: Axis
    weight: int
    scale: int
    is_active: bool
    order: int


class SelectionCriterionUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = None
    axis: Axis | None = None
    weight: int | None = Field(default=None, ge=0, le=100)
    scale: int | None = Field(default=None, ge=2, le=10)
    is_active: bool | None = None
    order: int | None = Field(default=None, ge=0)


class PortfolioSettingsRead(Schema):
    normalisation: Normalisation
    period_months: int
    key_share: int
    develop_share: int
    maintain_share: int
    value_basis: ValueBasis


class PortfolioSettingsWrite(Schema):
    normalisation: Normalisation = Normalisation.MIN_MAX
    period_months: int = Field(default=12, ge=1, le=60)
    key_share: int = Field(default=10, ge=0, le=100)
    develop_share: int = Field(default=20, ge=0, le=100)
    maintain_share: int = Field(default=40, ge=0, le=100)
    value_basis: ValueBasis = ValueBasis.REVENUE


class AccountRatingRead(Schema):
    id: int
    account_id: int
    source: Source = Field(alias="criterion.source")
    criterion: str = Field(alias="criterion.name")
    score: int
    note: str
    rated_by: UserRef | None
    updated_at: dt.datetime


class AccountRatingWrite(Schema):
    score: int = Field(ge=1, le=10)
    note: str = ""


class AccountFactsRead(Schema):
    revenue_current: Decimal
    revenue_previous: Decimal
    profit_current: Decimal
    pipeline: Decimal
    historical_value: Decimal
    revenue_growth: float | None
    share_of_wallet: float | None
    wallet_estimate: Decimal | None
    years_as_customer: float
    hours_logged: float
    hours_planned: float | None


class ScoreFreshnessRead(Schema):
    """When the scores were computed and whether what they are computed from changed since."""

    scored_at: dt.datetime | None = Field(description="When the last re-score started; none: never scored.")
    as_of: dt.date | None
    inputs_changed: bool = Field(
        description="Deals, accounts, logged time, ratings, criteria or settings "
        "changed since the last re-score."
    )
    inputs_changed_at: dt.datetime | None
    rescore: str | None = Field(description="The background re-score: 'queued', 'running' or none.")
    text: str


class ScoreRead(Schema):
    account: AccountRef
    owner: UserRef | None = Field(alias="account.owner")
    is_key_account: bool = Field(alias="account.is_key_account")
    rank: int
    total: float
    attractiveness: float
    strength: float
    share_above: float
    tier_suggestion: Tier
    return_on_time: float | None
    normalised: dict[str, float]
    facts: AccountFactsRead | None
    computed_at: dt.datetime

    @staticmethod
    def resolve_normalised(obj: object) -> dict[str, float]:
        return {source: getattr(obj, f"n_{source}") for source in Source.values}

    @staticmethod
    def resolve_facts(obj: object) -> object:
        return getattr(obj.account, "portfolio_metrics", None)  # type: ignore[attr-defined]


class ScoreDetailRead(ScoreRead):
    freshness: ScoreFreshnessRead


class ScoreStepRead(Schema):
    source: Source
    name: str
    kind: CriterionKind
    axis: Axis
    weight: int
    raw: float | None
    raw_text: str
    method_text: str
    normalised: float
    contribution: float | None


class ScoreExplanationRead(Schema):
    account: AccountRef
    as_of: dt.date
    normalisation: Normalisation
    criteria: list[ScoreStepRead]
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
    lines: list[str]
    freshness: ScoreFreshnessRead


class ScoringRunRead(Schema):
    id: int
    as_of: dt.date
    started_at: dt.datetime
    elapsed_ms: int
    account_count: int
    started_by: UserRef | None


class WhatIfWrite(Schema):
    weights: dict[Source, int] = Field(description="Proposed weight per criterion source (0-100).")
    limit: int = Field(default=25, ge=1, le=200)


class WhatIfRowRead(Schema):
    account: AccountRef
    rank: int
    new_rank: int
    movement: int
    total: float
    new_total: float


class WhatIfResultRead(Schema):
    freshness: ScoreFreshnessRead
    rows: list[WhatIfRowRead]


class PortfolioMatrixBinRead(Schema):
    strength_bin: int
    attractiveness_bin: int
    count: int
    revenue: Decimal


class PortfolioMatrixPointRead(Schema):
    account: AccountRef
    attractiveness: float
    strength: float
    revenue: Decimal
    tier_suggestion: Tier


class PortfolioMatrixRead(Schema):
    grid: int
    count: int
    quadrants: dict[str, int]
    bins: list[PortfolioMatrixBinRead]
    top: list[PortfolioMatrixPointRead]
    freshness: ScoreFreshnessRead


# Deals --------------------------------------------------------------------------------------------


class DealRead(Schema):
    id: int
    account: AccountRef
    external_id: str | None
    name: str
    product_id: int | None
    division_id: int | None
    owner: UserRef | None
    stage: DealStage
    status: DealStatus
    amount: Decimal | None
    margin: Decimal | None
    engaged_on: dt.date | None
    expected_close_on: dt.date | None
    closed_on: dt.date | None


class DealWrite(Schema):
    account_id: int
    external_id: str | None = Field(default=None, max_length=100)
    name: str = Field(default="", max_length=200)
    product_id: int | None = None
    division_id: int | None = None
    owner_id: int | None = None
    stage: DealStage = DealStage.PROSPECTING
    amount: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    margin: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    engaged_on: dt.date | None = None
    expected_close_on: dt.date | None = None
    closed_on: dt.date | None = None


class DealUpdate(Schema):
    """Only the fields sent change."""

    account_id: int | None = None
    external_id: str | None = Field(default=None, max_length=100)
    name: str | None = Field(default=None, max_length=200)
    product_id: int | None = None
    division_id: int | None = None
    owner_id: int | None = None
    stage: DealStage | None = None
    amount: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    margin: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    engaged_on: dt.date | None = None
    expected_close_on: dt.date | None = None
    closed_on: dt.date | None = None


class DealUpsert(Schema):
    """A deal sent by its CRM id (the id is in the address)."""

    account_id: int
    name: str = Field(default="", max_length=200)
    product_id: int | None = None
    division_id: int | None = None
    owner_id: int | None = None
    stage: DealStage = DealStage.PROSPECTING
    amount: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    margin: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    engaged_on: dt.date | None = None
    expected_close_on: dt.date | None = None
    closed_on: dt.date | None = None
