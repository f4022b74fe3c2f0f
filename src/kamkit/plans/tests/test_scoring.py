"""Qualification totals and the per-round fit profile, worked out by hand."""

from __future__ import annotations

import pytest

from kamkit.plans.scoring import score_profile

ROUNDS = ["Need", "Practicalities", "The person"]


def test_totals_and_round_means() -> None:
    answers = [(1, 5), (1, 4), (1, 3), (2, 2), (2, 2), (2, None), (3, 5), (3, 4)]
    profile = score_profile(answers, ROUNDS)
    assert (profile.total, profile.maximum, profile.scored, profile.questions) == (25, 40, 7, 8)
    assert [(r.name, r.questions, r.scored, r.total, r.mean) for r in profile.rounds] == [
        ("Need", 3, 3, 12, 4.0),
        ("Practicalities", 3, 2, 4, 2.0),  # the unanswered question is left out of the mean
        ("The person", 2, 2, 9, 4.5),
    ]
    assert profile.mean == 25 / 7 and not profile.complete


def test_an_empty_scorecard_and_a_round_without_questions() -> None:
    profile = score_profile([(1, None), (1, None)], ROUNDS)
    assert profile.total == 0 and profile.mean is None
    assert [r.mean for r in profile.rounds] == [None, None, None]
    assert [r.questions for r in profile.rounds] == [2, 0, 0]


def test_scores_outside_1_to_5_are_refused() -> None:
    with pytest.raises(ValueError, match="from 1 to 5"):
        score_profile([(1, 6)], ROUNDS)
