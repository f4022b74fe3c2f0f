"""What the hiring API shares: its one router, picking referenced rows, and (from ``lookups``, shared
with the pages) fetching what the caller may see or run (404 when they may not see it, 403 when
they may see but not run it).
"""

from collections.abc import Callable
from typing import Any

from ninja import Router

from kamkit.api.lookups import pick
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring.lookups import (
    application_or_404,
    candidate_or_404,
    interview_or_404,
    managed_application,
    managed_candidate,
    managed_opening,
    opening_or_404,
    require_running,
)


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


def published_benchmarks() -> Any:
    return BenchmarkProfile.objects.filter(framework__status=FrameworkStatus.PUBLISHED).select_related(
        "framework"
    )


__all__ = [
    "application_or_404",
    "candidate_or_404",
    "interview_or_404",
    "managed_application",
    "managed_candidate",
    "managed_opening",
    "opening_or_404",
    "pick",
    "published_benchmarks",
    "require_running",
    "router",
]
