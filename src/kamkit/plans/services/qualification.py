"""Qualification: question sets in rounds, scorecards, answers scored 1-5, go or no-go."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify

from kamkit.accounts.choices import DealStatus
from kamkit.accounts.models import Deal
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.plans.choices import Decision
from kamkit.plans.models import QualificationQuestion, QuestionSet, Scorecard, ScorecardAnswer
from kamkit.users.models import User


def _require_editable(question_set: QuestionSet) -> None:
    if question_set.is_builtin:
        raise ConflictError(
            f"{question_set} ships with kamkit and is read-only; copy it to change it.",
            errors={"": ["Built-in question sets grow with later releases; make a copy and change that."]},
        )


def _clean_rounds(round_names: list[str]) -> list[str]:
    return [" ".join(r.split()) for r in round_names if r.strip()]


def _set_errors(name: str, rounds: list[str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the question set a name."]
    elif len(name) > 150:
        errors["name"] = ["At most 150 characters."]
    if not rounds:
        errors["round_names"] = ["Name at least one round."]
    return errors


def create_question_set(
    *, name: str, round_names: list[str], description: str = "", slug: str = ""
) -> QuestionSet:
    name = " ".join(name.split())
    rounds = _clean_rounds(round_names)
    errors = _set_errors(name, rounds)
    slug = slugify(slug or name)[:80]
    if name and QuestionSet.objects.filter(slug=slug).exists():
        errors["name"] = [f"A question set {slug!r} exists already."]
    if errors:
        raise ServiceError("The question set was not created.", errors=errors)
    return QuestionSet.objects.create(
        slug=slug, name=name, description=description.strip(), round_names=rounds
    )


def update_question_set(
    *, question_set: QuestionSet, name: str, round_names: list[str], description: str, is_active: bool
) -> QuestionSet:
    """Change the name, rounds, description and whether it is offered. A built-in set may only be
    retired or offered again (its content comes with kamkit)."""
    rounds = _clean_rounds(round_names)
    name = " ".join(name.split())
    content = (name, rounds, description.strip())
    if content != (question_set.name, list(question_set.round_names or []), question_set.description):
        _require_editable(question_set)
    errors = _set_errors(name, rounds)
    used = max(question_set.questions.values_list("round", flat=True), default=0)
    if len(rounds) < used:
        errors["round_names"] = [f"Questions are filed under {used} rounds; name each of them."]
    if errors:
        raise ServiceError("The question set was not saved.", errors=errors)
    question_set.name = name
    question_set.round_names = rounds
    question_set.description = description.strip()
    question_set.is_active = is_active
    question_set.save()
    return question_set


def _question_errors(question_set: QuestionSet, round_number: int, text: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["Write the question."]
    elif len(text.strip()) > 300:
        errors["text"] = ["At most 300 characters; put the rest in the guidance."]
    rounds = len(question_set.round_names or [])
    if not 1 <= round_number <= rounds:
        errors["round"] = [f"{question_set} has rounds 1 to {rounds}."]
    return errors


def _next_order(question_set: QuestionSet, round_number: int) -> int:
    orders = question_set.questions.filter(round=round_number).values_list("order", flat=True)
    return max(orders, default=-1) + 1


def append_question(
    *, question_set: QuestionSet, round: int, text: str, guidance: str = ""
) -> QualificationQuestion:
    """A question at the end of its round, without the built-in check: for the built-in loader,
    which adds a later release's questions to the built-in set. Everyone else calls add_question."""
    errors = _question_errors(question_set, round, text)
    if errors:
        raise ServiceError("The question was not added.", errors=errors)
    return QualificationQuestion.objects.create(
        question_set=question_set,
        round=round,
        text=text.strip(),
        guidance=guidance.strip(),
        order=_next_order(question_set, round),
    )


def add_question(
    *, question_set: QuestionSet, round: int, text: str, guidance: str = ""
) -> QualificationQuestion:
    """A question at the end of its round."""
    _require_editable(question_set)
    return append_question(question_set=question_set, round=round, text=text, guidance=guidance)


def update_question(
    *, question: QualificationQuestion, round: int, text: str, guidance: str = ""
) -> QualificationQuestion:
    """Reword a question or file it under another round (at the end of that round)."""
    question_set = question.question_set
    _require_editable(question_set)
    errors = _question_errors(question_set, round, text)
    if errors:
        raise ServiceError("The question was not saved.", errors=errors)
    if round != question.round:
        question.order = _next_order(question_set, round)
    question.round, question.text, question.guidance = round, text.strip(), guidance.strip()
    question.save()
    return question


