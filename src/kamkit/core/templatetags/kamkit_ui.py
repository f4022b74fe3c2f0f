"""Template helpers used on every page (list sorting links, query-string edits, badges)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one); page resets."""
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_link(context: dict[str, Any], field: str) -> str:
    """Link that sorts by ``field``, toggling direction when already sorted by it."""
    current = context["request"].GET.get("sort", "")
    target = f"-{field}" if current == field else field
    return query_with(context, sort=target)


@register.filter
def sort_marker(current: str, field: str) -> str:
    if current == field:
        return "▲"
    if current == f"-{field}":
        return "▼"
    return ""


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None
