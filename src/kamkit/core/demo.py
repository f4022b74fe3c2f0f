"""The demo organisation generator: deterministic for a seed, realistic, and fast at scale.

Each app contributes its part through a ``demo.py`` module that registers a builder; builders run
in order and share one context (the demo's day, the people made so far, ...), so that accounts get
owners, deals get accounts, and so on. Builders use bulk inserts: the generator must reach 100,000
accounts and 1,000,000 deals for the benchmarks. Bulk rows are not written to the audit trail one by
one; the generator records what it made in its report instead.

The demo is dated from its day, ``as_of`` (by default the local date it is generated on), so that it
looks current whenever it is loaded: every date is so many days before (or after) that day, and
calendar things (plan years, financial years) follow its year. The same seed and day give the same
organisation; another day gives the same one moved in time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules


class DemoRefused(Exception):
    """The database already holds a demo organisation (or conflicting data)."""


@dataclass(frozen=True)
class DemoSize:
    people: int = 40
    accounts: int = 120
    deals: int = 2000


# The demo's "now": this local time on its day, the end of a working day.
DEMO_TIME = dt.time(17, 0)
# The days a demo may be dated from. Nobody needs others, and its dates (deals reach about 3.5 years
# back, plans and open deals a year ahead) must stay valid dates.
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)


@dataclass
class DemoContext:
    """What the builders share. Builders date everything from ``as_of``/``now``, never from the clock
    or a fixed date, and draw only from ``rng``."""

    size: DemoSize
    seed: int
    rng: random.Random
    made: dict[str, Any] = field(default_factory=dict)
    as_of: dt.date = field(default_factory=timezone.localdate)

    @property
    def now(self) -> dt.datetime:
        """The demo's moment: ``DEMO_TIME`` on its day, in the current time zone."""
        return self.at(self.as_of)

    def at(self, day: dt.date, time: dt.time = DEMO_TIME) -> dt.datetime:
        """An aware moment on ``day`` (local time), for rows that need a time as well as a date."""
        return timezone.make_aware(dt.datetime.combine(day, time))


def builder_rng(seed: int, name: str) -> random.Random:
    """Each builder draws from its own stream: how much one builder draws (more weeks in one plan year
    than in another, say) never changes what the builders after it make."""
    return random.Random(f"{seed}:{name}")


Builder = Callable[[DemoContext], str]
BUILDERS: list[tuple[int, str, Builder]] = []


def builder(order: int, name: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        BUILDERS.append((order, name, build))
        return build

    return register


def generate(size: DemoSize, *, seed: int, as_of: dt.date | None = None) -> list[str]:
    """Build the demo organisation, dated from ``as_of`` (default: today), in one transaction and say
    what was made."""
    for name, value in (
        ("people", size.people),
        ("accounts", size.accounts),
        ("deals", size.deals),
    ):
        if value < 0:
            raise DemoRefused(f"--{name} must be zero or more, not {value}")
    if size.people < 5:
        raise DemoRefused("--people must be at least 5 (a director, managers and their teams)")
    as_of = as_of or timezone.localdate()
    if not EARLIEST_DAY <= as_of <= LATEST_DAY:
        raise DemoRefused(f"--as-of must be between {EARLIEST_DAY} and {LATEST_DAY}, not {as_of}")
    autodiscover_modules("demo")
    context = DemoContext(size=size, seed=seed, rng=random.Random(seed), as_of=as_of)
    lines = []
    with transaction.atomic():
        for _, name, build in sorted(BUILDERS, key=lambda item: item[0]):
            context.rng = builder_rng(seed, name)
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
