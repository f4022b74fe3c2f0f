"""Execution: marking occurrences, the plan and team dashboards, and the status report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kamkit.accounts import queries as account_queries
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.forms import acting_user as _acting
from kamkit.core.views import is_htmx
from kamkit.plans import queries, report, services, tracking
from kamkit.plans.forms import MarkForm
from kamkit.plans.models import ActionOccurrence
from kamkit.plans.views.common import can_change_plan, plan_or_404
from kamkit.users.models import Team

# Execution -------------------------------------------------------------------------------------------


def execution(request: HttpRequest, pk: int) -> HttpResponse:
    """Each action's occurrences, to mark done, skipped or missed (a window around today unless ?all)."""
    plan = plan_or_404(request, pk)
    today = queries.today()
    show_all = request.GET.get("all") == "1"
    actions = []
    for action in queries.action_occurrences(plan):
        occurrences = list(action.occurrences.all())
        if not show_all:
            occurrences = [
                o
                for o in occurrences
                if today - dt.timedelta(days=35) <= o.due_on <= today + dt.timedelta(days=35)
                or (o.status == "pending" and o.due_on < today)
            ]
        actions.append(
            (action, [(o, tracking.effective_state(o.status, o.due_on, today)) for o in occurrences])
        )
    return render(
        request,
        "plans/execution.html",
        {
            "plan": plan,
            "actions": actions,
            "show_all": show_all,
            "can_change": can_change_plan(request, plan),
            "completion": queries.plan_completion(plan),
        },
    )


@require_POST
def occurrence_mark(request: HttpRequest, occurrence_pk: int) -> HttpResponse:
    occurrence: ActionOccurrence = get_object_or_404(queries.occurrences_for(request.user), pk=occurrence_pk)
    plan = occurrence.action.objective.plan
    permissions.require(request.user, Action.CHANGE, plan.account)
    form = MarkForm(request.POST)
    error = ""
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                services.mark_occurrence(
                    occurrence=occurrence,
                    status=d["status"],
                    note=d["note"],
                    worth=d["worth"],
                    marked_by=_acting(request),
                )
        except ServiceError as exc:
            occurrence.refresh_from_db()
            error = "; ".join(m for ms in exc.errors.values() for m in ms) or exc.detail
    else:
        error = "; ".join(str(m) for ms in form.errors.values() for m in ms)
    if is_htmx(request):
        state = tracking.effective_state(occurrence.status, occurrence.due_on, queries.today())
        return render(
            request,
            "plans/partials/occurrence_row.html",
            {"occurrence": occurrence, "state": state, "can_change": True, "error": error},
        )
    if error:
        messages.error(request, error)
    return redirect(reverse("plans:execution", args=[plan.pk]) + f"#occurrence-{occurrence.pk}")


# Dashboards and the status report --------------------------------------------------------------------


def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    return render(request, "plans/dashboard.html", {"plan": plan, "board": queries.plan_dashboard(plan)})


def team_dashboard(request: HttpRequest) -> HttpResponse:
    """Execution across the plans the user may see; ?team= narrows it to one team's accounts."""
    raw = request.GET.get("team", "")
    team = Team.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    return render(
        request,
        "plans/team_dashboard.html",
        {
            "board": queries.team_dashboard(request.user, team_id=team.pk if team else None),
            "teams": Team.objects.order_by("name"),
            "team": team,
        },
    )


def status_report(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    data = report.status_report(plan)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(report.status_report_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.filename(plan)}"'
        return response
    return render(request, "plans/report.html", {"plan": plan, "report": data})


def account_report(request: HttpRequest, account_pk: int) -> HttpResponse:
    """The status report of an account: its active plan's, else its newest plan's."""
    account = get_object_or_404(account_queries.accounts_for(request.user), pk=account_pk)
    plan = report.current_plan(account)
    if plan is None:
        messages.info(request, f"{account} has no account plan yet.")
        return redirect(reverse("plans:list") + f"?account={account.pk}")
    url = reverse("plans:report", args=[plan.pk])
    return redirect(url + ("?format=pdf" if request.GET.get("format") == "pdf" else ""))
