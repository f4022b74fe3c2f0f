"""The one resolver behind account parents and contact reports-to lines, on hand-made nodes."""

from __future__ import annotations

from typing import Any

from kamkit.accounts.importers.accounts import PARENT_WORDS
from kamkit.accounts.importers.contacts import BOSS_WORDS
from kamkit.accounts.importers.shared import HierarchyLink, HierarchyNode, _resolve_hierarchy


class Collected:
    """Collects errors as the importers' error list does: (line, column, message)."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str, str]] = []

    def add(self, line: int, key: str, message: str) -> None:
        self.items.append((line, key, message))


def resolve(
    links: list[HierarchyLink], nodes: list[HierarchyNode], stored: dict[int, int | None], words: Any
) -> Any:
    errors = Collected()
    return _resolve_hierarchy(links, nodes, stored, words, errors), errors.items  # type: ignore[arg-type]


def test_parents_by_external_id_or_name_in_any_case_with_loops_through_stored_links() -> None:
    # stored: Acme (1) and its child Acme UK (2); the file adds Acme DE (-2) and changes Acme's parent
    nodes = [
        HierarchyNode(1, "Acme", external_id="A-1", keys=("acme",)),
        HierarchyNode(2, "Acme UK", external_id="A-2", keys=("acme uk",)),
        HierarchyNode(-2, "Acme DE", keys=("acme de",)),
        HierarchyNode(-4, "Lonely Ltd", keys=("lonely ltd",)),
    ]
    links = [
        HierarchyLink(2, -2, "ACME"),  # by name, any case
        HierarchyLink(3, 1, "A-2"),  # by external id: Acme under Acme UK, which is under Acme: a loop
        HierarchyLink(4, -4, "Nobody Ltd"),
    ]
    found, errors = resolve(links, nodes, {1: None, 2: 1}, PARENT_WORDS)
    assert found == {-2: 1, 1: 2}
    assert errors == [
        (4, "parent", "no account 'Nobody Ltd' in the file or stored"),
        (3, "parent", "the hierarchy would loop: Acme → Acme UK → Acme"),
    ]


def test_bosses_stay_at_their_account_and_must_be_one_person() -> None:
    nodes = [
        HierarchyNode(10, "Ann Lee", scope=1, keys=("ann@x.test", "ann lee")),
        HierarchyNode(11, "Ann Lee", scope=1, keys=("ann2@x.test", "ann lee")),
        HierarchyNode(12, "Bo Ray", scope=2, external_id="C-12", keys=("bo@y.test", "bo ray")),
        HierarchyNode(-5, "Cy Dunn", scope=1, keys=("", "cy dunn")),
    ]
    links = [
        HierarchyLink(5, -5, "ann@X.test", scope=1),  # by e-mail, any case
        HierarchyLink(6, 10, "Ann Lee", scope=1),  # two Ann Lees
        HierarchyLink(7, 11, "C-12", scope=1),  # another account's contact
        HierarchyLink(8, 12, "bo ray", scope=2),  # themself
        HierarchyLink(9, 10, None, scope=1),  # cleared
    ]
    found, errors = resolve(links, nodes, {}, BOSS_WORDS)
    assert found == {-5: 10}
    assert errors == [
        (6, "reports_to", "2 contacts match 'Ann Lee'; give an e-mail or id"),
        (7, "reports_to", "Bo Ray works at another account"),
        (8, "reports_to", "a contact cannot report to themself"),
    ]
