"""Is an objective SMART? A plain check that names each missing element, so the form can say
exactly what to add instead of a generic error.

- specific: someone owns it;
- measurable: a metric, a baseline and a target that differs from the baseline;
- time-bound: a due date inside the plan period;
- realistic: a revenue target is compared with the account's won revenue of the last 12 months;
  above ``factor`` times that, it needs someone to confirm it (a warning, not a refusal).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

SPECIFIC, MEASURABLE, TIME_BOUND, REALISTIC = "specific", "measurable", "time-bound", "realistic"


@dataclass(frozen=True)
class ObjectiveFacts:
    has_owner: bool
    metric: str
    metric_kind: str
    baseline: Decimal | None
    target: Decimal | None
    due_on: dt.date | None
    period_start: dt.date
    period_end: dt.date
    won_last_12_months: Decimal | None  # the account's won revenue; None: not looked up
    realism_factor: Decimal
    confirmed_realistic: bool = False


@dataclass(frozen=True)
class SmartProblem:
    element: str  # specific | measurable | time-bound | realistic
    field: str  # the form field to show it on
    message: str
    blocking: bool = True  # False: a warning that an explicit confirmation lifts


def _money(value: Decimal) -> str:
    return f"{value:,.0f}"


def check_smart(facts: ObjectiveFacts) -> list[SmartProblem]:
    """Every SMART element the objective misses, in the order specific, measurable, time-bound,
    realistic. An empty list means SMART."""
    problems: list[SmartProblem] = []
    if not facts.has_owner:
        problems.append(SmartProblem(SPECIFIC, "owner", "Specific: name the person who owns this objective."))
    if not facts.metric.strip():
        problems.append(
            SmartProblem(MEASURABLE, "metric", "Measurable: say what is measured (e.g. revenue from EMEA).")
        )
    if facts.baseline is None:
        problems.append(
            SmartProblem(MEASURABLE, "baseline", "Measurable: give the baseline, where it starts.")
        )
    if facts.target is None:
        problems.append(SmartProblem(MEASURABLE, "target", "Measurable: give the target value to reach."))
    elif facts.baseline is not None and facts.target == facts.baseline:
        problems.append(
            SmartProblem(
                MEASURABLE, "target", "Measurable: the target equals the baseline; say what should change."
            )
        )
    if facts.due_on is None:
        problems.append(SmartProblem(TIME_BOUND, "due_on", "Time-bound: give the date it is due."))
    elif not facts.period_start <= facts.due_on <= facts.period_end:
        problems.append(
            SmartProblem(
                TIME_BOUND,
                "due_on",
                f"Time-bound: {facts.due_on:%d %b %Y} is outside the plan period "
                f"({facts.period_start:%d %b %Y} to {facts.period_end:%d %b %Y}).",
            )
        )
    realism = realism_warning(facts)
    if realism and not facts.confirmed_realistic:
        problems.append(SmartProblem(REALISTIC, "confirmed_realistic", realism, blocking=False))
    return problems


def realism_warning(facts: ObjectiveFacts) -> str:
    """Why a revenue target looks out of reach compared with the account's history ('' if it does not)."""
    if facts.metric_kind != "revenue" or facts.target is None or facts.won_last_12_months is None:
        return ""
    history = facts.won_last_12_months
    limit = history * facts.realism_factor
    if facts.target <= limit:
        return ""
    if history <= 0:
        return (
            f"Realistic? The account has no won revenue in the last 12 months to set a target of "
            f"{_money(facts.target)} against; confirm it is realistic to save it."
        )
    return (
        f"Realistic? The target {_money(facts.target)} is more than {facts.realism_factor:g} times the "
        f"{_money(history)} won in the last 12 months; confirm it is realistic to save it."
    )


def errors_by_field(problems: list[SmartProblem]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message)
    return errors


def missing_elements(problems: list[SmartProblem]) -> list[str]:
    """The SMART elements named by ``problems``, each once, in order."""
    return list(dict.fromkeys(problem.element for problem in problems))
