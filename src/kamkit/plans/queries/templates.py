"""Plan templates as each user may see them (reference data: everyone reads them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from kamkit.core import permissions
from kamkit.plans.models import PlanTemplate


def templates_for(user: Any) -> QuerySet[PlanTemplate]:
    """Every template the user may see, with its sections and how many plans started from it."""
    return (
        permissions.visible_to(user, PlanTemplate)
        .prefetch_related("sections")
        .annotate(plan_count=Count("plans", distinct=True))
        .order_by("-is_active", "name", "pk")
    )


def offered_templates() -> QuerySet[PlanTemplate]:
    """The templates a new plan may start from (retired ones are not offered)."""
    return PlanTemplate.objects.filter(is_active=True).order_by("name", "pk")
