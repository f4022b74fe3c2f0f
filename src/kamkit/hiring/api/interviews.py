"""Hiring API: panels and scorecards, under the independence rule."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Query, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.hiring import queries, services
from kamkit.hiring.api.base import (
    application_or_404,
    interview_or_404,
    managed_application,
    pick,
    require_running,
    router,
)
from kamkit.hiring.choices import STAR_PARTS
from kamkit.hiring.models import Interview, InterviewKit
from kamkit.hiring.schemas import (
    InterviewCreate,
    InterviewRead,
    InterviewScorecardRead,
    InterviewScorecardWrite,
    InterviewUpdate,
    ScorecardReopenWrite,
)
from kamkit.users.models import User


class InterviewListParams(Schema):
    q: str | None = None
    sort: str | None = None
    status: str | None = None
    application: str | None = None
    mine: bool = False


@router.get("/hiring/interviews", response={200: list[InterviewRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_interviews(request: HttpRequest, params: Query[InterviewListParams]) -> Any:
    """Panel places you may see; ``mine=true`` for your own."""
    interviews = queries.interviews_for(request.user)
    if params.mine:
        interviews = interviews.filter(interviewer_id=request.user.pk)
    return queries.INTERVIEW_LIST.apply(interviews, params.dict(exclude={"mine"}))


@router.get(
    "/hiring/applications/{application_id}/interviews", response={200: list[InterviewRead], **ERROR_RESPONSES}
)
def list_panel(request: HttpRequest, application_id: int) -> Any:
    application = application_or_404(request, application_id)
    return queries.interviews_for(request.user).filter(application=application)


@router.post(
    "/hiring/applications/{application_id}/interviews", response={201: InterviewRead, **ERROR_RESPONSES}
)
def assign_interviewer(request: HttpRequest, application_id: int, payload: InterviewCreate) -> Any:
    """Put someone on the candidate's panel (the first one moves the candidate to interviewing)."""
    application = managed_application(request, application_id)
    interviewer = pick(
        User.objects.filter(is_active=True), payload.interviewer_id, "interviewer_id", "active person"
    )
    with transaction.atomic():
        interview = services.assign_interviewer(
            application=application,
            interviewer=interviewer,
            assigned_by=request.user,  # type: ignore[arg-type]
            scheduled_at=payload.scheduled_at,
        )
    return Status(201, interview_or_404(request, interview.pk))


@router.get("/hiring/interviews/{interview_id}", response={200: InterviewRead, **ERROR_RESPONSES})
def get_interview(request: HttpRequest, interview_id: int) -> Any:
    return interview_or_404(request, interview_id)


@router.patch("/hiring/interviews/{interview_id}", response={200: InterviewRead, **ERROR_RESPONSES})
def update_interview(request: HttpRequest, interview_id: int, payload: InterviewUpdate) -> Any:
    interview = interview_or_404(request, interview_id)
    require_running(request.user, interview.application.opening)
    with transaction.atomic():
        services.schedule_interview(interview=interview, scheduled_at=payload.scheduled_at)
    return interview_or_404(request, interview_id)


@router.delete("/hiring/interviews/{interview_id}", response={204: None, **ERROR_RESPONSES})
def remove_interviewer(request: HttpRequest, interview_id: int) -> Any:
    """Take someone off the panel (not once they submitted)."""
    interview = interview_or_404(request, interview_id)
    require_running(request.user, interview.application.opening)
    with transaction.atomic():
        services.remove_interviewer(interview=interview)
    return Status(204, None)


def _scorecard_read(interview: Interview, kit: InterviewKit) -> dict[str, Any]:
    view = queries.scorecard_view(interview, kit)
    return {
        "interview_id": interview.pk,
        "interviewer": interview.interviewer,
        "status": interview.status,
        "draft_saved_at": interview.draft_saved_at,
        "submitted_at": interview.submitted_at,
        "reopened_at": interview.reopened_at,
        "reopen_reason": interview.reopen_reason,
        "recommendation": interview.recommendation,
        "summary": interview.summary,
        "notes": [
            {
                "question_id": q.question.pk,
                "question": q.question.text,
                "notes": q.note.notes,
                "covered": q.note.covered,
                "missing": q.missing,
            }
            for c in view.competencies
            for q in c.questions
            if q.note is not None
        ],
        "ratings": [
            {
                "competency_id": c.competency.pk,
                "competency": c.competency.name,
                "rating": c.rating.rating if c.rating else None,
                "evidence": c.rating.evidence if c.rating else "",
            }
            for c in view.competencies
        ],
        "star_flags": len(view.flagged),
    }


