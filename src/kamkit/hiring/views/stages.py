"""The application page (panel, stage, history) and stage moves."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kamkit.core.forms import acting_user
from kamkit.hiring import queries, services
from kamkit.hiring.choices import ACTIVE_STAGES, FINAL_STAGES, STAGE_TRANSITIONS, Stage
from kamkit.hiring.forms import AssignForm, ReopenForm, StageForm
from kamkit.hiring.models import Application
from kamkit.hiring.views.common import application_or_404, managed_application, panel_people, step


def _stage_choices(application: Application) -> list[tuple[str, str]]:
    if application.stage in FINAL_STAGES:
        return [(stage, Stage(stage).label) for stage in ACTIVE_STAGES]
    allowed = STAGE_TRANSITIONS[application.stage]
    return [(stage, label) for stage, label in Stage.choices if stage in allowed]


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_or_404(request, pk)
    runs = queries.manages(request.user, application.opening)
    readable = set(queries.readable_scorecards(request.user, application).values_list("pk", flat=True))
    interviews = list(queries.interviews_for(request.user).filter(application=application))
    context: dict[str, Any] = {
        "application": application,
        "candidate": application.candidate,
        "opening": application.opening,
        "runs": runs,
        "interviews": [(interview, interview.pk in readable) for interview in interviews],
        "mine": next((i for i in interviews if i.interviewer_id == request.user.pk), None),
    }
    if runs:
        stage_form = StageForm()
        stage_form.fields["stage"].choices = [("", "Choose a stage…"), *_stage_choices(application)]  # type: ignore[attr-defined]
        context.update(
            stage_form=stage_form,
            final=application.stage in FINAL_STAGES,
            assign_form=AssignForm(people=panel_people(application)),
            reopen_form=ReopenForm(),
            history=queries.stage_history(request.user, application),
            decisions=queries.decisions_for(request.user, application),
        )
    return render(request, "hiring/application_detail.html", context)


@require_POST
def application_stage(request: HttpRequest, pk: int) -> HttpResponse:
    application = managed_application(request, pk)
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a stage.")
        return redirect("hiring:application", pk=application.pk)
    data = form.cleaned_data
    step(
        request,
        lambda: services.move_stage(
            application=application,
            to_stage=data["stage"],
            changed_by=acting_user(request),
            note=data["note"],
            reopen=data["reopen"],
        ),
        f"{application.candidate} moved to {Stage(data['stage']).label.lower()}.",
    )
    return redirect("hiring:application", pk=application.pk)
