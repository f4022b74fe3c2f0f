"""Hiring key account managers: openings, candidates and their applications, interview kits built
from a framework's proficiency levels, interviewers' scorecards, and the hiring manager's decisions.

Who sees what (ADR 0008, docs/hiring.md): everything is "people" data. The hiring manager, their
management line, the lead of the opening's team, directors and admins see and run an opening.
Interviewers see the candidates they are assigned to, and only that; they change nothing but their
own scorecard. ``ManagedOpening`` and ``ManagedCandidate`` are the same rows under the policy
without the interviewer paths: what a person may *run*, not merely see.

Scorecard contents (``QuestionNote``, ``CompetencyRating`` and the interview's recommendation and
summary) are not written to the audit trail: the trail of an interview is readable by the whole
panel, and a draft's ratings must stay the author's alone (the independence rule). The interview's
status and submission time are audited, and submission records a summary entry.
"""

from __future__ import annotations

import os
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kamkit.core.models import AuditedModel
from kamkit.core.permissions import AccessPolicy
from kamkit.hiring.choices import (
    RECRUITING,
    STAR_PARTS,
    AttachmentKind,
    CandidateSource,
    InterviewStatus,
    OpeningStatus,
    Outcome,
    QuestionSource,
    Recommendation,
    Stage,
)

USER = settings.AUTH_USER_MODEL
LEVEL = [MinValueValidator(1), MaxValueValidator(5)]


def people(prefix: str, *, interviewers: bool = True, never: tuple[str, ...] = ()) -> AccessPolicy:
    """The opening's policy reached through ``prefix`` (e.g. ``application__opening``)."""
    return AccessPolicy(
        kind="people",
        owners=(f"{prefix}__hiring_manager",),
        teams=(f"{prefix}__team",),
        assignees=(f"{prefix}__applications__interviews__interviewer",) if interviewers else (),
        never=never,
    )


def related(obj: models.Model, name: str) -> str:
    """A related object's name for ``__str__``, safe while a cascade deletes it."""
    try:
        return str(getattr(obj, name) or "")
    except ObjectDoesNotExist:
        return f"#{getattr(obj, f'{name}_id', '?')}"


# Openings -------------------------------------------------------------------------------------------


class Opening(AuditedModel):
    """A position to fill: the role's benchmark profile fixes the framework version, and the target
    level says how much of each competency the person must bring."""

    title = models.CharField(max_length=200)
    benchmark = models.ForeignKey(
        "frameworks.BenchmarkProfile",
        on_delete=models.PROTECT,
        related_name="openings",
        help_text="The role profile: its framework builds the interview kit, its bands judge the fit.",
    )
    target_level = models.PositiveSmallIntegerField(
        default=3, validators=LEVEL, help_text="The proficiency level (1-5) the person needs."
    )
    hiring_manager = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="hiring_openings"
    )
    team = models.ForeignKey(
        "users.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="openings"
    )
    status = models.CharField(max_length=10, choices=OpeningStatus.choices, default=OpeningStatus.OPEN)
    description = models.TextField(blank=True)
    location = models.CharField(max_length=150, blank=True)
    headcount = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="People to hire; filled when reached."
    )
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(
        kind="people",
        owners=("hiring_manager",),
        teams=("team",),
        assignees=("applications__interviews__interviewer",),
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["hiring_manager"]),
            models.Index(fields=["team"]),
            models.Index(fields=["status", "-opened_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_recruiting(self) -> bool:
        return self.status in RECRUITING


class ManagedOpening(Opening):
    """The openings a person runs (not merely interviews for): the hiring manager, their management
    line, the lead of the opening's team, directors and admins."""

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(
        kind="people", owners=("hiring_manager",), teams=("team",)
    )

    class Meta:
        proxy = True


# Candidates ----------------------------------------------------------------------------------------


CANDIDATE_OWNERS = ("created_by", "applications__opening__hiring_manager")
CANDIDATE_TEAMS = ("applications__opening__team",)


class Candidate(AuditedModel):
    """A person considered for one or more openings: an employee (``user``) or someone from outside."""

    full_name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidacies",
        help_text="For an internal candidate: their kamkit account.",
    )
    source = models.CharField(max_length=12, choices=CandidateSource.choices, default=CandidateSource.OTHER)
    source_detail = models.CharField(
        max_length=200, blank=True, help_text="Who referred them, which agency or board."
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(
        kind="people",
        owners=CANDIDATE_OWNERS,
        teams=CANDIDATE_TEAMS,
        assignees=("applications__interviews__interviewer",),
        never=("user",),
    )

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["created_by"]), models.Index(fields=["email"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(user__isnull=False), name="candidate_one_per_employee"
            ),
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="candidate_unique_email"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_internal(self) -> bool:
        return self.user_id is not None


class ManagedCandidate(Candidate):
    """The candidates a person may change: whoever added them and whoever runs an opening they are in."""

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(
        kind="people", owners=CANDIDATE_OWNERS, teams=CANDIDATE_TEAMS, never=("user",)
    )

    class Meta:
        proxy = True


def attachment_path(instance: CandidateAttachment, filename: str) -> str:
    """Stored under a random name: the original name is kept in the row, never in a path."""
    extension = os.path.splitext(filename)[1].lower()
    return f"hiring/candidates/{instance.candidate_id}/{uuid.uuid4().hex}{extension}"


class CandidateAttachment(AuditedModel):
    """A CV or other document, served only through a permission-checked view (never a public URL)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=12, choices=AttachmentKind.choices, default=AttachmentKind.CV)
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(
        kind="people",
        owners=tuple(f"candidate__{path}" for path in CANDIDATE_OWNERS),
        teams=tuple(f"candidate__{path}" for path in CANDIDATE_TEAMS),
        assignees=("candidate__applications__interviews__interviewer",),
        never=("candidate__user",),
    )

    class Meta:
        ordering = ["candidate", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({related(self, 'candidate')})"


# Applications and their stages -------------------------------------------------------------------


class Application(AuditedModel):
    """One candidate considered for one opening, and where they stand."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, related_name="applications")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.APPLIED)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    applied_on = models.DateField(default=timezone.localdate)
    added_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(
        kind="people",
        owners=("opening__hiring_manager",),
        teams=("opening__team",),
        assignees=("interviews__interviewer",),
        never=("candidate__user",),
    )

    class Meta:
        ordering = ["opening", "candidate__full_name", "id"]
        indexes = [models.Index(fields=["opening", "stage"])]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "opening"], name="application_once_per_opening")
        ]

    def __str__(self) -> str:
        return f"{related(self, 'candidate')} for {related(self, 'opening')}"


