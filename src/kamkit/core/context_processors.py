from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from kamkit.core.navigation import AREAS


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation entries this user may open, with the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_areas": []}
    current = getattr(request, "resolver_match", None)
    namespace = current.namespace if current else ""
    entries = []
    for area in AREAS:
        if area.admin_only and not user.is_admin:
            continue
        try:
            url = reverse(area.url_name)
        except NoReverseMatch:
            continue
        active = namespace == area.url_name.split(":")[0] and (
            area.key != "admin" or (current is not None and current.url_name == "admin")
        )
        if area.key == "people" and current is not None and current.url_name == "admin":
            active = False
        entries.append({"key": area.key, "label": area.label, "url": url, "active": active})
    return {"nav_areas": entries}
