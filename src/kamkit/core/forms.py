"""Form helpers shared by every app's pages: a service's refusal shown on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest

from kamkit.core.errors import ServiceError


def add_service_errors(form: forms.Form, error: ServiceError) -> None:
    """Show a service's refusal on the form: field errors on their fields, the rest on top."""
    if not error.errors:
        form.add_error(None, error.detail)
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def save_with_form(form: forms.Form, action: Callable[[], Any]) -> Any:
    """Run a service call in a transaction; a refusal becomes form errors and the result None."""
    try:
        with transaction.atomic():
            return action()
    except ServiceError as exc:
        add_service_errors(form, exc)
        return None


def acting_user(request: HttpRequest) -> Any:
    """The signed-in user (pages behind the login middleware always have one)."""
    return request.user
