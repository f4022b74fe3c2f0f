"""What "today" is for plans: the calendar date in the organisation's time zone (settings.TIME_ZONE).

Due dates, overdue and "time gone" are all counted from it; one function, so a test can fix the day.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
