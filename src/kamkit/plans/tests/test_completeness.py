"""Plan completeness, worked out by hand."""

from __future__ import annotations

from kamkit.plans.completeness import PlanSummary, completeness


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
