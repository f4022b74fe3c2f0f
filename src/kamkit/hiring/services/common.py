"""What the hiring services share: refusals with field errors, tidy text, e-mail checks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kamkit.core.errors import ErrorCode, ServiceError


def refuse(detail: str, **errors: str) -> ServiceError:
    return ServiceError(detail, errors={name: [message] for name, message in errors.items()})


class NotPermitted(ServiceError):
    """A refusal for want of rights that a form shows on its fields (the API answers 403)."""

    status_code = 403

    def __init__(self, detail: str, **errors: str) -> None:
        super().__init__(
            detail,
            code=ErrorCode.PERMISSION_DENIED,
            errors={name: [message] for name, message in errors.items()},
        )


def tidy(text: str) -> str:
    return " ".join(text.split())


def check_email(email: str, field: str, errors: dict[str, list[str]]) -> None:
    try:
        validate_email(email)
    except ValidationError:
        errors[field] = [f"{email!r} is not an e-mail address."]
