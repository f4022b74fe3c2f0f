"""Fetching what the caller may see or run, for the pages and the API alike: 404 when they may not
see it (as if it did not exist), 403 when they may see it but not run it. Seeing starts from the
permission service through ``queries``; running a position is ``queries.manages``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from kamkit.core import permissions
from kamkit.hiring import queries
from kamkit.hiring.models import Application, Candidate, Interview, KitCompetency, KitQuestion, Opening

NOT_RUNNING = "Only the hiring manager, their managers, directors and admins run this position."
NOT_RUNNING_CANDIDATE = "Only the people running this candidate's hiring may change their record."


def require_running(user: Any, opening: Opening) -> None:
    """Only the people running the position may change it; interviewers see it and nothing more."""
    if not queries.manages(user, opening):
        raise PermissionDenied(NOT_RUNNING)


def opening_or_404(request: HttpRequest, pk: int) -> Opening:
    return get_object_or_404(queries.openings_for(request.user), pk=pk)


def managed_opening(request: HttpRequest, pk: int) -> Opening:
    opening = opening_or_404(request, pk)
    require_running(request.user, opening)
    return opening


def candidate_or_404(request: HttpRequest, pk: int) -> Candidate:
    return get_object_or_404(queries.candidates_for(request.user), pk=pk)


def managed_candidate(request: HttpRequest, pk: int) -> Candidate:
    candidate = candidate_or_404(request, pk)
    if not queries.manages_candidate(request.user, candidate):
        raise PermissionDenied(NOT_RUNNING_CANDIDATE)
    return candidate


def application_or_404(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(queries.applications_for(request.user), pk=pk)


def managed_application(request: HttpRequest, pk: int) -> Application:
    application = application_or_404(request, pk)
    require_running(request.user, application.opening)
    return application


def interview_or_404(request: HttpRequest, pk: int) -> Interview:
    return get_object_or_404(queries.interviews_for(request.user), pk=pk)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def managed_kit_competency(request: HttpRequest, pk: int) -> KitCompetency:
    """A competency of a kit the user may see (404 otherwise), for editing: only those running it (403)."""
    competency = get_object_or_404(
        permissions.visible_to(request.user, KitCompetency).select_related("kit", "kit__opening"), pk=pk
    )
    require_running(request.user, competency.kit.opening)
    return competency


def managed_kit_question(request: HttpRequest, pk: int) -> KitQuestion:
    question = get_object_or_404(
        permissions.visible_to(request.user, KitQuestion).select_related(
            "competency", "competency__kit", "competency__kit__opening"
        ),
        pk=pk,
    )
    require_running(request.user, question.competency.kit.opening)
    return question
