"""Background work of the portfolio: re-scoring after ratings, criteria or settings change."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task

from kamkit.core.audit import acting_as


@task()
def rescore_portfolio_task(requested_at: str) -> bool:
    """Re-score unless a re-score started after the change was made (then it already counts)."""
    from kamkit.portfolio import queries, services

    latest = queries.latest_run()
    if latest is not None and latest.started_at >= dt.datetime.fromisoformat(requested_at):
        return False
    with acting_as(label="task:portfolio-rescore"), transaction.atomic():
        services.rescore_portfolio()
    return True
