"""What every plan service shares: the closed-plan rule, refusals, audited links, today."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, TextChoices

from kamkit.core import audit
from kamkit.core.choices import AuditAction
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.plans.choices import OccurrenceStatus, PlanStatus
from kamkit.plans.models import AccountPlan, ActionOccurrence


def set_links(obj: Any, name: str, items: list[Any]) -> None:
    """Set a many-to-many field and record the change (m2m changes send no save signal)."""
    manager = getattr(obj, name)
    before = sorted(str(x) for x in manager.all())
    manager.set(items)
    after = sorted(str(x) for x in items)
    if before != after:
        audit.record(obj, AuditAction.UPDATE, {name: [before, after]})


def refuse(detail: str, **errors: str) -> ServiceError:
    return ServiceError(detail, errors={name: [message] for name, message in errors.items()})


def require_open(plan: AccountPlan) -> None:
    if plan.status == PlanStatus.CLOSED:
        raise ConflictError(
            f"{plan} is closed and cannot change; start a new version or next period's plan.",
            errors={"status": ["Closed plans are kept as they were."]},
        )


def check_choice(value: str, choices: type[TextChoices], name: str) -> None:
    if value not in choices.values:
        raise refuse(f"{value!r} is not allowed.", **{name: f"Use one of: {', '.join(choices.values)}."})


def refuse_if_marked(occurrences: QuerySet[ActionOccurrence], what: str) -> None:
    marked = occurrences.exclude(status=OccurrenceStatus.PENDING).count()
    if marked:
        raise ConflictError(
            f"{what} has {marked} marked occurrence{'s' if marked != 1 else ''}, part of the plan's history.",
            errors={"": ["End its actions instead (set 'repeat until'), or start a new version."]},
        )
