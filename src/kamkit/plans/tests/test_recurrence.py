"""Due dates worked out by hand: month ends, leap years, and what 'today' is in a time zone."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import override_settings

from kamkit.accounts.tests.fixtures import Book
from kamkit.plans import queries, recurrence, services, tracking
from kamkit.plans.choices import Cadence
from kamkit.plans.tests.fixtures import make_action, make_objective, make_plan
from kamkit.users.tests.fixtures import Org

D = dt.date


def test_monthly_on_the_31st_falls_back_to_the_last_day_and_comes_back() -> None:
    dates = recurrence.occurrence_dates(Cadence.MONTHLY, D(2027, 1, 31), D(2027, 6, 30))
    assert dates == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
        D(2027, 5, 31),
        D(2027, 6, 30),
    ]


def test_monthly_in_a_leap_year_uses_29_february() -> None:
    dates = recurrence.occurrence_dates(Cadence.MONTHLY, D(2028, 1, 30), D(2028, 3, 31))
    assert dates == [D(2028, 1, 30), D(2028, 2, 29), D(2028, 3, 30)]


def test_quarterly_across_the_year_end() -> None:
    dates = recurrence.occurrence_dates(Cadence.QUARTERLY, D(2026, 11, 30), D(2027, 12, 31))
    assert dates == [D(2026, 11, 30), D(2027, 2, 28), D(2027, 5, 30), D(2027, 8, 30), D(2027, 11, 30)]


def test_yearly_on_29_february_is_28_february_in_other_years() -> None:
    dates = recurrence.occurrence_dates(Cadence.YEARLY, D(2024, 2, 29), D(2028, 12, 31))
    assert dates == [D(2024, 2, 29), D(2025, 2, 28), D(2026, 2, 28), D(2027, 2, 28), D(2028, 2, 29)]


def test_weekly_and_daily_cross_month_and_year_ends() -> None:
    weekly = recurrence.occurrence_dates(Cadence.WEEKLY, D(2026, 12, 21), D(2027, 1, 11))
    assert weekly == [D(2026, 12, 21), D(2026, 12, 28), D(2027, 1, 4), D(2027, 1, 11)]
    daily = recurrence.occurrence_dates(Cadence.DAILY, D(2028, 2, 27), D(2028, 3, 1))
    assert daily == [D(2028, 2, 27), D(2028, 2, 28), D(2028, 2, 29), D(2028, 3, 1)]


def test_once_and_the_limits() -> None:
    assert recurrence.occurrence_dates(Cadence.ONCE, D(2027, 5, 1), D(2027, 12, 31)) == [D(2027, 5, 1)]
    assert recurrence.occurrence_dates(Cadence.ONCE, D(2028, 1, 1), D(2027, 12, 31)) == []
    assert len(recurrence.occurrence_dates(Cadence.DAILY, D(2027, 1, 1), D(2030, 1, 1), limit=10)) == 10
    with pytest.raises(ValueError, match="Unknown cadence"):
        recurrence.occurrence_dates("fortnightly", D(2027, 1, 1), D(2027, 2, 1))


def test_carrying_dates_into_the_next_period() -> None:
    # periods starting on the 1st move by whole months: 31 March stays 31 March
    assert recurrence.shift_date(D(2027, 3, 31), D(2027, 1, 1), D(2028, 1, 1)) == D(2028, 3, 31)
    assert recurrence.shift_date(D(2028, 2, 29), D(2028, 1, 1), D(2029, 1, 1)) == D(2029, 2, 28)
    # other starts move by the days in between
    assert recurrence.shift_date(D(2027, 3, 31), D(2027, 1, 15), D(2027, 7, 1)) == D(
        2027, 9, 14
    )  # 167 days later


def test_local_date_depends_on_the_time_zone() -> None:
    instant = dt.datetime(2027, 1, 31, 12, 0, tzinfo=dt.UTC)
    assert recurrence.local_date(instant, "UTC") == D(2027, 1, 31)
    assert recurrence.local_date(instant, "Pacific/Auckland") == D(2027, 2, 1)
    assert recurrence.local_date(dt.datetime(2027, 1, 31, 3, 0, tzinfo=dt.UTC), "America/Los_Angeles") == D(
        2027, 1, 30
    )
    with pytest.raises(ValueError, match="aware"):
        recurrence.local_date(dt.datetime(2027, 1, 31), "UTC")


@pytest.mark.parametrize(
    ("zone", "today", "kept_after_change"),
    [
        # in UTC it is still 31 January: that day's unmarked occurrence is today's, so it follows the
        # new weekly cadence (and goes); in Auckland it is already 1 February and the 31st is history
        (
            "UTC",
            D(2027, 1, 31),
            [
                D(2027, 1, 25),
                D(2027, 1, 26),
                D(2027, 1, 27),
                D(2027, 1, 28),
                D(2027, 1, 29),
                D(2027, 1, 30),
                D(2027, 2, 1),
            ],
        ),
        (
            "Pacific/Auckland",
            D(2027, 2, 1),
            [
                D(2027, 1, 25),
                D(2027, 1, 26),
                D(2027, 1, 27),
                D(2027, 1, 28),
                D(2027, 1, 29),
                D(2027, 1, 30),
                D(2027, 1, 31),
                D(2027, 2, 1),
            ],
        ),
    ],
)
def test_changing_a_cadence_regenerates_from_the_organisation_s_today(
    org: Org, book: Book, zone: str, today: dt.date, kept_after_change: list[dt.date]
) -> None:
    instant = dt.datetime(2027, 1, 31, 12, 0, tzinfo=dt.UTC)
    with override_settings(TIME_ZONE=zone), mock.patch("django.utils.timezone.now", return_value=instant):
        assert queries.today() == today
        plan = make_plan(book.beta, period="2027", starts_on=D(2027, 1, 1), ends_on=D(2027, 3, 31))
        action = make_action(make_objective(plan), cadence=Cadence.DAILY, first_due_on=D(2027, 1, 25))
        assert action.occurrences.count() == 66  # 25 Jan to 31 Mar
        state = tracking.effective_state("pending", D(2027, 1, 31), queries.today())
        assert state == ("today" if zone == "UTC" else "overdue")
        services.update_action(
            action=action,
            data=services.ActionInput(
                title=action.title, owner=action.owner, cadence=Cadence.WEEKLY, first_due_on=D(2027, 1, 25)
            ),
        )
    dates = list(action.occurrences.order_by("due_on").values_list("due_on", flat=True))
    assert [d for d in dates if d <= D(2027, 2, 1)] == kept_after_change
    assert [d for d in dates if d > D(2027, 2, 1)] == [
        D(2027, 2, 8) + dt.timedelta(weeks=n) for n in range(8)
    ]


def test_actions_write_their_occurrences_across_month_ends_and_leap_years(org: Org, book: Book) -> None:
    # given a plan over 2027-2029 (2028 is a leap year)
    plan = make_plan(book.beta, period="2027-29", starts_on=D(2027, 12, 1), ends_on=D(2029, 3, 31))
    objective = make_objective(plan, due_on=D(2029, 3, 31))
    # when a monthly action starts on 31 December and a yearly one on 29 February 2028
    monthly = make_action(objective, cadence=Cadence.MONTHLY, first_due_on=D(2027, 12, 31))
    yearly = make_action(objective, title="Renewal talk", cadence=Cadence.YEARLY, first_due_on=D(2028, 2, 29))
    quarterly = make_action(objective, title="QBR", cadence=Cadence.QUARTERLY, first_due_on=D(2027, 12, 31))
    # then the stored dates keep the day where the month has it and fall back to its last day
    monthly_dates = list(monthly.occurrences.order_by("due_on").values_list("due_on", flat=True))
    assert monthly_dates[:5] == [
        D(2027, 12, 31),
        D(2028, 1, 31),
        D(2028, 2, 29),
        D(2028, 3, 31),
        D(2028, 4, 30),
    ]
    assert (
        D(2029, 2, 28) in monthly_dates and monthly_dates[-1] == D(2029, 3, 31) and len(monthly_dates) == 16
    )
    assert list(yearly.occurrences.order_by("due_on").values_list("due_on", flat=True)) == [
        D(2028, 2, 29),
        D(2029, 2, 28),
    ]
    assert list(quarterly.occurrences.order_by("due_on").values_list("due_on", flat=True)) == [
        D(2027, 12, 31),
        D(2028, 3, 31),
        D(2028, 6, 30),
        D(2028, 9, 30),
        D(2028, 12, 31),
        D(2029, 3, 31),
    ]


@pytest.mark.parametrize(
    ("zone", "first_kept"),
    [("America/Los_Angeles", D(2027, 4, 30)), ("UTC", D(2027, 3, 31)), ("Asia/Tokyo", D(2027, 3, 31))],
)
def test_changing_an_action_at_a_month_end_keeps_the_dates_that_are_history_where_the_organisation_is(
    org: Org, book: Book, zone: str, first_kept: dt.date
) -> None:
    # given a monthly action due on the last day of each month, changed at 02:00 UTC on 1 April 2027:
    # still 31 March in Los Angeles (so the 31 March occurrence is today's and follows the change),
    # already 1 April in UTC and Tokyo (so 31 March is past and stays)
    instant = dt.datetime(2027, 4, 1, 2, 0, tzinfo=dt.UTC)
    with override_settings(TIME_ZONE=zone), mock.patch("django.utils.timezone.now", return_value=instant):
        plan = make_plan(book.beta, period="2027", starts_on=D(2027, 1, 1), ends_on=D(2027, 12, 31))
        action = make_action(make_objective(plan), cadence=Cadence.MONTHLY, first_due_on=D(2027, 1, 31))
        # when it moves to the 30th of each month from April on
        services.update_action(
            action=action,
            data=services.ActionInput(
                title=action.title, owner=action.owner, cadence=Cadence.MONTHLY, first_due_on=D(2027, 4, 30)
            ),
        )
    dates = list(action.occurrences.order_by("due_on").values_list("due_on", flat=True))
    # then January and February are kept everywhere; 31 March only where it was already past
    assert dates[:2] == [D(2027, 1, 31), D(2027, 2, 28)]
    assert dates[2] == first_kept
    assert (D(2027, 3, 31) in dates) == (zone != "America/Los_Angeles")
    assert dates[-1] == D(2027, 12, 30)
