"""The plans' cards on the start page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from kamkit.plans import clock
from kamkit.plans.choices import PlanStatus
from kamkit.plans.queries.calendar import live_occurrences
from kamkit.plans.queries.execution import PENDING
from kamkit.plans.queries.plans import plans_for


def home_cards(user: Any) -> list[Any]:
    """The start page: your overdue plan actions and the active plans you can see."""
    from kamkit.core.home import HomeCard

    on = clock.today()
    mine = (
        live_occurrences()
        .filter(action__owner=user, status=PENDING)
        .aggregate(
            overdue=Count("id", filter=Q(due_on__lt=on)),
            week=Count("id", filter=Q(due_on__gte=on, due_on__lte=on + dt.timedelta(days=6))),
        )
    )
    active = plans_for(user).filter(status=PlanStatus.ACTIVE).count()
    return [
        HomeCard(
            "Overdue plan actions",
            mine["overdue"],
            "See the plans",
            "plans:list",
            note=f"{mine['week']} more due in the coming week",
        ),
        HomeCard("Active account plans", active, "Open the execution dashboard", "plans:team_dashboard"),
    ]
