"""What the hiring API shares: its one router, and fetching what the caller may see or run
(404 when they may not see it, 403 when they may see but not run it).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from kamkit.core.errors import ServiceError
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import queries
from kamkit.hiring.models import Application, Candidate, Interview, Opening


class HiringRouter(Router):
    """One router for every hiring operation, whichever module registers it. Operation ids stay
    ``kamkit_hiring_api_<function>`` as they were when the API was one module, so clients generated
    from the OpenAPI document keep working (ninja would otherwise name them after the module)."""

    def add_api_operation(
        self, path: str, methods: list[str], view_func: Callable[..., Any], **kwargs: Any
    ) -> None:
        kwargs["operation_id"] = kwargs.get("operation_id") or f"kamkit_hiring_api_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, **kwargs)


router = HiringRouter(tags=["hiring"])


def pick(queryset: Any, pk: int | None, field: str, what: str) -> Any:
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ServiceError(f"Unknown {what}.", errors={field: [f"No {what} with id {pk} here."]})
    return found


def published_benchmarks() -> Any:
    return BenchmarkProfile.objects.filter(framework__status=FrameworkStatus.PUBLISHED).select_related(
        "framework"
    )


def require_running(user: Any, opening: Opening) -> None:
    if not queries.manages(user, opening):
        raise PermissionDenied(
            "Only the hiring manager, their managers, directors and admins run this position."
        )


def opening_or_404(request: HttpRequest, opening_id: int) -> Opening:
    return get_object_or_404(queries.openings_for(request.user), pk=opening_id)


def managed_opening(request: HttpRequest, opening_id: int) -> Opening:
    opening = opening_or_404(request, opening_id)
    require_running(request.user, opening)
    return opening


def candidate_or_404(request: HttpRequest, candidate_id: int) -> Candidate:
    return get_object_or_404(queries.candidates_for(request.user), pk=candidate_id)


def managed_candidate(request: HttpRequest, candidate_id: int) -> Candidate:
    candidate = candidate_or_404(request, candidate_id)
    if not queries.manages_candidate(request.user, candidate):
        raise PermissionDenied("Only the people running this candidate's hiring may change their record.")
    return candidate


def application_or_404(request: HttpRequest, application_id: int) -> Application:
    return get_object_or_404(queries.applications_for(request.user), pk=application_id)


def managed_application(request: HttpRequest, application_id: int) -> Application:
    application = application_or_404(request, application_id)
    require_running(request.user, application.opening)
    return application


def interview_or_404(request: HttpRequest, interview_id: int) -> Interview:
    return get_object_or_404(queries.interviews_for(request.user), pk=interview_id)
