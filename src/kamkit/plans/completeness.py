"""How complete a plan is, 0-100, and what is missing or stale: a plain function over a summary.

Points (100 in all):

- written sections, 25: the situation and each section of the plan, shared equally; a section
  written more than ``review_days`` days ago and not touched since is stale and earns half its share
  (a running plan's text should be looked at as often as the plan is reviewed);
- objectives, 15: at least one;
- SMART objectives, 15: the share of objectives that are SMART;
- actions, 10: the share of objectives with at least one action;
- team, 10: 5 for someone on our side, 5 for someone on the customer's;
- opportunities, 5: at least one open opportunity linked to an objective;
- review, 10: a review in the last ``review_days`` days (a plan younger than that has time yet);
- account profile, 10: the share of profile sections present and not stale.

Objectives whose current value was measured more than ``review_days`` days ago are listed as stale
(the on track / at risk / off track call is only as fresh as the measurement); they cost no points.

The score is rounded to the nearest whole number (halves up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

WEIGHTS = {
    "sections": 25,
    "objectives": 15,
    "smart": 15,
    "actions": 10,
    "team": 10,
    "opportunities": 5,
    "review": 10,
    "profile": 10,
}


@dataclass(frozen=True)
class PlanSummary:
    """The facts about one plan that completeness looks at, already gathered."""

    situation_written: bool
    sections: dict[str, bool]  # section title -> has text
    objectives: list[str]  # titles
    not_smart: dict[str, list[str]] = field(default_factory=dict)  # title -> missing elements
    without_actions: list[str] = field(default_factory=list)  # titles
    our_team: int = 0
    customer_team: int = 0
    linked_opportunities: int = 0
    days_since_review: int | None = None  # None: never reviewed
    plan_age_days: int = 0
    review_days: int = 90
    profile_sections: int = 8
    profile_missing: list[str] = field(default_factory=list)
    profile_stale: list[str] = field(default_factory=list)
    stale_sections: dict[str, int] = field(default_factory=dict)  # title -> days since last written
    stale_measurements: dict[str, int] = field(default_factory=dict)  # objective -> days since measured


@dataclass(frozen=True)
class Gap:
    part: str  # a key of WEIGHTS
    message: str


@dataclass(frozen=True)
class Completeness:
    score: int
    points: dict[str, float]  # part -> points earned
    gaps: list[Gap]


def _round(value: float) -> int:
    return int(Decimal(repr(round(value, 9))).quantize(Decimal(1), ROUND_HALF_UP))


def completeness(summary: PlanSummary) -> Completeness:
    points: dict[str, float] = {}
    gaps: list[Gap] = []

    written = {"Situation": summary.situation_written, **summary.sections}
    stale = {title: days for title, days in summary.stale_sections.items() if written.get(title)}
    filled = sum(1 for has_text in written.values() if has_text) - len(stale) / 2
    points["sections"] = WEIGHTS["sections"] * filled / len(written)
    gaps += [Gap("sections", f"{title}: not written yet.") for title, ok in written.items() if not ok]
    gaps += [
        Gap("sections", f"{title}: written {days} days ago and not touched since; check it still holds.")
        for title, days in stale.items()
    ]

    count = len(summary.objectives)
    points["objectives"] = WEIGHTS["objectives"] if count else 0
    if not count:
        gaps.append(Gap("objectives", "No objectives yet."))
        points["smart"] = 0
        points["actions"] = 0
    else:
        smart = count - len(summary.not_smart)
        points["smart"] = WEIGHTS["smart"] * smart / count
        gaps += [
            Gap("smart", f"{title}: not SMART yet ({', '.join(missing)} missing).")
            for title, missing in summary.not_smart.items()
        ]
        gaps += [
            Gap("objectives", f"{title}: last measured {days} days ago; record where it stands now.")
            for title, days in summary.stale_measurements.items()
        ]
        with_actions = count - len(summary.without_actions)
        points["actions"] = WEIGHTS["actions"] * with_actions / count
        gaps += [Gap("actions", f"{title}: no actions planned.") for title in summary.without_actions]

    half = WEIGHTS["team"] / 2
    points["team"] = (half if summary.our_team else 0) + (half if summary.customer_team else 0)
    if not summary.our_team:
        gaps.append(Gap("team", "Team: nobody on our side named."))
    if not summary.customer_team:
        gaps.append(Gap("team", "Team: nobody on the customer's side named."))

    points["opportunities"] = WEIGHTS["opportunities"] if summary.linked_opportunities else 0
    if not summary.linked_opportunities:
        gaps.append(Gap("opportunities", "No open opportunity is linked to an objective."))

    recent = summary.days_since_review is not None and summary.days_since_review <= summary.review_days
    young = summary.plan_age_days < summary.review_days
    points["review"] = WEIGHTS["review"] if recent or young else 0
    if not (recent or young):
        when = (
            "never reviewed"
            if summary.days_since_review is None
            else f"last reviewed {summary.days_since_review} days ago"
        )
        gaps.append(Gap("review", f"Review: {when} (due every {summary.review_days} days)."))

    sections = max(summary.profile_sections, 1)
    lacking = set(summary.profile_missing) | set(summary.profile_stale)
    points["profile"] = WEIGHTS["profile"] * max(sections - len(lacking), 0) / sections
    gaps += [Gap("profile", f"Account profile: {name} missing.") for name in summary.profile_missing]
    gaps += [Gap("profile", f"Account profile: {name} is stale.") for name in summary.profile_stale]

    return Completeness(score=_round(sum(points.values())), points=points, gaps=gaps)
