"""The demo organisation generator: deterministic for a seed, realistic, and fast at scale.

Each app contributes its part through a ``demo.py`` module that registers a builder; builders run
in order and share one context (the random generator, the people made so far, ...), so that
accounts get owners, deals get accounts, and so on. Builders use bulk inserts: the generator must
reach 100,000 accounts and 1,000,000 deals for the benchmarks. Bulk rows are not written to the
audit trail one by one; the generator records what it made in its report instead.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.module_loading import autodiscover_modules


class DemoRefused(Exception):
    """The database already holds a demo organisation (or conflicting data)."""


@dataclass(frozen=True)
class DemoSize:
    people: int = 40
    accounts: int = 120
    deals: int = 2000


@dataclass
class DemoContext:
    size: DemoSize
    seed: int
    rng: random.Random
    made: dict[str, Any] = field(default_factory=dict)


Builder = Callable[[DemoContext], str]
BUILDERS: list[tuple[int, str, Builder]] = []


def builder(order: int, name: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        BUILDERS.append((order, name, build))
        return build

    return register


def generate(size: DemoSize, *, seed: int) -> list[str]:
    """Build the demo organisation in one transaction and say what was made."""
    for name, value in (
        ("people", size.people),
        ("accounts", size.accounts),
        ("deals", size.deals),
    ):
        if value < 0:
            raise DemoRefused(f"--{name} must be zero or more, not {value}")
    if size.people < 5:
        raise DemoRefused("--people must be at least 5 (a director, managers and their teams)")
    autodiscover_modules("demo")
    context = DemoContext(size=size, seed=seed, rng=random.Random(seed))
    lines = []
    with transaction.atomic():
        for _, name, build in sorted(BUILDERS, key=lambda item: item[0]):
            lines.append(f"{name}: {build(context)}")
    handled = set(context.made)
    for wanted, count in (("accounts", size.accounts), ("deals", size.deals)):
        if count and wanted not in handled:
            lines.append(f"{wanted}: none made (kamkit has no {wanted} yet)")
    return lines


def create_demo_admin(*, email: str, password: str) -> Any:
    """The admin a newcomer signs in with; placed at the top of the demo reporting lines."""
    from kamkit.core.choices import Role
    from kamkit.users import services
    from kamkit.users.models import User

    admin = services.create_user(
        email=email,
        full_name="Demo Admin",
        title="kamkit administrator",
        role=Role.ADMIN,
        password=password,
        validate=False,
    )
    User.objects.filter(role=Role.DIRECTOR, manager__isnull=True).exclude(pk=admin.pk).update(manager=admin)
    return admin
