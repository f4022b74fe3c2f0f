"""Account health: the formula on inputs worked out by hand, re-normalisation and the unknown case."""

from __future__ import annotations

import pytest

from kamkit.accounts.health import FORMULA, HealthInputs, band_of, compute_health, round_half_up


def inputs(
    mean: float | None = None,
    count: int = 0,
    days: int | None = None,
    issues: dict[str, int] | None = None,
    plan: float | None = None,
) -> HealthInputs:
    return HealthInputs(
        feedback_scores_mean=mean,
        feedback_count=count,
        days_since_contact=days,
        open_issues=issues,
        plan_progress=plan,
    )


def values(health_inputs: HealthInputs) -> list[float | None]:
    return [c.value for c in compute_health(health_inputs).components]


def test_all_four_components() -> None:
    # given feedback 8.0 from 5 answers, last contact 52 days ago, one low and one high issue open,
    # and 60% of the plan done
    health = compute_health(inputs(8.0, 5, 52, {"low": 1, "high": 1}, 0.6))
    # then feedback 80; contact 100 * (90 - 52) / 76 = 50; issues 100 - 5 - 25 = 70; plan 60
    assert [c.name for c in health.components] == [
        "Customer feedback",
        "Contact recency",
        "Open issues",
        "Plan progress",
    ]
    assert [c.value for c in health.components] == [80.0, 50.0, 70.0, 60.0]
    assert [c.weight for c in health.components] == [35, 25, 25, 15]
    assert [c.share for c in health.components] == [0.35, 0.25, 0.25, 0.15]
    # and (35 * 80 + 25 * 50 + 25 * 70 + 15 * 60) / 100 = 6700 / 100 = 67: watch
    assert (health.score, health.band) == (67, "watch")
    assert health.formula == FORMULA


def test_missing_feedback_spreads_its_weight_over_the_rest() -> None:
    # given no feedback, contact 52 days ago (50), no open issues (100), a quarter of the plan (25)
    health = compute_health(inputs(None, 0, 52, {}, 0.25))
    # then (25 * 50 + 25 * 100 + 15 * 25) / 65 = 4125 / 65 = 63.46: 63, watch
    assert (health.score, health.band) == (63, "watch")
    feedback, contact, issues, plan = health.components
    assert feedback.value is None and feedback.share is None
    assert feedback.explanation == "No feedback scores in the last 12 months."
    assert contact.share == pytest.approx(25 / 65) and plan.share == pytest.approx(15 / 65)
    assert issues.explanation == "No open issues."


def test_missing_plan_and_never_contacted() -> None:
    # given feedback 6.5 from 2 answers (65), never contacted (0), one critical and one medium issue
    # (100 - 40 - 10 = 50) and no plan
    health = compute_health(inputs(6.5, 2, None, {"critical": 1, "medium": 1}, None))
    # then (35 * 65 + 25 * 0 + 25 * 50) / 85 = 3525 / 85 = 41.47: 41, at risk
    assert values(inputs(6.5, 2, None, {"critical": 1, "medium": 1}, None)) == [65.0, 0.0, 50.0, None]
    assert (health.score, health.band) == (41, "at risk")
    assert health.components[1].explanation == "Never contacted."
    assert health.components[2].explanation == "Open issues: 1 medium, 1 critical (minus 50)."


def test_the_score_rounds_half_up() -> None:
    # given only contact 33 days ago (100 * 57 / 76 = 75) and one low and one high issue (70)
    health = compute_health(inputs(days=33, issues={"low": 1, "high": 1}))
    # then (25 * 75 + 25 * 70) / 50 = 72.5, rounded half up to 73 (Python's round() gives 72)
    assert (health.score, health.band) == (73, "healthy")


def test_unknown_with_fewer_than_two_components() -> None:
    # given a contact 3 days ago and nothing else known
    health = compute_health(inputs(days=3))
    # then one component alone gives no score, but the parts are still shown
    assert (health.score, health.band) == (None, "unknown")
    assert [c.value for c in health.components] == [None, 100.0, None, None]
    assert all(c.share is None for c in health.components)


