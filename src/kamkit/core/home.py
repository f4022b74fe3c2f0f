"""Cards on the start page. Each app registers what it has to say, so core needs no app imports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomeCard:
    title: str
    figure: int | str
    link_text: str
    url_name: str
    note: str = ""


CardProvider = Callable[[Any], list[HomeCard]]
PROVIDERS: list[tuple[int, CardProvider]] = []


def register(order: int, provider: CardProvider) -> None:
    """Called from an app's ``AppConfig.ready``; lower ``order`` shows first."""
    if all(existing is not provider for _, existing in PROVIDERS):
        PROVIDERS.append((order, provider))


def cards_for(user: Any) -> list[HomeCard]:
    cards: list[HomeCard] = []
    for _, provider in sorted(PROVIDERS, key=lambda item: item[0]):
        cards.extend(provider(user))
    return cards
