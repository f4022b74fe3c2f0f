"""What the hiring pages share: the area's list tabs, fetching what the user may see or run
(404 when they may not see it, 403 when they may see but not run it), buttons, forms, PDFs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kamkit.core.errors import ServiceError
from kamkit.core.views import ListPage
from kamkit.hiring import queries
from kamkit.hiring.models import Application, Candidate, Opening
from kamkit.users.models import User


class HiringListPage(ListPage):
    """The hiring area's lists share its tabs."""

    template_name = "hiring/list_page.html"
    tab = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "tab": self.tab}


def opening_or_404(request: HttpRequest, pk: int) -> Opening:
    return get_object_or_404(queries.openings_for(request.user), pk=pk)


def require_running(request: HttpRequest, opening: Opening) -> None:
    """Only the people running the position may change it; interviewers see it and nothing more."""
    if not queries.manages(request.user, opening):
        raise PermissionDenied(
            "Only the hiring manager, their managers, directors and admins run this position."
        )


def managed_opening(request: HttpRequest, pk: int) -> Opening:
    opening = opening_or_404(request, pk)
    require_running(request, opening)
    return opening


def candidate_or_404(request: HttpRequest, pk: int) -> Candidate:
    return get_object_or_404(queries.candidates_for(request.user), pk=pk)


def managed_candidate(request: HttpRequest, pk: int) -> Candidate:
    candidate = candidate_or_404(request, pk)
    if not queries.manages_candidate(request.user, candidate):
        raise PermissionDenied("Only the people running this candidate's hiring may change their record.")
    return candidate


def application_or_404(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(queries.applications_for(request.user), pk=pk)


def managed_application(request: HttpRequest, pk: int) -> Application:
    application = application_or_404(request, pk)
    require_running(request, application.opening)
    return application


def step(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """A button without a form to redisplay: a refusal becomes an error message."""
    try:
        with transaction.atomic():
            action()
    except ServiceError as exc:
        details = " ".join(m for ms in exc.errors.values() for m in ms if m not in exc.detail)
        messages.error(request, f"{exc.detail} {details}".strip())
        return False
    messages.success(request, success)
    return True


def form_page(request: HttpRequest, form: Any, title: str, **extra: Any) -> HttpResponse:
    return render(request, "hiring/form.html", {"form": form, "title": title, **extra})


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def panel_people(application: Application) -> QuerySet[User]:
    """Who may join the candidate's panel: active people not on it yet, never the candidate."""
    taken = list(application.interviews.values_list("interviewer_id", flat=True))
    if application.candidate.user_id:
        taken.append(application.candidate.user_id)
    return User.objects.filter(is_active=True).exclude(pk__in=taken).order_by("full_name")
