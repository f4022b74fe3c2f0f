"""Background work for plans: the daily digest of overdue and coming actions, one e-mail per owner."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.urls import reverse

from kamkit.core.audit import acting_as
from kamkit.plans import queries, services
from kamkit.plans.models import ActionOccurrence
from kamkit.users.models import User


def _line(occurrence: ActionOccurrence) -> str:
    plan = occurrence.action.objective.plan
    return f"- {occurrence.due_on:%a %d %b}: {occurrence.action.title} ({plan.account}, {plan.period})"


def digest_text(user: User, items: queries.DigestItems) -> str:
    base = settings.KAMKIT_BASE_URL.rstrip("/")
    parts = [f"Hello {user.full_name or user.email},", ""]
    if items.overdue:
        parts += [f"Overdue ({len(items.overdue)}): mark them done, skipped or missed.", ""]
        parts += [_line(o) for o in items.overdue] + [""]
    if items.this_week:
        parts += [f"Due in the coming week ({len(items.this_week)}):", ""]
        parts += [_line(o) for o in items.this_week] + [""]
    parts += [f"Your plans: {base}{reverse('plans:list')}?owner={user.pk}", ""]
    return "\n".join(parts)


def send_digest_to(user: User, *, on: dt.date) -> bool:
    """One person's digest for ``on``: sent at most once a day, and only when there is something."""
    items = queries.digest_items(user, on=on)
    if not items.overdue and not items.this_week:
        return False
    with transaction.atomic():
        if not services.claim_digest(user=user, today=on):
            return False
        send_mail(
            subject=f"kamkit: {len(items.overdue)} overdue and {len(items.this_week)} coming plan actions",
            message=digest_text(user, items),
            from_email=None,
            recipient_list=[user.email],
        )
    return True


@task()
def send_daily_digests() -> int:
    """E-mail every owner of an overdue or coming action in an active plan; returns how many got one."""
    on = queries.today()
    sent = 0
    with acting_as(label="task:plans-digest"):
        for user in User.objects.filter(pk__in=queries.digest_owner_ids(on=on), is_active=True):
            if send_digest_to(user, on=on):
                sent += 1
    return sent
