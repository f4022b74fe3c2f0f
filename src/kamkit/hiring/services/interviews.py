"""Panels and scorecards: putting interviewers on a candidate's panel, and their scorecards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kamkit.core import audit
from kamkit.core.choices import AuditAction
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.hiring.choices import FINAL_STAGES, InterviewStatus, Recommendation, Stage
from kamkit.hiring.models import (
    Application,
    CompetencyRating,
    Interview,
    InterviewKit,
    KitQuestion,
    QuestionNote,
)
from kamkit.hiring.services.common import refuse
from kamkit.hiring.services.stages import move_stage
from kamkit.users.models import User


def assign_interviewer(
    *,
    application: Application,
    interviewer: User,
    assigned_by: User | None,
    scheduled_at: dt.datetime | None = None,
    notify: bool = True,
) -> Interview:
    """Put someone on the candidate's panel; they are e-mailed the kit and their scorecard's link once
    the transaction commits (``notify=False``: no e-mail, e.g. for the demo). The first interviewer
    moves an applied or screened candidate to interviewing (written to the stage history)."""
    if application.stage in FINAL_STAGES:
        raise ConflictError(
            f"{application.candidate} is {application.get_stage_display().lower()}; reopen the "
            "application before interviewing.",
            errors={"stage": ["Final stage."]},
        )
    if not interviewer.is_active:
        raise refuse(f"{interviewer} is no longer active.", interviewer="Choose an active colleague.")
    if application.candidate.user_id == interviewer.pk:
        raise refuse(f"{interviewer} is the candidate.", interviewer="A candidate cannot interview themself.")
    if application.interviews.filter(interviewer=interviewer).exists():
        raise ConflictError(
            f"{interviewer} is already on {application.candidate}'s panel.",
            errors={"interviewer": ["Already on the panel."]},
        )
    interview = Interview.objects.create(
        application=application, interviewer=interviewer, scheduled_at=scheduled_at, assigned_by=assigned_by
    )
    if notify:
        from kamkit.hiring.tasks import notify_interviewer

        interview_id = interview.pk
        transaction.on_commit(lambda: notify_interviewer.enqueue(interview_id))
    if application.stage in (Stage.APPLIED, Stage.SCREENING):
        move_stage(
            application=application,
            to_stage=Stage.INTERVIEWING,
            changed_by=assigned_by,
            note=f"{interviewer} assigned to interview.",
        )
    return interview


def schedule_interview(*, interview: Interview, scheduled_at: dt.datetime | None) -> Interview:
    """Set or move the interview's time; once its scorecard is submitted the interview took place
    when it says, and reopening the scorecard is the way to change it."""
    if scheduled_at == interview.scheduled_at:
        return interview
    if interview.is_submitted:
        raise ConflictError(
            f"{interview.interviewer} has submitted their scorecard for this interview; reopen the "
            "scorecard first to change its time.",
            errors={"scheduled_at": ["The interview took place; its time stays as recorded."]},
        )
    interview.scheduled_at = scheduled_at
    interview.save()
    return interview


def remove_interviewer(*, interview: Interview) -> None:
    """Take someone off the panel; a draft is discarded, a submitted scorecard is kept."""
    if interview.is_submitted:
        raise ConflictError(
            f"{interview.interviewer} has submitted their scorecard; it stays part of the record.",
            errors={"interview": ["Submitted scorecards are kept."]},
        )
    interview.delete()


@dataclass(frozen=True)
class NoteInput:
    notes: str = ""
    situation: bool = False
    task: bool = False
    action: bool = False
    result: bool = False


@dataclass(frozen=True)
class RatingInput:
    rating: int | None = None
    evidence: str = ""


def save_scorecard(
    *,
    interview: Interview,
    by: User,
    notes: Mapping[int, NoteInput],
    ratings: Mapping[int, RatingInput],
    recommendation: str = "",
    summary: str = "",
    submit: bool = False,
) -> Interview:
    """Store the interviewer's notes (by kit question id) and ratings (by kit competency id),
    replacing their draft. ``submit`` makes the scorecard final: it needs a rating for every
    competency in the kit and an overall recommendation, and cannot change afterwards."""
    if by.pk != interview.interviewer_id:
        raise ConflictError(
            "Only the interviewer writes their scorecard.", errors={"interviewer": ["Not your scorecard."]}
        )
    if interview.is_submitted:
        raise ConflictError(
            "This scorecard was submitted and cannot change.", errors={"status": ["Already submitted."]}
        )
    kit = InterviewKit.objects.get(opening_id=interview.application.opening_id)
    competencies = {c.pk: c for c in kit.competencies.filter(included=True)}
    questions = set(
        KitQuestion.objects.filter(competency__in=list(competencies)).values_list("pk", flat=True)
    )
    errors: dict[str, list[str]] = {}
    for question_id in notes:
        if question_id not in questions:
            errors[f"note-{question_id}"] = ["Not a question of this kit."]
    given: dict[int, tuple[int, str]] = {}
    for competency_id, value in ratings.items():
        if competency_id not in competencies:
            errors[f"rating-{competency_id}"] = ["Not a competency of this kit."]
        elif value.rating is not None:
            rating = value.rating
            if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
                errors[f"rating-{competency_id}"] = [f"Rate 1 to 5, not {rating!r}."]
            else:
                given[competency_id] = (rating, value.evidence.strip())
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = [f"{recommendation!r} is not a recommendation."]
    if submit and not errors:
        missing = [c.name for pk, c in competencies.items() if pk not in given]
        if missing:
            for pk, competency in competencies.items():
                if pk not in given:
                    errors[f"rating-{pk}"] = [f"Rate {competency.name} before submitting."]
            errors[""] = [f"Rate every competency before submitting; missing: {', '.join(missing)}."]
        if not recommendation:
            errors["recommendation"] = ["Give your overall recommendation before submitting."]
    if errors:
        raise ServiceError("The scorecard was not saved.", errors=errors)
    interview.notes.all().delete()
    QuestionNote.objects.bulk_create(
        [
            QuestionNote(
                interview=interview,
                question_id=question_id,
                notes=note.notes.strip(),
                star_situation=note.situation,
                star_task=note.task,
                star_action=note.action,
                star_result=note.result,
            )
            for question_id, note in notes.items()
            if note.notes.strip() or note.situation or note.task or note.action or note.result
        ]
    )
    interview.ratings.all().delete()
    CompetencyRating.objects.bulk_create(
        [
            CompetencyRating(
                interview=interview, competency_id=competency_id, rating=rating, evidence=evidence
            )
            for competency_id, (rating, evidence) in given.items()
        ]
    )
    now = timezone.now()
    interview.recommendation = recommendation
    interview.summary = summary.strip()
    interview.draft_saved_at = now
    if submit:
        interview.status = InterviewStatus.SUBMITTED
        interview.submitted_at = now
    interview.save()
    if submit:
        # The values stay out of the trail (the panel may read it); the counts say what was sent.
        audit.record(
            interview,
            AuditAction.UPDATE,
            {"scorecard": [None, f"submitted: {len(given)} ratings, notes on {len(notes)} questions"]},
        )
    return interview


def submit_draft(*, interview: Interview, by: User) -> Interview:
    """Submit the interviewer's saved draft as it stands (same checks as submitting with content:
    every competency rated and a recommendation given)."""
    return save_scorecard(
        interview=interview,
        by=by,
        notes={
            n.question_id: NoteInput(
                notes=n.notes,
                situation=n.star_situation,
                task=n.star_task,
                action=n.star_action,
                result=n.star_result,
            )
            for n in interview.notes.all()
        },
        ratings={r.competency_id: RatingInput(r.rating, r.evidence) for r in interview.ratings.all()},
        recommendation=interview.recommendation,
        summary=interview.summary,
        submit=True,
    )


def reopen_scorecard(*, interview: Interview, by: User | None, reason: str) -> Interview:
    """Give a submitted scorecard back to its interviewer (the people running the position decide
    that), with the reason; the interview's history keeps who, when and why. It goes back to 'to
    score': its interviewer edits and submits it again, and until then sees no colleague's ratings.

    Nobody reopens their own scorecard: since submitting it they have seen the panel's ratings."""
    reason = reason.strip()
    if not interview.is_submitted:
        raise ConflictError(
            f"{interview.interviewer}'s scorecard is not submitted; it is still theirs to change.",
            errors={"status": ["Not submitted."]},
        )
    if by is not None and by.pk == interview.interviewer_id:
        raise ConflictError(
            "You cannot reopen your own scorecard: you have seen the panel's ratings since you submitted it.",
            errors={"interviewer": ["Your own scorecard."]},
        )
    application = interview.application
    if application.stage in FINAL_STAGES:
        raise ConflictError(
            f"{application.candidate} is {application.get_stage_display().lower()}; reopen the application "
            "before reopening a scorecard.",
            errors={"stage": ["Final stage."]},
        )
    if not reason:
        raise refuse(
            "Say why the scorecard is reopened; the reason is kept in its history.",
            reason="Give the reason for reopening, without quoting ratings (the panel can read it).",
        )
    interview.status = InterviewStatus.ASSIGNED
    interview.submitted_at = None
    interview.reopened_at = timezone.now()
    interview.reopened_by = by
    interview.reopen_reason = reason
    interview.reminded_at = None
    interview.save()
    return interview


def record_reminders(*, interviews: Sequence[Interview], at: dt.datetime) -> None:
    """Note when interviewers were reminded, so nobody gets more than one reminder a day.

    Bookkeeping only (``reminded_at`` stays out of the trail), hence one update for them all."""
    Interview.objects.filter(pk__in=[i.pk for i in interviews]).update(reminded_at=at)
