"""Planned time of actions feeds the portfolio's return on time: minutes per occurrence on each
action, summed per account in SQL by the provider plans registers with the portfolio.

The hand-made plans, scored on 30 June 2026 over twelve months, so the period is
(30 June 2025, 30 June 2026]:

- alpha FY2026 (active): A weekly on Mondays from 5 Jan 2026, 30 min: 26 Mondays up to 29 June, one
  skipped, so 25 x 30 = 750 min; B monthly from 31 Jan 2026, 90 min: 31 Jan ... 30 Jun, 6 x 90 =
  540 min (30 June is the last day in); C once, no time planned. 1,290 min = 21.5 h.
- south H2 2025 (closed at its end, not replaced): monthly from 30 Jun 2025, 60 min: 30 June is the
  period's first day, outside; 30 Jul ... 30 Dec, 6 x 60 = 360 min = 6 h.
- beta (a draft): planned time that does not count yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from kamkit.accounts.models import Account
from kamkit.core.errors import ServiceError
from kamkit.plans import queries, services
from kamkit.plans.choices import Cadence, OccurrenceStatus, PlanStatus
from kamkit.plans.models import AccountPlan
from kamkit.plans.tests.fixtures import Plans, make_action, make_objective, make_plan
from kamkit.portfolio import queries as portfolio_queries
from kamkit.portfolio import scoring
from kamkit.portfolio.models import AccountMetrics, AccountScore
from kamkit.portfolio.tests.fixtures import AS_OF, Portfolio, rescore
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]
D = dt.date
START = D(2025, 6, 30)  # the scoring period is (START, AS_OF]


def hand_made_plans(portfolio: Portfolio) -> AccountPlan:
    book = portfolio.book
    Account.objects.filter(pk=book.south.pk).update(is_key_account=True)
    book.south.refresh_from_db()
    alpha = make_plan(book.alpha, period="FY2026", starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
    grow = make_objective(alpha)
    weekly = make_action(
        grow, title="A", cadence=Cadence.WEEKLY, first_due_on=D(2026, 1, 5), planned_minutes=30
    )
    make_action(grow, title="B", cadence=Cadence.MONTHLY, first_due_on=D(2026, 1, 31), planned_minutes=90)
    make_action(grow, title="C", cadence=Cadence.ONCE, first_due_on=D(2026, 2, 2))
    services.mark_occurrence(occurrence=weekly.occurrences.get(due_on=D(2026, 2, 9)), status="skipped")
    services.mark_occurrence(occurrence=weekly.occurrences.get(due_on=D(2026, 2, 16)), status="missed")
    services.set_plan_status(plan=alpha, status=PlanStatus.ACTIVE)
    south = make_plan(book.south, period="H2 2025", starts_on=START, ends_on=D(2025, 12, 31))
    make_action(make_objective(south), cadence=Cadence.MONTHLY, first_due_on=START, planned_minutes=60)
    services.set_plan_status(plan=south, status=PlanStatus.ACTIVE)
    services.set_plan_status(plan=south, status=PlanStatus.CLOSED)
    beta = make_plan(book.beta, period="FY2026", starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
    make_action(make_objective(beta), cadence=Cadence.DAILY, first_due_on=D(2026, 1, 1), planned_minutes=600)
    return alpha


def test_the_provider_sums_planned_time_per_account_in_the_period(portfolio: Portfolio) -> None:
    # given the hand-made plans
    hand_made_plans(portfolio)
    book = portfolio.book
    # then the hours per account are worked out as in the table above
    assert queries.planned_hours_by_account(START, AS_OF) == {book.alpha.pk: 21.5, book.south.pk: 6.0}
    # and the portfolio, grouping the provider's rows in SQL, gets the same
    period = scoring.Period.ending(AS_OF, 12)
    assert period.current_start == START
    rows = portfolio_queries.planned_queryset(queries.planned_hours, period)
    assert {row["account_id"]: row["planned"] for row in rows} == {book.alpha.pk: 21.5, book.south.pk: 6.0}
    # a narrower period: February 2026 only (A on 2, 16 and 23 Feb - 9 Feb skipped - and B on 28 Feb)
    assert queries.planned_hours_by_account(D(2026, 1, 31), D(2026, 2, 28)) == {book.alpha.pk: 3.0}


def test_the_provider_is_registered_and_a_rescore_counts_planned_time(portfolio: Portfolio) -> None:
    assert queries.planned_hours in portfolio_queries.PLANNED_HOURS  # done in PlansConfig.ready()
    hand_made_plans(portfolio)
    rescore()
    alpha = AccountMetrics.objects.get(account=portfolio.book.alpha)
    assert (alpha.hours_logged, alpha.hours_planned) == (10.0, 21.5)
    assert AccountMetrics.objects.get(account=portfolio.book.south).hours_planned == 6.0
    assert AccountMetrics.objects.get(account=portfolio.book.beta).hours_planned == 0.0  # a draft
    # return on time: 100,000 won over 10 h logged + 21.5 h planned
    assert AccountScore.objects.get(account=portfolio.book.alpha).return_on_time == pytest.approx(
        100_000 / 31.5
    )


def test_a_new_version_does_not_count_the_same_time_twice(portfolio: Portfolio) -> None:
    alpha = hand_made_plans(portfolio)
    version = services.start_new_version(plan=alpha)
    assert queries.planned_hours_by_account(START, AS_OF)[portfolio.book.alpha.pk] == 21.5  # draft: v1 counts
    services.set_plan_status(plan=version, status=PlanStatus.ACTIVE)  # closes v1, which it replaces
    alpha.refresh_from_db()
    assert alpha.status == PlanStatus.CLOSED
    assert queries.planned_hours_by_account(START, AS_OF)[portfolio.book.alpha.pk] == 21.5
    assert set(queries.counted_plans().values_list("pk", flat=True)) == {
        version.pk,
        AccountPlan.objects.get(period="H2 2025").pk,
    }


def test_planned_minutes_are_checked_and_carried_into_the_next_period(org: Org, plans: Plans) -> None:
    objective = plans.alpha_objective
    for minutes in (-5, 24 * 60 + 1):
        with pytest.raises(ServiceError) as refused:
            make_action(objective, planned_minutes=minutes)
        assert list(refused.value.errors) == ["planned_minutes"]
    action = make_action(objective, planned_minutes=45)
    assert action.planned_minutes == 45
    assert queries.planned_minutes_of(plans.alpha) >= 45 * action.occurrences.count()
    later = services.start_next_period(
        plan=plans.alpha,
        period="Next",
        starts_on=plans.alpha.ends_on + dt.timedelta(days=1),
        ends_on=plans.alpha.ends_on + dt.timedelta(days=365),
    )
    assert later.objectives.get().actions.get(title=action.title, planned_minutes=45)


def test_planned_minutes_in_the_form_the_api_and_the_calendar(org: Org, plans: Plans, api_as: ApiAs) -> None:
    client = signed_in(org.kam_a)
    url = f"/plans/objectives/{plans.alpha_objective.pk}/actions/new/"
    first, today = plans.alpha.starts_on.isoformat(), timezone.localdate().isoformat()
    base = {"title": "Site visit", "owner": org.kam_a.pk, "cadence": "monthly", "first_due_on": first}
    refused = client.post(url, {**base, "planned_minutes": "2000"}).content.decode()
    assert "id_planned_minutes_error" in refused and 'value="Site visit"' in refused
    assert client.post(url, {**base, "planned_minutes": "90"}).status_code == 302
    plan_page = client.get(f"/plans/{plans.alpha.pk}/").content.decode()
    assert "90 min each" in plan_page and "Planned time" in plan_page
    api = api_as(org.kam_a)
    made = api.post(
        f"/objectives/{plans.alpha_objective.pk}/actions",
        {"title": "Call", "owner_id": org.kam_a.pk, "first_due_on": today, "planned_minutes": 20},
    )
    assert made.status_code == 201 and made.json()["planned_minutes"] == 20
    assert (
        api.patch(f"/plan-actions/{made.json()['id']}", {"planned_minutes": 75}).json()["planned_minutes"]
        == 75
    )
    too_long = api.patch(f"/plan-actions/{made.json()['id']}", {"planned_minutes": 5000})
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["field"] == "planned_minutes"
    # the calendar event says how long to set aside
    token = services.rotate_calendar_token(user=org.kam_a)
    feed = Calendar.from_ical(Client().get(f"/plans/calendar/{token}.ics").content)
    descriptions = {str(e.get("summary")): str(e.get("description")) for e in feed.walk("VEVENT")}
    assert "Planned time: 1 h 30 min" in descriptions["Site visit (Alpha Industries)"]
    assert "Planned time: 1 h 15 min" in descriptions["Call (Alpha Industries)"]
    assert "Planned time" not in descriptions["Call the sponsor (Alpha Industries)"]


def test_skipped_occurrences_are_not_planned_time(org: Org, plans: Plans) -> None:
    action = make_action(plans.alpha_objective, cadence=Cadence.ONCE, planned_minutes=60)
    occurrence = action.occurrences.get()
    assert queries.planned_minutes_of(plans.alpha) == 60
    services.mark_occurrence(occurrence=occurrence, status=OccurrenceStatus.SKIPPED)
    assert queries.planned_minutes_of(plans.alpha) == 0


def test_changing_planned_time_marks_the_portfolio_scores_stale(portfolio: Portfolio) -> None:
    from kamkit.portfolio.models import PortfolioSettings

    # given scored accounts with a plan whose action has planned time
    alpha = hand_made_plans(portfolio)
    rescore()
    before = PortfolioSettings.objects.get().inputs_version
    action = alpha.objectives.get().actions.get(title="B")
    # when an occurrence is skipped (its time no longer counts)
    occurrence = action.occurrences.filter(status=OccurrenceStatus.PENDING).first()
    assert occurrence is not None
    services.mark_occurrence(occurrence=occurrence, status="skipped")
    # then the scores no longer reflect their inputs
    assert PortfolioSettings.objects.get().inputs_version > before
