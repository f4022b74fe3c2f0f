"""The status report of an account, from its plan: the web page and the PDF carry the same parts."""

from __future__ import annotations

import re
import zlib
from decimal import Decimal

import pytest
from django.utils import timezone

from kamkit.plans import queries, services
from kamkit.plans.tests.fixtures import Plans
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)
    return b"".join(zlib.decompress(s) if s[:1] == b"x" else s for s in streams).decode("latin-1")


def test_the_pdf_carries_the_plan_its_figures_opportunities_team_and_latest_review(
    org: Org, plans: Plans
) -> None:
    # given the alpha plan with a goal, a measured objective, an opportunity, a team and a review
    plan = plans.alpha
    services.save_section(plan=plan, key="goal", text="Be their first call for forklifts.")
    services.record_progress(objective=plans.alpha_objective, current=Decimal(3))
    services.create_opportunity(
        plan=plan, name="Second site", amount=Decimal(25000), objective=plans.alpha_objective
    )
    services.add_member(plan=plan, side="ours", role="Delivery lead", user=org.kam_b)
    services.record_review(
        plan=plan,
        held_on=timezone.localdate(),
        decisions="Open the second site in spring",
        our_attendees=[org.kam_a],
    )
    client = signed_in(org.viewer)
    # when the report is opened on the web and as PDF
    page = client.get(f"/plans/{plan.pk}/report/").content.decode()
    response = client.get(f"/plans/{plan.pk}/report/?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    # then both carry the same parts and figures
    score = queries.plan_completeness(plan).score
    for expected in (
        "Status report: Alpha Industries",
        "Be their first call for forklifts.",
        "Sell into two more divisions",
        "Second site",
        "Delivery lead",
        "Open the second site in spring",
    ):
        assert expected in page, expected
        assert expected in text, expected
    assert f"Plan completeness: {score} / 100" in text
    assert "Latest review" in text and "What slipped" in text  # the weekly calls before today are overdue
