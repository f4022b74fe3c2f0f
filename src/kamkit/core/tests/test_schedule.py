"""Daily jobs: due once their local time has passed, queued once a day whoever asks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from kamkit.config import env
from kamkit.core import schedule
from kamkit.core.models import ScheduledJob
from kamkit.core.tests import scheduled_tasks

JOB = schedule.DailyJob(name="digest", task_path="x", at=dt.time(7, 0))
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def runs() -> Iterator[list[str]]:
    scheduled_tasks.RUNS.clear()
    yield scheduled_tasks.RUNS
    scheduled_tasks.RUNS.clear()


@pytest.mark.parametrize(
    ("local_now", "last_queued_on", "due"),
    [
        (dt.datetime(2026, 11, 23, 6, 59), None, False),  # not yet its time
        (dt.datetime(2026, 11, 23, 7, 0), None, True),  # its time, never queued
        (dt.datetime(2026, 11, 23, 7, 0), dt.date(2026, 11, 23), False),  # already queued today
        (dt.datetime(2026, 11, 23, 18, 0), dt.date(2026, 11, 22), True),  # worker back later that day
        (dt.datetime(2026, 11, 24, 6, 0), dt.date(2026, 11, 23), False),  # next day, before its time
    ],
)
def test_a_daily_job_is_due_once_its_time_has_passed_unless_queued_today(
    local_now: dt.datetime, last_queued_on: dt.date | None, due: bool
) -> None:
    assert schedule.is_due(JOB, local_now=local_now, last_queued_on=last_queued_on) is due


SCHEDULE = {"test-job": {"task": "kamkit.core.tests.scheduled_tasks.record_run", "at": "07:00"}}


@pytest.mark.django_db
@override_settings(KAMKIT_SCHEDULE=SCHEDULE, TIME_ZONE="Europe/Berlin")
def test_a_due_job_is_queued_and_run_once_a_day(
    runs: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    # given 07:30 in Berlin (06:30 UTC)
    morning = dt.datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN)
    # when two workers ask in the same minute
    with django_capture_on_commit_callbacks(execute=True):
        first = schedule.queue_due_jobs(now=morning)
    with django_capture_on_commit_callbacks(execute=True):
        second = schedule.queue_due_jobs(now=morning + dt.timedelta(seconds=30))
    # then the job is queued (and, with the immediate backend, run) once
    assert first == ["test-job"]
    assert second == []
    assert runs == ["ran"]
    state = ScheduledJob.objects.get(name="test-job")
    assert state.last_queued_on == dt.date(2026, 11, 23)
    # and the next day it is due again after 07:00 local time, not before
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.queue_due_jobs(now=dt.datetime(2026, 11, 24, 6, 30, tzinfo=BERLIN)) == []
        assert schedule.queue_due_jobs(now=dt.datetime(2026, 11, 24, 7, 1, tzinfo=BERLIN)) == ["test-job"]
    assert runs == ["ran", "ran"]


@pytest.mark.django_db
@override_settings(KAMKIT_SCHEDULE=SCHEDULE, TIME_ZONE="Europe/Berlin")
def test_the_local_time_zone_decides_when_a_job_is_due(runs: list[str]) -> None:
    # 06:30 UTC is 07:30 in Berlin in winter: due there, though not yet 07:00 in UTC
    assert schedule.queue_due_jobs(now=dt.datetime(2026, 11, 23, 6, 30, tzinfo=dt.UTC)) == ["test-job"]


def test_the_shipped_schedule_names_real_tasks() -> None:
    from django.utils.module_loading import import_string

    jobs = schedule.daily_jobs()
    assert {job.name for job in jobs} == {"plans-digest", "assessment-reminders", "scorecard-reminders"}
    for job in jobs:
        assert callable(import_string(job.task_path).enqueue)


@pytest.mark.parametrize(
    ("raw", "expected"), [("7:05", "07:05"), ("23:59", "23:59"), ("off", None), ("", "07:00")]
)
def test_times_of_day_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: str | None
) -> None:
    monkeypatch.setenv("KAMKIT_TEST_AT", raw)
    assert env.env_time_of_day("KAMKIT_TEST_AT", "07:00") == expected


@pytest.mark.parametrize("raw", ["7", "25:00", "07:60", "seven", "07:5"])
def test_a_wrong_time_of_day_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("KAMKIT_TEST_AT", raw)
    with pytest.raises(env.ConfigurationError, match="KAMKIT_TEST_AT"):
        env.env_time_of_day("KAMKIT_TEST_AT", "07:00")
