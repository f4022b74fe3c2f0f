"""The top-level areas of the web UI. Each app registers its area's list page here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    url_name: str
    admin_only: bool = False


AREAS: tuple[Area, ...] = (
    Area("accounts", "Accounts", "accounts:list"),
    Area("plans", "Plans", "plans:list"),
    Area("portfolio", "Portfolio", "portfolio:matrix"),
    Area("people", "People", "users:list"),
    Area("frameworks", "Frameworks", "frameworks:list"),
    Area("assessments", "Assessments", "assessments:list"),
    Area("hiring", "Hiring", "hiring:list"),
    Area("performance", "Performance", "performance:list"),
    Area("admin", "Admin", "users:admin", admin_only=True),
)
