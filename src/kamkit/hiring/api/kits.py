"""Hiring API: a position's interview kit (read, PDF, rebuild) and its editing."""

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Status

from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.hiring import printouts, queries, services
from kamkit.hiring.api.base import managed_opening, opening_or_404, router
from kamkit.hiring.lookups import managed_kit_competency, managed_kit_question, pdf_response
from kamkit.hiring.models import KitCompetency, KitQuestion, Opening
from kamkit.hiring.schemas import (
    InterviewKitRead,
    KitCompetencyRead,
    KitCompetencyUpdate,
    KitQuestionCreate,
    KitQuestionRead,
    KitQuestionUpdate,
    KitRebuildWrite,
)

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The interview kit as a PDF.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


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
    return _kit_read(opening_or_404(request, opening_id))


@router.get(
    "/hiring/openings/{opening_id}/kit/pdf",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra=PDF_RESPONSE,
)
def get_kit_pdf(request: HttpRequest, opening_id: int) -> Any:
    opening = opening_or_404(request, opening_id)
    kit = queries.kit_of(opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    return pdf_response(printouts.kit_pdf(kit, opening), f"interview-kit-{opening.pk}.pdf")


@router.post("/hiring/openings/{opening_id}/kit/rebuild", response={200: InterviewKitRead, **ERROR_RESPONSES})
def rebuild_kit(request: HttpRequest, opening_id: int, payload: KitRebuildWrite) -> Any:
    """Rebuild the kit from the framework (``confirm`` must be true: edits by hand are replaced)."""
    opening = managed_opening(request, opening_id)
    with transaction.atomic():
        services.regenerate_kit(opening=opening, by=request.user, confirm=payload.confirm)  # type: ignore[arg-type]
    return _kit_read(opening)


def _fresh_competency(competency: KitCompetency) -> dict[str, Any]:
    kit = queries.kit_of(competency.kit.opening)
    assert kit is not None
    return _competency_read(next(c for c in kit.competencies.all() if c.pk == competency.pk))


@router.patch(
    "/hiring/kit-competencies/{competency_id}", response={200: KitCompetencyRead, **ERROR_RESPONSES}
)
def update_kit_competency(request: HttpRequest, competency_id: int, payload: KitCompetencyUpdate) -> Any:
    """Drop or restore a competency, or rewrite its rating guide (all five steps)."""
    competency = managed_kit_competency(request, competency_id)
    anchors = {a.rating: a.text for a in payload.anchors} if payload.anchors is not None else None
    with transaction.atomic():
        services.update_kit_competency(competency=competency, included=payload.included, anchors=anchors)
    return _fresh_competency(competency)


@router.post(
    "/hiring/kit-competencies/{competency_id}/questions", response={201: KitQuestionRead, **ERROR_RESPONSES}
)
def add_kit_question(request: HttpRequest, competency_id: int, payload: KitQuestionCreate) -> Any:
    competency = managed_kit_competency(request, competency_id)
    with transaction.atomic():
        question = services.add_kit_question(
            competency=competency, text=payload.text, probes=[(p.text, p.star) for p in payload.probes]
        )
    return Status(201, _question_read(question))


@router.patch("/hiring/kit-questions/{question_id}", response={200: KitQuestionRead, **ERROR_RESPONSES})
def update_kit_question(request: HttpRequest, question_id: int, payload: KitQuestionUpdate) -> Any:
    question = managed_kit_question(request, question_id)
    with transaction.atomic():
        services.update_kit_question(
            question=question, text=payload.text, probes=[(p.text, p.star) for p in payload.probes]
        )
    return _question_read(question)


@router.delete("/hiring/kit-questions/{question_id}", response={204: None, **ERROR_RESPONSES})
def delete_kit_question(request: HttpRequest, question_id: int) -> Any:
    question = managed_kit_question(request, question_id)
    with transaction.atomic():
        services.delete_kit_question(question=question)
    return Status(204, None)
