"""Key-account selection: criteria and settings (reference data), ratings people give accounts, and
the per-account facts and scores that a re-score computes in the database (ADR 0007)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kamkit.accounts.choices import Tier
from kamkit.accounts.models import Account
from kamkit.core.models import AuditedModel
from kamkit.core.permissions import AccessPolicy
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

# Scores, facts and ratings of an account are seen and changed by whoever may see and change it.
INSIDE_ACCOUNT = AccessPolicy(
    kind="business", owners=("account__owner", "account__backup_owner"), teams=("account__team",)
)
REFERENCE = AccessPolicy(kind="reference")


class SelectionCriterion(AuditedModel):
    """One key-account selection criterion: what it measures, on which matrix axis, how much it counts."""

    name = models.CharField(max_length=100)
    source = models.CharField(max_length=30, choices=Source.choices, unique=True)
    description = models.TextField(blank=True)
    axis = models.CharField(max_length=15, choices=Axis.choices, default=Axis.ATTRACTIVENESS)
    weight = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(100)],
        help_text="0 to 100; only the ratio between weights matters.",
    )
    scale = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text="Rated criteria: people rate from 1 to this.",
    )
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "selection criterion"
        verbose_name_plural = "selection criteria"

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> CriterionKind:
        return kind_of(self.source)

    @property
    def is_rated(self) -> bool:
        return self.source in RATED_SOURCES


class PortfolioSettings(AuditedModel):
    """The organisation's scoring settings: one row (id 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    normalisation = models.CharField(
        max_length=10, choices=Normalisation.choices, default=Normalisation.MIN_MAX
    )
    period_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="'Current' revenue and profit: won deals closed in this many months up to the scoring day.",
    )
    key_share = models.PositiveSmallIntegerField(
        default=10, help_text="Top % of the ranking suggested as key."
    )
    develop_share = models.PositiveSmallIntegerField(default=20, help_text="The next % suggested to develop.")
    maintain_share = models.PositiveSmallIntegerField(
        default=40, help_text="The next % to maintain; the rest: serve."
    )
    value_basis = models.CharField(max_length=10, choices=ValueBasis.choices, default=ValueBasis.REVENUE)
    # Bookkeeping of staleness (written with UPDATE, not audited): every write that changes what the
    # scores are computed from adds one to inputs_version; a re-score records the version it saw.
    inputs_version = models.PositiveBigIntegerField(default=0, editable=False)
    inputs_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    rescore_task_id = models.CharField(
        max_length=64, blank=True, editable=False, help_text="The last background re-score queued."
    )

    access_policy: ClassVar[AccessPolicy] = REFERENCE
    audit_ignored_fields: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "updated_at", "inputs_version", "inputs_changed_at", "rescore_task_id"}
    )

    class Meta:
        verbose_name = "portfolio settings"
        verbose_name_plural = "portfolio settings"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="portfolio_settings_single_row")]

    def __str__(self) -> str:
        return "Portfolio settings"


