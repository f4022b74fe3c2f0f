"""Read helpers for people and teams."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from kamkit.core import permissions
from kamkit.core.choices import Role
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.users.models import ApiToken, Team, User


def team_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Team.objects.values_list("pk", "name")]


USER_LIST = ListSpec(
    search_fields=("full_name", "email", "title", "team__name"),
    filters=(
        ListFilter("role", "Role", "role", choices=lambda: list(Role.choices)),
        ListFilter("team", "Team", "team_id", choices=team_choices, convert=int),
        ListFilter(
            "active",
            "Status",
            "is_active",
            choices=lambda: [("yes", "Active"), ("no", "Inactive")],
            convert=lambda raw: raw == "yes",
        ),
    ),
    sort_fields={"name": "full_name", "email": "email", "role": "role", "team": "team__name"},
    default_sort="name",
)

TEAM_LIST = ListSpec(
    search_fields=("name", "description"),
    sort_fields={"name": "name", "members": "member_count"},
    default_sort="name",
)


def people_for(user: Any) -> QuerySet[User]:
    return permissions.visible_to(user, User).select_related("team", "manager")


def teams_for(user: Any) -> QuerySet[Team]:
    return (
        permissions.visible_to(user, Team)
        .select_related("lead")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
    )


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return permissions.visible_to(user, ApiToken).filter(user=user)
