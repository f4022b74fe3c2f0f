"""The iCalendar feed of a person's plan actions: one all-day event per occurrence.

Built with the ``icalendar`` library; calendar programs subscribe to the secret address and
refresh it themselves. UIDs are stable per occurrence, so an occurrence moved or marked updates
the same event instead of adding another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from icalendar import Calendar, Event

from kamkit.plans.choices import OccurrenceStatus
from kamkit.plans.models import ActionOccurrence

PRODID = "-//kamkit//account plans//EN"


def planned_time(minutes: int) -> str:
    """Minutes as people say them: 45 min, 1 h, 1 h 30 min."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def occurrence_uid(occurrence: ActionOccurrence, host: str) -> str:
    return f"occurrence-{occurrence.pk}@{host}"


def build_calendar(
    occurrences: Iterable[ActionOccurrence], *, base_url: str, owner_name: str, stamp: dt.datetime
) -> bytes:
    base = base_url.rstrip("/")
    host = base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "kamkit"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"kamkit plan actions: {owner_name}")
    for occurrence in occurrences:
        action = occurrence.action
        objective = action.objective
        plan = objective.plan
        event = Event()
        event.add("uid", occurrence_uid(occurrence, host))
        event.add("dtstamp", stamp)
        event.add("dtstart", occurrence.due_on)
        event.add("dtend", occurrence.due_on + dt.timedelta(days=1))
        marked = (
            "" if occurrence.status == OccurrenceStatus.PENDING else f" [{occurrence.get_status_display()}]"
        )
        event.add("summary", f"{action.title} ({plan.account}){marked}")
        planned = f"\nPlanned time: {planned_time(action.planned_minutes)}" if action.planned_minutes else ""
        event.add(
            "description",
            f"Account: {plan.account}\nPlan: {plan.period} v{plan.version}\nObjective: {objective.title}"
            + planned
            + (f"\n\n{action.description}" if action.description else ""),
        )
        event.add("url", f"{base}{reverse('plans:execution', args=[plan.pk])}#occurrence-{occurrence.pk}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
