"""The interview kit: its page, the PDF, rebuilding it, and the editor's htmx actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kamkit.core.errors import ServiceError
from kamkit.core.forms import acting_user
from kamkit.core.views import is_htmx
from kamkit.hiring import printouts, queries, services
from kamkit.hiring.forms import AnchorsForm, QuestionForm, RegenerateForm
from kamkit.hiring.lookups import managed_kit_competency, managed_kit_question
from kamkit.hiring.models import KitCompetency, Opening
from kamkit.hiring.views.common import managed_opening, opening_or_404, pdf_response, refusal, step


def _kit_context(request: HttpRequest, opening: Opening) -> dict[str, Any]:
    kit = queries.kit_of(opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    runs = queries.manages(request.user, opening)
    if runs:
        queries.attach_suggestions(kit)
    return {
        "opening": opening,
        "kit": kit,
        "runs": runs,
        "in_use": runs and queries.scoring_started(opening),
        "stale": queries.kit_is_stale(kit, opening),
        "regenerate_form": RegenerateForm(),
    }


def kit_page(request: HttpRequest, pk: int) -> HttpResponse:
    opening = opening_or_404(request, pk)
    return render(request, "hiring/kit.html", _kit_context(request, opening))


def kit_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    opening = opening_or_404(request, pk)
    kit = queries.kit_of(opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    return pdf_response(printouts.kit_pdf(kit, opening), f"interview-kit-{opening.pk}.pdf")


@require_POST
def kit_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    opening = managed_opening(request, pk)
    form = RegenerateForm(request.POST)
    confirm = form.is_valid() and form.cleaned_data["confirm"]
    step(
        request,
        lambda: services.regenerate_kit(opening=opening, by=acting_user(request), confirm=confirm),
        "The kit was rebuilt from the framework.",
    )
    return redirect("hiring:kit", pk=opening.pk)


def _kit_fragment(request: HttpRequest, competency: KitCompetency, error: str = "") -> HttpResponse:
    """htmx gets the competency's block again; a plain post goes back to the kit page."""
    if is_htmx(request):
        opening = competency.kit.opening
        context = _kit_context(request, opening)
        fresh = next(c for c in context["kit"].competencies.all() if c.pk == competency.pk)
        return render(request, "hiring/partials/kit_competency.html", {**context, "c": fresh, "error": error})
    if error:
        messages.error(request, error)
    return redirect(f"{reverse('hiring:kit', args=[competency.kit.opening_id])}#competency-{competency.pk}")


@require_POST
def kit_competency(request: HttpRequest, pk: int) -> HttpResponse:
    """The kit editor's actions on one competency: drop or restore it, move it, rewrite its guide,
    add a question of your own or one from another level of the framework."""
    competency = managed_kit_competency(request, pk)
    action = request.POST.get("action", "")
    try:
        with transaction.atomic():
            if action in ("drop", "restore"):
                services.update_kit_competency(competency=competency, included=action == "restore")
            elif action in ("up", "down"):
                services.move_kit_competency(competency=competency, direction=1 if action == "down" else -1)
            elif action == "anchors":
                anchors_form = AnchorsForm(request.POST)
                anchors_form.is_valid()
                services.update_kit_competency(competency=competency, anchors=anchors_form.anchors())
            elif action == "add_question":
                question_form = QuestionForm(request.POST)
                question_form.is_valid()
                services.add_kit_question(
                    competency=competency,
                    text=question_form.cleaned_data.get("text", ""),
                    probes=question_form.probe_list(),
                )
            elif action == "copy_question":
                raw = request.POST.get("question_id", "")
                services.copy_framework_question(
                    competency=competency, question_id=int(raw) if raw.isdigit() else 0
                )
            else:
                raise Http404("No such action.")
    except ServiceError as exc:
        return _kit_fragment(request, competency, refusal(exc))
    return _kit_fragment(request, competency)


@require_POST
def kit_question(request: HttpRequest, pk: int) -> HttpResponse:
    question = managed_kit_question(request, pk)
    competency = question.competency
    action = request.POST.get("action", "")
    try:
        with transaction.atomic():
            if action == "save":
                form = QuestionForm(request.POST)
                form.is_valid()
                services.update_kit_question(
                    question=question, text=form.cleaned_data.get("text", ""), probes=form.probe_list()
                )
            elif action == "delete":
                services.delete_kit_question(question=question)
            elif action in ("up", "down"):
                services.move_kit_question(question=question, direction=1 if action == "down" else -1)
            else:
                raise Http404("No such action.")
    except ServiceError as exc:
        return _kit_fragment(request, competency, refusal(exc))
    return _kit_fragment(request, competency)
