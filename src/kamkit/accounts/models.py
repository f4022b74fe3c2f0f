"""Customer accounts and what kamkit knows about them: profile, contacts, interactions, feedback,
issues and deals (the facts behind portfolio scores and the whitespace map)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from kamkit.accounts.choices import (
    Attitude,
    BuyingRole,
    DealStage,
    DealStatus,
    FeedbackChannel,
    InteractionKind,
    IssueStatus,
    ProfileSectionKind,
    RelationshipLevel,
    Severity,
    Tier,
)
from kamkit.core.models import AuditedModel
from kamkit.core.permissions import FULL_ACCESS_ROLES, AccessPolicy

# Everything inside an account is seen and changed by whoever may see and change the account.
# Deleting the account itself takes its deals and plans with it: directors and admins only.
ACCOUNT_POLICY = AccessPolicy(
    kind="business",
    owners=("owner", "backup_owner"),
    teams=("team",),
    delete_roles=FULL_ACCESS_ROLES,
)
INSIDE_ACCOUNT = AccessPolicy(
    kind="business", owners=("account__owner", "account__backup_owner"), teams=("account__team",)
)
USER = settings.AUTH_USER_MODEL


def score_validators(low: int, high: int) -> list[Any]:
    return [MinValueValidator(low), MaxValueValidator(high)]


class Account(AuditedModel):
    """A customer company (or a subsidiary of one: ``parent``)."""

    name = models.CharField(max_length=200)
    external_id = models.CharField(
        max_length=100, null=True, blank=True, unique=True, help_text="The id in the CRM it came from."
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="subsidiaries"
    )
    industry = models.CharField(max_length=100, blank=True, db_index=True)
    employees = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, help_text="The customer's own revenue."
    )
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    website = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_accounts", help_text="KAM"
    )
    backup_owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="backed_up_accounts"
    )
    team = models.ForeignKey(
        "users.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="accounts"
    )
    is_key_account = models.BooleanField(default=False, db_index=True)
    tier = models.CharField(max_length=10, choices=Tier.choices, blank=True)
    customer_since = models.DateField(null=True, blank=True)
    wallet_estimate = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What the customer spends a year on what we sell, from anyone (for share of wallet).",
    )
    notes = models.TextField(blank=True)

    access_policy: ClassVar[AccessPolicy] = ACCOUNT_POLICY

    class Meta:
        ordering = [Lower("name")]  # "dambase" before "Zoom" on every database (SQLite compares bytes)
        constraints = [models.UniqueConstraint(Lower("name"), name="account_unique_name")]
        indexes = [models.Index(fields=["owner"]), models.Index(fields=["team"])]

    def __str__(self) -> str:
        return self.name


class Division(AuditedModel):
    """A division or buying centre inside a customer: the rows of the whitespace map."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["account", "name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="division_unique_name")]

    def __str__(self) -> str:
        return self.name


class ProfileSection(AuditedModel):
    """One section of an account profile, with when it was last reviewed (stale ones nag)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="profile_sections")
    kind = models.CharField(max_length=20, choices=ProfileSectionKind.choices)
    text = models.TextField(blank=True)
    items = models.JSONField(default=dict, blank=True, help_text="SWOT: {strengths: [..], ...}")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["account", "kind"]
        constraints = [models.UniqueConstraint(fields=["account", "kind"], name="profile_section_unique")]

    def __str__(self) -> str:
        return f"{self.account}: {self.get_kind_display()}"


class FinancialYear(AuditedModel):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="financial_years")
    year = models.PositiveSmallIntegerField()
    revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    margin_pct = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    growth_pct = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True)

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["account", "-year"]
        constraints = [models.UniqueConstraint(fields=["account", "year"], name="financial_year_unique")]

    def __str__(self) -> str:
        return f"{self.account} {self.year}"


class Competitor(AuditedModel):
    """A company we compete with, shared by all accounts."""

    name = models.CharField(max_length=150)
    website = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="reference")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="competitor_unique_name")]

    def __str__(self) -> str:
        return self.name


class AccountCompetitor(AuditedModel):
    """A competitor present in an account, with our record against them there."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="competitors")
    competitor = models.ForeignKey(Competitor, on_delete=models.CASCADE, related_name="accounts")
    position = models.TextField(blank=True, help_text="What they sell here and how the customer sees them.")
    wins = models.PositiveIntegerField(default=0, help_text="Times we won against them here.")
    losses = models.PositiveIntegerField(default=0, help_text="Times we lost to them here.")

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["account", "competitor__name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "competitor"], name="account_competitor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competitor} at {self.account}"


