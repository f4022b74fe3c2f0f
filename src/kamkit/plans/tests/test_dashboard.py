"""Dashboard figures on a hand-made plan, worked out by hand, and account health's plan part.

The plan runs through 2025 and is looked at on Saturday 15 March 2025:

- action A, weekly on Mondays from 6 Jan: due 6, 13, 20, 27 Jan, 3, 10, 17, 24 Feb, 3, 10 Mar;
  marked done, done, skipped, missed, done, done, -, done, done, - (two left unmarked: overdue);
- action B, monthly from 31 Jan: due 31 Jan (done) and 28 Feb (unmarked); 31 Mar is not due yet.

So 12 due, 7 done, 1 skipped, 4 missed or overdue: 7 of 11 done, 64%.
By month: January 3 of 4 (75%), February 3 of 5 (60%), March 1 of 2 (50%, 6 planned).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kamkit.accounts import queries as account_queries
from kamkit.accounts.tests.fixtures import Book
from kamkit.plans import queries, services
from kamkit.plans.choices import Cadence, OccurrenceStatus, PlanStatus
from kamkit.plans.models import AccountPlan
from kamkit.plans.tests.fixtures import make_action, make_objective, make_plan
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2025, 3, 15)

MARKS_A = ["done", "done", "skipped", "missed", "done", "done", None, "done", "done", None]


def hand_made_plan(org: Org, book: Book) -> AccountPlan:
    plan = make_plan(book.alpha, period="2025", starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))
    grow = make_objective(
        plan, title="Grow", baseline=Decimal(100), target=Decimal(200), current=Decimal(150)
    )
    make_objective(
        plan,
        title="Widen",
        baseline=Decimal(0),
        target=Decimal(10),
        current=Decimal(0),
        due_on=D(2025, 4, 30),
    )
    make_objective(
        plan,
        title="Train",
        baseline=Decimal(10),
        target=Decimal(20),
        current=Decimal(13),
        due_on=D(2025, 6, 30),
    )
    make_objective(plan, title="Listen", baseline=Decimal(1), target=Decimal(2), current=None)
    weekly = make_action(grow, title="A", cadence=Cadence.WEEKLY, first_due_on=D(2025, 1, 6))
    monthly = make_action(grow, title="B", cadence=Cadence.MONTHLY, first_due_on=D(2025, 1, 31))
    for occurrence, mark in zip(weekly.occurrences.order_by("due_on"), MARKS_A, strict=False):
        if mark:
            services.mark_occurrence(occurrence=occurrence, status=mark, worth=4 if mark == "done" else None)
    services.mark_occurrence(
        occurrence=monthly.occurrences.get(due_on=D(2025, 1, 31)), status="done", worth=1
    )
    services.set_plan_status(plan=plan, status=PlanStatus.ACTIVE)
    return plan


def test_plan_dashboard_figures(org: Org, book: Book) -> None:
    board = queries.plan_dashboard(hand_made_plan(org, book), on=ON)
    c = board.completion
    assert (c.due, c.done, c.skipped, c.missed, c.percent) == (12, 7, 1, 4, 64)
    months = [
        (m.month, m.planned, m.completion.due, m.completion.done, m.completion.percent) for m in board.months
    ]
    assert months[:3] == [
        (D(2025, 1, 1), 5, 5, 3, 75),
        (D(2025, 2, 1), 5, 5, 3, 60),
        (D(2025, 3, 1), 6, 2, 1, 50),
    ]
    assert months[3][2] == 0 and months[3][4] is None  # April: nothing due yet
    # objectives: Grow 50% with 20% of the year gone; Widen 0% with 61% of its time gone;
    # Train 30% with 41% gone; Listen has no current value
    tracks = {row.objective.title: row.track.value for row in board.objectives}
    assert tracks == {"Grow": "on_track", "Widen": "off_track", "Train": "at_risk", "Listen": "not_measured"}
    assert board.tracks == {"on_track": 1, "at_risk": 1, "off_track": 1, "not_measured": 1}
    slipped = [(s.day, s.what, s.kind) for s in board.slipped]
    assert slipped == [
        (D(2025, 4, 30), "Widen", "objective"),
        (D(2025, 3, 10), "A", "overdue"),
        (D(2025, 2, 28), "B", "overdue"),
        (D(2025, 2, 17), "A", "overdue"),
        (D(2025, 1, 27), "A", "missed"),
    ]
    assert board.mean_worth == (6 * 4 + 1) / 7


def test_team_dashboard_is_per_scope_and_queries_stay_flat(org: Org, book: Book) -> None:
    hand_made_plan(org, book)
    board = queries.team_dashboard(org.north_manager, on=ON)
    assert [row.plan.account.name for row in board.rows] == ["Alpha Industries"]
    row = board.rows[0]
    assert (row.completion.due, row.completion.done, row.overdue) == (12, 7, 3)
    assert board.by_owner[0][0] == "Kam A" and board.by_owner[0][1].percent == 64
    assert [(name, n) for name, _, n in board.by_team] == [("North", 1)]
    assert queries.team_dashboard(org.director, on=ON, team_id=org.south.pk).rows == []
    assert queries.team_dashboard(org.south_manager, on=ON).rows == []
    with CaptureQueriesContext(connection) as one:
        queries.team_dashboard(org.director, on=ON)
    beta = make_plan(book.beta, period="2025", starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))
    make_action(make_objective(beta), first_due_on=D(2025, 1, 6))
    services.set_plan_status(plan=beta, status=PlanStatus.ACTIVE)
    with CaptureQueriesContext(connection) as two:
        assert len(queries.team_dashboard(org.director, on=ON).rows) == 2
    assert len(two) == len(one)


def test_plan_progress_feeds_account_health(org: Org, book: Book) -> None:
    plan = hand_made_plan(org, book)
    with mock.patch("kamkit.plans.clock.today", return_value=ON):
        assert queries.plan_progress(book.alpha) == pytest.approx(7 / 11)
        assert queries.plan_progress(book.beta) is None
        health = account_queries.health_of(book.alpha)
    part = next(c for c in health.components if c.name == "Plan progress")
    assert part.value == pytest.approx(100 * 7 / 11)
    services.set_plan_status(plan=plan, status=PlanStatus.CLOSED)
    with mock.patch("kamkit.plans.clock.today", return_value=ON):
        assert queries.plan_progress(book.alpha) is None


def test_dashboard_pages_and_api_show_the_same_figures(org: Org, book: Book, api_as: Any) -> None:
    plan = hand_made_plan(org, book)
    with mock.patch("kamkit.plans.clock.today", return_value=ON):
        page = signed_in(org.kam_a).get(f"/plans/{plan.pk}/dashboard/").content.decode()
        team = signed_in(org.north_manager).get("/plans/dashboard/").content.decode()
        answer = api_as(org.viewer).get(f"/plans/{plan.pk}/dashboard").json()
        team_answer = api_as(org.kam_south).get("/plan-dashboard").json()
        north_only = api_as(org.director).get("/plan-dashboard", team=str(org.north.pk)).json()
        south_page = signed_in(org.director).get(f"/plans/dashboard/?team={org.south.pk}").content.decode()
    assert 'data-rate="64"' in page and "7 done of 11 due" in page
    assert "Widen" in page and "off track" in page.lower()
    assert "Alpha Industries" in team and "64%" in team
    assert (answer["due"], answer["done"], answer["missed"]) == (12, 7, 4)
    assert answer["tracks"]["at_risk"] == 1 and answer["months"][0]["rate"] == 0.75
    assert team_answer["plans"] == []
    assert [p["account"] for p in north_only["plans"]] == ["Alpha Industries"]
    assert "Plan execution · South" in south_page and "Alpha Industries" not in south_page


def test_marking_an_occurrence_moves_the_figures(org: Org, book: Book) -> None:
    plan = hand_made_plan(org, book)
    overdue = plan.objectives.get(title="Grow").actions.get(title="A").occurrences.get(due_on=D(2025, 2, 17))
    services.mark_occurrence(occurrence=overdue, status=OccurrenceStatus.DONE)
    assert queries.plan_completion(plan, on=ON).percent == 73  # 8 of 11
