"""Daily jobs queued by the worker: the plans digest, assessment reminders.

Django's tasks framework runs queued work but has no clock. ``settings.KAMKIT_SCHEDULE`` names
each daily job, its task and the local time it is due; ``queue_due_jobs`` (called by
``kamkit worker`` every half minute, and once by ``kamkit worker --once`` for cron users) queues
every job whose time has passed today and that nobody queued today. The last day per job is kept
in ``ScheduledJob`` and read under a row lock, so two workers never queue the same job twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from kamkit.core.models import ScheduledJob

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 30.0


@dataclass(frozen=True)
class DailyJob:
    name: str
    task_path: str
    at: dt.time


def daily_jobs() -> list[DailyJob]:
    jobs = []
    for name, entry in settings.KAMKIT_SCHEDULE.items():
        hours, minutes = (int(part) for part in str(entry["at"]).split(":"))
        jobs.append(DailyJob(name=name, task_path=entry["task"], at=dt.time(hours, minutes)))
    return jobs


def is_due(job: DailyJob, *, local_now: dt.datetime, last_queued_on: dt.date | None) -> bool:
    """Due once its time has passed today, unless it was already queued today.

    A worker that was down at the job's time queues it when it comes back the same day; a day
    the worker was down all day is not made up (a digest of yesterday helps nobody).
    """
    if local_now.time() < job.at:
        return False
    return last_queued_on is None or last_queued_on < local_now.date()


def queue_due_jobs(*, now: dt.datetime | None = None) -> list[str]:
    """Queue every due job once; return the names queued."""
    local_now = timezone.localtime(now or timezone.now())
    queued = []
    for job in daily_jobs():
        with transaction.atomic():
            ScheduledJob.objects.get_or_create(name=job.name)
            state = ScheduledJob.objects.select_for_update().get(name=job.name)
            if not is_due(job, local_now=local_now, last_queued_on=state.last_queued_on):
                continue
            task: Any = import_string(job.task_path)
            state.last_queued_on = local_now.date()
            state.last_queued_at = local_now
            state.save(update_fields=["last_queued_on", "last_queued_at"])
            transaction.on_commit(task.enqueue)
        queued.append(job.name)
        log.info("queued daily job %s", job.name)
    return queued


def run_in_background(stop: threading.Event, *, every: float = CHECK_EVERY_SECONDS) -> threading.Thread:
    """Start a daemon thread that queues due jobs until ``stop`` is set (used by ``kamkit worker``)."""

    def loop() -> None:
        while not stop.is_set():
            try:
                queue_due_jobs()
            except Exception:  # a database hiccup must not stop the worker; try again next round
                log.exception("could not queue the daily jobs")
            finally:
                close_old_connections()
            stop.wait(every)

    thread = threading.Thread(target=loop, name="kamkit-schedule", daemon=True)
    thread.start()
    return thread
