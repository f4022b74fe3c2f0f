"""The decision page: the panel's figures, the candidate's assessment results, the decision."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kamkit.core.forms import acting_user, save_with_form
from kamkit.hiring import queries, services
from kamkit.hiring.choices import FINAL_STAGES
from kamkit.hiring.forms import DecisionForm
from kamkit.hiring.views.common import managed_application


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel's figures, the candidate's assessment results and fit, and the decision form."""
    application = managed_application(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded = save_with_form(
            form,
            lambda: services.record_decision(
                application=application,
                outcome=data["outcome"],
                reason=data["reason"],
                decided_by=acting_user(request),
            ),
        )
        if recorded is not None:
            messages.success(request, f"Decision recorded: {recorded.get_outcome_display().lower()}.")
            return redirect("hiring:decision", pk=application.pk)
    return render(
        request,
        "hiring/decision.html",
        {
            "application": application,
            "candidate": application.candidate,
            "opening": application.opening,
            "panel": queries.panel_summary(request.user, application),
            "assessments": queries.assessment_views(application.candidate, application.opening),
            "decisions": queries.decisions_for(request.user, application),
            "evidence_shown": queries.shows_evidence(request.user, application),
            "form": form,
            "final": application.stage in FINAL_STAGES,
        },
    )
