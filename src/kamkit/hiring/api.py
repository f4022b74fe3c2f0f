"""API for hiring: positions and their kits, candidates and their files, applications and stage
moves, panels and scorecards (under the independence rule), the panel's figures and decisions.

Seeing follows the permission service; running a position (kit, panel, stages, decisions) is for
the hiring manager, their managers, directors and admins; a scorecard is written only by its
interviewer and read by others only once submitted, and not by a panel member before their own.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import printouts, queries, services
from kamkit.hiring.choices import STAR_PARTS, AttachmentKind
from kamkit.hiring.models import (
    Application,
    Candidate,
    CandidateAttachment,
    Interview,
    InterviewKit,
    KitCompetency,
    KitQuestion,
    ManagedOpening,
    Opening,
)
from kamkit.hiring.schemas import (
    ApplicationCreate,
    ApplicationRead,
    CandidateAttachmentRead,
    CandidateCreate,
    CandidateRead,
    CandidateUpdate,
    DecisionCreate,
    DecisionRead,
    InterviewCreate,
    InterviewKitRead,
    InterviewRead,
    InterviewScorecardRead,
    InterviewScorecardWrite,
    InterviewUpdate,
    KitCompetencyRead,
    KitCompetencyUpdate,
    KitQuestionCreate,
    KitQuestionRead,
    KitQuestionUpdate,
    KitRebuildWrite,
    OpeningCreate,
    OpeningRead,
    OpeningStatusWrite,
    OpeningUpdate,
    PanelRead,
    StageChangeCreate,
    StageChangeRead,
)
from kamkit.users.models import Team, User

router = Router(tags=["hiring"])

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The interview kit as a PDF.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "The file as uploaded.",
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type, _ in services.ATTACHMENT_TYPES.values()
            },
        }
    }
}


class OpeningListParams(Schema):
    q: str | None = None
    sort: str | None = None
    status: str | None = None
    team: str | None = None


class CandidateListParams(Schema):
    q: str | None = None
    sort: str | None = None
    source: str | None = None
    internal: str | None = None


class ApplicationListParams(Schema):
    q: str | None = None
    sort: str | None = None
    opening: str | None = None
    candidate: str | None = None
    stage: str | None = None


class InterviewListParams(Schema):
    q: str | None = None
    sort: str | None = None
    status: str | None = None
    application: str | None = None
    mine: bool = False


def _pick(queryset: Any, pk: int | None, field: str, what: str) -> Any:
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ServiceError(f"Unknown {what}.", errors={field: [f"No {what} with id {pk} here."]})
    return found


def _published_benchmarks() -> Any:
    return BenchmarkProfile.objects.filter(framework__status=FrameworkStatus.PUBLISHED).select_related(
        "framework"
    )


def _run(user: Any, opening: Opening) -> None:
    if not queries.manages(user, opening):
        raise PermissionDenied(
            "Only the hiring manager, their managers, directors and admins run this position."
        )


# Positions -------------------------------------------------------------------------------------------


def _opening(request: HttpRequest, opening_id: int) -> Opening:
    return get_object_or_404(queries.openings_for(request.user), pk=opening_id)


def _managed_opening(request: HttpRequest, opening_id: int) -> Opening:
    opening = _opening(request, opening_id)
    _run(request.user, opening)
    return opening


@router.get("/hiring/openings", response={200: list[OpeningRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_openings(request: HttpRequest, params: Query[OpeningListParams]) -> Any:
    """Positions you may see: those you run, and those you interview for."""
    return queries.OPENING_LIST.apply(queries.openings_for(request.user), params.dict())


@router.post("/hiring/openings", response={201: OpeningRead, **ERROR_RESPONSES})
def create_opening(request: HttpRequest, payload: OpeningCreate) -> Any:
    """Open a position; its interview kit is built from the benchmark's framework at once."""
    permissions.require(request.user, Action.ADD, Opening)
    manager = _pick(
        User.objects.filter(is_active=True), payload.hiring_manager_id, "hiring_manager_id", "person"
    )
    manager = manager or User.objects.get(pk=request.user.pk or 0)
    team = _pick(Team.objects.all(), payload.team_id, "team_id", "team")
    benchmark = _pick(_published_benchmarks(), payload.benchmark_id, "benchmark_id", "published benchmark")
    permissions.require(request.user, Action.ADD, ManagedOpening(hiring_manager=manager, team=team))
    with transaction.atomic():
        opening = services.create_opening(
            title=payload.title,
            benchmark=benchmark,
            target_level=payload.target_level,
            hiring_manager=manager,
            team=team,
            description=payload.description,
            location=payload.location,
            headcount=payload.headcount,
            created_by=request.user,  # type: ignore[arg-type]
        )
    return Status(201, _opening(request, opening.pk))


