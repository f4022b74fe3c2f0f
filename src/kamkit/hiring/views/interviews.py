"""Panels and scorecards: my interviews, putting people on a panel, the scorecard page, the
kit printed for one interview.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kamkit.core.forms import acting_user, save_with_form
from kamkit.hiring import printouts, queries, services
from kamkit.hiring.forms import AssignForm, ReopenForm, ScheduleForm, ScorecardForm
from kamkit.hiring.lookups import interview_or_404
from kamkit.hiring.views.common import managed_application, panel_people, pdf_response, require_running, step


def my_interviews(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hiring/my_interviews.html",
        {"interviews": queries.my_interviews(request.user), "tab": "interviews"},
    )


@require_POST
def interview_assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = managed_application(request, pk)
    form = AssignForm(request.POST, people=panel_people(application))
    if not form.is_valid():
        problems = " ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"The interviewer was not assigned: {problems}")
        return redirect("hiring:application", pk=application.pk)
    interviewer = form.cleaned_data["interviewer"]
    step(
        request,
        lambda: services.assign_interviewer(
            application=application,
            interviewer=interviewer,
            assigned_by=acting_user(request),
            scheduled_at=form.cleaned_data["scheduled_at"],
        ),
        f"{interviewer} is on {application.candidate}'s panel.",
    )
    return redirect("hiring:application", pk=application.pk)


@require_POST
def interview_remove(request: HttpRequest, pk: int) -> HttpResponse:
    interview = interview_or_404(request, pk)
    require_running(request.user, interview.application.opening)
    step(
        request,
        lambda: services.remove_interviewer(interview=interview),
        f"{interview.interviewer} is off the panel.",
    )
    return redirect("hiring:application", pk=interview.application_id)


@require_POST
def scorecard_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """The people running the position give a submitted scorecard back to its interviewer."""
    interview = interview_or_404(request, pk)
    require_running(request.user, interview.application.opening)
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    step(
        request,
        lambda: services.reopen_scorecard(interview=interview, by=acting_user(request), reason=reason),
        f"{interview.interviewer}'s scorecard is open again; they can change it and submit it again.",
    )
    return redirect("hiring:application", pk=interview.application_id)


@require_POST
def interview_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    interview = interview_or_404(request, pk)
    require_running(request.user, interview.application.opening)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        step(
            request,
            lambda: services.schedule_interview(
                interview=interview, scheduled_at=form.cleaned_data["scheduled_at"]
            ),
            "Interview time saved.",
        )
    else:
        messages.error(request, "Give a date and time like 2027-03-01 14:30.")
    return redirect("hiring:application", pk=interview.application_id)


def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """The interviewer fills their scorecard here (draft or submit); others read it once the
    independence rule allows, and get a 404 before (as if it did not exist)."""
    interview = interview_or_404(request, pk)
    application = interview.application
    if not queries.readable_scorecards(request.user, application).filter(pk=interview.pk).exists():
        raise Http404("No such scorecard, or not yet: scorecards are shown once their interviewer submits.")
    kit = queries.kit_of(application.opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    writing = interview.interviewer_id == request.user.pk and not interview.is_submitted
    form = None
    if writing:
        form = ScorecardForm(request.POST or None, kit=kit, interview=interview)
        if request.method == "POST" and form.is_valid():
            submit = request.POST.get("action") == "submit"
            saved = save_with_form(
                form,
                lambda: services.save_scorecard(
                    interview=interview,
                    by=acting_user(request),
                    notes=form.notes(),
                    ratings=form.ratings(),
                    recommendation=form.cleaned_data["recommendation"],
                    summary=form.cleaned_data["summary"],
                    submit=submit,
                ),
            )
            if saved is not None:
                if submit:
                    messages.success(request, "Scorecard submitted. You can now see the panel's ratings.")
                else:
                    messages.success(request, "Draft saved; only you can see it.")
                return redirect("hiring:scorecard", pk=interview.pk)
    elif request.method == "POST":
        raise PermissionDenied("Only the interviewer writes this scorecard, and only until they submit it.")
    view = queries.scorecard_view(interview, kit)
    panel = None
    if interview.is_submitted and interview.interviewer_id == request.user.pk:
        panel = queries.panel_summary(request.user, application)
    return render(
        request,
        "hiring/scorecard.html",
        {
            "interview": interview,
            "application": application,
            "opening": application.opening,
            "kit": kit,
            "form": form,
            "view": view,
            "missing": {q.question.pk: q.missing for c in view.competencies for q in c.questions},
            "panel": panel,
            "runs": queries.manages(request.user, application.opening),
        },
    )


def interview_kit_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The kit printed for one interview: the candidate's and interviewer's names, room for notes."""
    interview = interview_or_404(request, pk)
    opening = interview.application.opening
    kit = queries.kit_of(opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    content = printouts.kit_pdf(kit, opening, interview=interview)
    return pdf_response(content, f"interview-{interview.pk}.pdf")
