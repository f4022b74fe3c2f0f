"""Fixed vocabularies of account plans, their execution and the qualification of opportunities."""

from django.db import models


class PlanStatus(models.TextChoices):
    """A plan is drafted, agreed with the people involved, run, and closed at the end of its period."""

    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


# Which status a plan may move to from each status (a new version replaces the active one).
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.AGREED, PlanStatus.ACTIVE}),
    PlanStatus.AGREED: frozenset({PlanStatus.DRAFT, PlanStatus.ACTIVE}),
    PlanStatus.ACTIVE: frozenset({PlanStatus.CLOSED}),
    PlanStatus.CLOSED: frozenset(),
}


class MetricKind(models.TextChoices):
    """What an objective measures; revenue targets are checked against the account's history."""

    REVENUE = "revenue", "Revenue"
    MARGIN = "margin", "Margin"
    VOLUME = "volume", "Volume or count"
    SHARE = "share", "Share (%)"
    SCORE = "score", "Score or rating"
    OTHER = "other", "Other"


class Cadence(models.TextChoices):
    ONCE = "once", "Once"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


class OccurrenceStatus(models.TextChoices):
    """What was recorded about one dated occurrence of an action ('pending': nothing yet)."""

    PENDING = "pending", "Not marked"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"
    MISSED = "missed", "Missed"


class TeamSide(models.TextChoices):
    OURS = "ours", "Our side"
    CUSTOMER = "customer", "Customer side"


class Track(models.TextChoices):
    """Where an objective stands: metric progress against the time gone by."""

    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    NOT_MEASURED = "not_measured", "Not measured yet"


class Decision(models.TextChoices):
    """The judgement call at the end of a qualification scorecard."""

    PENDING = "pending", "Not decided"
    GO = "go", "Go"
    NO_GO = "no_go", "No go"
