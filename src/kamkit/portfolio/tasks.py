"""Background work of the portfolio: re-scoring after what the scores are computed from changed."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from kamkit.core.audit import acting_as


@task()
def rescore_portfolio_task(requested_at: str = "") -> bool:
    """Re-score when the inputs changed since the last re-score; otherwise a re-score that ran after
    this task was queued already counted them, and nothing is done. Returns whether it re-scored.

    ``requested_at`` (when the task was queued) is kept for the log and for tasks queued by older
    versions; the decision is made from the inputs' version (``queries.score_status``).
    """
    from kamkit.portfolio import queries, services

    if not queries.score_status().inputs_changed:
        return False
    with acting_as(label="task:portfolio-rescore"), transaction.atomic():
        services.rescore_portfolio()
    return True
