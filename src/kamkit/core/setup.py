"""First-run preparation shared by `kamkit up` and `kamkit migrate`: built-in data, demo, admin."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.module_loading import autodiscover_modules

DEMO_ADMIN_EMAIL = "admin@example.com"

# Each app registers a loader for its built-in content (frameworks, questionnaires, ...).
# Loaders must be idempotent: they run on every `kamkit up` and `kamkit migrate`.
BUILTIN_LOADERS: list[tuple[int, str, Callable[[], str | None]]] = []


def builtin_loader(order: int, name: str) -> Callable[[Callable[[], str | None]], Callable[[], str | None]]:
    def register(loader: Callable[[], str | None]) -> Callable[[], str | None]:
        BUILTIN_LOADERS.append((order, name, loader))
        return loader

    return register


def load_builtin() -> list[str]:
    autodiscover_modules("builtin")
    lines = []
    for _, name, loader in sorted(BUILTIN_LOADERS, key=lambda item: item[0]):
        with transaction.atomic():
            result = loader()
        if result:
            lines.append(f"{name}: {result}")
    return lines


@dataclass
class PrepareReport:
    lines: list[str] = field(default_factory=list)
    admin_password: str | None = None


def prepare(*, load_demo: bool, seed: int) -> PrepareReport:
    """Load built-in data; on an empty database also a demo organisation and its admin."""
    from kamkit.core import demo
    from kamkit.users.models import User

    report = PrepareReport(lines=load_builtin())
    if User.objects.exists():
        report.lines.append("existing data kept")
        return report
    if load_demo:
        report.lines.extend(demo.generate(demo.DemoSize(), seed=seed))
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        demo.create_demo_admin(email=DEMO_ADMIN_EMAIL, password=password)
    report.admin_password = password
    return report