def test_a_mean_without_answers_is_no_feedback() -> None:
    # given a mean of 9 but no answers counted, never contacted, and no issue data
    health = compute_health(inputs(9.0, 0, None, None, None))
    # then only contact recency has data
    assert health.band == "unknown"
    assert health.components[0].value is None


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (-2, 100.0),
        (0, 100.0),
        (14, 100.0),
        (15, 100 * 75 / 76),
        (52, 50.0),
        (89, 100 / 76),
        (90, 0.0),
        (365, 0.0),
    ],
)
def test_contact_recency_falls_linearly_from_14_to_90_days(days: int, expected: float) -> None:
    assert values(inputs(days=days, issues={}))[1] == pytest.approx(expected)


def test_open_issues_bottom_out_at_zero() -> None:
    # given three critical issues: 100 - 3 * 40 = -20, floored at 0; unknown severities are ignored
    assert values(inputs(days=1, issues={"critical": 3, "urgent": 9}))[2] == 0.0
    assert values(inputs(days=1, issues={"low": 2, "medium": 1, "high": 1, "critical": 1}))[2] == 15.0


def test_out_of_range_inputs_are_clamped() -> None:
    # given a mean above 10 and plan progress above 1
    assert values(inputs(12.0, 3, 1, {}, 1.4)) == [100.0, 100.0, 100.0, 100.0]
    assert values(inputs(-1.0, 3, 1, {}, -0.5))[::3] == [0.0, 0.0]


def test_bands() -> None:
    assert [band_of(s) for s in (100, 70, 69, 45, 44, 0, None)] == [
        "healthy",
        "healthy",
        "watch",
        "watch",
        "at risk",
        "at risk",
        "unknown",
    ]


def test_round_half_up_ignores_float_noise() -> None:
    # 1.005 * 100 is 100.49999999999999 in floating point, but 100.5 in arithmetic
    assert [round_half_up(x) for x in (72.5, 0.5, 41.49, 1.005 * 100)] == [73, 1, 41, 101]


def test_the_formula_is_spelled_out() -> None:
    for part in ("feedback 35", "recency 25", "issues 25", "progress 15", "90 days", "unknown", "45 to 69"):
        assert part in FORMULA


def test_an_account_nobody_has_been_in_touch_with_is_unknown_not_50() -> None:
    # given never contacted, no feedback, no open issues and no plan: before, contact 0 and issues
    # 100 made (25 * 0 + 25 * 100) / 50 = 50, "watch", for a customer we know nothing about
    health = compute_health(inputs(None, 0, None, {}, None))
    # then there is no number, and the reason says what is missing
    assert (health.score, health.band, health.label) == (None, "unknown", "Unknown: not enough data")
    assert values(inputs(None, 0, None, {}, None)) == [None, 0.0, None, None]
    assert health.components[2].explanation == (
        "No open issues, but nobody has been in touch: that says nothing yet."
    )
    assert health.reason == (
        "Not enough data: 1 of 4 parts known, at least 2 needed. "
        "no feedback scores in the last 12 months; never contacted; "
        "no open issues, but nobody has been in touch: that says nothing yet; no account plan to measure."
    )


def test_never_contacted_still_counts_once_there_is_other_evidence() -> None:
    # given never contacted and no feedback, but an open high issue (100 - 25 = 75) and no plan
    health = compute_health(inputs(None, 0, None, {"high": 1}, None))
    # then (25 * 0 + 25 * 75) / 50 = 37.5, rounded half up to 38: at risk
    assert (health.score, health.band, health.reason) == (38, "at risk", "")
    # and with a plan a third done instead of issues: (25 * 0 + 15 * 33.3...) / 40 = 12.5: 13
    planned = compute_health(inputs(None, 0, None, {}, 1 / 3))
    assert (planned.score, planned.band, planned.label) == (13, "at risk", "At risk")
    # and one feedback answer of 7 with no issues: (35 * 70 + 25 * 0 + 25 * 100) / 85 = 58.2: 58
    answered = compute_health(inputs(7.0, 1, None, {}, None))
    assert (answered.score, answered.band) == (58, "watch")
