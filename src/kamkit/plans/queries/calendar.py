"""The calendar feed and the daily digest: occurrences of actions in active plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kamkit.plans import clock
from kamkit.plans.choices import PlanStatus
from kamkit.plans.models import ActionOccurrence, CalendarFeed
from kamkit.plans.queries.execution import PENDING


def calendar_user(token: str) -> Any:
    """The active person a secret calendar token belongs to, or None."""
    feed = (
        CalendarFeed.objects.filter(token_hash=CalendarFeed.hash_token(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    return feed.user if feed else None


def live_occurrences() -> QuerySet[ActionOccurrence]:
    """Occurrences of actions in active plans (drafts and closed plans do not nag anyone)."""
    return ActionOccurrence.objects.filter(action__objective__plan__status=PlanStatus.ACTIVE).select_related(
        "action", "action__objective", "action__objective__plan", "action__objective__plan__account"
    )


def calendar_occurrences(user: Any, *, on: dt.date | None = None) -> QuerySet[ActionOccurrence]:
    """What goes in a person's calendar feed: their actions' occurrences from 90 days back on."""
    since = (on or clock.today()) - dt.timedelta(days=90)
    return live_occurrences().filter(action__owner=user, due_on__gte=since).order_by("due_on", "pk")


@dataclass
class DigestItems:
    overdue: list[ActionOccurrence]
    this_week: list[ActionOccurrence]


def digest_items(user: Any, *, on: dt.date | None = None) -> DigestItems:
    on = on or clock.today()
    pending = live_occurrences().filter(
        action__owner=user, status=PENDING, due_on__lte=on + dt.timedelta(days=6)
    )
    overdue: list[ActionOccurrence] = []
    this_week: list[ActionOccurrence] = []
    for occurrence in pending.order_by("due_on", "pk"):
        (overdue if occurrence.due_on < on else this_week).append(occurrence)
    return DigestItems(overdue=overdue, this_week=this_week)


def digest_owner_ids(*, on: dt.date | None = None) -> list[int]:
    """People with something overdue or due in the coming week in an active plan."""
    on = on or clock.today()
    return list(
        live_occurrences()
        .filter(status=PENDING, due_on__lte=on + dt.timedelta(days=6), action__owner__is_active=True)
        .values_list("action__owner_id", flat=True)
        .distinct()
        .order_by("action__owner_id")
    )