class AccountRating(AuditedModel):
    """A person's rating of an account on a rated criterion (financial security, cultural fit, ...)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="portfolio_ratings")
    criterion = models.ForeignKey(SelectionCriterion, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])
    note = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["account", "criterion__order"]
        constraints = [models.UniqueConstraint(fields=["account", "criterion"], name="account_rating_unique")]
        indexes = [models.Index(fields=["criterion", "account"])]

    def __str__(self) -> str:
        return f"{self.account}: {self.criterion} {self.score}"


# DERIVED_ROWS: facts and scores are rebuilt from the accounts at every re-score, and deleting an
# account deletes them through the ORM (on_delete). They have no foreign-key constraint in the
# database: checking 200,000 inserted rows against the accounts at commit took 0.8 s on PostgreSQL.


class AccountMetrics(models.Model):
    """The raw facts behind an account's score, as of the last re-score (written in bulk by SQL).

    Ratings are copied in too, so that a score and its explanation come from one snapshot.
    """

    account = models.OneToOneField(
        Account,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="portfolio_metrics",
        db_constraint=False,  # see DERIVED_ROWS
    )
    revenue_current = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    revenue_previous = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    profit_current = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    pipeline = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    historical_value = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    revenue_growth = models.FloatField(
        null=True, help_text="Current vs previous period; none without a previous."
    )
    share_of_wallet = models.FloatField(null=True, help_text="Revenue over the wallet estimate, when known.")
    wallet_estimate = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    years_as_customer = models.FloatField(default=0)
    hours_logged = models.FloatField(
        default=0, db_default=0.0, help_text="Interaction minutes / 60 in the current period."
    )
    hours_planned = models.FloatField(null=True, help_text="Planned hours, when an app provides them.")
    rating_financial_security = models.PositiveSmallIntegerField(null=True)
    rating_strategic_coherence = models.PositiveSmallIntegerField(null=True)
    rating_cultural_fit = models.PositiveSmallIntegerField(null=True)
    rating_values_us = models.PositiveSmallIntegerField(null=True)
    rating_growth_alignment = models.PositiveSmallIntegerField(null=True)
    computed_at = models.DateTimeField()

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        verbose_name_plural = "account metrics"

    def __str__(self) -> str:
        return f"Facts of {self.account_id}"

    def raw(self, source: str) -> float | None:
        """The raw value of ``source`` for this account (a rating for rated sources)."""
        value = getattr(self, f"rating_{source}" if source in RATED_SOURCES else source)
        return None if value is None else float(value)


class AccountScore(models.Model):
    """An account's normalised criterion values (0-1, one column per source), totals (0-100), rank,
    suggested tier and return on time, as of the last re-score (written in bulk by SQL)."""

    account = models.OneToOneField(
        Account,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="portfolio_score",
        db_constraint=False,  # see DERIVED_ROWS
    )
    n_revenue_current = models.FloatField()
    n_profit_current = models.FloatField()
    n_revenue_growth = models.FloatField()
    n_pipeline = models.FloatField()
    n_share_of_wallet = models.FloatField()
    n_years_as_customer = models.FloatField()
    n_historical_value = models.FloatField()
    n_financial_security = models.FloatField()
    n_strategic_coherence = models.FloatField()
    n_cultural_fit = models.FloatField()
    n_values_us = models.FloatField()
    n_growth_alignment = models.FloatField()
    total = models.FloatField(help_text="Weighted total, 0-100.")
    attractiveness = models.FloatField(help_text="Weighted total of the attractiveness criteria, 0-100.")
    strength = models.FloatField(help_text="Weighted total of our-strength criteria, 0-100.")
    rank = models.PositiveIntegerField(help_text="1 = highest total; equal totals share a rank.")
    share_above = models.FloatField(help_text="% of accounts ranked above this one.")
    tier_suggestion = models.CharField(max_length=10, choices=Tier.choices)
    return_on_time = models.FloatField(null=True, help_text="Value per hour spent; none without hours.")
    revenue_current = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        default=0,
        help_text="Copied from the facts: the matrix's bubble size.",
    )
    computed_at = models.DateTimeField()

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["rank", "account_id"]
        indexes = [models.Index(fields=["rank"], name="portfolio_score_rank")]

    def __str__(self) -> str:
        return f"Score of {self.account_id}: {self.total:.1f}"

    def normalised(self, source: str) -> float:
        value: float = getattr(self, f"n_{source}")
        return value


NORMALISED_FIELDS = tuple(f"n_{source}" for source in ALL_SOURCES)


class ScoringRun(AuditedModel):
    """One re-score of the whole portfolio, with the settings and criteria it used.

    Scores are written in bulk, which bypasses the audit trail; this row (one audit entry) is the
    summary, and its snapshot is what explanations are computed from.
    """

    as_of = models.DateField(help_text="The scoring date: 'current' periods end on it.")
    started_at = models.DateTimeField()
    elapsed_ms = models.PositiveIntegerField()
    account_count = models.PositiveIntegerField()
    settings_snapshot = models.JSONField(default=dict)
    criteria_snapshot = models.JSONField(default=list)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inputs_version = models.PositiveBigIntegerField(
        default=0, help_text="PortfolioSettings.inputs_version when this re-score read its inputs."
    )

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Portfolio scored {self.started_at:%Y-%m-%d %H:%M} ({self.account_count} accounts)"