class Contact(AuditedModel):
    """A person at the customer, placed on the decision-maker map."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    title = models.CharField(max_length=150, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    buying_role = models.CharField(max_length=20, choices=BuyingRole.choices, default=BuyingRole.UNKNOWN)
    attitude = models.CharField(max_length=10, choices=Attitude.choices, default=Attitude.NEUTRAL)
    influence = models.PositiveSmallIntegerField(default=3, validators=score_validators(1, 5))
    relationship_strength = models.PositiveSmallIntegerField(default=1, validators=score_validators(1, 5))
    relationship_owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer_relationships"
    )
    relationship_level = models.PositiveSmallIntegerField(
        choices=RelationshipLevel.choices, default=RelationshipLevel.VENDOR
    )
    desired_relationship_level = models.PositiveSmallIntegerField(
        choices=RelationshipLevel.choices, default=RelationshipLevel.PROBLEM_SOLVER
    )
    is_key_person = models.BooleanField(
        default=False, help_text="Must be kept in touch with (flagged when not contacted for a while)."
    )
    last_contact_at = models.DateTimeField(null=True, blank=True, help_text="From the interactions log.")
    has_left = models.BooleanField(default=False, help_text="No longer at the customer.")
    notes = models.TextField(blank=True)

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["account", "last_name", "first_name"]
        indexes = [models.Index(fields=["account", "buying_role"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def full_name(self) -> str:
        return str(self)


class Interaction(AuditedModel):
    """A call, meeting or e-mail with the customer: feeds 'last contact' and logged time."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(max_length=10, choices=InteractionKind.choices, default=InteractionKind.MEETING)
    occurred_at = models.DateTimeField()
    subject = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    duration_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Time spent, for return on time."
    )
    contacts = models.ManyToManyField(Contact, blank=True, related_name="interactions")
    our_people = models.ManyToManyField("users.User", blank=True, related_name="customer_interactions")
    logged_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # Time order for lists, and covering the portfolio re-score's minutes logged per account
            # in a period (ADR 0007): the sum reads this index alone, never the wide rows with notes.
            models.Index(fields=["occurred_at", "account", "duration_minutes"], name="interaction_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class FeedbackRequest(AuditedModel):
    """We asked the customer for feedback (asking before problems appear is the habit to build)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="feedback_requests")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField()
    asked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    topic = models.CharField(max_length=150, blank=True)

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        # No related rows here: the audit trail calls this while an account's rows are being deleted.
        when = self.asked_at.date().isoformat() if self.asked_at else "?"
        return f"Feedback request of {when}" + (f" about {self.topic}" if self.topic else "")


class Feedback(AuditedModel):
    """What the customer told us: a 0-10 score and a comment on a topic."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="feedback")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    request = models.ForeignKey(
        FeedbackRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    received_at = models.DateTimeField(db_index=True)
    channel = models.CharField(
        max_length=12, choices=FeedbackChannel.choices, default=FeedbackChannel.REQUESTED
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True, validators=score_validators(0, 10))
    topic = models.CharField(max_length=150, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.LOW)
    comment = models.TextField(blank=True)

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{self.account}: {self.score if self.score is not None else '-'} ({self.topic or 'general'})"


class CustomerIssue(AuditedModel):
    """A problem the customer raised, through resolution to telling them it is solved."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="issues")
    feedback = models.ForeignKey(
        Feedback, null=True, blank=True, on_delete=models.SET_NULL, related_name="issues"
    )
    raised_by = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(max_length=20, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    raised_at = models.DateTimeField()
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    customer_informed_at = models.DateTimeField(null=True, blank=True)

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return self.title


class ProductLine(AuditedModel):
    """A family of what we sell: the columns of the whitespace map."""

    name = models.CharField(max_length=100)

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="reference")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="product_line_unique_name")]

    def __str__(self) -> str:
        return self.name


class Product(AuditedModel):
    name = models.CharField(max_length=100)
    line = models.ForeignKey(ProductLine, on_delete=models.PROTECT, related_name="products")
    list_price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="reference")

    class Meta:
        ordering = ["line", "name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="product_unique_name")]

    def __str__(self) -> str:
        return self.name


class Deal(AuditedModel):
    """A won, lost or open opportunity: the facts behind revenue, pipeline and the whitespace map.

    Imports write deals in bulk (a million rows) and record one audit summary; single writes
    through the services are audited row by row like everything else.
    """

    # No index of its own: deal_facts_idx below starts with the account and serves every look-up by
    # account (one index fewer to build on a million-row import, and to keep up on every write).
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="deals", db_index=False)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    name = models.CharField(max_length=200, blank=True)
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals")
    stage = models.CharField(max_length=12, choices=DealStage.choices, default=DealStage.PROSPECTING)
    status = models.CharField(max_length=4, choices=DealStatus.choices, default=DealStatus.OPEN)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    margin = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Profit on the deal, when known."
    )
    engaged_on = models.DateField(null=True, blank=True)
    expected_close_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    access_policy: ClassVar[AccessPolicy] = INSIDE_ACCOUNT

    class Meta:
        ordering = ["-closed_on", "-id"]
        indexes = [
            # Covering the portfolio re-score's sums per account (ADR 0007): the aggregate over a
            # million deals reads this index alone, never the table rows. Every other deal query
            # is by account too, so it is the only index besides the owner's, product's and
            # division's (each one more to build on a million-row import).
            models.Index(
                fields=["account", "status", "closed_on", "amount", "margin"], name="deal_facts_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.external_id or f"Deal {self.pk}"
