"""Panels and scorecards, and the independence rule: whose scorecard a user may read, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kamkit.core import permissions
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.hiring.choices import ACTIVE_STAGES, InterviewStatus
from kamkit.hiring.models import (
    Application,
    CompetencyRating,
    Interview,
    InterviewKit,
    KitCompetency,
    KitQuestion,
    QuestionNote,
)

INTERVIEW_LIST = ListSpec(
    search_fields=(
        "application__candidate__full_name",
        "application__opening__title",
        "interviewer__full_name",
    ),
    filters=(
        ListFilter("status", "Status", "status", choices=lambda: list(InterviewStatus.choices)),
        ListFilter("application", "Application", "application_id", convert=int),
    ),
    sort_fields={"scheduled": "scheduled_at", "candidate": "application__candidate__full_name"},
    default_sort="scheduled",
)


def interviews_for(user: Any) -> QuerySet[Interview]:
    return permissions.visible_to(user, Interview).select_related(
        "interviewer", "reopened_by", "application", "application__candidate", "application__opening"
    )


def my_interviews(user: Any) -> QuerySet[Interview]:
    """The user's own panel places, the ones still to score first."""
    return (
        interviews_for(user)
        .filter(interviewer_id=getattr(user, "pk", None))
        .order_by("status", "scheduled_at", "id")
    )


def readable_scorecards(user: Any, application: Application) -> QuerySet[Interview]:
    """The interviews of ``application`` whose scorecard ``user`` may read.

    Your own, always. Others' only once submitted, and only when you are not on this panel with
    your own scorecard still open: nobody sees a colleague's ratings before committing to theirs.
    Drafts are never shown to anyone but their author."""
    panel_places = interviews_for(user).filter(application=application)
    own = panel_places.filter(interviewer_id=getattr(user, "pk", None))
    if waits_for_own_scorecard(user, application):
        return own
    return panel_places.filter(
        Q(interviewer_id=getattr(user, "pk", None)) | Q(status=InterviewStatus.SUBMITTED)
    )


def waits_for_own_scorecard(user: Any, application: Application) -> bool:
    """Is ``user`` on this panel with their own scorecard still open (the independence rule)?"""
    return Interview.objects.filter(
        application=application, interviewer_id=getattr(user, "pk", None), status=InterviewStatus.ASSIGNED
    ).exists()


@dataclass
class QuestionView:
    question: KitQuestion
    note: QuestionNote | None

    @property
    def missing(self) -> list[str]:
        return self.note.missing if self.note is not None else []


@dataclass
class CompetencyView:
    competency: KitCompetency
    questions: list[QuestionView]
    rating: CompetencyRating | None


@dataclass
class ScorecardView:
    interview: Interview
    competencies: list[CompetencyView]

    @property
    def answered(self) -> int:
        return sum(
            1 for c in self.competencies for q in c.questions if q.note is not None and q.note.is_answered
        )

    @property
    def flagged(self) -> list[QuestionView]:
        """Answered questions missing one or more STAR parts."""
        return [q for c in self.competencies for q in c.questions if q.missing]

    @property
    def rated(self) -> int:
        return sum(1 for c in self.competencies if c.rating is not None)


def scorecard_view(interview: Interview, kit: InterviewKit) -> ScorecardView:
    """One scorecard laid over its kit (expects the kit from ``kit_of``)."""
    notes = {note.question_id: note for note in interview.notes.all()}
    ratings = {rating.competency_id: rating for rating in interview.ratings.all()}
    return ScorecardView(
        interview=interview,
        competencies=[
            CompetencyView(
                competency=competency,
                questions=[QuestionView(q, notes.get(q.pk)) for q in competency.questions.all()],
                rating=ratings.get(competency.pk),
            )
            for competency in kit.competencies.all()
            if competency.included
        ],
    )


def reminders_due(now: dt.datetime | None = None) -> dict[Any, list[Interview]]:
    """Scorecards still to submit the day after their interview, by interviewer (one e-mail each).

    Only candidates still in an active stage, interviewers still active with an address, and none
    reminded earlier the same day (local time)."""
    now = now or timezone.now()
    start_of_today = dt.datetime.combine(
        timezone.localdate(now), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    due = (
        Interview.objects.filter(
            status=InterviewStatus.ASSIGNED,
            scheduled_at__lt=start_of_today,
            application__stage__in=ACTIVE_STAGES,
            interviewer__is_active=True,
        )
        .exclude(interviewer__email="")
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=start_of_today))
        .select_related("interviewer", "application__candidate", "application__opening")
        .order_by("interviewer_id", "scheduled_at", "id")
    )
    grouped: dict[Any, list[Interview]] = {}
    for interview in due:
        grouped.setdefault(interview.interviewer, []).append(interview)
    return grouped
