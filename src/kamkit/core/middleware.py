"""Request middleware: attribute every write made while serving a request to the signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from kamkit.core import audit


class AuditActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        with audit.acting_as(
            user if user is not None and user.is_authenticated else None,
            label=None if user is not None and user.is_authenticated else "anonymous",
        ):
            return self.get_response(request)


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Every page needs a signed-in user, except the API, which answers 401 JSON by itself."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