class StageChange(AuditedModel):
    """One dated move of an application between stages: who moved it, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    reopened = models.BooleanField(default=False)

    access_policy: ClassVar[AccessPolicy] = people(
        "application__opening", interviewers=False, never=("application__candidate__user",)
    )

    class Meta:
        ordering = ["application", "changed_at", "id"]

    def __str__(self) -> str:
        start = self.get_from_stage_display() or "new"
        return f"{related(self, 'application')}: {start} -> {self.get_to_stage_display()}"


# Interview kits ------------------------------------------------------------------------------------


class InterviewKit(AuditedModel):
    """The opening's interview guide, copied from the framework so it can be edited per opening.

    Its content rows are written in bulk when the kit is built; an audit entry on the kit says so.
    """

    opening = models.OneToOneField(Opening, on_delete=models.CASCADE, related_name="kit")
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="+")
    target_level = models.PositiveSmallIntegerField(validators=LEVEL)
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    edited_at = models.DateTimeField(null=True, blank=True, help_text="Last change by hand since built.")

    access_policy: ClassVar[AccessPolicy] = people("opening")

    def __str__(self) -> str:
        return f"Interview kit for {related(self, 'opening')}"


class KitCompetency(AuditedModel):
    """One competency in a kit: the behaviours around the target level, questions and rating guide."""

    kit = models.ForeignKey(InterviewKit, on_delete=models.CASCADE, related_name="competencies")
    competency = models.ForeignKey(
        "frameworks.Competency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    importance = models.PositiveSmallIntegerField(null=True, blank=True, help_text="From the benchmark.")
    order = models.PositiveIntegerField(default=0)
    included = models.BooleanField(default=True, help_text="Dropped competencies are not rated.")
    level_below = models.PositiveSmallIntegerField(null=True, blank=True)
    behaviours_below = models.JSONField(default=list, blank=True)
    level_at = models.PositiveSmallIntegerField(null=True, blank=True)
    level_summary = models.TextField(blank=True)
    behaviours_at = models.JSONField(default=list, blank=True)
    level_above = models.PositiveSmallIntegerField(null=True, blank=True)
    behaviours_above = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, help_text="What the framework does not give for this competency.")

    access_policy: ClassVar[AccessPolicy] = people("kit__opening")

    class Meta:
        ordering = ["kit", "order", "id"]
        verbose_name_plural = "kit competencies"

    def __str__(self) -> str:
        return self.name


class KitQuestion(AuditedModel):
    competency = models.ForeignKey(KitCompetency, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=10, choices=QuestionSource.choices, default=QuestionSource.ADDED)
    level = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The framework level.")

    access_policy: ClassVar[AccessPolicy] = people("competency__kit__opening")

    class Meta:
        ordering = ["competency", "order", "id"]

    def __str__(self) -> str:
        return self.text[:120]


class KitProbe(models.Model):
    """A follow-up question; written with its question (the question's audit entry covers it)."""

    question = models.ForeignKey(KitQuestion, on_delete=models.CASCADE, related_name="probes")
    text = models.TextField()
    star = models.CharField(max_length=10, default="other")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return self.text


class RatingAnchor(AuditedModel):
    """What an answer rated 1-5 on one competency sounds like."""

    competency = models.ForeignKey(KitCompetency, on_delete=models.CASCADE, related_name="anchors")
    rating = models.PositiveSmallIntegerField(validators=LEVEL)
    label = models.CharField(max_length=60)
    text = models.TextField()

    access_policy: ClassVar[AccessPolicy] = people("competency__kit__opening")

    class Meta:
        ordering = ["competency", "rating"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "rating"], name="anchor_once_per_rating")
        ]

    def __str__(self) -> str:
        return f"{related(self, 'competency')} {self.rating}: {self.label}"


