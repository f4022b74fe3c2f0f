"""A task the scheduling tests queue: it counts its runs so a test can see it ran."""

from __future__ import annotations

from django.tasks import task

RUNS: list[str] = []


@task()
def record_run() -> int:
    RUNS.append("ran")
    return len(RUNS)
