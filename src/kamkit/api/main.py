"""The one JSON API under /api/v1: auth, error bodies, and a router per domain app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kamkit import __version__
from kamkit.api.auth import SessionAuth, TokenAuth
from kamkit.core.errors import ServiceError

api = NinjaAPI(
    title="kamkit API",
    version="1",
    description=(
        "Key account management. Authenticate with a personal token "
        "(`Authorization: Bearer kk_...`, created under *API tokens*) or a signed-in session. "
        'Errors have the body `{"detail": str, "errors": [{"field": str, "message": str}]}`.'
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    openapi_extra={"info": {"x-kamkit-version": __version__}},
)


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "payload")]
        errors.append({"field": ".".join(location), "message": str(error.get("msg", "invalid"))})
    return api.create_response(request, error_body("The request is not valid.", errors), status=422)


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, error_body(exc.detail, exc.as_list()), status=exc.status_code)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = "Authentication required: send 'Authorization: Bearer <token>' with an active token."
    return api.create_response(request, error_body(detail), status=401)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, error_body(str(exc) or "You may not do this."), status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body(str(exc) or "Not found."), status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, error_body(str(exc)), status=exc.status_code)


def _mount() -> None:
    from kamkit.accounts.api import router as accounts_router
    from kamkit.assessments.api import router as assessments_router
    from kamkit.core.api import router as core_router
    from kamkit.frameworks.api import router as frameworks_router
    from kamkit.hiring.api import router as hiring_router
    from kamkit.plans.api import router as plans_router
    from kamkit.portfolio.api import deals_router
    from kamkit.portfolio.api import router as portfolio_router
    from kamkit.users.api import router as users_router

    api.add_router("/", core_router)
    api.add_router("/", users_router)
    api.add_router("/", frameworks_router)
    api.add_router("/", assessments_router)
    api.add_router("/", hiring_router)
    api.add_router("/", accounts_router)
    api.add_router("/", deals_router)
    api.add_router("/", portfolio_router)
    api.add_router("/", plans_router)


_mount()