# Interviews and scorecards -------------------------------------------------------------------------


class Interview(AuditedModel):
    """One interviewer assigned to one application, and their scorecard's state.

    The panel sees who else is on it; what each member wrote is shown by ``queries.readable_scorecards``.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews")
    interviewer = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="hiring_interviews")
    scheduled_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=InterviewStatus.choices, default=InterviewStatus.ASSIGNED
    )
    assigned_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    summary = models.TextField(blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True, help_text="Last reopened after submission.")
    reopened_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reopen_reason = models.TextField(blank=True, help_text="Why the submitted scorecard was reopened.")
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="Last reminder to submit.")

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(
        kind="people",
        owners=("application__opening__hiring_manager",),
        teams=("application__opening__team",),
        assignees=("application__interviews__interviewer",),
        never=("application__candidate__user",),
    )
    # A draft's content is its author's alone; the trail of an interview is readable by the panel.
    audit_ignored_fields: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "updated_at", "draft_saved_at", "recommendation", "summary", "reminded_at"}
    )

    class Meta:
        ordering = ["application", "scheduled_at", "id"]
        indexes = [models.Index(fields=["interviewer", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["application", "interviewer"], name="interview_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{related(self, 'interviewer')} interviewing {related(self, 'application')}"

    @property
    def is_submitted(self) -> bool:
        return self.status == InterviewStatus.SUBMITTED


class QuestionNote(models.Model):
    """An interviewer's notes on one kit question, and which STAR parts the answer covered."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="notes")
    question = models.ForeignKey(KitQuestion, on_delete=models.CASCADE, related_name="notes")
    notes = models.TextField(blank=True)
    star_situation = models.BooleanField(default=False)
    star_task = models.BooleanField(default=False)
    star_action = models.BooleanField(default=False)
    star_result = models.BooleanField(default=False)

    class Meta:
        ordering = ["interview", "question__competency__order", "question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "question"], name="note_once_per_question")
        ]

    def __str__(self) -> str:
        return f"Notes on question {self.question_id}"

    @property
    def covered(self) -> list[str]:
        return [part for part in STAR_PARTS if getattr(self, f"star_{part}")]

    @property
    def is_answered(self) -> bool:
        return bool(self.notes.strip()) or bool(self.covered)

    @property
    def missing(self) -> list[str]:
        """STAR parts an answered question did not cover (kamkit flags them)."""
        return [part for part in STAR_PARTS if part not in self.covered] if self.is_answered else []


class CompetencyRating(models.Model):
    """An interviewer's 1-5 rating of one kit competency, with the evidence behind it."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(KitCompetency, on_delete=models.CASCADE, related_name="ratings")
    rating = models.PositiveSmallIntegerField(validators=LEVEL)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["interview", "competency__order", "competency_id"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "competency"], name="rating_once_per_competency")
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}: {self.rating}"


# Decisions -----------------------------------------------------------------------------------------


class Decision(AuditedModel):
    """The hiring manager's decision on an application and why, with what the panel showed then."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    stage_before = models.CharField(max_length=12, choices=Stage.choices)
    stage_after = models.CharField(max_length=12, choices=Stage.choices)
    evidence = models.JSONField(
        default=dict, blank=True, help_text="The panel's means, agreement and fit when decided."
    )

    access_policy: ClassVar[AccessPolicy] = people(
        "application__opening", interviewers=False, never=("application__candidate__user",)
    )
    # The evidence holds the panel's ratings; a panel member still scoring may read the decision's
    # trail, so the figures stay out of it (they never change after the decision is recorded).
    audit_ignored_fields: ClassVar[frozenset[str]] = frozenset({"created_at", "updated_at", "evidence"})

    class Meta:
        ordering = ["application", "-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {related(self, 'application')}"
