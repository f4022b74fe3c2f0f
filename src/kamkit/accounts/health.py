"""Account health, 0-100: one number a key account manager can act on, with every part of it shown
so nobody has to trust a black box.

The score is the weighted mean of four components, each 0-100:

- customer feedback, weight 35: the mean 0-10 feedback score of the last 12 months * 10;
- contact recency, weight 25: 100 when the last contact is at most 14 days old, falling linearly
  to 0 at 90 days (100 * (90 - days) / 76 in between); 0 when never contacted;
- open issues, weight 25: 100 - (5 * low + 10 * medium + 25 * high + 40 * critical), not below 0;
- plan progress, weight 15: the share of the account plan done * 100.

A component without data (no feedback scores, no account plan, issues not known) is left out and
the remaining weights are scaled back up to 100%. "No open issues" is no evidence about a customer
nobody has been in touch with (never contacted, no feedback): then the issues component is left
out too. With fewer than two components left the score is unknown, with the reason: one figure
alone says too little. Contact recency always has data (never contacted counts as 0). So an account
never contacted, without feedback or issues, is unknown (not enough data), not 50. The score is
rounded half up; 70 and over is healthy, 45 to 69 watch, below 45 at risk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HEALTHY, WATCH, AT_RISK, UNKNOWN = "healthy", "watch", "at risk", "unknown"
HEALTHY_FROM, WATCH_FROM = 70, 45
FRESH_DAYS, LOST_DAYS = 14, 90
ISSUE_PENALTIES = {"low": 5, "medium": 10, "high": 25, "critical": 40}
MIN_COMPONENTS = 2

FORMULA = (
    "Weighted mean of the components that have data, their weights scaled back up to 100%: "
    "customer feedback 35 (mean 0-10 score of the last 12 months times 10); "
    "contact recency 25 (100 up to 14 days since the last contact, falling evenly to 0 at 90 days, "
    "0 if never contacted); "
    "open issues 25 (100 minus 5 per low, 10 per medium, 25 per high and 40 per critical issue, "
    "not below 0; no evidence while nobody has been in touch: never contacted and no feedback); "
    "plan progress 15 (share of the account plan done times 100). "
    "Fewer than two components with data: unknown (not enough data). "
    "Rounded half up; 70 and over healthy, 45 to 69 watch, below 45 at risk."
)


@dataclass(frozen=True)
class HealthInputs:
    """The facts behind the score, already gathered (by the database) for one account."""

    feedback_scores_mean: float | None  # 0-10, last 12 months
    feedback_count: int
    days_since_contact: int | None  # None: never contacted
    open_issues: Mapping[str, int] | None  # severity -> count; None: not known
    plan_progress: float | None  # 0-1; None: no account plan


@dataclass(frozen=True)
class HealthComponent:
    name: str
    weight: int  # nominal weight, out of 100
    value: float | None  # 0-100; None: no data, left out
    explanation: str
    share: float | None = None  # the weight after re-normalisation, 0-1; None when left out


@dataclass(frozen=True)
class Health:
    score: int | None
    band: str  # "healthy" | "watch" | "at risk" | "unknown"
    components: list[HealthComponent]
    formula: str = FORMULA
    reason: str = ""  # why the score is unknown; "" when there is one

    @property
    def label(self) -> str:
        """The band as people read it: "unknown" says why there is no number."""
        return "Unknown: not enough data" if self.score is None else self.band.capitalize()


def round_half_up(value: float) -> int:
    """72.5 -> 73 (Python's round would give 72); float noise below 1e-9 is ignored first."""
    return int(Decimal(repr(round(value, 9))).quantize(Decimal(1), ROUND_HALF_UP))


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _feedback(inputs: HealthInputs) -> HealthComponent:
    mean = inputs.feedback_scores_mean
    if mean is None or inputs.feedback_count <= 0:
        return HealthComponent("Customer feedback", 35, None, "No feedback scores in the last 12 months.")
    answers = "answer" if inputs.feedback_count == 1 else "answers"
    return HealthComponent(
        "Customer feedback",
        35,
        _clamp(mean, 0, 10) * 10,
        f"Mean score {mean:g} of 10 from {inputs.feedback_count} {answers} in the last 12 months.",
    )


def _contact(inputs: HealthInputs) -> HealthComponent:
    days = inputs.days_since_contact
    if days is None:
        return HealthComponent("Contact recency", 25, 0.0, "Never contacted.")
    days = max(days, 0)
    if days <= FRESH_DAYS:
        value = 100.0
    elif days >= LOST_DAYS:
        value = 0.0
    else:
        value = 100 * (LOST_DAYS - days) / (LOST_DAYS - FRESH_DAYS)
    ago = "day" if days == 1 else "days"
    return HealthComponent(
        "Contact recency",
        25,
        value,
        f"Last contact {days} {ago} ago (full marks up to {FRESH_DAYS} days, none from {LOST_DAYS}).",
    )


def _issues(inputs: HealthInputs) -> HealthComponent:
    if inputs.open_issues is None:
        return HealthComponent("Open issues", 25, None, "Open issues are not known.")
    counts = {severity: max(inputs.open_issues.get(severity, 0), 0) for severity in ISSUE_PENALTIES}
    penalty = sum(ISSUE_PENALTIES[severity] * count for severity, count in counts.items())
    listed = ", ".join(f"{count} {severity}" for severity, count in counts.items() if count)
    out_of_touch = inputs.days_since_contact is None and inputs.feedback_count <= 0
    if not listed and out_of_touch:
        return HealthComponent(
            "Open issues", 25, None, "No open issues, but nobody has been in touch: that says nothing yet."
        )
    return HealthComponent(
        "Open issues",
        25,
        float(max(100 - penalty, 0)),
        f"Open issues: {listed} (minus {penalty})." if listed else "No open issues.",
    )


def _plan(inputs: HealthInputs) -> HealthComponent:
    progress = inputs.plan_progress
    if progress is None:
        return HealthComponent("Plan progress", 15, None, "No account plan to measure.")
    value = _clamp(progress, 0, 1) * 100
    return HealthComponent("Plan progress", 15, value, f"{value:.0f}% of the account plan done.")


def band_of(score: int | None) -> str:
    if score is None:
        return UNKNOWN
    if score >= HEALTHY_FROM:
        return HEALTHY
    if score >= WATCH_FROM:
        return WATCH
    return AT_RISK


def compute_health(inputs: HealthInputs) -> Health:
    """The score with its parts and the weights actually used, so the page can show the sum."""
    parts = [_feedback(inputs), _contact(inputs), _issues(inputs), _plan(inputs)]
    known = [part for part in parts if part.value is not None]
    if len(known) < MIN_COMPONENTS:
        return Health(score=None, band=UNKNOWN, components=parts, reason=_not_enough(parts))
    total_weight = sum(part.weight for part in known)
    components = [
        part
        if part.value is None
        else HealthComponent(part.name, part.weight, part.value, part.explanation, part.weight / total_weight)
        for part in parts
    ]
    weighted = sum(part.weight * part.value for part in known if part.value is not None) / total_weight
    score = round_half_up(weighted)
    return Health(score=score, band=band_of(score), components=components)


def _not_enough(parts: list[HealthComponent]) -> str:
    """Why there is no score: what each part lacks (never contacted counts among them)."""
    missing = [
        part.explanation[:1].lower() + part.explanation[1:].rstrip(".")
        for part in parts
        if part.value is None or part.explanation == "Never contacted."
    ]
    known = sum(1 for part in parts if part.value is not None)
    return (
        f"Not enough data: {known} of {len(parts)} parts known, at least {MIN_COMPONENTS} needed. "
        + "; ".join(missing)
        + "."
    )
