"""Account fixtures: a few accounts owned across the test organisation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kamkit.accounts import services
from kamkit.accounts.models import Account
from kamkit.users.tests.fixtures import Org


@dataclass
class Book:
    """
    alpha: owned by kam_a, backed up by kam_b (team North), key account
    beta: owned by kam_b, no backup (team North), key account
    deep: owned by kam_deep (under sub_manager, under north_manager)
    south: owned by kam_south (team South)
    """

    alpha: Account
    beta: Account
    deep: Account
    south: Account


def make_account(name: str, **fields: object) -> Account:
    return services.create_account(data=services.AccountInput(name=name, **fields))  # type: ignore[arg-type]


@pytest.fixture
def book(org: Org) -> Book:
    return Book(
        alpha=make_account("Alpha Industries", owner=org.kam_a, backup_owner=org.kam_b, is_key_account=True),
        beta=make_account("Beta Logistics", owner=org.kam_b, is_key_account=True, tier="key"),
        deep=make_account("Deep Foods", owner=org.kam_deep),
        south=make_account("Southern Power", owner=org.kam_south),
    )
