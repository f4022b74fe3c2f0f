"""The demo organisation's plans: about half of the key accounts, with execution history, in the
year of the demo's day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from kamkit.accounts.models import Account, Deal
from kamkit.core import demo
from kamkit.plans import builtin, queries
from kamkit.plans.choices import OccurrenceStatus, PlanStatus
from kamkit.plans.models import AccountPlan, AccountReview, ActionOccurrence, Objective, PlanAction
from kamkit.users.models import User

pytestmark = pytest.mark.django_db

SIZE = demo.DemoSize(people=15, accounts=60, deals=400)
DAY = dt.date(2026, 11, 1)


def test_demo_gives_half_the_key_accounts_an_active_plan() -> None:
    builtin.load_plan_content()
    lines = demo.generate(SIZE, seed=5, as_of=DAY)
    line = next(line for line in lines if line.startswith("plans:"))
    key_accounts = Account.objects.filter(is_key_account=True).count()
    plans = AccountPlan.objects.all()
    assert 0.25 * key_accounts <= plans.count() <= 0.75 * key_accounts
    assert f"{plans.count():,} active plans" in line
    assert set(plans.values_list("status", flat=True)) == {PlanStatus.ACTIVE}
    assert all(2 <= p.objectives.count() <= 3 for p in plans)
    assert Objective.objects.filter(plan__in=plans, actions__isnull=True).count() == 0
    statuses = set(ActionOccurrence.objects.values_list("status", flat=True))
    assert {OccurrenceStatus.DONE, OccurrenceStatus.SKIPPED, OccurrenceStatus.PENDING} <= statuses
    director = User.objects.get(role="director")
    board = queries.team_dashboard(director, on=DAY)
    assert len(board.rows) == plans.count() and board.completion.rate is not None
    assert sum(board.tracks.values()) == Objective.objects.count()
    assert set(PlanAction.objects.values_list("planned_minutes", flat=True)) <= {20, 60, 120}
    assert queries.planned_minutes_of(plans.first()) > 0  # return on time has planned hours to count
    first = plans.first()
    assert first is not None and first.sections.count() == 5 and first.members.exists()


def test_plans_run_through_the_year_of_the_demos_day() -> None:
    # given a demo made as of mid-June 2027
    builtin.load_plan_content()
    day = dt.date(2027, 6, 15)
    demo.generate(SIZE, seed=5, as_of=day)
    # then its plans are for FY2027, measured on that day
    plans = AccountPlan.objects.all()
    assert plans.exists()
    assert set(plans.values_list("period", "starts_on", "ends_on")) == {
        ("FY2027", dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    }
    assert set(Objective.objects.values_list("current_on", flat=True)) == {day}
    # and the occurrences before that day are marked (a few left overdue), from that day on they wait
    before = ActionOccurrence.objects.filter(due_on__lt=day)
    assert before.filter(status=OccurrenceStatus.DONE).exists()
    overdue = before.filter(status=OccurrenceStatus.PENDING).count()
    assert 0 < overdue < before.count() / 4
    assert set(ActionOccurrence.objects.filter(due_on__gte=day).values_list("status", flat=True)) == {
        OccurrenceStatus.PENDING
    }
    assert ActionOccurrence.objects.filter(due_on__gte=day).exists()
    latest_mark = max(o.marked_at for o in before.exclude(marked_at=None))
    assert day - dt.timedelta(days=7) <= latest_mark.date() < day
    # and the reviews were held in the four months before
    held = list(AccountReview.objects.values_list("held_on", flat=True))
    assert held and all(day - dt.timedelta(days=120) <= d <= day - dt.timedelta(days=10) for d in held)


def plans_dated_from(day: dt.date) -> dict[str, Any]:
    """The plans of a demo made as of ``day``, their dates written as days before it; rolled back."""
    with transaction.atomic():
        demo.generate(SIZE, seed=5, as_of=day)
        director = User.objects.get(role="director")
        taken = {
            "overdue": sum(row.overdue for row in queries.team_dashboard(director, on=day).rows),
            "plans": sorted(
                (plan.account.name, int(plan.period[2:]) - day.year, (day - plan.starts_on).days)
                for plan in AccountPlan.objects.select_related("account")
            ),
            "occurrences": sorted(
                (
                    o.action.objective.plan.account.name,
                    o.action.title,
                    (day - o.due_on).days,
                    o.status,
                    o.worth,
                )
                for o in ActionOccurrence.objects.select_related("action__objective__plan__account")
            ),
            "reviews": sorted(
                (r.plan.account.name, (day - r.held_on).days)
                for r in AccountReview.objects.select_related("plan__account")
            ),
            "deals": sorted(Deal.objects.values_list("external_id", "amount", "status")),
        }
        transaction.set_rollback(True)
    return taken


def test_the_same_day_a_year_later_gives_the_same_plans_a_year_on() -> None:
    # given the same seed as of 1 November 2026 and 1 November 2027
    builtin.load_plan_content()
    first = plans_dated_from(DAY)
    later = plans_dated_from(dt.date(2027, 11, 1))
    # then as many actions are overdue, deals are worth the same, and every date has moved by the year
    assert first["overdue"] > 0 and first["occurrences"] and first["reviews"]
    assert later == first


def test_a_demo_made_in_early_january_has_a_young_plan_year() -> None:
    # given a demo made on the fifth day of the year
    builtin.load_plan_content()
    day = dt.date(2027, 1, 5)
    demo.generate(SIZE, seed=5, as_of=day)
    # then its plans start that year, nothing after the day is marked, and no review predates the plans
    assert set(AccountPlan.objects.values_list("period", flat=True)) == {"FY2027"}
    assert (
        not ActionOccurrence.objects.filter(due_on__gte=day).exclude(status=OccurrenceStatus.PENDING).exists()
    )
    assert not ActionOccurrence.objects.filter(due_on__lt=dt.date(2027, 1, 1)).exists()
    assert not AccountReview.objects.filter(held_on__lt=dt.date(2027, 1, 1)).exists()
