"""One description of a list (search, filters, sort) that serves both the HTML page and the API.

A ``ListSpec`` turns plain query parameters into a queryset; it never widens what the caller
passes in, so callers always start from ``permissions.visible_to(user, Model)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from kamkit.core.errors import ServiceError


@dataclass(frozen=True)
class ListFilter:
    """A filter parameter: ``lookup`` is the ORM lookup; ``choices`` for the HTML select.

    ``choices_for``: choices drawn from what the user may see (the industries of their accounts),
    offered in the select instead of ``choices`` but not checked on input: the value is matched
    only within the caller's visible rows, and refusing a value another user's rows hold while
    taking one nobody holds would tell the two apart.
    """

    name: str
    label: str
    lookup: str
    choices: Callable[[], list[tuple[str, str]]] | None = None
    convert: Callable[[str], Any] = str
    choices_for: Callable[[Any], list[tuple[str, str]]] | None = None

    def options(self, user: Any) -> list[tuple[str, str]]:
        """What the select offers ``user``."""
        if self.choices_for is not None:
            return self.choices_for(user)
        return self.choices() if self.choices is not None else []


@dataclass(frozen=True)
class ListSpec:
    search_fields: tuple[str, ...] = ()
    filters: tuple[ListFilter, ...] = ()
    sort_fields: Mapping[str, str] = field(default_factory=dict)  # public name -> ORM field
    default_sort: str = ""

    def apply(self, queryset: QuerySet[Any], params: Mapping[str, Any]) -> QuerySet[Any]:
        errors: dict[str, list[str]] = {}
        search = str(params.get("q") or "").strip()
        if search and self.search_fields:
            condition = Q()
            for term in search.split():
                term_condition = Q()
                for name in self.search_fields:
                    term_condition |= Q(**{f"{name}__icontains": term})
                condition &= term_condition
            queryset = queryset.filter(condition)
        for list_filter in self.filters:
            raw = params.get(list_filter.name)
            if raw in (None, ""):
                continue
            try:
                value = list_filter.convert(str(raw))
            except (TypeError, ValueError):
                errors.setdefault(list_filter.name, []).append(f"{raw!r} is not a valid value.")
                continue
            if list_filter.choices is not None:
                allowed = {key for key, _ in list_filter.choices()}
                if str(raw) not in allowed:
                    errors.setdefault(list_filter.name, []).append(
                        f"{raw!r} is not one of the allowed values."
                    )
                    continue
            queryset = queryset.filter(**{list_filter.lookup: value})
        sort = str(params.get("sort") or self.default_sort)
        if sort:
            descending = sort.startswith("-")
            name = sort.lstrip("-")
            if name not in self.sort_fields:
                errors.setdefault("sort", []).append(
                    f"Cannot sort by {name!r}; use one of {', '.join(sorted(self.sort_fields))}."
                )
            else:
                column = self.sort_fields[name]
                queryset = queryset.order_by(f"-{column}" if descending else column, "pk")
        if errors:
            raise ServiceError("Some list parameters are not valid.", errors=errors)
        return queryset
