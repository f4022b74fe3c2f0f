"""Position pages: the list, opening and editing a position, its board, status and deletion."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kamkit.core import permissions
from kamkit.core.choices import Action, Role
from kamkit.core.forms import acting_user, save_with_form
from kamkit.hiring import queries, services
from kamkit.hiring.choices import (
    ACTIVE_STAGES,
    FINAL_STAGES,
    OPENING_TRANSITIONS,
    InterviewStatus,
    OpeningStatus,
    Stage,
)
from kamkit.hiring.forms import ApplyForm, OpeningForm
from kamkit.hiring.models import Application, ManagedOpening, Opening
from kamkit.hiring.views.common import HiringListPage, form_page, managed_opening, opening_or_404, step
from kamkit.users.models import User


class OpeningList(HiringListPage):
    model = Opening
    spec = queries.OPENING_LIST
    title = "Positions"
    tab = "positions"
    columns = [
        ("title", "Position"),
        ("manager", "Hiring manager"),
        ("level", "Level"),
        ("status", "Status"),
        ("", "Candidates"),
        ("opened", "Opened"),
    ]
    add_url_name = "hiring:opening_create"

    def base_queryset(self) -> QuerySet[Any]:
        return queries.openings_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["to_score"] = list(
            queries.my_interviews(self.request.user).filter(
                status=InterviewStatus.ASSIGNED, application__stage__in=ACTIVE_STAGES
            )[:20]
        )
        context["active_stages"] = ACTIVE_STAGES
        return context


def _hiring_managers(request: HttpRequest) -> QuerySet[User]:
    """Who this user may make hiring manager: themself and their line (managers), anyone (directors)."""
    people = User.objects.filter(is_active=True, role__in=[Role.ADMIN, Role.DIRECTOR, Role.MANAGER]).order_by(
        "full_name"
    )
    allowed = [
        p.pk for p in people if permissions.can(request.user, Action.ADD, ManagedOpening(hiring_manager=p))
    ]
    return people.filter(pk__in=allowed)


def opening_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, Action.ADD, Opening)
    managers = _hiring_managers(request)
    form = OpeningForm(
        request.POST or None,
        managers=managers,
        initial={
            "hiring_manager": request.user if managers.filter(pk=request.user.pk or 0).exists() else None,
            "benchmark": queries.default_benchmark(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Whether this person may run a position for that hiring manager and team is the service's
        # rule (services.openings._check_hands); its refusal lands on the form's fields.
        opening = save_with_form(
            form,
            lambda: services.create_opening(
                title=data["title"],
                benchmark=data["benchmark"],
                target_level=data["target_level"],
                hiring_manager=data["hiring_manager"],
                team=data["team"],
                location=data["location"],
                headcount=data["headcount"],
                description=data["description"],
                created_by=acting_user(request),
            ),
        )
        if opening is not None:
            messages.success(request, f"{opening} is open; its interview kit is ready to review.")
            return redirect("hiring:opening", pk=opening.pk)
    return form_page(request, form, "Open a position")


def opening_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opening = managed_opening(request, pk)
    managers = _hiring_managers(request) | User.objects.filter(pk=opening.hiring_manager_id or 0)
    initial = {
        "title": opening.title,
        "benchmark": opening.benchmark,
        "target_level": opening.target_level,
        "hiring_manager": opening.hiring_manager,
        "team": opening.team,
        "location": opening.location,
        "headcount": opening.headcount,
        "description": opening.description,
    }
    form = OpeningForm(
        request.POST or None, initial=initial, managers=managers.distinct(), current=opening.benchmark
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = services.OpeningChanges(
            title=data["title"],
            benchmark=data["benchmark"],
            target_level=data["target_level"],
            hiring_manager=data["hiring_manager"],
            team=data["team"],
            clear_team=data["team"] is None,
            location=data["location"],
            headcount=data["headcount"],
            description=data["description"],
        )
        saved = save_with_form(
            form, lambda: services.update_opening(opening=opening, changes=changes, by=acting_user(request))
        )
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("hiring:opening", pk=opening.pk)
    return form_page(request, form, f"Edit {opening}", opening=opening)


def opening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opening = opening_or_404(request, pk)
    runs = queries.manages(request.user, opening)
    applications = list(
        queries.applications_for(request.user).filter(opening=opening).order_by("stage_changed_at", "id")
    )
    counts = queries.panel_counts([a.pk for a in applications])
    for application in applications:
        application.panel = counts.get(application.pk, (0, 0))  # type: ignore[attr-defined]
    board = [(Stage(stage), [a for a in applications if a.stage == stage]) for stage in ACTIVE_STAGES]
    closed = [a for a in applications if a.stage in FINAL_STAGES]
    context: dict[str, Any] = {
        "opening": opening,
        "runs": runs,
        "board": board,
        "closed": closed,
        "kit": getattr(opening, "kit", None),
        "statuses": sorted(OPENING_TRANSITIONS[opening.status], key=list(OpeningStatus.values).index),
    }
    if runs:
        taken = [a.candidate_id for a in applications]
        context["apply_form"] = ApplyForm(
            candidates=queries.managed_candidates(request.user).exclude(pk__in=taken).order_by("full_name")
        )
        context["calibration"] = queries.opening_agreement(opening, request.user)
    return render(request, "hiring/opening_detail.html", context)


@require_POST
def opening_status(request: HttpRequest, pk: int) -> HttpResponse:
    opening = managed_opening(request, pk)
    status = request.POST.get("status", "")
    label = dict(OpeningStatus.choices).get(status, status)
    step(request, lambda: services.set_opening_status(opening=opening, status=status), f"{opening}: {label}.")
    return redirect("hiring:opening", pk=opening.pk)


@require_POST
def opening_delete(request: HttpRequest, pk: int) -> HttpResponse:
    opening = managed_opening(request, pk)
    permissions.require(request.user, Action.DELETE, opening)
    if step(request, lambda: services.delete_opening(opening=opening), f"{opening} deleted."):
        return redirect("hiring:list")
    return redirect("hiring:opening", pk=opening.pk)


@require_POST
def opening_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an existing candidate to this position."""
    opening = managed_opening(request, pk)
    form = ApplyForm(request.POST, candidates=queries.managed_candidates(request.user))
    if not form.is_valid():
        messages.error(request, "Choose a candidate to add.")
        return redirect("hiring:opening", pk=opening.pk)
    candidate = form.cleaned_data["candidate"]
    if step(
        request,
        lambda: services.add_application(candidate=candidate, opening=opening, added_by=acting_user(request)),
        f"{candidate} added to {opening}.",
    ):
        application = Application.objects.get(candidate=candidate, opening=opening)
        return redirect("hiring:application", pk=application.pk)
    return redirect("hiring:opening", pk=opening.pk)
