"""The iCalendar feed, parsed back with the icalendar library as a calendar program would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from kamkit.plans import services
from kamkit.plans.choices import PlanStatus
from kamkit.plans.tests.fixtures import Plans, make_action, make_objective, make_plan
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db


def _feed(token: str) -> Calendar:
    response = Client().get(f"/plans/calendar/{token}.ics")  # no session: calendar programs have none
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_feed_lists_the_person_s_occurrences_as_all_day_events(org: Org, plans: Plans) -> None:
    # given kam_a's weekly call in the active alpha plan, and a draft plan of theirs that must not show
    draft = make_plan(plans.alpha.account, period="Side plan")
    make_action(make_objective(draft), title="Draft only", first_due_on=draft.starts_on)
    token = services.rotate_calendar_token(user=org.kam_a)
    # when a calendar program reads the feed
    calendar = _feed(token)
    events = calendar.walk("VEVENT")
    # then each occurrence from 90 days back on is an all-day event
    since = timezone.localdate() - dt.timedelta(days=90)
    expected = plans.alpha_action.occurrences.filter(due_on__gte=since).order_by("due_on")
    assert len(events) == expected.count() > 30
    first, occurrence = events[0], expected[0]
    assert first.get("dtstart").dt == occurrence.due_on and not isinstance(
        first.get("dtstart").dt, dt.datetime
    )
    assert first.get("dtstart").params.get("VALUE") == "DATE"
    assert first.get("dtend").dt == occurrence.due_on + dt.timedelta(days=1)
    assert str(first.get("summary")) == "Call the sponsor (Alpha Industries)"
    description = str(first.get("description"))
    assert (
        "Account: Alpha Industries" in description
        and "Objective: Sell into two more divisions" in description
    )
    assert str(first.get("url")).endswith(f"/plans/{plans.alpha.pk}/execution/#occurrence-{occurrence.pk}")
    assert str(calendar.get("version")) == "2.0" and "kamkit" in str(calendar.get("prodid"))
    assert all("Draft only" not in str(e.get("summary")) for e in events)
    # and UIDs are stable from one read to the next, and unique
    uids = [str(e.get("uid")) for e in events]
    assert uids == [str(e.get("uid")) for e in _feed(token).walk("VEVENT")]
    assert len(set(uids)) == len(uids)


def test_a_marked_occurrence_shows_its_mark(org: Org, plans: Plans) -> None:
    occurrence = (
        plans.alpha_action.occurrences.filter(due_on__lt=timezone.localdate()).order_by("-due_on").first()
    )
    assert occurrence is not None
    services.mark_occurrence(occurrence=occurrence, status="done")
    token = services.rotate_calendar_token(user=org.kam_a)
    summaries = {str(e.get("uid")): str(e.get("summary")) for e in _feed(token).walk("VEVENT")}
    assert any(s.endswith("[Done]") for s in summaries.values())


def test_only_the_owner_s_actions_and_only_with_a_valid_token(org: Org, plans: Plans) -> None:
    south_token = services.rotate_calendar_token(user=org.kam_south)
    summaries = [str(e.get("summary")) for e in _feed(south_token).walk("VEVENT")]
    assert summaries and all("Southern Power" in s for s in summaries)
    assert Client().get("/plans/calendar/cal_not-a-real-token.ics").status_code == 404
    replaced = services.rotate_calendar_token(user=org.kam_south)
    assert Client().get(f"/plans/calendar/{south_token}.ics").status_code == 404
    _feed(replaced)
    services.set_plan_status(plan=plans.south, status=PlanStatus.CLOSED)
    assert _feed(replaced).walk("VEVENT") == []
