"""Two API schemas with one name would silently share one OpenAPI component: refuse that."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import kamkit


def test_every_api_schema_class_has_a_unique_name() -> None:
    for module in pkgutil.walk_packages(kamkit.__path__, "kamkit."):
        if module.name.endswith((".schemas", ".api")):
            importlib.import_module(module.name)
    seen: dict[str, set[str]] = defaultdict(set)
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("kamkit."):
            seen[cls.__name__].add(cls.__module__)
    clashes = {name: sorted(modules) for name, modules in seen.items() if len(modules) > 1}
    assert clashes == {}
