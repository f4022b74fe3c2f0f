"""The audit trail: records every create, update and delete of an AuditedModel.

It hangs on model signals so that no write path (request, API, task, command line) can skip it;
the actor comes from a context variable that the request middleware, the CLI and tasks set.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save

from kamkit.core.choices import AuditAction


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str


SYSTEM = Actor(user_id=None, label="system")
_current_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("kamkit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current_actor.get()


@contextmanager
def acting_as(user: Any = None, *, label: str | None = None) -> Iterator[Actor]:
    """Attribute writes in this block to ``user`` (a User) or to a label such as 'cli:import'."""
    if user is not None and getattr(user, "is_authenticated", False):
        actor = Actor(user_id=user.pk, label=label or user.email)
    else:
        actor = Actor(user_id=None, label=label or "system")
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)


def attribute_to(user: Any) -> None:
    """Attribute the rest of this request's writes to ``user`` (API token auth happens inside the view,
    after the middleware has set the actor; the middleware still restores the previous actor)."""
    _current_actor.set(Actor(user_id=user.pk, label=user.email))


def to_json_value(value: Any) -> Any:
    """A JSON-safe form of a field value, for the before/after record."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | dict):
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any], secret: frozenset[str]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        if name in secret:
            changes[name] = ["(hidden)", "(changed)"]
        else:
            changes[name] = [to_json_value(old), to_json_value(new)]
    return changes


def record(
    instance: Model,
    action: AuditAction,
    changes: dict[str, list[Any]],
    *,
    actor: Actor | None = None,
) -> None:
    from kamkit.core.models import AuditEntry

    who = actor or current_actor()
    AuditEntry.objects.create(
        actor_id=who.user_id,
        actor_label=who.label[:200],
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes,
    )


def _before_save(sender: type[Model], instance: Any, raw: bool, **kwargs: Any) -> None:
    from kamkit.core.models import AuditedModel

    if raw or not isinstance(instance, AuditedModel) or instance.pk is None:
        return
    if not hasattr(instance, "_audit_loaded"):
        # Saved from an instance not loaded from the database: compare with what is stored.
        fields = list(instance.audit_snapshot().keys())
        stored = type(instance)._base_manager.filter(pk=instance.pk).values(*fields).first()
        instance._audit_loaded = stored or {}


def _after_save(sender: type[Model], instance: Any, created: bool, raw: bool, **kwargs: Any) -> None:
    from kamkit.core.models import AuditedModel

    if raw or not isinstance(instance, AuditedModel):
        return
    after = instance.audit_snapshot()
    before: dict[str, Any] = {} if created else getattr(instance, "_audit_loaded", {})
    changes = diff(before, after, instance.audit_secret_fields)
    if created or changes:
        record(instance, AuditAction.CREATE if created else AuditAction.UPDATE, changes)
    instance._audit_loaded = after


def _after_delete(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    from kamkit.core.models import AuditedModel

    if not isinstance(instance, AuditedModel):
        return
    before = instance.audit_snapshot()
    changes = {
        name: ["(hidden)" if name in instance.audit_secret_fields else to_json_value(v), None]
        for name, v in before.items()
    }
    record(instance, AuditAction.DELETE, changes)


def connect_signals() -> None:
    """Listen to audited models only, so other models keep Django's fast bulk delete."""
    from django.apps import apps

    from kamkit.core.models import AuditedModel

    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            label = model._meta.label_lower
            pre_save.connect(_before_save, sender=model, dispatch_uid=f"kamkit-audit-pre-{label}")
            post_save.connect(_after_save, sender=model, dispatch_uid=f"kamkit-audit-save-{label}")
            post_delete.connect(_after_delete, sender=model, dispatch_uid=f"kamkit-audit-del-{label}")
