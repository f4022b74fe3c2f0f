"""What the plan pages share: fetching a plan the user may see or change, the form page, buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.plans import queries
from kamkit.plans.models import AccountPlan


def plan_or_404(request: HttpRequest, pk: int) -> AccountPlan:
    return get_object_or_404(queries.plans_for(request.user), pk=pk)


def changeable_plan(request: HttpRequest, pk: int) -> AccountPlan:
    plan = plan_or_404(request, pk)
    permissions.require(request.user, Action.CHANGE, plan.account)
    return plan


def can_change_plan(request: HttpRequest, plan: AccountPlan) -> bool:
    return not plan.is_closed and permissions.can(request.user, Action.CHANGE, plan.account)


def form_page(
    request: HttpRequest, form: Form, title: str, plan: AccountPlan | None = None, **extra: Any
) -> HttpResponse:
    return render(request, "plans/form.html", {"form": form, "title": title, "plan": plan, **extra})


def step(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """A button on a page (no form to redisplay): the refusal becomes an error message."""
    try:
        with transaction.atomic():
            action()
    except ServiceError as exc:
        details = "; ".join(m for ms in exc.errors.values() for m in ms)
        messages.error(request, f"{exc.detail} {details}".strip())
        return False
    messages.success(request, success)
    return True
