"""The dates an action falls due on: plain calendar arithmetic, no database, no clock.

Dates are calendar dates in the organisation's time zone. Monthly, quarterly and yearly
cadences keep to the day of the first due date and fall back to the last day of a shorter month:
monthly from 31 January gives 28 (or 29) February, then 31 March; yearly from 29 February gives
28 February in years that are not leap years, and 29 February again in the next leap year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from kamkit.plans.choices import Cadence

# A plan of a few years with a daily action stays a few thousand rows at most.
MAX_OCCURRENCES = 2000

MONTHS_APART = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.YEARLY: 12}


def add_months(day: dt.date, months: int, *, anchor_day: int | None = None) -> dt.date:
    """``day`` moved by ``months``, on ``anchor_day`` (default: its own day) or the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(anchor_day or day.day, last))


def iter_dates(cadence: str, first: dt.date) -> Iterator[dt.date]:
    """Every due date from ``first`` on, without end (the caller stops)."""
    if cadence == Cadence.ONCE:
        yield first
        return
    if cadence in (Cadence.DAILY, Cadence.WEEKLY):
        step = dt.timedelta(days=1 if cadence == Cadence.DAILY else 7)
        current = first
        while True:
            yield current
            current += step
    if cadence not in MONTHS_APART:
        raise ValueError(f"Unknown cadence {cadence!r}.")
    months = MONTHS_APART[Cadence(cadence)]
    count = 0
    while True:
        # always counted from the first date, so 31 Jan -> 28 Feb -> 31 Mar (not 28 Mar)
        yield add_months(first, months * count, anchor_day=first.day)
        count += 1


def occurrence_dates(
    cadence: str, first: dt.date, until: dt.date, *, limit: int = MAX_OCCURRENCES
) -> list[dt.date]:
    """The due dates from ``first`` to ``until`` (both included), at most ``limit`` of them."""
    dates: list[dt.date] = []
    for day in iter_dates(cadence, first):
        if day > until or len(dates) >= limit:
            break
        dates.append(day)
    return dates


def local_date(instant: dt.datetime, time_zone: str) -> dt.date:
    """The calendar date of ``instant`` in ``time_zone`` (what 'today' is for the organisation)."""
    if instant.tzinfo is None:
        raise ValueError("An aware datetime is needed to know its local date.")
    return instant.astimezone(ZoneInfo(time_zone)).date()


def shift_date(day: dt.date, old_start: dt.date, new_start: dt.date) -> dt.date:
    """``day`` carried from a period starting ``old_start`` into one starting ``new_start``.

    Periods that start on the same day of the month move dates by whole months, so 31 March stays
    31 March a year later whatever the leap years; otherwise dates move by the days in between.
    """
    if old_start.day == new_start.day:
        months = (new_start.year - old_start.year) * 12 + new_start.month - old_start.month
        return add_months(day, months)
    return day + (new_start - old_start)
