"""How far a panel of interviewers agrees: plain functions on plain numbers, no models.

A ratings table has one row per *unit* (a competency of one candidate) and one column per *rater*
(an interviewer); ``None`` is a rating not given.

**Krippendorff's alpha** (the method kamkit shows first) compares the disagreement observed inside
units with the disagreement expected by chance among all ratings given::

    alpha = 1 - D_o / D_e

Only units rated by two raters or more are *pairable*. Each pairable unit ``u`` with ``m_u`` ratings
adds, for every ordered pair of ratings (c, k) from two different raters, ``1 / (m_u - 1)`` to the
coincidence count ``o[c][k]``; ``n_c`` is the row total of ``o`` and ``n`` the grand total (the
number of pairable ratings). Then::

    D_o = sum over c, k of o[c][k] * delta(c, k)        (divided by n)
    D_e = sum over c, k of n_c * n_k * delta(c, k) / (n - 1)   (divided by n)

so ``alpha = 1 - (n - 1) * sum o[c][k] delta(c, k) / sum n_c n_k delta(c, k)``. The *interval*
metric is ``delta(c, k) = (c - k)^2``; the *ordinal* metric uses ranks:
``delta(c, k) = (sum of n_g for g from c to k - (n_c + n_k) / 2)^2``. Alpha handles any number of
raters and missing ratings. It is 1 for perfect agreement, 0 for agreement no better than chance,
and negative when interviewers disagree more than chance would make them. It is undefined (None)
with fewer than two pairable ratings (one interviewer, or no competency rated by two), and when
every pairable rating is the same value: then D_o and D_e are both 0, and 0/0 is not 1. A panel
that gives 4 everywhere does agree, but nothing tells that agreement from what chance would give
with no spread at all, so kamkit shows no figure and says why rather than a perfect score.
Missing cells simply leave a unit with fewer pairable ratings (a unit with one rating drops out).

kamkit reads the 1-5 ratings with the *interval* metric: the rating guide's steps are written as
equal steps, panel means and the benchmark fit already treat them as numbers, and the ordinal
metric's distances depend on how often each value was used, which swings with a handful of ratings.

**ICC(2,1)** (Shrout and Fleiss): two-way random effects, absolute agreement, single rater, for a
complete table of ``n`` units by ``k`` raters, from the two-way analysis of variance::

    ICC(2,1) = (BMS - EMS) / (BMS + (k - 1) * EMS + k * (JMS - EMS) / n)

with BMS the between-units mean square, JMS the between-raters mean square and EMS the residual
mean square. It needs two units and two raters at least, and every cell filled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Metric = Literal["interval", "ordinal"]
Table = Sequence[Sequence[float | None]]

ALPHA = "Krippendorff's alpha (interval)"
ICC = "ICC(2,1): two-way random, absolute agreement, single rater"


def _pairable(table: Table) -> list[list[float]]:
    return [values for values in ([v for v in row if v is not None] for row in table) if len(values) >= 2]


def _coincidences(units: list[list[float]]) -> dict[tuple[float, float], float]:
    counts: dict[tuple[float, float], float] = {}
    for values in units:
        weight = 1 / (len(values) - 1)
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    counts[(c, k)] = counts.get((c, k), 0.0) + weight
    return counts


def _ordinal_delta(totals: dict[float, float]) -> dict[tuple[float, float], float]:
    ordered = sorted(totals)
    deltas = {}
    for a, c in enumerate(ordered):
        for b, k in enumerate(ordered):
            low, high = min(a, b), max(a, b)
            between = sum(totals[ordered[g]] for g in range(low, high + 1))
            deltas[(c, k)] = (between - (totals[c] + totals[k]) / 2) ** 2
    return deltas


def krippendorff_alpha(table: Table, *, metric: Metric = "interval") -> float | None:
    """Alpha of a units x raters table (None: missing). None when it is undefined (see above)."""
    units = _pairable(table)
    coincidences = _coincidences(units)
    totals: dict[float, float] = {}
    for (c, _), count in coincidences.items():
        totals[c] = totals.get(c, 0.0) + count
    n = sum(totals.values())
    if n < 2:
        return None
    if metric == "interval":
        delta = {(c, k): (c - k) ** 2 for c in totals for k in totals}
    else:
        delta = _ordinal_delta(totals)
    observed = sum(count * delta[pair] for pair, count in coincidences.items())
    expected = sum(totals[c] * totals[k] * delta[(c, k)] for c in totals for k in totals)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def icc_2_1(table: Table) -> float | None:
    """ICC(2,1) of a complete units x raters table; None when incomplete, too small or constant."""
    n = len(table)
    k = len(table[0]) if n else 0
    if n < 2 or k < 2 or any(len(row) != k or any(v is None for v in row) for row in table):
        return None
    rows = [[float(v) for v in row if v is not None] for row in table]
    grand = sum(sum(row) for row in rows) / (n * k)
    row_means = [sum(row) / k for row in rows]
    col_means = [sum(row[j] for row in rows) / n for j in range(k)]
    ss_total = sum((v - grand) ** 2 for row in rows for v in row)
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_error = ss_total - ss_rows - ss_cols
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))
    denominator = bms + (k - 1) * ems + k * (jms - ems) / n
    if denominator <= 0:
        return None
    return (bms - ems) / denominator


# Reading the figures ---------------------------------------------------------------------------


NO_SPREAD = (
    "No figure: every rating is the same value. The interviewers agree, but with no spread there is "
    "nothing to tell agreement from chance; read the table."
)


def alpha_meaning(value: float | None, *, no_spread: bool = False) -> str:
    """Krippendorff's own reading: 0.800 and up reliable, 0.667 to 0.800 for tentative conclusions."""
    if value is None and no_spread:
        return NO_SPREAD
    if value is None:
        return "Not enough data: it takes two interviewers who rated the same competencies."
    if value >= 0.8:
        return "Good agreement: the panel sees this candidate the same way."
    if value >= 0.667:
        return "Tentative agreement: talk through the competencies with the widest spread before deciding."
    if value >= 0:
        return "Poor agreement: the interviewers saw different things; discuss the evidence before deciding."
    return "Less agreement than chance: the interviewers rated in different directions; compare notes first."