def _readable(request: HttpRequest, interview_id: int) -> tuple[Interview, InterviewKit]:
    """The interview, if its scorecard may be read now (the independence rule); else 404."""
    interview = interview_or_404(request, interview_id)
    if not queries.readable_scorecards(request.user, interview.application).filter(pk=interview.pk).exists():
        raise Http404("No such scorecard, or not yet: scorecards are shown once their interviewer submits.")
    kit = queries.kit_of(interview.application.opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    return interview, kit


@router.get(
    "/hiring/interviews/{interview_id}/scorecard", response={200: InterviewScorecardRead, **ERROR_RESPONSES}
)
def get_scorecard(request: HttpRequest, interview_id: int) -> Any:
    """Your own scorecard at any time; another's once submitted, and not while yours on the same
    panel is still open (404: as if it did not exist)."""
    interview, kit = _readable(request, interview_id)
    return _scorecard_read(interview, kit)


def _write_scorecard(
    request: HttpRequest, interview_id: int, payload: InterviewScorecardWrite, *, submit: bool
) -> Any:
    interview = interview_or_404(request, interview_id)
    if interview.interviewer_id != request.user.pk:
        raise PermissionDenied("Only the interviewer writes their scorecard.")
    notes = {
        note.question_id: services.NoteInput(
            notes=note.notes, **{part: getattr(note, part) for part in STAR_PARTS}
        )
        for note in payload.notes
    }
    ratings = {
        r.competency_id: services.RatingInput(rating=r.rating, evidence=r.evidence) for r in payload.ratings
    }
    empty = not notes and not ratings and not payload.recommendation and not payload.summary
    with transaction.atomic():
        if submit and empty:
            services.submit_draft(interview=interview, by=request.user)
        else:
            services.save_scorecard(
                interview=interview,
                by=request.user,
                notes=notes,
                ratings=ratings,
                recommendation=payload.recommendation,
                summary=payload.summary,
                submit=submit,
            )
    return _scorecard_read(*_readable(request, interview_id))


@router.put(
    "/hiring/interviews/{interview_id}/scorecard", response={200: InterviewScorecardRead, **ERROR_RESPONSES}
)
def save_scorecard(request: HttpRequest, interview_id: int, payload: InterviewScorecardWrite) -> Any:
    """Replace your draft (notes per kit question with STAR ticks, ratings per kit competency)."""
    return _write_scorecard(request, interview_id, payload, submit=False)


@router.post(
    "/hiring/interviews/{interview_id}/scorecard/submit",
    response={200: InterviewScorecardRead, **ERROR_RESPONSES},
)
def submit_scorecard(request: HttpRequest, interview_id: int, payload: InterviewScorecardWrite) -> Any:
    """Submit for good, with this content or (an empty body) the saved draft. Every competency of
    the kit needs a rating, and the scorecard a recommendation."""
    return _write_scorecard(request, interview_id, payload, submit=True)


@router.post(
    "/hiring/interviews/{interview_id}/scorecard/reopen",
    response={200: InterviewRead, **ERROR_RESPONSES},
)
def reopen_scorecard(request: HttpRequest, interview_id: int, payload: ScorecardReopenWrite) -> Any:
    """For the people running the position: give a submitted scorecard back to its interviewer, with
    the reason (kept in the interview's history). Nobody reopens their own."""
    interview = interview_or_404(request, interview_id)
    require_running(request.user, interview.application.opening)
    with transaction.atomic():
        services.reopen_scorecard(
            interview=interview,
            by=request.user,  # type: ignore[arg-type]
            reason=payload.reason,
        )
    return interview_or_404(request, interview_id)


@router.get(
    "/hiring/applications/{application_id}/scorecards",
    response={200: list[InterviewScorecardRead], **ERROR_RESPONSES},
)
def list_scorecards(request: HttpRequest, application_id: int) -> Any:
    """The scorecards of the candidate's panel you may read now (see get_scorecard)."""
    application = application_or_404(request, application_id)
    kit = queries.kit_of(application.opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    readable = queries.readable_scorecards(request.user, application).prefetch_related("notes", "ratings")
    return [_scorecard_read(interview, kit) for interview in readable]
