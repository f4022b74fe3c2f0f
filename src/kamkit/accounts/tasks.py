"""Background work of accounts: CRM file imports queued from the web pages or the API.

A million-row deals file takes half a minute to check and write, longer than a web request may
take; ``importers.queue_import`` records the run as queued and this task carries it out.
"""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def run_import(
    *,
    run_id: int,
    upload: str,
    overrides: dict[str, str],
    options: dict[str, Any],
    actor_id: int | None,
    keep_upload: bool,
) -> str:
    """Import (or check) the queued file as the person who asked; returns the run's final status."""
    from kamkit.accounts.importers.run import run_queued_import

    return run_queued_import(
        run_id=run_id,
        upload=upload,
        overrides=overrides,
        options=options,
        actor_id=actor_id,
        keep_upload=keep_upload,
    )
