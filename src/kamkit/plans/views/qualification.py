"""Qualification: scorecards of an opportunity and the question sets they use."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.forms import acting_user as _acting
from kamkit.core.forms import save_with_form as _save
from kamkit.plans import queries, services
from kamkit.plans.choices import Decision
from kamkit.plans.forms import CopyForm, DecisionForm, QuestionForm, QuestionSetForm, ScorecardForm
from kamkit.plans.models import QualificationQuestion, QuestionSet, Scorecard
from kamkit.plans.views.common import step

# Qualification ---------------------------------------------------------------------------------------


def scorecard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard: Scorecard = get_object_or_404(queries.scorecards_for(request.user), pk=pk)
    deal = scorecard.deal
    can_change = permissions.can(request.user, Action.CHANGE, deal.account)
    questions = queries.questions_of(scorecard.question_set)
    stored = {a.question_id: a for a in scorecard.answers.all()}
    initial: dict[str, Any] = {}
    for q in questions:
        if q.pk in stored:
            initial[f"answer_{q.pk}"] = stored[q.pk].answer
            initial[f"score_{q.pk}"] = stored[q.pk].score
    answers_form = ScorecardForm(initial=initial, questions=questions)
    decision_form = DecisionForm(
        initial={
            "decision": scorecard.decision if scorecard.decision != Decision.PENDING else None,
            "reason": scorecard.decision_reason,
        }
    )
    if request.method == "POST":
        permissions.require(request.user, Action.CHANGE, deal.account)
        if "decision" in request.POST:
            decision_form = DecisionForm(request.POST)
            if decision_form.is_valid() and _save(
                decision_form,
                lambda: services.decide(
                    scorecard=scorecard,
                    decision=decision_form.cleaned_data["decision"],
                    reason=decision_form.cleaned_data["reason"],
                    decided_by=_acting(request),
                ),
            ):
                messages.success(request, f"Decision recorded: {scorecard.get_decision_display()}.")
                return redirect("plans:scorecard", pk=scorecard.pk)
        else:
            answers_form = ScorecardForm(request.POST, questions=questions)
            if answers_form.is_valid():
                d = answers_form.cleaned_data
                items = [
                    services.AnswerInput(question=q, answer=d[f"answer_{q.pk}"], score=d[f"score_{q.pk}"])
                    for q in questions
                ]
                if _save(answers_form, lambda: services.save_answers(scorecard=scorecard, answers=items)):
                    messages.success(request, "Answers saved.")
                    return redirect("plans:scorecard", pk=scorecard.pk)
    rounds: dict[int, list[tuple[Any, Any, Any]]] = {}
    for q in questions:
        rounds.setdefault(q.round, []).append(
            (q, answers_form[f"answer_{q.pk}"], answers_form[f"score_{q.pk}"])
        )
    return render(
        request,
        "plans/scorecard.html",
        {
            "scorecard": scorecard,
            "deal": deal,
            "can_change": can_change,
            "profile": queries.scorecard_profile(scorecard),
            "answers_form": answers_form,
            "decision_form": decision_form,
            "rounds": [
                (scorecard.question_set.round_name(n), fields) for n, fields in sorted(rounds.items())
            ],
        },
    )


def question_sets(request: HttpRequest) -> HttpResponse:
    can_add = permissions.can(request.user, Action.ADD, QuestionSet)
    form = QuestionSetForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, Action.ADD, QuestionSet)
        if form.is_valid():
            d = form.cleaned_data
            made = _save(
                form,
                lambda: services.create_question_set(
                    name=d["name"], round_names=form.rounds(), description=d["description"]
                ),
            )
            if made is not None:
                messages.success(request, f"{made} created; add its questions.")
                return redirect("plans:question_set", pk=made.pk)
    return render(
        request,
        "plans/question_sets.html",
        {"sets": queries.question_sets_for(request.user), "form": form, "can_add": can_add},
    )


def question_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = get_object_or_404(queries.question_sets_for(request.user), pk=pk)
    can_change = permissions.can(request.user, Action.CHANGE, question_set)
    question_form = QuestionForm(prefix="q")
    set_form = QuestionSetForm(
        prefix="set",
        initial={
            "name": question_set.name,
            "description": question_set.description,
            "round_names": "\n".join(question_set.round_names or []),
            "is_active": question_set.is_active,
        },
    )
    if request.method == "POST":
        permissions.require(request.user, Action.CHANGE, question_set)
        if "offered" in request.POST:  # retire or offer again (also for the built-in set)
            offered = request.POST.get("offered") == "1"
            if step(
                request,
                lambda: services.update_question_set(
                    question_set=question_set,
                    name=question_set.name,
                    round_names=list(question_set.round_names or []),
                    description=question_set.description,
                    is_active=offered,
                ),
                f"{question_set} is {'offered for new scorecards' if offered else 'no longer offered'}.",
            ):
                return redirect("plans:question_set", pk=question_set.pk)
        elif "q-text" in request.POST:
            question_form = QuestionForm(request.POST, prefix="q")
            if question_form.is_valid():
                d = question_form.cleaned_data
                if _save(
                    question_form,
                    lambda: services.add_question(
                        question_set=question_set, round=d["round"], text=d["text"], guidance=d["guidance"]
                    ),
                ):
                    messages.success(request, "Question added.")
                    return redirect("plans:question_set", pk=question_set.pk)
        else:
            set_form = QuestionSetForm(request.POST, prefix="set")
            if set_form.is_valid():
                d = set_form.cleaned_data
                if _save(
                    set_form,
                    lambda: services.update_question_set(
                        question_set=question_set,
                        name=d["name"],
                        round_names=set_form.rounds(),
                        description=d["description"],
                        is_active=d["is_active"],
                    ),
                ):
                    messages.success(request, f"{question_set} saved.")
                    return redirect("plans:question_set", pk=question_set.pk)
    questions = queries.questions_of(question_set)
    rounds = [
        (question_set.round_name(n), [q for q in questions if q.round == n])
        for n in sorted({q.round for q in questions} | set(range(1, len(question_set.round_names or []) + 1)))
    ]
    return render(
        request,
        "plans/question_set.html",
        {
            "question_set": question_set,
            "rounds": rounds,
            "can_change": can_change,
            "editable": can_change and not question_set.is_builtin,
            "can_add": permissions.can(request.user, Action.ADD, QuestionSet),
            "question_form": question_form,
            "set_form": set_form,
            "copy_form": CopyForm(prefix="copy"),
        },
    )


@require_POST
def question_set_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """An editable copy with the same rounds and questions (the way to change the built-in set)."""
    question_set = get_object_or_404(queries.question_sets_for(request.user), pk=pk)
    permissions.require(request.user, Action.ADD, QuestionSet)
    form = CopyForm(request.POST, prefix="copy")
    name = form.cleaned_data["name"] if form.is_valid() else ""
    made: list[QuestionSet] = []
    if step(
        request,
        lambda: made.append(services.copy_question_set(question_set=question_set, name=name)),
        f"A copy of {question_set} was made; change it as you need.",
    ):
        return redirect("plans:question_set", pk=made[0].pk)
    return redirect("plans:question_set", pk=question_set.pk)


def _question(request: HttpRequest, pk: int) -> QualificationQuestion:
    question: QualificationQuestion = get_object_or_404(
        permissions.visible_to(request.user, QualificationQuestion).select_related("question_set"), pk=pk
    )
    permissions.require(request.user, Action.CHANGE, question)
    return question


def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Reword a question, file it under another round, or remove it (unless scorecards answered it)."""
    question = _question(request, pk)
    question_set = question.question_set
    initial = {"round": question.round, "text": question.text, "guidance": question.guidance}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "delete" in request.POST:
            if step(request, lambda: services.remove_question(question=question), "Question removed."):
                return redirect("plans:question_set", pk=question_set.pk)
        elif form.is_valid():
            d = form.cleaned_data
            if _save(
                form,
                lambda: services.update_question(
                    question=question, round=d["round"], text=d["text"], guidance=d["guidance"]
                ),
            ):
                messages.success(request, "Question saved.")
                return redirect("plans:question_set", pk=question_set.pk)
    return render(
        request,
        "plans/question.html",
        {"form": form, "question": question, "question_set": question_set, "title": "Edit a question"},
    )


@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    step(
        request,
        lambda: services.move_question(question=question, offset=offset),
        f"Question moved {'up' if offset < 0 else 'down'}.",
    )
    return redirect("plans:question_set", pk=question.question_set_id)
