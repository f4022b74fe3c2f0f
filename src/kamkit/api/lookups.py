"""Lookups shared by the API routers: an id in a request body that must name a row the caller may use."""

from typing import Any

from django.db.models import QuerySet

from kamkit.core.errors import ServiceError


def pick(queryset: QuerySet[Any], pk: int | None, field: str, what: str) -> Any:
    """The row with ``pk`` among ``queryset`` (already scoped to the caller), None for no id, or a
    400 naming ``field`` when there is no such row here: unknown and not-yours read the same."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ServiceError(f"Unknown {what}.", errors={field: [f"No {what} with id {pk} here."]})
    return found
