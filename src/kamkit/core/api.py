"""API for the audit trail (admins and directors)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.models import AuditEntry
from kamkit.core.schemas import ERROR_RESPONSES, AuditEntryRead

router = Router(tags=["audit"])


class AuditFilter(Schema):
    object_type: str | None = None
    object_id: str | None = None
    actor: str | None = None


@router.get("/audit", response={200: list[AuditEntryRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_audit(request: HttpRequest, filters: Query[AuditFilter]) -> Any:
    if not permissions.can(request.user, Action.VIEW, AuditEntry):
        raise PermissionDenied("Only admins and directors read the audit trail.")
    entries = permissions.visible_to(request.user, AuditEntry).select_related("content_type")
    if filters.object_type:
        app_label, _, model = filters.object_type.partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id)
    if filters.actor:
        entries = entries.filter(actor_label__iexact=filters.actor)
    return entries
