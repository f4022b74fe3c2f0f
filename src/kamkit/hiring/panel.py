"""The panel's numbers for one candidate: plain functions on plain values, no models.

Per competency over the submitted scorecards: the mean, lowest and highest rating, the range
(highest minus lowest) and the sample standard deviation (dividing by n - 1; none below two
ratings). A range of ``DISCUSS_RANGE`` points or more is flagged for discussion: two interviewers
that far apart saw different evidence. The panel mean maps to 0-100 exactly like an assessment
mean (``(mean - 1) / 4 * 100``), so it can be held against the benchmark bands with the same
``benchmark_fit`` the assessment reports use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kamkit.assessments import scoring

DISCUSS_RANGE = 2


@dataclass(frozen=True)
class Spread:
    count: int
    mean: float | None
    minimum: int | None
    maximum: int | None
    sd: float | None

    @property
    def range(self) -> int | None:
        if self.minimum is None or self.maximum is None:
            return None
        return self.maximum - self.minimum

    @property
    def discuss(self) -> bool:
        return self.range is not None and self.range >= DISCUSS_RANGE

    @property
    def percent(self) -> float | None:
        return scoring.to_percent(self.mean) if self.mean is not None else None


def spread(ratings: Sequence[int]) -> Spread:
    """Mean, extremes and sample standard deviation of one competency's ratings."""
    if not ratings:
        return Spread(0, None, None, None, None)
    mean = sum(ratings) / len(ratings)
    sd = (
        math.sqrt(sum((value - mean) ** 2 for value in ratings) / (len(ratings) - 1))
        if len(ratings) >= 2
        else None
    )
    return Spread(len(ratings), mean, min(ratings), max(ratings), sd)


def panel_fit(means: Mapping[int, float | None], bands: Mapping[int, scoring.Band]) -> scoring.BenchmarkFit:
    """Fit of the panel's means (1-5, by framework competency id) with the benchmark bands."""
    return scoring.benchmark_fit(
        {key: scoring.to_percent(mean) if mean is not None else None for key, mean in means.items()},
        bands,
    )


def recommendation_counts(recommendations: Sequence[str], order: Sequence[str]) -> list[tuple[str, int]]:
    """How many interviewers gave each recommendation, in the order given (zeros included)."""
    return [(choice, sum(1 for given in recommendations if given == choice)) for choice in order]
