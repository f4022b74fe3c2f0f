"""What the hiring services share: refusals with field errors, tidy text, e-mail checks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kamkit.core.errors import ServiceError


def refuse(detail: str, **errors: str) -> ServiceError:
    return ServiceError(detail, errors={name: [message] for name, message in errors.items()})


def tidy(text: str) -> str:
    return " ".join(text.split())


def check_email(email: str, field: str, errors: dict[str, list[str]]) -> None:
    try:
        validate_email(email)
    except ValidationError:
        errors[field] = [f"{email!r} is not an e-mail address."]
