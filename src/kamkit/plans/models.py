"""Account plans and their execution: a plan per key account and period (kept as versions), its
sections, team, SMART objectives, recurring actions with dated occurrences, reviews, and the
qualification scorecards of the account's opportunities (deals).

Everything inside a plan is seen and changed by whoever may see and change the plan's account.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kamkit.core.models import AuditedModel
from kamkit.core.permissions import AccessPolicy
from kamkit.plans.choices import Cadence, Decision, MetricKind, OccurrenceStatus, PlanStatus, TeamSide

USER = settings.AUTH_USER_MODEL
REFERENCE = AccessPolicy(kind="reference")


def related(obj: models.Model, name: str) -> str:
    """A related object's name for ``__str__``, safe while a cascade deletes it (the audit trail
    names each deleted row after the rows it points at may be gone)."""
    try:
        return str(getattr(obj, name) or "")
    except ObjectDoesNotExist:
        return f"#{getattr(obj, f'{name}_id', '?')}"


def inside(path: str) -> AccessPolicy:
    """The account's policy, reached from a model through ``path`` (e.g. ``plan__account``)."""
    return AccessPolicy(
        kind="business",
        owners=(f"{path}__owner", f"{path}__backup_owner"),
        teams=(f"{path}__team",),
    )


# Templates ----------------------------------------------------------------------------------------


class PlanTemplate(AuditedModel):
    """The sections a new plan starts with (reference data; a lean one-page template ships)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True, help_text="Offered for new plans; retired ones are not.")
    builtin_release = models.PositiveIntegerField(
        null=True, blank=True, help_text="For built-in content: the release of the shipped content."
    )

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        """Shipped with kamkit: read-only (a later release may replace it); copy it to change it."""
        return self.builtin_release is not None


class PlanTemplateSection(AuditedModel):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=40)
    title = models.CharField(max_length=150)
    prompt = models.TextField(blank=True, help_text="What to write here.")
    order = models.PositiveIntegerField(default=0)

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="plan_template_section_unique_key")
        ]

    def __str__(self) -> str:
        return self.title


# Plans ---------------------------------------------------------------------------------------------


class AccountPlan(AuditedModel):
    """One version of the plan for one key account and period (e.g. FY2027).

    Versions are rows: 'new version' copies a plan into a new draft. Only one version per account
    and period is active at a time (the database refuses a second).
    """

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="plans")
    period = models.CharField(max_length=40, help_text="A name for the period, e.g. FY2027.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    situation = models.TextField(blank=True, help_text="Where the account stands, from its profile.")
    template = models.ForeignKey(
        PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="later_plans"
    )
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agreed_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    access_policy: ClassVar[AccessPolicy] = inside("account")

    class Meta:
        ordering = ["account__name", "-starts_on", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["account", "period", "version"], name="plan_unique_version"),
            models.UniqueConstraint(
                fields=["account", "period"],
                condition=Q(status="active"),
                name="plan_one_active_per_period",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="plan_period_order"),
        ]
        indexes = [models.Index(fields=["account", "status"]), models.Index(fields=["status", "ends_on"])]

    def __str__(self) -> str:
        return f"{related(self, 'account')} {self.period} v{self.version}"

    @property
    def is_closed(self) -> bool:
        return self.status == PlanStatus.CLOSED


class PlanSection(AuditedModel):
    """A written part of the plan (goal, opportunities, risks, key players, next steps...)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=40)
    title = models.CharField(max_length=150)
    prompt = models.TextField(blank=True)
    text = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    access_policy: ClassVar[AccessPolicy] = inside("plan__account")

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="plan_section_unique_key")]

    def __str__(self) -> str:
        return f"{related(self, 'plan')}: {self.title}"


class PlanMember(AuditedModel):
    """Someone on the plan's team: one of ours (a user) or one of the customer's (a contact)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="members")
    side = models.CharField(max_length=10, choices=TeamSide.choices)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "accounts.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="plan_roles"
    )
    role = models.CharField(max_length=150, help_text="e.g. executive sponsor, delivery lead.")
    responsibilities = models.TextField(blank=True)

    access_policy: ClassVar[AccessPolicy] = inside("plan__account")

    class Meta:
        ordering = ["plan", "side", "id"]

    def __str__(self) -> str:
        return f"{self.person}: {self.role}"

    @property
    def person(self) -> str:
        return related(self, "user") or related(self, "contact") or "?"


class Objective(AuditedModel):
    """A SMART objective of the plan: an owner, a metric from baseline to target, a due date."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    metric_kind = models.CharField(max_length=10, choices=MetricKind.choices, default=MetricKind.OTHER)
    metric = models.CharField(max_length=150, blank=True, help_text="What is measured.")
    unit = models.CharField(max_length=20, blank=True, help_text="e.g. EUR, %, orders.")
    baseline = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    current = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, help_text="The latest measured value."
    )
    current_on = models.DateField(null=True, blank=True, help_text="When the current value was measured.")
    due_on = models.DateField(null=True, blank=True)
    confirmed_realistic = models.BooleanField(
        default=False, help_text="Someone confirmed a target the realism check flagged."
    )
    deals = models.ManyToManyField("accounts.Deal", blank=True, related_name="objectives")
    order = models.PositiveIntegerField(default=0)

    access_policy: ClassVar[AccessPolicy] = inside("plan__account")

    class Meta:
        ordering = ["plan", "order", "id"]
        indexes = [models.Index(fields=["owner"])]

    def __str__(self) -> str:
        return self.title


