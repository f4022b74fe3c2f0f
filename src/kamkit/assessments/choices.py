"""Fixed vocabularies of assessments."""

from django.db import models


class Relationship(models.TextChoices):
    """How a rater knows the subject; it decides the rater group their answers count in."""

    SELF = "self", "Self"
    MANAGER = "manager", "Manager"
    PEER = "peer", "Peer"
    REPORT = "report", "Direct report"
    CUSTOMER = "customer", "Customer contact"


# Groups whose answers are shown only as a mean, and only from KAMKIT_ANONYMITY_MIN answers on.
ANONYMOUS_RELATIONSHIPS = frozenset({Relationship.PEER, Relationship.REPORT, Relationship.CUSTOMER})


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed"


class QuestionnaireSource(models.TextChoices):
    BUILTIN = "builtin", "Built in"
    IMPORTED = "imported", "Imported"


class LinkState(models.TextChoices):
    """Why a personal rater link does or does not open the questionnaire."""

    VALID = "valid", "Valid"
    UNKNOWN = "unknown", "Unknown link"
    EXPIRED = "expired", "Past the due date"
    SUBMITTED = "submitted", "Already submitted"
    CLOSED = "closed", "Campaign closed"
    NOT_OPEN = "not_open", "Campaign not launched"


DEFAULT_SCALE = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
]
