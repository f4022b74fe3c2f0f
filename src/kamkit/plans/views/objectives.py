"""Objectives and their actions: SMART forms that name each missing element."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.forms import save_with_form as _save
from kamkit.plans import queries, services
from kamkit.plans.forms import ActionForm, ObjectiveForm
from kamkit.plans.models import Objective, PlanAction
from kamkit.plans.views.common import changeable_plan, form_page, step

# Objectives and actions ------------------------------------------------------------------------------


def _objective_input(form: ObjectiveForm) -> services.ObjectiveInput:
    d = form.cleaned_data
    return services.ObjectiveInput(
        title=d["title"],
        description=d["description"],
        owner=d["owner"],
        metric_kind=d["metric_kind"],
        metric=d["metric"],
        unit=d["unit"],
        baseline=d["baseline"],
        target=d["target"],
        current=d["current"],
        due_on=d["due_on"],
        confirmed_realistic=d["confirmed_realistic"],
        deals=list(d["deals"]),
    )


def objective_form(
    request: HttpRequest, pk: int | None = None, objective_pk: int | None = None
) -> HttpResponse:
    objective: Objective | None = None
    if objective_pk is not None:
        objective = get_object_or_404(queries.objectives_for(request.user), pk=objective_pk)
        plan = objective.plan
        permissions.require(request.user, Action.CHANGE, plan.account)
    else:
        assert pk is not None
        plan = changeable_plan(request, pk)
    if objective is not None:
        initial: dict[str, Any] = {
            f: getattr(objective, f) for f in ObjectiveForm.base_fields if f != "deals"
        }
        initial["deals"] = list(objective.deals.all())
    else:
        initial = {"owner": plan.account.owner_id or request.user.pk, "due_on": plan.ends_on}
    form = ObjectiveForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST":
        if "delete" in request.POST and objective is not None:
            if step(request, lambda: services.delete_objective(objective=objective), f"{objective} removed."):
                return redirect("plans:detail", pk=plan.pk)
        elif form.is_valid():
            data = _objective_input(form)
            saved = _save(
                form,
                lambda: (
                    services.update_objective(objective=objective, data=data)
                    if objective
                    else services.create_objective(plan=plan, data=data)
                ),
            )
            if saved is not None:
                messages.success(request, f"{saved} saved.")
                return redirect(reverse("plans:detail", args=[plan.pk]) + f"#objective-{saved.pk}")
    title = f"Edit {objective}" if objective else "Add an objective"
    return form_page(request, form, title, plan, smart_form=True, objective=objective)


def _action_input(form: ActionForm) -> services.ActionInput:
    d = form.cleaned_data
    return services.ActionInput(
        title=d["title"],
        description=d["description"],
        owner=d["owner"],
        cadence=d["cadence"],
        first_due_on=d["first_due_on"],
        repeat_until=d["repeat_until"],
        planned_minutes=d["planned_minutes"],
    )


def action_form(
    request: HttpRequest, objective_pk: int | None = None, action_pk: int | None = None
) -> HttpResponse:
    action: PlanAction | None = None
    if action_pk is not None:
        action = get_object_or_404(queries.actions_for(request.user), pk=action_pk)
        objective = action.objective
    else:
        objective = get_object_or_404(queries.objectives_for(request.user), pk=objective_pk)
    plan = objective.plan
    permissions.require(request.user, Action.CHANGE, plan.account)
    if action is not None:
        initial: dict[str, Any] = {f: getattr(action, f) for f in ActionForm.base_fields}
    else:
        initial = {
            "owner": objective.owner_id or request.user.pk,
            "first_due_on": max(plan.starts_on, timezone.localdate()),
        }
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "delete" in request.POST and action is not None:
            if step(request, lambda: services.delete_action(action=action), f"{action} removed."):
                return redirect("plans:detail", pk=plan.pk)
        elif form.is_valid():
            data = _action_input(form)
            saved = _save(
                form,
                lambda: (
                    services.update_action(action=action, data=data)
                    if action
                    else services.create_action(objective=objective, data=data)
                ),
            )
            if saved is not None:
                messages.success(request, f"{saved} saved; its dates are on the execution page.")
                return redirect(reverse("plans:detail", args=[plan.pk]) + f"#objective-{objective.pk}")
    title = f"Edit {action}" if action else f"Add an action to {objective}"
    return form_page(request, form, title, plan, action=action)
