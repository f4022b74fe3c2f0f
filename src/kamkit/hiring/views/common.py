"""What the hiring pages share: the area's list tabs, buttons, forms, PDFs, and (from ``lookups``,
shared with the API) fetching what the user may see or run (404 when they may not see it, 403 when
they may see but not run it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kamkit.core.errors import ServiceError
from kamkit.core.views import ListPage
from kamkit.hiring.lookups import (
    application_or_404,
    candidate_or_404,
    managed_application,
    managed_candidate,
    managed_opening,
    opening_or_404,
    pdf_response,
    require_running,
)
from kamkit.hiring.models import Application
from kamkit.users.models import User


class HiringListPage(ListPage):
    """The hiring area's lists share its tabs."""

    template_name = "hiring/list_page.html"
    tab = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "tab": self.tab}


def refusal(exc: ServiceError) -> str:
    """A refusal in one sentence or two: what was refused, and the field messages it does not repeat."""
    details = " ".join(m for ms in exc.errors.values() for m in ms if m not in exc.detail)
    return f"{exc.detail} {details}".strip()


def step(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """A button without a form to redisplay: a refusal becomes an error message."""
    try:
        with transaction.atomic():
            action()
    except ServiceError as exc:
        messages.error(request, refusal(exc))
        return False
    messages.success(request, success)
    return True


def form_page(request: HttpRequest, form: Any, title: str, **extra: Any) -> HttpResponse:
    return render(request, "hiring/form.html", {"form": form, "title": title, **extra})


def panel_people(application: Application) -> QuerySet[User]:
    """Who may join the candidate's panel: active people not on it yet, never the candidate."""
    taken = list(application.interviews.values_list("interviewer_id", flat=True))
    if application.candidate.user_id:
        taken.append(application.candidate.user_id)
    return User.objects.filter(is_active=True).exclude(pk__in=taken).order_by("full_name")


__all__ = [
    "HiringListPage",
    "application_or_404",
    "candidate_or_404",
    "form_page",
    "managed_application",
    "managed_candidate",
    "managed_opening",
    "opening_or_404",
    "panel_people",
    "pdf_response",
    "refusal",
    "require_running",
    "step",
]
