"""Competency frameworks as data: a versioned framework, its competencies and their content.

A framework version is a row; published versions never change (services refuse it), so the
assessments and interviews that point at a version keep meaning what they meant. The content
rows below a framework are written as a whole by the services and audited as a summary entry
on the framework, not row by row.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kamkit.core.models import AuditedModel
from kamkit.core.permissions import AccessPolicy
from kamkit.frameworks.choices import FrameworkSource, FrameworkStatus, Pole, StarTag, TipKind

REFERENCE = AccessPolicy(kind="reference")


class Framework(AuditedModel):
    """One version of a competency framework. ``slug`` names the family shared by all versions."""

    slug = models.SlugField(max_length=80)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=150, blank=True, help_text="The job it describes.")
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT)
    source = models.CharField(max_length=10, choices=FrameworkSource.choices, default=FrameworkSource.MANUAL)
    builtin_release = models.PositiveIntegerField(
        null=True, blank=True, help_text="For built-in content: the release of the shipped file."
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="later_versions"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="framework_slug_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == FrameworkStatus.DRAFT


class Competency(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0)])

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["framework", "order", "id"]
        verbose_name_plural = "competencies"
        constraints = [models.UniqueConstraint(fields=["framework", "name"], name="competency_unique_name")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A behaviour typical of a low or a high score."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="indicators")
    pole = models.CharField(max_length=4, choices=Pole.choices)
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["competency", "pole", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Tip(models.Model):
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="tips")
    kind = models.CharField(max_length=8, choices=TipKind.choices)
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["competency", "kind", "order", "id"]

    def __str__(self) -> str:
        return self.text


class ProficiencyLevel(models.Model):
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    summary = models.TextField()

    class Meta:
        ordering = ["competency", "level"]
        constraints = [models.UniqueConstraint(fields=["competency", "level"], name="level_unique_number")]

    def __str__(self) -> str:
        return f"{self.competency} level {self.level}"


class LevelBehaviour(models.Model):
    level = models.ForeignKey(ProficiencyLevel, on_delete=models.CASCADE, related_name="behaviours")
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["level", "order", "id"]

    def __str__(self) -> str:
        return self.text


class InterviewQuestion(models.Model):
    level = models.ForeignKey(ProficiencyLevel, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["level", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Probe(models.Model):
    """A follow-up question; its STAR tag says which part of a complete answer it draws out."""

    question = models.ForeignKey(InterviewQuestion, on_delete=models.CASCADE, related_name="probes")
    text = models.TextField()
    star = models.CharField(max_length=10, choices=StarTag.choices, default=StarTag.OTHER)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return self.text


class BenchmarkProfile(AuditedModel):
    """What a role needs from each competency of one framework version: a target band and importance."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="benchmarks")
    role = models.CharField(max_length=150)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["framework", "role"]
        constraints = [models.UniqueConstraint(fields=["framework", "role"], name="benchmark_unique_role")]

    def __str__(self) -> str:
        return self.name


class BenchmarkTarget(AuditedModel):
    profile = models.ForeignKey(BenchmarkProfile, on_delete=models.CASCADE, related_name="targets")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="benchmark_targets")
    band_low = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    band_high = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    importance = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (nice to have) to 5"
    )

    access_policy: ClassVar[AccessPolicy] = REFERENCE

    class Meta:
        ordering = ["profile", "competency__order"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "competency"], name="target_unique_competency"),
            models.CheckConstraint(
                condition=models.Q(band_low__lte=models.F("band_high")), name="target_band_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency}: {self.band_low}-{self.band_high}"

    @property
    def band_width(self) -> int:
        return self.band_high - self.band_low
