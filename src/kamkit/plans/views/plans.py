"""Plan pages: the list, starting a plan, the plan page, its period, status, versions and sections."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.forms import acting_user as _acting
from kamkit.core.forms import save_with_form as _save
from kamkit.core.views import ListPage
from kamkit.plans import queries, recurrence, services
from kamkit.plans.choices import PLAN_TRANSITIONS
from kamkit.plans.forms import MemberForm, PeriodForm, PlanEditForm, PlanForm, SectionForm
from kamkit.plans.models import AccountPlan
from kamkit.plans.views.common import can_change_plan, changeable_plan, form_page, plan_or_404, step


class PlanList(ListPage):
    model = AccountPlan
    spec = queries.PLAN_LIST
    title = "Account plans"
    columns = [
        ("account", "Account"),
        ("period", "Period"),
        ("version", "Version"),
        ("status", "Status"),
        ("owner", "Owner"),
        ("updated", "Last change"),
    ]
    add_url_name = "plans:create"
    extra_links = [
        ("plans:team_dashboard", "Execution dashboard", "all"),
        ("plans:calendar", "Calendar", "all"),
        ("plans:templates", "Templates", "all"),
        ("plans:question_sets", "Question sets", "all"),
    ]

    def base_queryset(self) -> Any:
        return queries.plans_for(self.request.user)


# Plans -----------------------------------------------------------------------------------------------


def plan_create(request: HttpRequest) -> HttpResponse:
    """Start a plan: the account is picked by typing (search as you type with htmx; without
    JavaScript the name or id typed is looked up on sending, and a miss is named)."""
    permissions.require(request.user, Action.ADD, AccountPlan)
    this_year = timezone.localdate().year
    initial: dict[str, Any] = {
        "period": f"FY{this_year}",
        "starts_on": dt.date(this_year, 1, 1),
        "ends_on": dt.date(this_year, 12, 31),
    }
    raw = request.GET.get("account", "")
    preset = queries.plannable_accounts(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    if preset is not None:
        initial.update(account=preset.name, account_id=preset.pk)
    form = PlanForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        permissions.require(request.user, Action.CHANGE, data["account"])
        plan = _save(
            form,
            lambda: services.create_plan(
                account=data["account"],
                period=data["period"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                template=data["template"],
                created_by=_acting(request),
            ),
        )
        if plan is not None:
            messages.success(request, f"{plan} created as a draft.")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_create.html", {"form": form, "title": "Start an account plan"})


def account_picker(request: HttpRequest) -> HttpResponse:
    """Suggestions for the account field as the user types (an htmx fragment): key accounts they
    may plan for whose name holds every word typed, at most ten."""
    permissions.require(request.user, Action.ADD, AccountPlan)
    text = request.GET.get("account", request.GET.get("q", ""))
    accounts = queries.search_accounts(queries.plannable_accounts(request.user), text)
    return render(
        request, "plans/partials/account_options.html", {"accounts": accounts, "text": text.strip()}
    )


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    objectives = list(
        plan.objectives.select_related("owner").prefetch_related("deals", "actions", "actions__owner")
    )
    completeness = queries.plan_completeness(plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "can_change": can_change_plan(request, plan),
            "completeness": completeness,
            "completion": queries.plan_completion(plan),
            "rows": queries.objective_rows(objectives, plan),
            "sections": plan.sections.all(),
            "members": plan.members.select_related("user", "contact"),
            "opportunities": queries.opportunities_of(plan),
            "reviews": plan.reviews.prefetch_related("our_attendees", "customer_attendees")[:5],
            "versions": queries.versions_of(plan),
            "transitions": sorted(PLAN_TRANSITIONS[plan.status]),
            "member_form": MemberForm(plan=plan),
            "planned_hours": queries.planned_minutes_of(plan) / 60,
        },
    )


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = changeable_plan(request, pk)
    initial = {f: getattr(plan, f) for f in PlanEditForm.base_fields}
    form = PlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "refresh" in request.POST:
            if step(
                request,
                lambda: services.refresh_situation(plan=plan),
                "Situation rewritten from the profile.",
            ):
                return redirect("plans:edit", pk=plan.pk)
        elif form.is_valid():
            d = form.cleaned_data
            saved = _save(
                form,
                lambda: services.update_plan(
                    plan=plan,
                    period=d["period"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    situation=d["situation"],
                ),
            )
            if saved is not None:
                messages.success(request, f"{saved} saved.")
                return redirect("plans:detail", pk=plan.pk)
    return form_page(request, form, f"Edit {plan}", plan, refresh_situation=True)


@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    permissions.require(request.user, Action.DELETE, plan)
    account_pk = plan.account_id
    if step(request, lambda: services.delete_plan(plan=plan), f"{plan} deleted."):
        return redirect(reverse("plans:list") + f"?account={account_pk}")
    return redirect("plans:detail", pk=pk)


def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    plan = changeable_plan(request, pk)
    section = get_object_or_404(plan.sections, key=key)
    form = SectionForm(request.POST or None, initial={"text": section.text})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.save_section(plan=plan, key=key, text=form.cleaned_data["text"]))
    ):
        messages.success(request, f"{section.title} saved.")
        return redirect(reverse("plans:detail", args=[plan.pk]) + f"#section-{key}")
    form.fields["text"].label = section.title
    form.fields["text"].help_text = section.prompt
    return form_page(request, form, f"{section.title} · {plan}", plan)


@require_POST
def plan_status(request: HttpRequest, pk: int) -> HttpResponse:
    plan = changeable_plan(request, pk)
    try:
        with transaction.atomic():
            closed = services.set_plan_status(plan=plan, status=request.POST.get("status", ""))
    except ServiceError as exc:
        details = "; ".join(m for ms in exc.errors.values() for m in ms)
        messages.error(request, f"{exc.detail} {details}".strip())
    else:
        messages.success(request, f"{plan} is {plan.get_status_display().lower()}.")
        for other in closed:
            messages.info(request, f"{other} was closed: one version is active at a time.")
    return redirect("plans:detail", pk=plan.pk)


@require_POST
def plan_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    plan = changeable_plan(request, pk)
    made: list[AccountPlan] = []
    if step(
        request,
        lambda: made.append(services.start_new_version(plan=plan, created_by=_acting(request))),
        "A draft copy was made as the next version.",
    ):
        return redirect("plans:detail", pk=made[0].pk)
    return redirect("plans:detail", pk=plan.pk)


def plan_next_period(request: HttpRequest, pk: int) -> HttpResponse:
    plan = changeable_plan(request, pk)
    starts = plan.ends_on + dt.timedelta(days=1)
    initial = {
        "period": re.sub(r"\d+$", lambda m: str(int(m.group()) + 1).zfill(len(m.group())), plan.period),
        "starts_on": starts,
        "ends_on": recurrence.shift_date(plan.ends_on, plan.starts_on, starts),
    }
    form = PeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        new = _save(
            form,
            lambda: services.start_next_period(
                plan=plan,
                period=d["period"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                created_by=_acting(request),
            ),
        )
        if new is not None:
            messages.success(request, f"{new} started from {plan}.")
            return redirect("plans:detail", pk=new.pk)
    return form_page(request, form, f"Plan the next period from {plan}", plan)
