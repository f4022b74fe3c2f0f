"""Extra tabs on an account's pages, registered by apps built on accounts (plans, portfolio...).

Accounts must not import those apps; they add themselves here from their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class AccountTab:
    label: str
    url: Callable[[int], str]  # account pk -> address
    order: int = 100


TABS: list[AccountTab] = []


def register(
    label: str, url_name: str, *, query: str = "", kwarg: str | None = None, order: int = 100
) -> None:
    """``query`` may contain ``{pk}``; ``kwarg`` names the URL argument that takes the account pk."""

    def url(pk: int) -> str:
        base = reverse(url_name, kwargs={kwarg: pk} if kwarg else None)
        return base + query.format(pk=pk)

    if all(tab.label != label for tab in TABS):
        TABS.append(AccountTab(label=label, url=url, order=order))


def tabs_for(pk: int) -> list[tuple[str, str]]:
    return [(tab.label, tab.url(pk)) for tab in sorted(TABS, key=lambda t: t.order)]
