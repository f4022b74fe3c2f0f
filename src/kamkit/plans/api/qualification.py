"""Qualification: question sets and the scorecards of opportunities."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Status

from kamkit.accounts.models import Deal
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import queries, services
from kamkit.plans.api.base import acting, pick, router
from kamkit.plans.models import QualificationQuestion, QuestionSet, Scorecard
from kamkit.plans.schemas import (
    QualificationQuestionOrder,
    QualificationQuestionRead,
    QualificationQuestionWrite,
    QuestionSetCopy,
    QuestionSetCreate,
    QuestionSetRead,
    QuestionSetUpdate,
    ScorecardAnswerWrite,
    ScorecardCreate,
    ScorecardDecisionWrite,
    ScorecardRead,
)

# Qualification ---------------------------------------------------------------------------------------


def _question_sets(request: HttpRequest) -> QuerySet[QuestionSet]:
    return permissions.visible_to(request.user, QuestionSet).prefetch_related("questions")


@router.get("/question-sets", response={200: list[QuestionSetRead], **ERROR_RESPONSES})
def list_question_sets(request: HttpRequest) -> Any:
    return _question_sets(request)


@router.get("/question-sets/{set_id}", response={200: QuestionSetRead, **ERROR_RESPONSES})
def get_question_set(request: HttpRequest, set_id: int) -> Any:
    return get_object_or_404(_question_sets(request), pk=set_id)


@router.post("/question-sets", response={201: QuestionSetRead, **ERROR_RESPONSES})
def create_question_set(request: HttpRequest, payload: QuestionSetCreate) -> Any:
    """Reference data: admins and directors add question sets."""
    permissions.require(request.user, Action.ADD, QuestionSet)
    with transaction.atomic():
        made = services.create_question_set(
            name=payload.name, round_names=payload.round_names, description=payload.description
        )
    return Status(201, made)


@router.patch("/question-sets/{set_id}", response={200: QuestionSetRead, **ERROR_RESPONSES})
def update_question_set(request: HttpRequest, set_id: int, payload: QuestionSetUpdate) -> Any:
    question_set = get_object_or_404(_question_sets(request), pk=set_id)
    permissions.require(request.user, Action.CHANGE, question_set)
    data = payload.dict(exclude_unset=True)
    with transaction.atomic():
        services.update_question_set(
            question_set=question_set,
            name=data.get("name") or question_set.name,
            round_names=data.get("round_names") or list(question_set.round_names),
            description=data.get("description", question_set.description) or "",
            is_active=data.get("is_active", question_set.is_active),
        )
    return get_object_or_404(_question_sets(request), pk=set_id)


@router.post(
    "/question-sets/{set_id}/questions", response={201: QualificationQuestionRead, **ERROR_RESPONSES}
)
def add_question(request: HttpRequest, set_id: int, payload: QualificationQuestionWrite) -> Any:
    question_set = get_object_or_404(_question_sets(request), pk=set_id)
    permissions.require(request.user, Action.CHANGE, question_set)
    with transaction.atomic():
        made = services.add_question(
            question_set=question_set, round=payload.round, text=payload.text, guidance=payload.guidance
        )
    return Status(201, made)


@router.post("/question-sets/{set_id}/copy", response={201: QuestionSetRead, **ERROR_RESPONSES})
def copy_question_set(request: HttpRequest, set_id: int, payload: QuestionSetCopy) -> Any:
    """An editable copy with the same rounds and questions (the way to change the built-in set)."""
    question_set = get_object_or_404(_question_sets(request), pk=set_id)
    permissions.require(request.user, Action.ADD, QuestionSet)
    with transaction.atomic():
        made = services.copy_question_set(question_set=question_set, name=payload.name)
    return Status(201, get_object_or_404(_question_sets(request), pk=made.pk))


@router.put("/question-sets/{set_id}/question-order", response={200: QuestionSetRead, **ERROR_RESPONSES})
def reorder_questions(request: HttpRequest, set_id: int, payload: QualificationQuestionOrder) -> Any:
    """Every question once, in the new order; each keeps its round (change a question's round with
    PUT /qualification-questions/{id})."""
    question_set = get_object_or_404(_question_sets(request), pk=set_id)
    permissions.require(request.user, Action.CHANGE, question_set)
    with transaction.atomic():
        services.reorder_questions(question_set=question_set, question_ids=payload.question_ids)
    return get_object_or_404(_question_sets(request), pk=set_id)


def _question(request: HttpRequest, question_id: int) -> QualificationQuestion:
    question = get_object_or_404(
        permissions.visible_to(request.user, QualificationQuestion).select_related("question_set"),
        pk=question_id,
    )
    permissions.require(request.user, Action.CHANGE, question)
    return question


@router.put(
    "/qualification-questions/{question_id}", response={200: QualificationQuestionRead, **ERROR_RESPONSES}
)
def update_question(request: HttpRequest, question_id: int, payload: QualificationQuestionWrite) -> Any:
    question = _question(request, question_id)
    with transaction.atomic():
        return services.update_question(
            question=question, round=payload.round, text=payload.text, guidance=payload.guidance
        )


@router.delete("/qualification-questions/{question_id}", response={204: None, **ERROR_RESPONSES})
def remove_question(request: HttpRequest, question_id: int) -> Any:
    question = _question(request, question_id)
    with transaction.atomic():
        services.remove_question(question=question)
    return Status(204, None)


def scorecard_read(scorecard: Scorecard) -> dict[str, Any]:
    profile = queries.scorecard_profile(scorecard)
    stored = {a.question_id: a for a in scorecard.answers.all()}
    answers = []
    for question in scorecard.question_set.questions.all():
        answer = stored.get(question.pk)
        answers.append(
            {
                "question_id": question.pk,
                "round": question.round,
                "question": question.text,
                "answer": answer.answer if answer else "",
                "score": answer.score if answer else None,
            }
        )
    return {
        "id": scorecard.pk,
        "deal_id": scorecard.deal_id,
        "question_set_id": scorecard.question_set_id,
        "decision": scorecard.decision,
        "decision_reason": scorecard.decision_reason,
        "decided_at": scorecard.decided_at,
        "total": profile.total,
        "maximum": profile.maximum,
        "scored": profile.scored,
        "questions": profile.questions,
        "rounds": [vars(r) for r in profile.rounds],
        "answers": answers,
    }


def _deal(request: HttpRequest, deal_id: int) -> Deal:
    return get_object_or_404(queries.deals_for(request.user), pk=deal_id)


@router.get("/opportunities/{deal_id}/scorecards", response={200: list[ScorecardRead], **ERROR_RESPONSES})
def list_scorecards(request: HttpRequest, deal_id: int) -> Any:
    deal = _deal(request, deal_id)
    return [scorecard_read(s) for s in queries.scorecards_of(request.user, deal)]


@router.post("/opportunities/{deal_id}/scorecards", response={201: ScorecardRead, **ERROR_RESPONSES})
def start_scorecard(request: HttpRequest, deal_id: int, payload: ScorecardCreate) -> Any:
    deal = _deal(request, deal_id)
    permissions.require(request.user, Action.CHANGE, deal.account)
    question_set = pick(QuestionSet.objects.all(), payload.question_set_id, "question_set_id", "question set")
    with transaction.atomic():
        scorecard = services.start_scorecard(deal=deal, question_set=question_set, created_by=acting(request))
    return Status(201, scorecard_read(scorecard))


def _scorecard(request: HttpRequest, scorecard_id: int, *, change: bool) -> Scorecard:
    scorecard: Scorecard = get_object_or_404(queries.scorecards_for(request.user), pk=scorecard_id)
    if change:
        permissions.require(request.user, Action.CHANGE, scorecard.deal.account)
    return scorecard


@router.get("/scorecards/{scorecard_id}", response={200: ScorecardRead, **ERROR_RESPONSES})
def get_scorecard(request: HttpRequest, scorecard_id: int) -> Any:
    return scorecard_read(_scorecard(request, scorecard_id, change=False))


@router.put("/scorecards/{scorecard_id}/answers", response={200: ScorecardRead, **ERROR_RESPONSES})
def save_answers(request: HttpRequest, scorecard_id: int, payload: list[ScorecardAnswerWrite]) -> Any:
    """Answers and scores (1 poor fit to 5 strong fit) for the questions sent; others stay."""
    scorecard = _scorecard(request, scorecard_id, change=True)
    questions = {q.pk: q for q in scorecard.question_set.questions.all()}
    unknown = [str(a.question_id) for a in payload if a.question_id not in questions]
    if unknown:
        raise ServiceError(
            "Unknown question.",
            errors={"question_id": [f"Not in {scorecard.question_set}: {', '.join(unknown)}."]},
        )
    with transaction.atomic():
        services.save_answers(
            scorecard=scorecard,
            answers=[
                services.AnswerInput(question=questions[a.question_id], answer=a.answer, score=a.score)
                for a in payload
            ],
        )
    return scorecard_read(scorecard)


@router.post("/scorecards/{scorecard_id}/decision", response={200: ScorecardRead, **ERROR_RESPONSES})
def decide(request: HttpRequest, scorecard_id: int, payload: ScorecardDecisionWrite) -> Any:
    """Go or no go, with the reason (required)."""
    scorecard = _scorecard(request, scorecard_id, change=True)
    with transaction.atomic():
        services.decide(
            scorecard=scorecard, decision=payload.decision, reason=payload.reason, decided_by=acting(request)
        )
    return scorecard_read(scorecard)
