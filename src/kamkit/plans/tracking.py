"""Execution arithmetic on plain values: where an objective stands, and how much of a plan was done.

An objective's progress is how far its metric has moved from baseline towards target,
``(current - baseline) / (target - baseline)``, compared with the share of its time gone by
(from the start of the plan period to the objective's due date):

- on track: progress >= elapsed - 0.1
- at risk: progress >= elapsed - 0.3
- off track: below that.

Completion counts the occurrences that were due: those whose due date has passed, and those due
today that are already marked (today's unmarked ones still have the day). The rate is the done ones
out of those, leaving out the ones deliberately skipped. A past occurrence nobody marked counts as
missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kamkit.plans.choices import OccurrenceStatus, Track

ON_TRACK_MARGIN = 0.1
AT_RISK_MARGIN = 0.3


def elapsed_share(start: dt.date, end: dt.date, today: dt.date) -> float:
    """How much of the time from ``start`` to ``end`` has gone by on ``today``, 0 to 1."""
    if today <= start:
        return 0.0
    if today >= end:
        return 1.0
    return (today - start).days / (end - start).days


def progress_share(baseline: Decimal, target: Decimal, current: Decimal) -> float:
    """How far ``current`` has come from ``baseline`` towards ``target`` (may be below 0 or above 1)."""
    span = target - baseline
    if span == 0:
        return 1.0 if current == target else 0.0
    return float((current - baseline) / span)


def track_of(progress: float, elapsed: float) -> Track:
    if progress >= elapsed - ON_TRACK_MARGIN:
        return Track.ON_TRACK
    if progress >= elapsed - AT_RISK_MARGIN:
        return Track.AT_RISK
    return Track.OFF_TRACK


def objective_track(
    *,
    baseline: Decimal | None,
    target: Decimal | None,
    current: Decimal | None,
    start: dt.date,
    due_on: dt.date | None,
    today: dt.date,
) -> tuple[Track, float | None]:
    """The objective's track and progress share (None when it cannot be measured yet)."""
    if baseline is None or target is None or current is None or due_on is None:
        return Track.NOT_MEASURED, None
    progress = progress_share(baseline, target, current)
    return track_of(progress, elapsed_share(start, due_on, today)), progress


@dataclass(frozen=True)
class Completion:
    due: int
    done: int
    skipped: int
    missed: int  # marked missed, or due and not marked

    @property
    def counted(self) -> int:
        return self.due - self.skipped

    @property
    def rate(self) -> float | None:
        """Done out of the due occurrences that were not skipped; None when none were due."""
        return self.done / self.counted if self.counted > 0 else None

    @property
    def percent(self) -> int | None:
        rate = self.rate
        return None if rate is None else round(rate * 100)


def is_due(status: str, due_on: dt.date, today: dt.date) -> bool:
    """Does the occurrence count towards completion on ``today``?"""
    return due_on < today or (due_on == today and status != OccurrenceStatus.PENDING)


def completion(statuses: list[tuple[str, dt.date]], today: dt.date) -> Completion:
    """Completion of (status, due date) pairs; the SQL aggregates in queries.py count the same way."""
    due = [status for status, day in statuses if is_due(status, day, today)]
    done = sum(1 for status in due if status == OccurrenceStatus.DONE)
    skipped = sum(1 for status in due if status == OccurrenceStatus.SKIPPED)
    return Completion(due=len(due), done=done, skipped=skipped, missed=len(due) - done - skipped)


def effective_state(status: str, due_on: dt.date, today: dt.date) -> str:
    """What to show for an occurrence: its mark, or 'overdue' / 'upcoming' / 'today' when unmarked."""
    if status != OccurrenceStatus.PENDING:
        return status
    if due_on < today:
        return "overdue"
    return "today" if due_on == today else "upcoming"
