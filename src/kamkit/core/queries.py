"""Read helpers shared by the core pages: audit history, the home summary, safe spreadsheet cells.

Importable before Django is set up (the command line builds its help from modules that use
``FORMULA_STARTS``), so models are imported inside the functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from kamkit.core.models import AuditEntry


def history_of(obj: Model) -> QuerySet[AuditEntry]:
    from django.contrib.contenttypes.models import ContentType

    from kamkit.core.models import AuditEntry

    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).select_related(
        "content_type"
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Keep spreadsheet programs from running user text as a formula (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def audit_rows(entries: QuerySet[AuditEntry]) -> Iterator[list[str]]:
    yield ["timestamp", "actor", "action", "object_type", "object_id", "object", "changes"]
    for entry in entries.iterator(chunk_size=2000):
        yield [
            entry.timestamp.isoformat(),
            spreadsheet_safe(entry.actor_label),
            entry.action,
            entry.content_type.model,
            entry.object_id,
            spreadsheet_safe(entry.object_repr),
            spreadsheet_safe(json.dumps(entry.changes, sort_keys=True)),
        ]


def home_summary(user: Any) -> dict[str, Any]:
    """Counts for the home page; each app adds its own lines as it lands."""
    from kamkit.core import permissions
    from kamkit.users.models import Team, User

    return {
        "people": permissions.visible_to(user, User).filter(is_active=True).count(),
        "teams": permissions.visible_to(user, Team).count(),
        "reports": User.objects.filter(manager=user, is_active=True).count(),
    }
