"""The demo 360: enough content for the reports and for Cronbach's alpha to show."""

from __future__ import annotations

import pytest

from kamkit.assessments import reports
from kamkit.assessments.models import Assessment, Campaign, RaterInvitation
from kamkit.core import demo

pytestmark = pytest.mark.django_db


def test_demo_builds_a_closed_360_with_enough_answers_for_alpha() -> None:
    demo.generate(demo.DemoSize(people=40, accounts=0, deals=0), seed=7)
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
    demo.generate(demo.DemoSize(people=6, accounts=0, deals=0), seed=3)
    assert not Campaign.objects.exists()
