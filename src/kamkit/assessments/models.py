"""Questionnaires, campaigns, the people assessed in them, their raters and the raters' answers.

A questionnaire belongs to one framework version (published versions never change, ADR 0005), so
its items keep pointing at the competencies they were written for. An ``Assessment`` is one
subject in one campaign: an employee (``subject_user``) or an external person named by
``candidate_name``/``candidate_email``, linked to the hiring app's ``Candidate`` when hiring asked.
Answers are written in bulk and never audited one by one: the audit trail would otherwise say who
answered what, which the anonymity promise forbids. The invitation's ``answer_count`` and
``submitted_at`` are the summary.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.crypto import salted_hmac

from kamkit.assessments.choices import (
    DEFAULT_SCALE,
    CampaignStatus,
    QuestionnaireSource,
    Relationship,
)
from kamkit.core.models import AuditedModel
from kamkit.core.permissions import AccessPolicy

USER = settings.AUTH_USER_MODEL
REFERENCE = AccessPolicy(kind="reference")


def default_scale() -> list[str]:
    return list(DEFAULT_SCALE)


class Questionnaire(AuditedModel):
    """A set of rating statements for the competencies of one framework version."""

    framework = models.ForeignKey(
        "frameworks.Framework", on_delete=models.PROTECT, related_name="questionnaires"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    scale_labels = models.JSONField(
        default=default_scale, help_text="Five labels, from 1 (strongly disagree) to 5 (strongly agree)."
    )
    source = models.CharField(
        max_length=10, choices=QuestionnaireSource.choices, default=QuestionnaireSource.IMPORTED
    )
    builtin_release = models.PositiveIntegerField(null=True, blank=True)

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["name", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "slug"], name="questionnaire_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One statement, worded for the person about themself and for others about them."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    competency = models.ForeignKey(
        "frameworks.Competency", on_delete=models.PROTECT, related_name="questionnaire_items"
    )
    order = models.PositiveIntegerField(default=0)
    self_text = models.TextField(help_text="First person: 'I ...'")
    others_text = models.TextField(help_text="Third person: 'They ...'")
    reverse = models.BooleanField(default=False, help_text="Agreeing means less of the competency.")

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["questionnaire", "order", "id"]

    def __str__(self) -> str:
        return self.others_text

    def text_for(self, relationship: str) -> str:
        return self.self_text if relationship == Relationship.SELF else self.others_text


class Campaign(AuditedModel):
    """One round of assessments on one questionnaire, with a due date for every rater."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="campaigns")
    benchmark = models.ForeignKey(
        "frameworks.BenchmarkProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
        help_text="The role profile the subjects are compared with.",
    )
    due_date = models.DateField(help_text="Rater links stop working at the end of this day.")
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessment_campaigns"
    )
    launched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Whoever runs the campaign, their management line, directors and admins.
    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="people", owners=("created_by",))

    class Meta:
        ordering = ["-due_date", "-id"]
        indexes = [models.Index(fields=["created_by"]), models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_draft(self) -> bool:
        return self.status == CampaignStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    @property
    def closes_at(self) -> dt.datetime:
        """The end of the due date in the organisation's time zone: when rater links expire."""
        return closing_time(self.due_date)


def closing_time(due_date: dt.date) -> dt.datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(due_date + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


class Assessment(AuditedModel):
    """One person assessed in one campaign.

    The subject is an employee, or a candidate named by ``candidate_name``/``candidate_email``.
    An assessment run for hiring also points at the hiring app's ``Candidate`` (an employee who
    applies internally is assessed as ``subject_user`` and linked to their candidate record too).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assessments")
    subject_user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.CASCADE, related_name="assessments"
    )
    candidate_name = models.CharField(max_length=150, blank=True)
    candidate_email = models.EmailField(blank=True)
    candidate = models.ForeignKey(
        "hiring.Candidate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
        help_text="The hiring candidate assessed (name and address are copied from them).",
    )

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="people", owners=("subject_user",))

    class Meta:
        ordering = ["campaign", "id"]
        indexes = [models.Index(fields=["subject_user"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subject_user"],
                condition=models.Q(subject_user__isnull=False),
                name="assessment_unique_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(subject_user__isnull=False) | ~models.Q(candidate_name=""),
                name="assessment_has_subject",
            ),
        ]

    def __str__(self) -> str:
        try:
            return f"{self.subject_name} in {self.campaign}"
        except ObjectDoesNotExist:  # while a cascade delete removes the related rows
            return f"Assessment {self.pk}"

    @property
    def subject_name(self) -> str:
        return str(self.subject_user) if self.subject_user_id else self.candidate_name

    @property
    def is_candidate(self) -> bool:
        return self.subject_user_id is None


class RaterInvitation(AuditedModel):
    """A request to one rater to answer about one subject, with its personal link.

    The link's token is derived from a random salt and the server's secret key; only the salt and
    a hash of the token are stored, so the database alone cannot open anyone's questionnaire, while
    reminders can still carry the same link. ``resend`` draws a new salt: the old link stops working.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="invitations")
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    rater_user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="rater_invitations"
    )
    rater_name = models.CharField(max_length=150, blank=True)
    rater_email = models.EmailField(blank=True)
    token_salt = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_at = models.DateTimeField(null=True, blank=True, help_text="When the invitation e-mail went out.")
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    answer_count = models.PositiveSmallIntegerField(default=0)

    # Raters see their own invitations; whoever runs the campaign (and their management line, as for
    # the campaign itself) manages them. The rater is an assignee, not an owner: a rater's manager
    # must not learn whom their people rate, nor, when assessed, which of their reports answered.
    access_policy: ClassVar[AccessPolicy] = AccessPolicy(
        kind="people", owners=("assessment__campaign__created_by",), assignees=("rater_user",)
    )
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"token_salt", "token_hash"})

    class Meta:
        ordering = ["assessment", "relationship", "id"]
        indexes = [models.Index(fields=["rater_user"]), models.Index(fields=["submitted_at"])]

    def __str__(self) -> str:
        relationship = self.get_relationship_display().lower()
        try:
            return f"{self.display_name} ({relationship}) on {self.assessment.subject_name}"
        except ObjectDoesNotExist:  # while a cascade delete removes the related rows
            return f"Rater invitation {self.pk} ({relationship})"

    @property
    def display_name(self) -> str:
        return str(self.rater_user) if self.rater_user_id else (self.rater_name or self.rater_email)

    @property
    def email(self) -> str:
        return self.rater_user.email if self.rater_user_id and self.rater_user else self.rater_email

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def new_link(self) -> str:
        """Draw a new salt (the previous link stops working) and return the new token."""
        self.token_salt = secrets.token_hex(16)
        token = self.token()
        self.token_hash = hash_token(token)
        return token

    def token(self) -> str:
        return link_token(self.token_salt)


