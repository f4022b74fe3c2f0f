"""Applications and their dated stage history."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from kamkit.core import permissions
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.hiring.choices import Stage
from kamkit.hiring.models import Application, StageChange
from kamkit.hiring.queries.access import visible_applications

APPLICATION_LIST = ListSpec(
    search_fields=("candidate__full_name", "candidate__email", "opening__title"),
    filters=(
        ListFilter("opening", "Position", "opening_id", convert=int),
        ListFilter("candidate", "Candidate", "candidate_id", convert=int),
        ListFilter("stage", "Stage", "stage", choices=lambda: list(Stage.choices)),
    ),
    sort_fields={
        "candidate": "candidate__full_name",
        "opening": "opening__title",
        "stage": "stage",
        "moved": "stage_changed_at",
    },
    default_sort="candidate",
)


def applications_for(user: Any) -> QuerySet[Application]:
    return visible_applications(user).select_related(
        "candidate", "candidate__user", "opening", "opening__hiring_manager", "opening__benchmark"
    )


def stage_history(user: Any, application: Application) -> QuerySet[StageChange]:
    return stage_histories(user).filter(application=application)


def stage_histories(user: Any) -> QuerySet[StageChange]:
    """Every stage move the user may read, oldest first (filter by application or applications)."""
    return permissions.visible_to(user, StageChange).select_related("changed_by").order_by("changed_at", "id")


def histories_by_application(
    user: Any, applications: list[Application]
) -> list[tuple[Application, list[Any]]]:
    """Each application with its stage history, in one query whatever their number."""
    grouped: dict[int, list[StageChange]] = defaultdict(list)
    for change in stage_histories(user).filter(application__in=[a.pk for a in applications]):
        grouped[change.application_id].append(change)
    return [(application, grouped.get(application.pk, [])) for application in applications]
