"""What makes the scores stale: writes to what they are computed from, wherever they come from.

Deals, accounts and logged interactions are written by the accounts and portfolio services, by the
API, by other apps (plans records won deals) and in bulk by the CRM imports. Model signals catch the
row-by-row writes, whoever makes them; ``accounts.signals.rows_imported`` the bulk ones. Each change
calls ``services.note_inputs_changed`` (one background re-score per transaction, ADR 0007).

A save counts only when a field the scores read changed (compared with the values loaded from the
database, which audited models keep): sending the same deal twice re-scores nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save

from kamkit.accounts.models import Account, Deal, Interaction
from kamkit.accounts.signals import rows_imported

# The fields each model contributes to the scores (ADR 0007, queries.deal_sums_queryset and metrics_sql).
SCORED_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Account: ("customer_since", "wallet_estimate"),
    Deal: ("account_id", "status", "closed_on", "amount", "margin"),
    Interaction: ("account_id", "occurred_at", "duration_minutes"),
}
_FLAG = "_portfolio_inputs_changed"


def _counts(instance: Any) -> bool:
    """Does this row count for the scores at all? An interaction without logged time does not."""
    return not isinstance(instance, Interaction) or bool(instance.duration_minutes)


def _before_save(sender: type[Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if instance._state.adding or instance.pk is None:
        changed = _counts(instance)
    else:
        loaded = getattr(instance, "_audit_loaded", None)  # filled by the audit trail's pre_save
        changed = loaded is None or any(
            loaded.get(name) != getattr(instance, name) for name in SCORED_FIELDS[sender]
        )
    setattr(instance, _FLAG, changed)


def _after_save(sender: type[Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and getattr(instance, _FLAG, False):
        setattr(instance, _FLAG, False)
        _note()


def _after_delete(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if _counts(instance):
        _note()


def _after_import(sender: type[Model], created: int = 0, updated: int = 0, **kwargs: Any) -> None:
    if sender in SCORED_FIELDS and (created or updated):
        _note()


def _note() -> None:
    from kamkit.portfolio.services import note_inputs_changed

    note_inputs_changed()


def connect() -> None:
    for model in SCORED_FIELDS:
        label = model._meta.label_lower
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"kamkit-portfolio-pre-{label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"kamkit-portfolio-save-{label}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"kamkit-portfolio-del-{label}")
    rows_imported.connect(_after_import, dispatch_uid="kamkit-portfolio-import")


def _any_write(sender: type[Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _note()


def watch_inputs(*models: type[Model]) -> None:
    """Scores also read these models (through a planned-hours provider of another app): any save or
    delete of their rows marks the scores stale. Bulk writes send no signals; their callers note it."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_any_write, sender=model, dispatch_uid=f"kamkit-portfolio-watch-save-{label}")
        post_delete.connect(_any_write, sender=model, dispatch_uid=f"kamkit-portfolio-watch-del-{label}")
