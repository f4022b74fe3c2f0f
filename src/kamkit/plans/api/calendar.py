"""The secret calendar address of the caller's actions."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from ninja import Status

from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import services
from kamkit.plans.api.base import acting, router
from kamkit.plans.schemas import CalendarTokenCreated

# Calendar --------------------------------------------------------------------------------------------


def calendar_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("plans:calendar_feed", args=[token]))


@router.post("/calendar-token", response={201: CalendarTokenCreated, **ERROR_RESPONSES}, tags=["tokens"])
def rotate_calendar_token(request: HttpRequest) -> Any:
    """A new secret calendar address for your plan actions (the previous one stops working)."""
    with transaction.atomic():
        token = services.rotate_calendar_token(user=acting(request))
    return Status(201, {"url": calendar_url(request, token), "hint": token[:10]})


@router.delete("/calendar-token", response={204: None, **ERROR_RESPONSES}, tags=["tokens"])
def revoke_calendar_token(request: HttpRequest) -> Any:
    with transaction.atomic():
        services.revoke_calendar_token(user=acting(request))
    return Status(204, None)
