"""Two things a hiring manager asks for: giving a submitted scorecard back to its interviewer (with
the reason, kept in its history), and reminding interviewers whose scorecards are still open the
day after the interview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from kamkit.core.audit import acting_as
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.core.queries import history_of
from kamkit.hiring import queries, services
from kamkit.hiring.choices import InterviewStatus, Outcome, Stage
from kamkit.hiring.tasks import send_scorecard_reminders
from kamkit.hiring.tests.fixtures import ALL_FOUR, Hiring, score
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


# Reopening a submitted scorecard ----------------------------------------------------------------------


def test_the_hiring_manager_reopens_a_scorecard_with_a_reason_kept_in_its_history(
    org: Org, hiring: Hiring
) -> None:
    # given both interviewers submitted
    score(hiring.first, ALL_FOUR)
    score(hiring.second, ALL_FOUR)
    # when the hiring manager gives the first scorecard back
    with acting_as(org.north_manager):
        services.reopen_scorecard(
            interview=hiring.first, by=org.north_manager, reason="The notes on planning stop mid-answer."
        )
    hiring.first.refresh_from_db()
    # then it is open again, with who, when and why on it and in its history
    assert hiring.first.status == InterviewStatus.ASSIGNED and hiring.first.submitted_at is None
    assert hiring.first.reopened_by == org.north_manager and hiring.first.reopened_at is not None
    entry = history_of(hiring.first).first()
    assert entry is not None and entry.actor_label == org.north_manager.email
    assert entry.changes["status"] == ["submitted", "assigned"]
    assert entry.changes["reopen_reason"] == ["", "The notes on planning stop mid-answer."]
    # its ratings are kept for the interviewer to change, and out of the panel's figures meanwhile
    assert hiring.first.ratings.count() == 3
    summary = queries.panel_summary(org.north_manager, hiring.application)
    assert [c.interviewer for c in summary.columns] == [org.kam_b]
    # and its interviewer is back under the independence rule until they submit again
    assert {i.pk for i in queries.readable_scorecards(org.interviewer, hiring.application)} == {
        hiring.first.pk
    }
    score(hiring.first, {"Planning": 3, "Listening": 3, "Follow-through": 4})
    hiring.first.refresh_from_db()
    assert (
        hiring.first.is_submitted and hiring.first.reopen_reason == "The notes on planning stop mid-answer."
    )


def test_reopening_is_checked(org: Org, hiring: Hiring) -> None:
    with pytest.raises(ConflictError, match="not submitted"):
        services.reopen_scorecard(interview=hiring.first, by=org.north_manager, reason="x")
    score(hiring.first, ALL_FOUR)
    with pytest.raises(ServiceError) as silent:
        services.reopen_scorecard(interview=hiring.first, by=org.north_manager, reason="  ")
    assert "reason" in silent.value.errors
    with pytest.raises(ConflictError, match="your own scorecard"):
        services.reopen_scorecard(interview=hiring.first, by=org.interviewer, reason="I changed my mind.")
    services.record_decision(
        application=hiring.application,
        outcome=Outcome.REJECT,
        reason="Not now.",
        decided_by=org.north_manager,
    )
    with pytest.raises(ConflictError, match="reopen the application"):
        services.reopen_scorecard(interview=hiring.first, by=org.north_manager, reason="Recheck.")
    hiring.first.refresh_from_db()
    assert hiring.first.is_submitted


def test_reopening_on_the_page_and_through_the_api(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    score(hiring.first, ALL_FOUR)
    url = f"/hiring/interviews/{hiring.first.pk}/reopen/"
    # interviewers may not, outsiders do not even see it
    assert signed_in(org.kam_b).post(url, {"reason": "x"}).status_code == 403
    assert signed_in(org.kam_a).post(url, {"reason": "x"}).status_code == 404
    assert (
        api_as(org.kam_b)
        .post(f"/hiring/interviews/{hiring.first.pk}/scorecard/reopen", {"reason": "x"})
        .status_code
        == 403
    )
    # a refusal says why, on the page and as JSON
    manager = signed_in(org.north_manager)
    refused = manager.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Say why the scorecard is reopened" in refused
    empty = api_as(org.north_manager).post(
        f"/hiring/interviews/{hiring.first.pk}/scorecard/reopen", {"reason": ""}
    )
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "reason"
    # the hiring manager reopens it from the application page, which then says so
    page = manager.post(url, {"reason": "Ratings and notes disagree."}, follow=True).content.decode()
    assert "open again" in page and "Ratings and notes disagree." in page
    hiring.first.refresh_from_db()
    assert hiring.first.status == InterviewStatus.ASSIGNED
    assert (
        "Ratings and notes disagree."
        in signed_in(org.interviewer).get(f"/hiring/interviews/{hiring.first.pk}/").content.decode()
    )
    # and through the API once resubmitted and reopened again
    score(hiring.first, ALL_FOUR)
    reopened = api_as(org.director).post(
        f"/hiring/interviews/{hiring.first.pk}/scorecard/reopen", {"reason": "One more look at listening."}
    )
    assert reopened.status_code == 200 and reopened.json()["status"] == "assigned"
    assert reopened.json()["reopened_by"]["id"] == org.director.pk
    assert reopened.json()["reopen_reason"] == "One more look at listening."


# Reminders -----------------------------------------------------------------------------------------


def at(days: int, hour: int = 10) -> dt.datetime:
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_interviewers_are_reminded_once_a_day_after_the_interview(org: Org, hiring: Hiring) -> None:
    # given the first interviewer met Casey yesterday, the second meets her tomorrow
    services.schedule_interview(interview=hiring.first, scheduled_at=at(-1))
    services.schedule_interview(interview=hiring.second, scheduled_at=at(1))
    mail.outbox.clear()
    # when the daily reminders run
    assert send_scorecard_reminders.call() == 1
    # then only the first is reminded, with the link to their scorecard
    (message,) = mail.outbox
    assert message.to == [org.interviewer.email]
    assert message.subject == "Reminder: your scorecard is still open"
    assert f"/hiring/interviews/{hiring.first.pk}/" in message.body and "Casey Candidate" in message.body
    # and not again the same day
    assert send_scorecard_reminders.call() == 0
    # the next day they are, unless they submitted meanwhile
    hiring.first.refresh_from_db()
    assert queries.reminders_due(now=timezone.now() + dt.timedelta(days=1)) == {
        org.interviewer: [hiring.first]
    }
    score(hiring.first, ALL_FOUR)
    assert queries.reminders_due(now=timezone.now() + dt.timedelta(days=1)) == {}


def test_no_reminder_for_an_unscheduled_interview_or_a_closed_application(org: Org, hiring: Hiring) -> None:
    # an interview with no date is never chased
    assert queries.reminders_due(now=timezone.now() + dt.timedelta(days=30)) == {}
    # nor one whose candidate is no longer in the running
    services.schedule_interview(interview=hiring.first, scheduled_at=at(-3))
    services.move_stage(
        application=hiring.application, to_stage=Stage.WITHDRAWN, changed_by=org.north_manager
    )
    assert queries.reminders_due() == {}


def test_one_email_lists_every_open_scorecard_of_an_interviewer(org: Org, hiring: Hiring) -> None:
    from kamkit.hiring.tests.fixtures import add_candidate

    other = add_candidate(org, hiring.opening, "Dana Doe")
    second = services.assign_interviewer(
        application=other, interviewer=org.interviewer, assigned_by=org.north_manager, scheduled_at=at(-2)
    )
    services.schedule_interview(interview=hiring.first, scheduled_at=at(-1))
    mail.outbox.clear()
    assert send_scorecard_reminders.call() == 1
    (message,) = mail.outbox
    assert message.subject == "Reminder: 2 scorecards are still open"
    assert (
        f"/hiring/interviews/{second.pk}/" in message.body
        and f"/hiring/interviews/{hiring.first.pk}/" in message.body
    )
    # the reminder is bookkeeping: it leaves the interviews' history alone
    assert not any("reminded_at" in e.changes for e in history_of(hiring.first))