def icc_meaning(value: float | None, *, no_spread: bool = False) -> str:
    """Koo and Li's bands: below 0.5 poor, to 0.75 moderate, to 0.9 good, above excellent."""
    if value is None and no_spread:
        return "No figure: every rating is the same value."
    if value is None:
        return "Needs every interviewer to rate every competency."
    if value >= 0.9:
        return "Excellent agreement."
    if value >= 0.75:
        return "Good agreement."
    if value >= 0.5:
        return "Moderate agreement."
    return "Poor agreement."


@dataclass(frozen=True)
class Agreement:
    method: str
    value: float | None
    meaning: str
    raters: int
    units: int
    ratings: int  # pairable ratings behind the figure
    icc: float | None = None
    icc_meaning: str = ""

    @property
    def enough(self) -> bool:
        return self.value is not None


def panel_agreement(table: Table) -> Agreement:
    """Alpha for the panel, plus ICC(2,1) when every interviewer rated every unit."""
    raters = len(table[0]) if table else 0
    units = _pairable(table)
    if raters < 2:
        return Agreement(ALPHA, None, alpha_meaning(None), raters, len(table), 0)
    alpha = krippendorff_alpha(table)
    icc = icc_2_1(table)
    # Every pairable rating the same: alpha is 0/0. It is left undefined rather than read as 1 (as
    # some tools do), because agreement is only informative against the spread chance would give.
    no_spread = bool(units) and len({value for values in units for value in values}) == 1
    return Agreement(
        ALPHA,
        alpha,
        alpha_meaning(alpha, no_spread=no_spread),
        raters,
        len(units),
        sum(len(values) for values in units),
        icc,
        icc_meaning(icc, no_spread=no_spread),
    )