@router.get("/hiring/openings/{opening_id}", response={200: OpeningRead, **ERROR_RESPONSES})
def get_opening(request: HttpRequest, opening_id: int) -> Any:
    return _opening(request, opening_id)


@router.patch("/hiring/openings/{opening_id}", response={200: OpeningRead, **ERROR_RESPONSES})
def update_opening(request: HttpRequest, opening_id: int, payload: OpeningUpdate) -> Any:
    opening = _managed_opening(request, opening_id)
    sent = payload.dict(exclude_unset=True)
    manager = _pick(
        User.objects.filter(is_active=True), sent.get("hiring_manager_id"), "hiring_manager_id", "person"
    )
    if manager is not None:
        permissions.require(request.user, Action.ADD, ManagedOpening(hiring_manager=manager))
    changes = services.OpeningChanges(
        title=sent.get("title"),
        benchmark=_pick(
            _published_benchmarks(), sent.get("benchmark_id"), "benchmark_id", "published benchmark"
        ),
        target_level=sent.get("target_level"),
        hiring_manager=manager,
        team=_pick(Team.objects.all(), sent.get("team_id"), "team_id", "team"),
        clear_team="team_id" in sent and sent["team_id"] is None,
        description=sent.get("description"),
        location=sent.get("location"),
        headcount=sent.get("headcount"),
    )
    with transaction.atomic():
        services.update_opening(opening=opening, changes=changes, by=request.user)  # type: ignore[arg-type]
    return _opening(request, opening_id)


@router.post("/hiring/openings/{opening_id}/status", response={200: OpeningRead, **ERROR_RESPONSES})
def set_opening_status(request: HttpRequest, opening_id: int, payload: OpeningStatusWrite) -> Any:
    """Put on hold, mark filled, close or reopen."""
    opening = _managed_opening(request, opening_id)
    with transaction.atomic():
        services.set_opening_status(opening=opening, status=payload.status)
    return _opening(request, opening_id)


@router.delete("/hiring/openings/{opening_id}", response={204: None, **ERROR_RESPONSES})
def delete_opening(request: HttpRequest, opening_id: int) -> Any:
    """Only a position nobody was considered for; close the others."""
    opening = _managed_opening(request, opening_id)
    permissions.require(request.user, Action.DELETE, opening)
    with transaction.atomic():
        services.delete_opening(opening=opening)
    return Status(204, None)


# Interview kits ---------------------------------------------------------------------------------------


