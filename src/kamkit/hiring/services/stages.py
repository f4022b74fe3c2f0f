"""Applications and their stages: every move is checked here and written to the dated history."""

from __future__ import annotations

from django.utils import timezone

from kamkit.core.errors import ConflictError
from kamkit.hiring.choices import (
    FINAL_STAGES,
    RECRUITING,
    STAGE_TRANSITIONS,
    InterviewStatus,
    OpeningStatus,
    Stage,
    is_backward,
)
from kamkit.hiring.models import Application, Candidate, Opening, StageChange
from kamkit.hiring.services.common import refuse
from kamkit.hiring.services.openings import set_opening_status
from kamkit.users.models import User

# Stages that need a submitted scorecard behind them, whether a decision or a plain move leads there.
EVIDENCED_STAGES = frozenset({Stage.OFFER, Stage.HIRED})


def add_application(
    *, candidate: Candidate, opening: Opening, added_by: User | None, note: str = ""
) -> Application:
    """Consider ``candidate`` for ``opening``: they start at 'applied', and the history says so."""
    if opening.status not in RECRUITING:
        raise ConflictError(
            f"{opening} is {opening.get_status_display().lower()} and takes no new candidates.",
            errors={"opening": ["Reopen the position first."]},
        )
    if Application.objects.filter(candidate=candidate, opening=opening).exists():
        raise ConflictError(
            f"{candidate} is already a candidate for {opening}.",
            errors={"opening": ["Already considered for this position."]},
        )
    application = Application.objects.create(candidate=candidate, opening=opening, added_by=added_by)
    StageChange.objects.create(
        application=application,
        from_stage="",
        to_stage=Stage.APPLIED,
        changed_at=application.stage_changed_at,
        changed_by=added_by,
        note=note.strip(),
    )
    return application


def require_evidence(application: Application, *, field: str, advice: str) -> None:
    """An offer or a hire needs a submitted scorecard behind it, whether a decision or a plain stage
    move leads there (``field`` and ``advice``: where and what the refusal tells the caller)."""
    if not application.interviews.filter(status=InterviewStatus.SUBMITTED).exists():
        raise refuse(
            f"An offer or a hire needs evidence: nobody on {application.candidate}'s panel has submitted a "
            "scorecard yet.",
            **{field: advice},
        )


def move_stage(
    *,
    application: Application,
    to_stage: str,
    changed_by: User | None,
    note: str = "",
    reopen: bool = False,
) -> StageChange:
    """Move an application to another stage: every move is checked here and written to its history.

    Forward moves follow ``STAGE_TRANSITIONS``; a move back needs a note; leaving a final stage
    (hired, rejected, withdrawn) needs ``reopen`` and a note."""
    note = note.strip()
    current = application.stage
    if to_stage not in Stage.values:
        raise refuse(f"{to_stage!r} is not a stage.", stage="Choose one of the stages.")
    if to_stage == current:
        raise refuse(
            f"{application.candidate} is already at {Stage(current).label.lower()}.",
            stage="Choose another stage.",
        )
    reopening = current in FINAL_STAGES
    if reopening:
        if not reopen:
            raise ConflictError(
                f"{application.candidate} is {Stage(current).label.lower()}: that is final. Reopen the "
                "application explicitly to move it again.",
                errors={"stage": [f"{Stage(current).label} is a final stage; tick 'reopen' and say why."]},
            )
        if to_stage in FINAL_STAGES:
            raise refuse(
                "A reopened application goes back to an active stage.",
                stage="Choose applied, screening, interviewing or offer.",
            )
        if not note:
            raise refuse("Say why the application is reopened.", note="Give the reason for reopening.")
    elif to_stage not in STAGE_TRANSITIONS[current]:
        allowed = ", ".join(Stage(s).label.lower() for s in Stage.values if s in STAGE_TRANSITIONS[current])
        raise ConflictError(
            f"From {Stage(current).label.lower()} an application moves to {allowed}; not to "
            f"{Stage(to_stage).label.lower()}.",
            errors={"stage": [f"Not possible from {Stage(current).label.lower()}."]},
        )
    elif is_backward(current, to_stage) and not note:
        raise refuse(
            f"Moving back to {Stage(to_stage).label.lower()} needs a note saying why.",
            note="Say why the candidate moves back.",
        )
    if to_stage in EVIDENCED_STAGES:
        require_evidence(application, field="stage", advice="Wait for a submitted scorecard first.")
    now = timezone.now()
    application.stage = to_stage
    application.stage_changed_at = now
    application.save()
    change = StageChange.objects.create(
        application=application,
        from_stage=current,
        to_stage=to_stage,
        changed_at=now,
        changed_by=changed_by,
        note=note,
        reopened=reopening,
    )
    if to_stage == Stage.HIRED:
        _fill_when_complete(application.opening)
    elif current == Stage.HIRED:
        _reopen_when_short(application.opening)
    return change


def _fill_when_complete(opening: Opening) -> None:
    hired = opening.applications.filter(stage=Stage.HIRED).count()
    if hired >= opening.headcount and opening.status in RECRUITING:
        set_opening_status(opening=opening, status=OpeningStatus.FILLED)


def _reopen_when_short(opening: Opening) -> None:
    """A hire taken back (reopened) leaves a filled position short again: it takes candidates again."""
    hired = opening.applications.filter(stage=Stage.HIRED).count()
    if hired < opening.headcount and opening.status == OpeningStatus.FILLED:
        set_opening_status(opening=opening, status=OpeningStatus.OPEN)
