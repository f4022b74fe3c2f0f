"""API authentication: a personal token (``Authorization: Bearer kk_...``) or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from kamkit.core import audit
from kamkit.users import services


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.user_for_token(token.strip())
        if user is None:
            return None
        request.user = user
        audit.attribute_to(user)
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (CSRF-checked), so the interactive docs work after login."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None
