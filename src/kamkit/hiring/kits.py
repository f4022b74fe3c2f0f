"""What goes into an interview kit, from a framework's text: plain data in, plain data out.

For a target level ``t`` each competency gets the behaviours of levels ``t - 1``, ``t`` and ``t + 1``
(those that exist), the interview questions of level ``t`` with their STAR-tagged probes, and a
five-step rating guide written by combining the framework's own sentences:

1. well below: what level ``t - 2`` (or else ``t - 1``) describes at best, and the low-score signs;
2. below: the behaviours of level ``t - 1`` but not yet those of ``t``;
3. at the level: level ``t``'s summary and every behaviour to listen for;
4. above in part: all of level ``t`` and some of level ``t + 1``;
5. well above: working at level ``t + 1`` (or beyond), and the high-score signs.

A competency without levels gets a guide from its low- and high-score behaviours and a note that
says so; the service turns the plan into editable kit rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kamkit.hiring.choices import ANCHOR_LABELS

SIGNS = 3  # low- or high-score behaviours quoted in a guide step
SOME = 2  # behaviours of the next level that make "above in part"


@dataclass(frozen=True)
class QuestionText:
    text: str
    probes: Sequence[tuple[str, str]] = ()  # (text, STAR tag)


@dataclass(frozen=True)
class LevelText:
    level: int
    summary: str
    behaviours: Sequence[str] = ()
    questions: Sequence[QuestionText] = ()


@dataclass(frozen=True)
class CompetencyText:
    """One competency of a framework version, as the kit builder needs it."""

    id: int | None
    name: str
    definition: str = ""
    low: Sequence[str] = ()
    high: Sequence[str] = ()
    levels: Mapping[int, LevelText] = field(default_factory=dict)
    importance: int | None = None


@dataclass(frozen=True)
class AnchorPlan:
    rating: int
    label: str
    text: str


@dataclass(frozen=True)
class CompetencyPlan:
    competency_id: int | None
    name: str
    definition: str
    importance: int | None
    level_below: int | None
    behaviours_below: list[str]
    level_at: int | None
    level_summary: str
    behaviours_at: list[str]
    level_above: int | None
    behaviours_above: list[str]
    note: str
    questions: list[QuestionText]
    anchors: list[AnchorPlan]


def _lines(headline: str, items: Sequence[str] = (), *, signs: str = "") -> str:
    return "\n".join([headline, *(f"- {item}" for item in items), *([signs] if signs else [])])


def _signs(label: str, items: Sequence[str]) -> str:
    chosen = list(items[:SIGNS])
    return "\n".join([f"{label}:", *(f"- {item}" for item in chosen)]) if chosen else ""


def rating_guide(source: CompetencyText, target: int) -> list[AnchorPlan]:
    """Five anchors for ``source`` at ``target``, in the framework's words (see the module docstring)."""
    levels = source.levels
    far_below, below = levels.get(target - 2), levels.get(target - 1)
    at, above, far_above = levels.get(target), levels.get(target + 1), levels.get(target + 2)
    low = _signs("Typical of a low score", source.low)
    high = _signs("Typical of a high score", source.high)
    if not levels:
        texts = {
            1: _lines("No concrete example, or one that shows the low-score behaviours.", signs=low),
            2: _lines("Mostly the low-score behaviours, with one or two signs of the high-score ones."),
            3: _lines(
                "A concrete, recent example with several of the high-score behaviours.",
                list(source.high[:SOME]),
            ),
            4: _lines("Most of the high-score behaviours, backed by a concrete example.", signs=high),
            5: _lines(
                "All of the high-score behaviours, across several examples with results the candidate "
                "can measure.",
                list(source.high),
            ),
        }
    else:
        if far_below is not None:
            first = f"The evidence reaches level {far_below.level} at most: {far_below.summary}"
        elif below is not None:
            first = f"Falls short even of level {below.level}: {below.summary}"
        else:
            first = f"None of the level {target} behaviours, even when probed; no concrete example."
        if below is not None:
            second = _lines(
                f"Shows the level {below.level} behaviours, but not yet those of level {target}:",
                list(below.behaviours),
            )
        elif at is not None:
            second = _lines(
                f"Some of the level {target} behaviours, only when prompted or only in part:",
                list(at.behaviours[:SOME]),
            )
        else:
            second = "Some of what the role needs, only when prompted or only in part."
        if at is not None:
            third = _lines(
                f"A concrete, recent example at level {target}: {at.summary} Listen for:", list(at.behaviours)
            )
        else:
            third = f"A concrete, recent example of what level {target} of {source.name} asks for."
        if above is not None:
            fourth = _lines(
                f"Everything at level {target}, plus some of level {above.level}:",
                list(above.behaviours[:SOME]),
            )
            reach = f"Works at level {above.level}: {above.summary}"
            if far_above is not None:
                reach += f" At the top, level {far_above.level}: {far_above.summary}"
            fifth = _lines(reach, signs=high)
        else:
            fourth = _lines(
                f"Everything at level {target}, in several situations, with results the candidate "
                "can measure."
            )
            fifth = _lines(
                f"Goes beyond level {target}: shapes how others work and is the example colleagues follow.",
                signs=high,
            )
        texts = {1: _lines(first, signs=low), 2: second, 3: third, 4: fourth, 5: fifth}
    return [AnchorPlan(rating, ANCHOR_LABELS[rating], texts[rating]) for rating in range(1, 6)]


def _note(source: CompetencyText, target: int, framework: str) -> str:
    if not source.levels:
        return (
            f"{framework} describes no proficiency levels for {source.name}: the rating guide comes from "
            "its low- and high-score behaviours and the framework offers no questions. Add your own "
            "questions before the interviews."
        )
    at = source.levels.get(target)
    if at is None:
        described = ", ".join(str(level) for level in sorted(source.levels))
        return (
            f"Level {target} is not described for {source.name} (the framework has levels {described}); "
            "the guide uses the levels around it. Add your own questions."
        )
    if not at.questions:
        return f"Level {target} of {source.name} has no interview questions in the framework: add your own."
    return ""


def plan_competency(source: CompetencyText, target: int, *, framework: str) -> CompetencyPlan:
    """One competency of a kit for ``target`` (1-5)."""
    if not 1 <= target <= 5:
        raise ValueError(f"A target level is 1 to 5, not {target}.")
    below, at, above = (source.levels.get(level) for level in (target - 1, target, target + 1))
    return CompetencyPlan(
        competency_id=source.id,
        name=source.name,
        definition=source.definition,
        importance=source.importance,
        level_below=below.level if below else None,
        behaviours_below=list(below.behaviours) if below else [],
        level_at=at.level if at else None,
        level_summary=at.summary if at else "",
        behaviours_at=list(at.behaviours) if at else [],
        level_above=above.level if above else None,
        behaviours_above=list(above.behaviours) if above else [],
        note=_note(source, target, framework),
        questions=list(at.questions) if at else [],
        anchors=rating_guide(source, target),
    )


def plan_kit(competencies: Sequence[CompetencyText], target: int, *, framework: str) -> list[CompetencyPlan]:
    return [plan_competency(source, target, framework=framework) for source in competencies]
