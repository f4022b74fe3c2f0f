"""Fixed vocabularies of hiring, and the rules for moving a candidate between stages."""

from django.db import models


class OpeningStatus(models.TextChoices):
    OPEN = "open", "Open"
    ON_HOLD = "on_hold", "On hold"
    FILLED = "filled", "Filled"
    CLOSED = "closed", "Closed"


# Which opening statuses may follow which (reopening a filled or closed position is allowed).
OPENING_TRANSITIONS: dict[str, frozenset[str]] = {
    OpeningStatus.OPEN: frozenset({OpeningStatus.ON_HOLD, OpeningStatus.FILLED, OpeningStatus.CLOSED}),
    OpeningStatus.ON_HOLD: frozenset({OpeningStatus.OPEN, OpeningStatus.FILLED, OpeningStatus.CLOSED}),
    OpeningStatus.FILLED: frozenset({OpeningStatus.OPEN, OpeningStatus.CLOSED}),
    OpeningStatus.CLOSED: frozenset({OpeningStatus.OPEN}),
}
# Openings in these statuses take new candidates.
RECRUITING = frozenset({OpeningStatus.OPEN, OpeningStatus.ON_HOLD})


class Stage(models.TextChoices):
    APPLIED = "applied", "Applied"
    SCREENING = "screening", "Screening"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFER = "offer", "Offer"
    HIRED = "hired", "Hired"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


ACTIVE_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.OFFER)
FINAL_STAGES = frozenset({Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN})
STAGE_ORDER = {stage: position for position, stage in enumerate(Stage.values)}

# The moves the stage service allows without reopening (docs/hiring.md explains them). Moving back
# to an earlier active stage needs a note; a final stage is left only by reopening, with a note.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.APPLIED: frozenset({Stage.SCREENING, Stage.INTERVIEWING, Stage.REJECTED, Stage.WITHDRAWN}),
    Stage.SCREENING: frozenset({Stage.APPLIED, Stage.INTERVIEWING, Stage.REJECTED, Stage.WITHDRAWN}),
    Stage.INTERVIEWING: frozenset(
        {Stage.SCREENING, Stage.OFFER, Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN}
    ),
    Stage.OFFER: frozenset({Stage.INTERVIEWING, Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN}),
    Stage.HIRED: frozenset(),
    Stage.REJECTED: frozenset(),
    Stage.WITHDRAWN: frozenset(),
}


def is_backward(from_stage: str, to_stage: str) -> bool:
    """A move back to an earlier active stage (it needs a note saying why)."""
    return to_stage in ACTIVE_STAGES and STAGE_ORDER[to_stage] < STAGE_ORDER[from_stage]


class CandidateSource(models.TextChoices):
    INTERNAL = "internal", "Internal move"
    REFERRAL = "referral", "Referral"
    AGENCY = "agency", "Agency"
    JOB_BOARD = "job_board", "Job board"
    WEBSITE = "website", "Careers site"
    NETWORK = "network", "Sourced directly"
    OTHER = "other", "Other"


class AttachmentKind(models.TextChoices):
    CV = "cv", "CV"
    COVER_LETTER = "cover_letter", "Cover letter"
    OTHER = "other", "Other"


class InterviewStatus(models.TextChoices):
    ASSIGNED = "assigned", "To score"
    SUBMITTED = "submitted", "Submitted"


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class Outcome(models.TextChoices):
    """What the hiring manager decides; each outcome but 'hold' moves the candidate's stage."""

    OFFER = "offer", "Make an offer"
    HIRE = "hire", "Hire"
    HOLD = "hold", "Hold (decide later)"
    REJECT = "reject", "Reject"


OUTCOME_STAGE: dict[str, str | None] = {
    Outcome.OFFER: Stage.OFFER,
    Outcome.HIRE: Stage.HIRED,
    Outcome.HOLD: None,
    Outcome.REJECT: Stage.REJECTED,
}


class QuestionSource(models.TextChoices):
    FRAMEWORK = "framework", "From the framework"
    ADDED = "added", "Added for this opening"


STAR_PARTS = ("situation", "task", "action", "result")
STAR_LABELS = {"situation": "Situation", "task": "Task", "action": "Action", "result": "Result"}

ANCHOR_LABELS = {
    1: "Well below the level",
    2: "Below the level",
    3: "At the level",
    4: "Above the level in part",
    5: "Well above the level",
}
