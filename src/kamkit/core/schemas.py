from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class ErrorItem(Schema):
    field: str
    message: str


class ErrorRead(Schema):
    detail: str
    errors: list[ErrorItem]


class AuditEntryRead(Schema):
    id: int
    timestamp: dt.datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_object_type(obj: Any) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorRead,
    401: ErrorRead,
    403: ErrorRead,
    404: ErrorRead,
    409: ErrorRead,
    422: ErrorRead,
}