class PlanAction(AuditedModel):
    """Something someone does for an objective, once or on a cadence; occurrences are its dates."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.ONCE)
    first_due_on = models.DateField(help_text="The (first) due date.")
    repeat_until = models.DateField(null=True, blank=True, help_text="Default: the end of the plan period.")
    planned_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(24 * 60)],
        help_text="Time planned for each occurrence, in minutes (feeds the portfolio's return on time).",
    )

    access_policy: ClassVar[AccessPolicy] = inside("objective__plan__account")

    class Meta:
        ordering = ["objective", "first_due_on", "id"]
        indexes = [models.Index(fields=["owner"])]
        verbose_name = "action"

    def __str__(self) -> str:
        return self.title


class ActionOccurrence(AuditedModel):
    """One dated occurrence of an action, and what happened: done, skipped or missed, and its worth."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="occurrences")
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=OccurrenceStatus.choices, default=OccurrenceStatus.PENDING
    )
    note = models.TextField(blank=True)
    worth = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="What it was worth to the plan, 1 (little) to 5 (a lot).",
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    access_policy: ClassVar[AccessPolicy] = inside("action__objective__plan__account")

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["action", "due_on"], name="occurrence_unique_date")]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{related(self, 'action')} on {self.due_on:%Y-%m-%d}"


class AccountReview(AuditedModel):
    """A dated review of a plan: who was there, what changed, what was decided and revised."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    our_attendees = models.ManyToManyField("users.User", blank=True, related_name="+")
    customer_attendees = models.ManyToManyField("accounts.Contact", blank=True, related_name="+")
    other_attendees = models.CharField(max_length=300, blank=True)
    what_changed = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    revisions = models.TextField(blank=True, help_text="What was changed in the plan.")
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    access_policy: ClassVar[AccessPolicy] = inside("plan__account")

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {related(self, 'plan')} on {self.held_on:%Y-%m-%d}"


# Qualification -----------------------------------------------------------------------------------


class QuestionSet(AuditedModel):
    """Discovery questions in rounds, each answer scored 1 (poor fit) to 5 (strong fit)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    round_names = models.JSONField(default=list, help_text="The rounds' names, in order.")
    is_active = models.BooleanField(default=True, help_text="Offered for new scorecards.")
    builtin_release = models.PositiveIntegerField(null=True, blank=True)

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        """Shipped with kamkit: read-only (a later release adds to it); copy it to change it."""
        return self.builtin_release is not None

    def round_name(self, number: int) -> str:
        names: list[str] = list(self.round_names or [])
        return names[number - 1] if 0 < number <= len(names) else f"Round {number}"


class QualificationQuestion(AuditedModel):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="questions")
    round = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    text = models.CharField(max_length=300)
    guidance = models.TextField(blank=True, help_text="What a strong and a poor answer sound like.")
    order = models.PositiveIntegerField(default=0)

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["question_set", "round", "order", "id"]
        verbose_name = "question"

    def __str__(self) -> str:
        return self.text


class Scorecard(AuditedModel):
    """The qualification of one opportunity with one question set, ending in go or no-go."""

    deal = models.ForeignKey("accounts.Deal", on_delete=models.CASCADE, related_name="scorecards")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="scorecards")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    access_policy: ClassVar[AccessPolicy] = inside("deal__account")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Qualification of {related(self, 'deal')}"


class ScorecardAnswer(AuditedModel):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QualificationQuestion, on_delete=models.PROTECT, related_name="answers")
    answer = models.TextField(blank=True)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    access_policy: ClassVar[AccessPolicy] = inside("scorecard__deal__account")

    class Meta:
        ordering = ["scorecard", "question__round", "question__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "question"], name="scorecard_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{related(self, 'question')}: {self.score or '-'}"


# Execution bookkeeping -------------------------------------------------------------------------------


class CalendarFeed(AuditedModel):
    """A person's secret calendar address for their plan actions. Only a hash of the token is kept."""

    PREFIX = "cal_"

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(max_length=12)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="private", owners=("user",))
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"token_hash"})
    audit_ignored_fields: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "updated_at", "last_fetched_at"}
    )

    def __str__(self) -> str:
        return f"Calendar of {related(self, 'user')} ({self.token_hint}…)"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def new_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class DigestReceipt(models.Model):
    """When a person last got the daily digest (internal bookkeeping: at most one a day)."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="+")
    last_sent_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Digest for {self.user_id} last sent {self.last_sent_on}"
