"""Plan completeness, worked out by hand, and what is missing or stale in a real plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from kamkit.plans import queries, services
from kamkit.plans.choices import PlanStatus
from kamkit.plans.completeness import PlanSummary, completeness
from kamkit.plans.models import PlanSection
from kamkit.plans.tests.fixtures import Plans
from kamkit.users.tests.fixtures import Org


def full(**changes: object) -> PlanSummary:
    values: dict[str, object] = {
        "situation_written": True,
        "sections": {"Goal": True, "Risks": True, "Next steps": True},
        "objectives": ["Grow", "Widen"],
        "our_team": 2,
        "customer_team": 1,
        "linked_opportunities": 1,
        "days_since_review": 30,
        "plan_age_days": 200,
    }
    values.update(changes)
    return PlanSummary(**values)  # type: ignore[arg-type]


def test_a_complete_plan_scores_100() -> None:
    result = completeness(full())
    assert result.score == 100 and result.gaps == []


def test_an_empty_plan_names_everything_missing() -> None:
    result = completeness(
        PlanSummary(
            situation_written=False,
            sections={"Goal": False},
            objectives=[],
            plan_age_days=120,
            profile_missing=["SWOT"],
            profile_stale=["Company goals"],
        )
    )
    # profile: 6 of 8 sections fine -> 7.5 points; nothing else
    assert result.points["profile"] == 7.5
    assert result.score == 8  # 7.5 rounded half up
    assert [g.message for g in result.gaps] == [
        "Situation: not written yet.",
        "Goal: not written yet.",
        "No objectives yet.",
        "Team: nobody on our side named.",
        "Team: nobody on the customer's side named.",
        "No open opportunity is linked to an objective.",
        "Review: never reviewed (due every 90 days).",
        "Account profile: SWOT missing.",
        "Account profile: Company goals is stale.",
    ]


def test_partial_plan_points() -> None:
    result = completeness(
        full(
            sections={"Goal": True, "Risks": False, "Next steps": False},  # 2 of 4 written with the situation
            objectives=["Grow", "Widen", "Keep", "Train"],
            not_smart={"Keep": ["time-bound"]},  # 3 of 4 SMART
            without_actions=["Keep", "Train"],  # 2 of 4 with actions
            customer_team=0,
            days_since_review=120,
            plan_age_days=300,
            profile_stale=["SWOT", "Value chain"],  # 6 of 8
        )
    )
    # 12.5 + 15 + 11.25 + 5 + 5 + 5 + 0 + 7.5 = 61.25
    assert result.points == {
        "sections": 12.5,
        "objectives": 15,
        "smart": 11.25,
        "actions": 5,
        "team": 5,
        "opportunities": 5,
        "review": 0,
        "profile": 7.5,
    }
    assert result.score == 61
    assert "Keep: not SMART yet (time-bound missing)." in [g.message for g in result.gaps]
    assert "Review: last reviewed 120 days ago (due every 90 days)." in [g.message for g in result.gaps]


def test_a_young_plan_is_not_yet_due_for_review() -> None:
    assert completeness(full(days_since_review=None, plan_age_days=20)).points["review"] == 10


def test_stale_sections_earn_half_and_stale_measurements_are_named() -> None:
    # given a complete plan whose goal was written 200 days ago and whose "Grow" was measured 120 days ago
    result = completeness(full(stale_sections={"Goal": 200}, stale_measurements={"Grow": 120}))
    # then the goal earns half its share: 25 * (4 - 0.5) / 4 = 21.875 of the 25 section points
    assert result.points["sections"] == 21.875
    assert result.score == 97  # 96.875 rounded half up
    assert [g.message for g in result.gaps] == [
        "Goal: written 200 days ago and not touched since; check it still holds.",
        "Grow: last measured 120 days ago; record where it stands now.",
    ]
    # a section not written is missing, not stale
    unwritten = completeness(full(sections={"Goal": False}, stale_sections={"Goal": 200}))
    assert [g.message for g in unwritten.gaps] == ["Goal: not written yet."]


@pytest.mark.django_db
def test_plan_summary_finds_stale_sections_and_measurements(org: Org, plans: Plans) -> None:
    # given the alpha plan's goal written long ago and its objective measured long ago
    plan = plans.alpha
    services.save_section(plan=plan, key="goal", text="Be their first call.")
    services.save_section(plan=plan, key="risks", text="A new competitor.")
    long_ago = timezone.now() - dt.timedelta(days=settings.KAMKIT_PLAN_REVIEW_DAYS + 10)
    PlanSection.objects.filter(plan=plan, key="goal").update(updated_at=long_ago)
    services.record_progress(
        objective=plans.alpha_objective,
        current=Decimal(3),
        measured_on=timezone.localdate() - dt.timedelta(days=95),
    )
    # then both are named as stale, and the fresh section is not
    summary = queries.plan_summary(plan)
    assert summary.stale_sections == {"Goal": settings.KAMKIT_PLAN_REVIEW_DAYS + 10}
    assert summary.stale_measurements == {"Sell into two more divisions": 95}
    messages = [g.message for g in queries.plan_completeness(plan).gaps]
    assert "Goal: written 100 days ago and not touched since; check it still holds." in messages
    # and a closed plan is history: nothing in it goes stale
    services.set_plan_status(plan=plan, status=PlanStatus.CLOSED)
    closed = queries.plan_summary(plan)
    assert closed.stale_sections == {} and closed.stale_measurements == {}
