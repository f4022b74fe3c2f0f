"""The daily digest: one e-mail per owner with overdue and coming actions, at most once a day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from kamkit.config import cli
from kamkit.plans import services, tasks
from kamkit.plans.choices import PlanStatus
from kamkit.plans.tests.fixtures import Plans
from kamkit.users import services as user_services
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db


def test_each_owner_gets_one_digest_a_day(org: Org, plans: Plans) -> None:
    # given kam_a and kam_south with weekly actions started 100 days ago (many overdue)
    mail.outbox.clear()
    # when the digest task runs
    assert tasks.send_daily_digests.enqueue().return_value == 2
    # then each owner gets one e-mail listing what is overdue and due this week
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {org.kam_a.email, org.kam_south.email}
    body = by_person[org.kam_a.email].body
    today = timezone.localdate()
    overdue = plans.alpha_action.occurrences.filter(due_on__lt=today).count()
    assert f"Overdue ({overdue})" in body and "Call the sponsor (Alpha Industries, FY-test)" in body
    assert "Due in the coming week (1)" in body
    assert f"/plans/?owner={org.kam_a.pk}" in body
    assert by_person[org.kam_a.email].subject.startswith(f"kamkit: {overdue} overdue")
    # and running it again the same day sends nothing more
    assert tasks.send_daily_digests.enqueue().return_value == 0
    assert len(mail.outbox) == 2


def test_nothing_for_closed_plans_inactive_people_or_done_work(org: Org, plans: Plans) -> None:
    mail.outbox.clear()
    services.set_plan_status(plan=plans.south, status=PlanStatus.CLOSED)
    user_services.update_user(
        actor=org.admin, user=org.kam_a, changes=user_services.UserChanges(is_active=False)
    )
    assert tasks.send_daily_digests.enqueue().return_value == 0
    assert mail.outbox == []


def test_digest_to_one_person_needs_something_to_say(org: Org, plans: Plans) -> None:
    today = timezone.localdate()
    for occurrence in plans.alpha_action.occurrences.filter(due_on__lte=today + dt.timedelta(days=6)):
        services.mark_occurrence(occurrence=occurrence, status="done")
    assert tasks.send_digest_to(org.kam_a, on=today) is False


def test_the_command_line_queues_the_digest(
    org: Org, plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    mail.outbox.clear()
    assert cli.main(["plans", "digest"]) == 0
    assert "plans digest sent to 2 people" in capsys.readouterr().out  # tests run tasks at once
    assert len(mail.outbox) == 2
