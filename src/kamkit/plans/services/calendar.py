"""The secret calendar address of a person's actions, and the once-a-day digest claim."""

from __future__ import annotations

import datetime as dt

from kamkit.plans.models import CalendarFeed, DigestReceipt
from kamkit.users.models import User

# Calendar feed and digest ----------------------------------------------------------------------------


def rotate_calendar_token(*, user: User) -> str:
    """A new secret calendar address for ``user`` (the old one stops working). Returned once."""
    token = CalendarFeed.new_token()
    feed = CalendarFeed.objects.filter(user=user).first() or CalendarFeed(user=user)
    feed.token_hash = CalendarFeed.hash_token(token)
    feed.token_hint = token[:10]
    feed.save()
    return token


def revoke_calendar_token(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def claim_digest(*, user: User, today: dt.date) -> bool:
    """True once per person and day: the right to send today's digest (safe if two workers race)."""
    DigestReceipt.objects.get_or_create(user=user)
    claimed = DigestReceipt.objects.filter(user=user).exclude(last_sent_on=today).update(last_sent_on=today)
    return claimed == 1
