"""Fixed vocabularies of competency frameworks."""

from django.db import models


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class FrameworkSource(models.TextChoices):
    BUILTIN = "builtin", "Built in"
    IMPORTED = "imported", "Imported"
    MANUAL = "manual", "Written in kamkit"


class Pole(models.TextChoices):
    LOW = "low", "Low score"
    HIGH = "high", "High score"


class TipKind(models.TextChoices):
    MINDSET = "mindset", "Mindset"
    PRACTICE = "practice", "Practice"


class StarTag(models.TextChoices):
    SITUATION = "situation", "Situation"
    TASK = "task", "Task"
    ACTION = "action", "Action"
    RESULT = "result", "Result"
    OTHER = "other", "Other"
