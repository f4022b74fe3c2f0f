"""On track, at risk, off track, and completion: the rules on numbers worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kamkit.plans import tracking
from kamkit.plans.choices import Track

D = dt.date


def test_elapsed_share_of_a_period() -> None:
    assert tracking.elapsed_share(D(2027, 1, 1), D(2027, 12, 31), D(2026, 12, 1)) == 0.0
    assert tracking.elapsed_share(D(2027, 1, 1), D(2027, 12, 31), D(2028, 1, 5)) == 1.0
    assert tracking.elapsed_share(D(2027, 1, 1), D(2027, 1, 11), D(2027, 1, 6)) == 0.5


def test_progress_share_in_both_directions() -> None:
    assert tracking.progress_share(Decimal(100), Decimal(200), Decimal(150)) == 0.5
    # a target below the baseline (fewer complaints): 40 -> 20, now 35 is a quarter of the way
    assert tracking.progress_share(Decimal(40), Decimal(20), Decimal(35)) == 0.25
    assert tracking.progress_share(Decimal(100), Decimal(200), Decimal(90)) == pytest.approx(-0.1)


@pytest.mark.parametrize(
    ("progress", "elapsed", "track"),
    [
        (0.40, 0.5, Track.ON_TRACK),  # exactly 10 points behind the clock
        (0.39, 0.5, Track.AT_RISK),
        (0.20, 0.5, Track.AT_RISK),  # exactly 30 points behind
        (0.19, 0.5, Track.OFF_TRACK),
        (1.20, 0.5, Track.ON_TRACK),
        (0.00, 0.0, Track.ON_TRACK),  # nothing expected yet
    ],
)
def test_track_rule(progress: float, elapsed: float, track: Track) -> None:
    assert tracking.track_of(progress, elapsed) == track


def test_objective_track_needs_every_value() -> None:
    common = {"start": D(2027, 1, 1), "due_on": D(2027, 1, 11), "today": D(2027, 1, 6)}
    assert tracking.objective_track(baseline=Decimal(0), target=Decimal(10), current=None, **common) == (
        Track.NOT_MEASURED,
        None,
    )
    assert tracking.objective_track(
        baseline=Decimal(0), target=Decimal(10), current=Decimal(3), **common
    ) == (
        Track.AT_RISK,
        0.3,
    )


def test_completion_counts_due_occurrences_and_leaves_skipped_out() -> None:
    today = D(2027, 3, 10)
    statuses = [
        ("done", D(2027, 3, 1)),
        ("done", D(2027, 3, 3)),
        ("skipped", D(2027, 3, 5)),
        ("missed", D(2027, 3, 7)),
        ("pending", D(2027, 3, 9)),  # overdue: counts as missed
        ("pending", D(2027, 3, 10)),  # due today, not marked yet: not counted
        ("done", D(2027, 3, 10)),  # due today and done: counted
        ("done", D(2027, 3, 12)),  # done ahead of time: counted when due
    ]
    result = tracking.completion(statuses, today)
    assert (result.due, result.done, result.skipped, result.missed) == (6, 3, 1, 2)
    assert result.rate == 3 / 5 and result.percent == 60
    assert tracking.completion([("pending", D(2027, 4, 1))], today).rate is None


def test_effective_state() -> None:
    today = D(2027, 3, 10)
    assert tracking.effective_state("pending", D(2027, 3, 9), today) == "overdue"
    assert tracking.effective_state("pending", D(2027, 3, 10), today) == "today"
    assert tracking.effective_state("pending", D(2027, 3, 11), today) == "upcoming"
    assert tracking.effective_state("done", D(2027, 3, 9), today) == "done"
