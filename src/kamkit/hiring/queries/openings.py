"""Positions: the list (with candidates per stage, among those the user sees) and their boards."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from kamkit.core import permissions
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.hiring.choices import InterviewStatus, OpeningStatus, Stage
from kamkit.hiring.models import Interview, Opening
from kamkit.hiring.queries.access import visible_applications
from kamkit.users.queries import team_choices

OPENING_LIST = ListSpec(
    search_fields=("title", "description", "location", "hiring_manager__full_name"),
    filters=(
        ListFilter("status", "Status", "status", choices=lambda: list(OpeningStatus.choices)),
        ListFilter("team", "Team", "team_id", choices=team_choices, convert=int),
    ),
    sort_fields={
        "title": "title",
        "opened": "opened_on",
        "status": "status",
        "manager": "hiring_manager__full_name",
        "level": "target_level",
    },
    default_sort="-opened",
)


def default_benchmark() -> Any:
    """The newest published Key Account Manager benchmark, else the newest published one."""
    from kamkit.frameworks.choices import FrameworkStatus
    from kamkit.frameworks.models import BenchmarkProfile

    published = BenchmarkProfile.objects.filter(framework__status=FrameworkStatus.PUBLISHED).order_by(
        "-framework__version", "-id"
    )
    return published.filter(role__iexact="Key Account Manager").first() or published.first()


def openings_for(user: Any) -> QuerySet[Opening]:
    """Visible openings with the number of candidates at each stage (one query for a page).

    The counts cover the applications the user sees: an interviewer learns how many of *their*
    candidates stand where, not how many others are considered (docs/hiring.md)."""
    visible = permissions.visible_to(user, Opening).values("pk")
    seen = Q(applications__in=visible_applications(user).values("pk"))
    return (
        Opening.objects.filter(pk__in=visible)
        .select_related("hiring_manager", "team", "benchmark", "benchmark__framework")
        .annotate(
            **{
                f"{stage}_count": Count(
                    "applications", filter=seen & Q(applications__stage=stage), distinct=True
                )
                for stage in Stage.values
            }
        )
    )


def panel_counts(application_ids: list[int]) -> dict[int, tuple[int, int]]:
    """application id -> (scorecards submitted, interviewers assigned), in one query."""
    rows = (
        Interview.objects.filter(application_id__in=application_ids)
        .values("application_id")
        .annotate(total=Count("id"), submitted=Count("id", filter=Q(status=InterviewStatus.SUBMITTED)))
    )
    return {row["application_id"]: (row["submitted"], row["total"]) for row in rows}