def reorder_questions(*, question_set: QuestionSet, question_ids: list[int]) -> list[QualificationQuestion]:
    """Put the questions in the order of ``question_ids`` (each question once); each keeps its round,
    and the order counts within the round."""
    _require_editable(question_set)
    questions = {q.pk: q for q in question_set.questions.all()}
    if sorted(question_ids) != sorted(questions) or len(set(question_ids)) != len(question_ids):
        raise ServiceError(
            "The questions were not reordered.",
            errors={"question_ids": [f"Name each of the {len(questions)} questions of {question_set} once."]},
        )
    counters: dict[int, int] = {}
    ordered = [questions[pk] for pk in question_ids]
    for question in ordered:
        order = counters.get(question.round, 0)
        counters[question.round] = order + 1
        if question.order != order:
            question.order = order
            question.save()
    return sorted(ordered, key=lambda q: (q.round, q.order))


def move_question(*, question: QualificationQuestion, offset: int) -> list[QualificationQuestion]:
    """Move a question up (offset -1) or down (+1) within its round."""
    question_set = question.question_set
    everything = list(question_set.questions.order_by("round", "order", "pk"))
    same_round = [q.pk for q in everything if q.round == question.round]
    index = same_round.index(question.pk)
    same_round.insert(min(max(index + offset, 0), len(same_round) - 1), same_round.pop(index))
    moved = iter(same_round)
    ids = [next(moved) if q.round == question.round else q.pk for q in everything]
    return reorder_questions(question_set=question_set, question_ids=ids)


def copy_question_set(*, question_set: QuestionSet, name: str = "") -> QuestionSet:
    """An editable copy with the same rounds and questions (the way to change a built-in set)."""
    copy = create_question_set(
        name=" ".join(name.split()) or f"{question_set.name} (copy)",
        round_names=list(question_set.round_names or []),
        description=question_set.description,
    )
    for question in question_set.questions.order_by("round", "order", "pk"):
        QualificationQuestion.objects.create(
            question_set=copy,
            round=question.round,
            text=question.text,
            guidance=question.guidance,
            order=question.order,
        )
    return copy


def remove_question(*, question: QualificationQuestion) -> None:
    _require_editable(question.question_set)
    if question.answers.exists():
        raise ConflictError(
            "Scorecards have answered this question; reword it rather than remove it.",
            errors={"": ["Answered questions are kept."]},
        )
    question.delete()


def start_scorecard(*, deal: Deal, question_set: QuestionSet, created_by: User | None = None) -> Scorecard:
    errors: dict[str, list[str]] = {}
    if deal.status != DealStatus.OPEN:
        errors["deal"] = [f"{deal} is {deal.get_status_display().lower()}; qualify open opportunities."]
    if not question_set.is_active:
        errors["question_set"] = [f"{question_set} is no longer offered."]
    elif not question_set.questions.exists():
        errors["question_set"] = [f"{question_set} has no questions yet."]
    if errors:
        raise ServiceError("The scorecard was not started.", errors=errors)
    return Scorecard.objects.create(deal=deal, question_set=question_set, created_by=created_by)


@dataclass
class AnswerInput:
    question: QualificationQuestion
    answer: str = ""
    score: int | None = None


def save_answers(*, scorecard: Scorecard, answers: list[AnswerInput]) -> Scorecard:
    """Write the answers given (others stay as they were); each score is 1 to 5."""
    errors: dict[str, list[str]] = {}
    for item in answers:
        if item.question.question_set_id != scorecard.question_set_id:
            errors.setdefault("question", []).append(f"{item.question} is from another question set.")
        if item.score is not None and not 1 <= item.score <= 5:
            errors.setdefault(f"score_{item.question.pk}", []).append(
                f"Score from 1 (poor fit) to 5 (strong fit), not {item.score}."
            )
    if errors:
        raise ServiceError("The answers were not saved.", errors=errors)
    stored = {a.question_id: a for a in scorecard.answers.all()}
    for item in answers:
        row = stored.get(item.question.pk) or ScorecardAnswer(scorecard=scorecard, question=item.question)
        row.answer, row.score = item.answer.strip(), item.score
        if row.pk is None and not row.answer and row.score is None:
            continue
        row.save()
    return scorecard


def decide(*, scorecard: Scorecard, decision: str, reason: str, decided_by: User | None = None) -> Scorecard:
    """Go or no-go, always with the reason (a judgement call, not only the total)."""
    errors: dict[str, list[str]] = {}
    if decision not in (Decision.GO, Decision.NO_GO):
        errors["decision"] = ["Decide go or no go."]
    if not reason.strip():
        errors["reason"] = ["Give the reason for the decision."]
    if errors:
        raise ServiceError("The decision was not recorded.", errors=errors)
    scorecard.decision, scorecard.decision_reason = decision, reason.strip()
    scorecard.decided_at, scorecard.decided_by = timezone.now(), decided_by
    scorecard.save()
    return scorecard