def _kit_read(opening: Opening) -> dict[str, Any]:
    kit = queries.kit_of(opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    return {
        "id": kit.pk,
        "opening_id": opening.pk,
        "framework_id": kit.framework_id,
        "framework_name": str(kit.framework),
        "target_level": kit.target_level,
        "generated_at": kit.generated_at,
        "edited_at": kit.edited_at,
        "stale": queries.kit_is_stale(kit, opening),
        "in_use": queries.scoring_started(opening),
        "competencies": [_competency_read(c) for c in kit.competencies.all()],
    }


def _question_read(question: KitQuestion) -> dict[str, Any]:
    return {
        "id": question.pk,
        "text": question.text,
        "order": question.order,
        "source": question.source,
        "level": question.level,
        "probes": [{"text": p.text, "star": p.star} for p in question.probes.all()],
    }


def _competency_read(competency: KitCompetency) -> dict[str, Any]:
    fields = [
        "competency_id",
        "name",
        "definition",
        "importance",
        "order",
        "included",
        "level_below",
        "behaviours_below",
        "level_at",
        "level_summary",
        "behaviours_at",
        "level_above",
        "behaviours_above",
        "note",
    ]
    return {
        "id": competency.pk,
        **{name: getattr(competency, name) for name in fields},
        "questions": [_question_read(q) for q in competency.questions.all()],
        "anchors": [{"rating": a.rating, "label": a.label, "text": a.text} for a in competency.anchors.all()],
    }


@router.get("/hiring/openings/{opening_id}/kit", response={200: InterviewKitRead, **ERROR_RESPONSES})
def get_kit(request: HttpRequest, opening_id: int) -> Any:
    """The position's interview kit: per competency the behaviours at the target level and either
    side, questions with STAR-tagged probes, and a 1-5 rating guide."""
    return _kit_read(_opening(request, opening_id))


@router.get(
    "/hiring/openings/{opening_id}/kit/pdf",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra=PDF_RESPONSE,
)
def get_kit_pdf(request: HttpRequest, opening_id: int) -> Any:
    opening = _opening(request, opening_id)
    kit = queries.kit_of(opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    response = HttpResponse(printouts.kit_pdf(kit, opening), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="interview-kit-{opening.pk}.pdf"'
    return response


@router.post("/hiring/openings/{opening_id}/kit/rebuild", response={200: InterviewKitRead, **ERROR_RESPONSES})
def rebuild_kit(request: HttpRequest, opening_id: int, payload: KitRebuildWrite) -> Any:
    """Rebuild the kit from the framework (``confirm`` must be true: edits by hand are replaced)."""
    opening = _managed_opening(request, opening_id)
    with transaction.atomic():
        services.regenerate_kit(opening=opening, by=request.user, confirm=payload.confirm)  # type: ignore[arg-type]
    return _kit_read(opening)


def _kit_competency(request: HttpRequest, competency_id: int) -> KitCompetency:
    competency = get_object_or_404(
        permissions.visible_to(request.user, KitCompetency).select_related("kit", "kit__opening"),
        pk=competency_id,
    )
    _run(request.user, competency.kit.opening)
    return competency


def _fresh_competency(competency: KitCompetency) -> dict[str, Any]:
    kit = queries.kit_of(competency.kit.opening)
    assert kit is not None
    return _competency_read(next(c for c in kit.competencies.all() if c.pk == competency.pk))


@router.patch(
    "/hiring/kit-competencies/{competency_id}", response={200: KitCompetencyRead, **ERROR_RESPONSES}
)
def update_kit_competency(request: HttpRequest, competency_id: int, payload: KitCompetencyUpdate) -> Any:
    """Drop or restore a competency, or rewrite its rating guide (all five steps)."""
    competency = _kit_competency(request, competency_id)
    anchors = {a.rating: a.text for a in payload.anchors} if payload.anchors is not None else None
    with transaction.atomic():
        services.update_kit_competency(competency=competency, included=payload.included, anchors=anchors)
    return _fresh_competency(competency)


@router.post(
    "/hiring/kit-competencies/{competency_id}/questions", response={201: KitQuestionRead, **ERROR_RESPONSES}
)
def add_kit_question(request: HttpRequest, competency_id: int, payload: KitQuestionCreate) -> Any:
    competency = _kit_competency(request, competency_id)
    with transaction.atomic():
        question = services.add_kit_question(
            competency=competency, text=payload.text, probes=[(p.text, p.star) for p in payload.probes]
        )
    return Status(201, _question_read(question))


def _kit_question(request: HttpRequest, question_id: int) -> KitQuestion:
    question = get_object_or_404(
        permissions.visible_to(request.user, KitQuestion).select_related(
            "competency", "competency__kit", "competency__kit__opening"
        ),
        pk=question_id,
    )
    _run(request.user, question.competency.kit.opening)
    return question


@router.patch("/hiring/kit-questions/{question_id}", response={200: KitQuestionRead, **ERROR_RESPONSES})
def update_kit_question(request: HttpRequest, question_id: int, payload: KitQuestionUpdate) -> Any:
    question = _kit_question(request, question_id)
    with transaction.atomic():
        services.update_kit_question(
            question=question, text=payload.text, probes=[(p.text, p.star) for p in payload.probes]
        )
    return _question_read(question)


@router.delete("/hiring/kit-questions/{question_id}", response={204: None, **ERROR_RESPONSES})
def delete_kit_question(request: HttpRequest, question_id: int) -> Any:
    question = _kit_question(request, question_id)
    with transaction.atomic():
        services.delete_kit_question(question=question)
    return Status(204, None)


# Candidates ------------------------------------------------------------------------------------------


def _candidate(request: HttpRequest, candidate_id: int) -> Candidate:
    return get_object_or_404(queries.candidates_for(request.user), pk=candidate_id)


def _managed_candidate(request: HttpRequest, candidate_id: int) -> Candidate:
    candidate = _candidate(request, candidate_id)
    if not queries.manages_candidate(request.user, candidate):
        raise PermissionDenied("Only the people running this candidate's hiring may change their record.")
    return candidate


@router.get("/hiring/candidates", response={200: list[CandidateRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_candidates(request: HttpRequest, params: Query[CandidateListParams]) -> Any:
    return queries.CANDIDATE_LIST.apply(queries.candidates_for(request.user), params.dict())


@router.post("/hiring/candidates", response={201: CandidateRead, **ERROR_RESPONSES})
def create_candidate(request: HttpRequest, payload: CandidateCreate) -> Any:
    permissions.require(request.user, Action.ADD, Candidate)
    user = _pick(User.objects.filter(is_active=True), payload.user_id, "user_id", "active person")
    data = services.CandidateInput(
        full_name=payload.full_name,
        email=payload.email,
        phone=payload.phone,
        user=user,
        source=payload.source,
        source_detail=payload.source_detail,
        notes=payload.notes,
    )
    with transaction.atomic():
        candidate = services.create_candidate(data=data, created_by=request.user)  # type: ignore[arg-type]
    return Status(201, _candidate(request, candidate.pk))


@router.get("/hiring/candidates/{candidate_id}", response={200: CandidateRead, **ERROR_RESPONSES})
def get_candidate(request: HttpRequest, candidate_id: int) -> Any:
    return _candidate(request, candidate_id)


@router.patch("/hiring/candidates/{candidate_id}", response={200: CandidateRead, **ERROR_RESPONSES})
def update_candidate(request: HttpRequest, candidate_id: int, payload: CandidateUpdate) -> Any:
    candidate = _managed_candidate(request, candidate_id)
    sent = payload.dict(exclude_unset=True)
    user = (
        _pick(User.objects.filter(is_active=True), sent["user_id"], "user_id", "active person")
        if "user_id" in sent
        else candidate.user
    )
    data = services.CandidateInput(
        full_name=sent.get("full_name", candidate.full_name),
        email=sent.get("email", candidate.email),
        phone=sent.get("phone", candidate.phone),
        user=user,
        source=sent.get("source") or candidate.source,
        source_detail=sent.get("source_detail", candidate.source_detail),
        notes=sent.get("notes", candidate.notes),
    )
    with transaction.atomic():
        services.update_candidate(candidate=candidate, data=data)
    return _candidate(request, candidate_id)


@router.delete("/hiring/candidates/{candidate_id}", response={204: None, **ERROR_RESPONSES})
def delete_candidate(request: HttpRequest, candidate_id: int) -> Any:
    """Erase the candidate with their applications, scorecards, decisions and files."""
    candidate = _managed_candidate(request, candidate_id)
    permissions.require(request.user, Action.DELETE, candidate)
    with transaction.atomic():
        services.delete_candidate(candidate=candidate)
    return Status(204, None)


@router.get(
    "/hiring/candidates/{candidate_id}/attachments",
    response={200: list[CandidateAttachmentRead], **ERROR_RESPONSES},
)
def list_attachments(request: HttpRequest, candidate_id: int) -> Any:
    candidate = _candidate(request, candidate_id)
    return queries.attachments_for(request.user).filter(candidate=candidate)


@router.post(
    "/hiring/candidates/{candidate_id}/attachments",
    response={201: CandidateAttachmentRead, **ERROR_RESPONSES},
)
def upload_attachment(
    request: HttpRequest,
    candidate_id: int,
    file: File[UploadedFile],
    kind: Form[AttachmentKind] = AttachmentKind.CV,
) -> Any:
    """Keep a CV or other document: PDF, Word, OpenDocument, RTF or plain text, up to 10 MB."""
    candidate = _managed_candidate(request, candidate_id)
    with transaction.atomic():
        attachment = services.add_attachment(
            candidate=candidate,
            upload=file,
            kind=kind,
            uploaded_by=request.user,  # type: ignore[arg-type]
        )
    return Status(201, attachment)


@router.get(
    "/hiring/attachments/{attachment_id}/download",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra=FILE_RESPONSE,
)
def download_attachment(request: HttpRequest, attachment_id: int) -> Any:
    """The file as uploaded (at most 10 MB), for whoever may see the candidate."""
    attachment = get_object_or_404(queries.attachments_for(request.user), pk=attachment_id)
    try:
        with attachment.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.original_name)
    return response


@router.delete("/hiring/attachments/{attachment_id}", response={204: None, **ERROR_RESPONSES})
def delete_attachment(request: HttpRequest, attachment_id: int) -> Any:
    attachment: CandidateAttachment = get_object_or_404(
        queries.attachments_for(request.user), pk=attachment_id
    )
    _managed_candidate(request, attachment.candidate_id)
    with transaction.atomic():
        services.delete_attachment(attachment=attachment)
    return Status(204, None)


# Applications --------------------------------------------------------------------------------------------


def _application(request: HttpRequest, application_id: int) -> Application:
    return get_object_or_404(queries.applications_for(request.user), pk=application_id)


def _managed_application(request: HttpRequest, application_id: int) -> Application:
    application = _application(request, application_id)
    _run(request.user, application.opening)
    return application


@router.get("/hiring/applications", response={200: list[ApplicationRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_applications(request: HttpRequest, params: Query[ApplicationListParams]) -> Any:
    """Candidates in positions: interviewers see only the ones they are assigned to."""
    return queries.APPLICATION_LIST.apply(queries.applications_for(request.user), params.dict())


@router.post("/hiring/applications", response={201: ApplicationRead, **ERROR_RESPONSES})
def create_application(request: HttpRequest, payload: ApplicationCreate) -> Any:
    """Consider a candidate (whom you may change) for a position you run."""
    opening = _pick(queries.openings_for(request.user), payload.opening_id, "opening_id", "position")
    candidate = _pick(queries.candidates_for(request.user), payload.candidate_id, "candidate_id", "candidate")
    _run(request.user, opening)
    if not queries.manages_candidate(request.user, candidate):
        raise PermissionDenied("Only the people running this candidate's hiring may add them to a position.")
    with transaction.atomic():
        application = services.add_application(
            candidate=candidate,
            opening=opening,
            added_by=request.user,  # type: ignore[arg-type]
            note=payload.note,
        )
    return Status(201, _application(request, application.pk))


@router.get("/hiring/applications/{application_id}", response={200: ApplicationRead, **ERROR_RESPONSES})
def get_application(request: HttpRequest, application_id: int) -> Any:
    return _application(request, application_id)


@router.get(
    "/hiring/applications/{application_id}/stage-changes",
    response={200: list[StageChangeRead], **ERROR_RESPONSES},
)
def list_stage_changes(request: HttpRequest, application_id: int) -> Any:
    """The dated history of the application's stages: who moved it, when, and why."""
    application = _managed_application(request, application_id)
    return queries.stage_history(request.user, application)


@router.post(
    "/hiring/applications/{application_id}/stage-changes",
    response={201: StageChangeRead, **ERROR_RESPONSES},
)
def move_stage(request: HttpRequest, application_id: int, payload: StageChangeCreate) -> Any:
    """Move the application; refused moves answer with the reason (see docs/hiring.md for the rules)."""
    application = _managed_application(request, application_id)
    with transaction.atomic():
        change = services.move_stage(
            application=application,
            to_stage=payload.stage,
            changed_by=request.user,  # type: ignore[arg-type]
            note=payload.note,
            reopen=payload.reopen,
        )
    return Status(201, change)


# Interviews and scorecards --------------------------------------------------------------------------


def _interview(request: HttpRequest, interview_id: int) -> Interview:
    return get_object_or_404(queries.interviews_for(request.user), pk=interview_id)


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
    application = _application(request, application_id)
    return queries.interviews_for(request.user).filter(application=application)


@router.post(
    "/hiring/applications/{application_id}/interviews", response={201: InterviewRead, **ERROR_RESPONSES}
)
def assign_interviewer(request: HttpRequest, application_id: int, payload: InterviewCreate) -> Any:
    """Put someone on the candidate's panel (the first one moves the candidate to interviewing)."""
    application = _managed_application(request, application_id)
    interviewer = _pick(
        User.objects.filter(is_active=True), payload.interviewer_id, "interviewer_id", "active person"
    )
    with transaction.atomic():
        interview = services.assign_interviewer(
            application=application,
            interviewer=interviewer,
            assigned_by=request.user,  # type: ignore[arg-type]
            scheduled_at=payload.scheduled_at,
        )
    return Status(201, _interview(request, interview.pk))


@router.get("/hiring/interviews/{interview_id}", response={200: InterviewRead, **ERROR_RESPONSES})
def get_interview(request: HttpRequest, interview_id: int) -> Any:
    return _interview(request, interview_id)


@router.patch("/hiring/interviews/{interview_id}", response={200: InterviewRead, **ERROR_RESPONSES})
def update_interview(request: HttpRequest, interview_id: int, payload: InterviewUpdate) -> Any:
    interview = _interview(request, interview_id)
    _run(request.user, interview.application.opening)
    with transaction.atomic():
        services.schedule_interview(interview=interview, scheduled_at=payload.scheduled_at)
    return _interview(request, interview_id)


@router.delete("/hiring/interviews/{interview_id}", response={204: None, **ERROR_RESPONSES})
def remove_interviewer(request: HttpRequest, interview_id: int) -> Any:
    """Take someone off the panel (not once they submitted)."""
    interview = _interview(request, interview_id)
    _run(request.user, interview.application.opening)
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
    interview = _interview(request, interview_id)
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
    interview = _interview(request, interview_id)
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
    recommendation, summary = payload.recommendation, payload.summary
    if submit and not notes and not ratings and not recommendation and not summary:
        saved, _ = _readable(request, interview_id)  # submit the saved draft as it stands
        notes = {
            n.question_id: services.NoteInput(
                notes=n.notes, **{part: getattr(n, f"star_{part}") for part in STAR_PARTS}
            )
            for n in saved.notes.all()
        }
        ratings = {r.competency_id: services.RatingInput(r.rating, r.evidence) for r in saved.ratings.all()}
        recommendation, summary = saved.recommendation, saved.summary
    with transaction.atomic():
        services.save_scorecard(
            interview=interview,
            by=request.user,
            notes=notes,
            ratings=ratings,
            recommendation=recommendation,
            summary=summary,
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


@router.get(
    "/hiring/applications/{application_id}/scorecards",
    response={200: list[InterviewScorecardRead], **ERROR_RESPONSES},
)
def list_scorecards(request: HttpRequest, application_id: int) -> Any:
    """The scorecards of the candidate's panel you may read now (see get_scorecard)."""
    application = _application(request, application_id)
    kit = queries.kit_of(application.opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    readable = queries.readable_scorecards(request.user, application).prefetch_related("notes", "ratings")
    return [_scorecard_read(interview, kit) for interview in readable]


# The panel and decisions ------------------------------------------------------------------------------


def _panel_read(request: HttpRequest, application: Application) -> dict[str, Any]:
    summary = queries.panel_summary(request.user, application)
    views = queries.assessment_views(application.candidate, application.opening)
    agreement = summary.agreement
    return {
        "application_id": application.pk,
        "blocked": summary.blocked,
        "interviewers": [column.interviewer for column in summary.columns],
        "pending": [interview.interviewer for interview in summary.pending],
        "competencies": [
            {
                "kit_competency_id": row.competency.pk,
                "name": row.competency.name,
                "ratings": row.ratings,
                "mean": row.spread.mean,
                "minimum": row.spread.minimum,
                "maximum": row.spread.maximum,
                "range": row.spread.range,
                "sd": row.spread.sd,
                "discuss": row.spread.discuss,
                "score": row.spread.percent,
                "band_low": row.band.low if row.band else None,
                "band_high": row.band.high if row.band else None,
                "importance": row.band.importance if row.band else None,
                "fit": row.fit,
            }
            for row in summary.rows
        ],
        "agreement": {
            "method": agreement.method,
            "value": agreement.value,
            "meaning": agreement.meaning,
            "raters": agreement.raters,
            "units": agreement.units,
            "ratings": agreement.ratings,
            "icc_2_1": agreement.icc,
            "icc_meaning": agreement.icc_meaning,
        },
        "overall_fit": summary.fit.overall,
        "gaps": [
            {
                "name": name,
                "distance": gap.distance,
                "direction": gap.direction,
                "importance": gap.band.importance,
            }
            for gap, name in summary.gaps
        ],
        "recommendations": dict(summary.recommendations),
        "assessments": [
            {
                "label": view.label,
                "assessment_id": view.assessment.pk,
                "campaign": str(view.assessment.campaign),
                "withheld": view.result.withheld,
                "overall_fit": view.result.fit.overall,
                "competencies": [
                    {"name": row.name, "score": row.basis.score, "basis": row.basis.group, "fit": row.fit}
                    for row in view.result.competencies
                ],
            }
            for view in views
        ],
    }


@router.get("/hiring/applications/{application_id}/panel", response={200: PanelRead, **ERROR_RESPONSES})
def get_panel(request: HttpRequest, application_id: int) -> Any:
    """For the people running the position: per competency the panel's ratings, mean, range and
    standard deviation, the agreement between interviewers (Krippendorff's alpha, and ICC(2,1) when
    complete), the fit with the benchmark, and the candidate's assessment results."""
    return _panel_read(request, _managed_application(request, application_id))


@router.get(
    "/hiring/applications/{application_id}/decisions", response={200: list[DecisionRead], **ERROR_RESPONSES}
)
def list_decisions(request: HttpRequest, application_id: int) -> Any:
    application = _managed_application(request, application_id)
    return queries.decisions_for(request.user, application)


@router.post(
    "/hiring/applications/{application_id}/decisions", response={201: DecisionRead, **ERROR_RESPONSES}
)
def record_decision(request: HttpRequest, application_id: int, payload: DecisionCreate) -> Any:
    """Offer, hire, hold or reject, with the reason; the stage moves accordingly (not on hold)."""
    application = _managed_application(request, application_id)
    with transaction.atomic():
        decision = services.record_decision(
            application=application,
            outcome=payload.outcome,
            reason=payload.reason,
            decided_by=request.user,  # type: ignore[arg-type]
        )
    return Status(201, decision)