def link_token(salt: str) -> str:
    return "r" + salted_hmac("kamkit.assessments.rater-link", salt, algorithm="sha256").hexdigest()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Answer(models.Model):
    """One rater's answer to one item, 1-5 (an item left blank has no row)."""

    invitation = models.ForeignKey(RaterInvitation, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        ordering = ["invitation", "item"]
        constraints = [models.UniqueConstraint(fields=["invitation", "item"], name="answer_unique_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.value}"


class NormScore(models.Model):
    """One person's score on one competency as the organisation's norms count it (the score their
    report compares with the benchmark), kept so that percentiles, norms and a team's figures are
    counted by the database instead of re-scoring everyone on every page.

    Derived data, rewritten by the services when a response is submitted or a campaign closes, and
    recomputed whenever ``NormState.inputs`` no longer describe the database."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="norm_scores")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="norm_scores")
    competency = models.ForeignKey("frameworks.Competency", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        # percentiles and norms count and rank one competency's scores on one questionnaire
        indexes = [models.Index(fields=["questionnaire", "competency", "score"], name="norm_score_rank")]
        constraints = [models.UniqueConstraint(fields=["assessment", "competency"], name="norm_score_unique")]

    def __str__(self) -> str:
        return f"{self.assessment_id} / {self.competency_id}: {self.score}"


class NormState(models.Model):
    """What a questionnaire's stored norms were computed from, and its reliability sums.

    ``inputs`` counts what the scores depend on (submitted responses, closed campaigns, statements,
    the anonymity threshold; ``queries.NormInputs``): when it differs from the database, the norms
    are recomputed before anyone reads them. ``alpha_sums`` holds, per competency, the running sums
    Cronbach's alpha needs (``scoring.AlphaMoments``, keyed by item id)."""

    questionnaire = models.OneToOneField(
        Questionnaire, on_delete=models.CASCADE, primary_key=True, related_name="norm_state"
    )
    inputs = models.JSONField(default=dict)
    alpha_sums = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Norms of questionnaire {self.questionnaire_id}"
