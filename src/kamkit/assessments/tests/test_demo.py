"""The demo 360: enough content for the reports and for Cronbach's alpha to show."""

from __future__ import annotations

import datetime as dt
from random import Random

import pytest

from kamkit.assessments import reports
from kamkit.assessments.models import Assessment, Campaign, RaterInvitation
from kamkit.core import demo

pytestmark = pytest.mark.django_db


def test_demo_builds_a_closed_360_with_enough_answers_for_alpha() -> None:
    demo.generate(demo.DemoSize(people=40, accounts=0, deals=0), seed=7, as_of=dt.date(2026, 11, 1))
    campaign = Campaign.objects.get()
    assert campaign.status == "closed" and campaign.benchmark is not None
    assert Assessment.objects.count() == 10
    relationships = set(RaterInvitation.objects.values_list("relationship", flat=True))
    assert relationships == {"self", "manager", "peer"}
    assert RaterInvitation.objects.filter(submitted_at__isnull=False).count() >= 30
    rows = reports.scale_quality(campaign.questionnaire)
    assert len(rows) == 6
    assert all(row.alpha_shown for row in rows)
    assert all(row.reliability.alpha is not None and row.reliability.alpha > 0.6 for row in rows)
    # peers are shown (at least three each), so every report has an "others" score to compare
    results = reports.results_for(list(Assessment.objects.select_related("campaign")))
    assert all(result.fit.overall is not None for result in results.values())


def test_a_tiny_organisation_gets_no_360() -> None:
    demo.generate(demo.DemoSize(people=6, accounts=0, deals=0), seed=3, as_of=dt.date(2026, 11, 1))
    assert not Campaign.objects.exists()


def test_the_360_ran_in_the_weeks_before_the_demos_day() -> None:
    # given a demo made as of a day that is not today
    day = dt.date(2027, 6, 15)
    size = demo.DemoSize(people=40, accounts=0, deals=0)
    demo.generate(size, seed=7, as_of=day)
    now = demo.DemoContext(size=size, seed=7, rng=Random(7), as_of=day).now
    # then it was launched 45 days before, due three weeks later, and answered before it closed
    campaign = Campaign.objects.get()
    assert campaign.launched_at == now - dt.timedelta(days=45)
    assert campaign.due_date == day - dt.timedelta(days=24)
    assert campaign.closed_at is not None and campaign.closed_at < now
    submitted = list(RaterInvitation.objects.values_list("submitted_at", flat=True))
    assert all(campaign.launched_at < moment < campaign.closed_at for moment in submitted if moment)
