"""Template helpers for hiring pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def points(text: str) -> SafeString:
    """Kit text as HTML: lines starting with '- ' become a list, other lines paragraphs."""
    parts: list[SafeString] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            listed = format_html_join("", "<li>{}</li>", ((item,) for item in items))
            parts.append(format_html("<ul>{}</ul>", listed))
            items.clear()

    for line in str(text).splitlines():
        if line.startswith("- "):
            items.append(line[2:])
            continue
        flush()
        if line.strip():
            parts.append(format_html("<p>{}</p>", line))
    flush()
    # every part was escaped by format_html
    return mark_safe("".join(parts))
