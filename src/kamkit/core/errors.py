"""Errors raised by services; views turn them into form errors and the API into 4xx JSON bodies."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    PERMISSION_DENIED = "permission_denied"


class ServiceError(Exception):
    """A business rule refused the request. ``errors`` maps field names ('' for general) to messages."""

    status_code = 400

    def __init__(
        self,
        detail: str,
        *,
        code: ErrorCode = ErrorCode.INVALID,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.errors = errors or {}

    def as_list(self) -> list[dict[str, str]]:
        return [
            {"field": field, "message": message}
            for field, messages in self.errors.items()
            for message in messages
        ]


class ConflictError(ServiceError):
    status_code = 409

    def __init__(self, detail: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail, code=ErrorCode.CONFLICT, errors=errors)
