"""Once an interviewer submits their scorecard the interview has taken place: its time no longer
changes until the scorecard is reopened. And submitting the saved draft is a scorecard rule, in the
service, whichever way it is asked for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kamkit.core.errors import ConflictError, ServiceError
from kamkit.hiring import services
from kamkit.hiring.choices import InterviewStatus, Recommendation
from kamkit.hiring.models import Interview
from kamkit.hiring.tests.fixtures import ALL_FOUR, Hiring, score
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]

HELD = dt.datetime(2030, 3, 1, 10, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2030, 3, 2, 9, 0, tzinfo=dt.UTC)


def _held_and_submitted(hiring: Hiring) -> Interview:
    services.schedule_interview(interview=hiring.first, scheduled_at=HELD)
    return score(hiring.first, ALL_FOUR)


# Rescheduling -----------------------------------------------------------------------------------


def test_a_submitted_interview_is_not_rescheduled_until_its_scorecard_is_reopened(
    org: Org, hiring: Hiring
) -> None:
    interview = _held_and_submitted(hiring)
    with pytest.raises(ConflictError) as refused:
        services.schedule_interview(interview=interview, scheduled_at=LATER)
    assert "reopen the scorecard first" in refused.value.detail
    assert set(refused.value.errors) == {"scheduled_at"}
    with pytest.raises(ConflictError):
        services.schedule_interview(interview=interview, scheduled_at=None)
    interview.refresh_from_db()
    assert interview.scheduled_at == HELD
    # once reopened, it may move
    services.reopen_scorecard(interview=interview, by=org.north_manager, reason="Held again next day.")
    services.schedule_interview(interview=interview, scheduled_at=LATER)
    interview.refresh_from_db()
    assert interview.scheduled_at == LATER


def test_a_draft_interview_is_rescheduled_as_before(org: Org, hiring: Hiring) -> None:
    score(hiring.second, {"Planning": 3}, submit=False)
    services.schedule_interview(interview=hiring.second, scheduled_at=LATER)
    hiring.second.refresh_from_db()
    assert hiring.second.scheduled_at == LATER


def test_the_api_answers_409_and_the_page_says_why(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    interview = _held_and_submitted(hiring)
    moved = api_as(org.north_manager).patch(
        f"/hiring/interviews/{interview.pk}", {"scheduled_at": "2030-03-02T09:00:00Z"}
    )
    assert moved.status_code == 409 and "reopen the scorecard first" in moved.json()["detail"]
    page = signed_in(org.north_manager).post(
        f"/hiring/interviews/{interview.pk}/schedule/", {"scheduled_at": "2030-03-02 09:00"}, follow=True
    )
    assert "reopen the scorecard first" in page.content.decode()
    interview.refresh_from_db()
    assert interview.scheduled_at == HELD
    # those who do not run the position are still refused before any of that
    assert (
        api_as(org.kam_b).patch(f"/hiring/interviews/{interview.pk}", {"scheduled_at": None}).status_code
        == 403
    )


# Submitting the saved draft ----------------------------------------------------------------------


def test_the_saved_draft_is_submitted_as_it_stands(org: Org, hiring: Hiring) -> None:
    score(hiring.first, ALL_FOUR, submit=False, recommendation=Recommendation.NO)
    before = {(r.competency_id, r.rating) for r in hiring.first.ratings.all()}
    submitted = services.submit_draft(interview=hiring.first, by=org.interviewer)
    assert submitted.status == InterviewStatus.SUBMITTED and submitted.submitted_at is not None
    assert {(r.competency_id, r.rating) for r in submitted.ratings.all()} == before
    assert (submitted.recommendation, submitted.summary) == (Recommendation.NO, "Solid examples.")


def test_an_incomplete_draft_is_refused_naming_what_is_missing(org: Org, hiring: Hiring) -> None:
    score(hiring.first, {"Planning": 3}, submit=False)
    with pytest.raises(ServiceError) as refused:
        services.submit_draft(interview=hiring.first, by=org.interviewer)
    assert "missing: Listening, Follow-through" in refused.value.errors[""][0]
    hiring.first.refresh_from_db()
    assert hiring.first.status == InterviewStatus.ASSIGNED
    # and nobody but the interviewer submits it
    score(hiring.first, ALL_FOUR, submit=False)
    with pytest.raises(ConflictError, match="Only the interviewer"):
        services.submit_draft(interview=hiring.first, by=org.north_manager)


def test_the_api_submits_the_saved_draft_for_an_empty_body(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    api = api_as(org.interviewer)
    score(hiring.first, {"Planning": 3}, submit=False)
    incomplete = api.post(f"/hiring/interviews/{hiring.first.pk}/scorecard/submit", {})
    assert incomplete.status_code == 400
    assert "missing: Listening, Follow-through" in str(incomplete.json()["errors"])
    score(hiring.first, ALL_FOUR, submit=False)
    done = api.post(f"/hiring/interviews/{hiring.first.pk}/scorecard/submit", {})
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert {r["rating"] for r in done.json()["ratings"]} == set(ALL_FOUR.values())
    hiring.first.refresh_from_db()
    stored = hiring.first.submitted_at
    assert stored is not None  # the API shows the stored moment, to the millisecond
    assert abs(stored - dt.datetime.fromisoformat(done.json()["submitted_at"])) < dt.timedelta(milliseconds=1)
