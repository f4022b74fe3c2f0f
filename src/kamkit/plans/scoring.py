"""Qualification scorecards on plain values: each answer scored 1 (poor fit) to 5 (strong fit),
summed into a total, and the mean per round as the opportunity's fit profile.

Unanswered questions add nothing to the total and are left out of the round means; the profile
says how many were scored, so a half-finished scorecard does not look like a poor fit.
"""

from __future__ import annotations

from dataclasses import dataclass

LOWEST, HIGHEST = 1, 5


@dataclass(frozen=True)
class RoundProfile:
    number: int
    name: str
    questions: int
    scored: int
    total: int
    mean: float | None  # None: nothing scored in this round


@dataclass(frozen=True)
class ScoreProfile:
    total: int
    maximum: int  # HIGHEST for every question of the set
    scored: int
    questions: int
    rounds: list[RoundProfile]

    @property
    def mean(self) -> float | None:
        return self.total / self.scored if self.scored else None

    @property
    def complete(self) -> bool:
        return self.scored == self.questions


def score_profile(answers: list[tuple[int, int | None]], round_names: list[str]) -> ScoreProfile:
    """``answers``: (round number, score or None) for every question of the set."""
    for _, score in answers:
        if score is not None and not LOWEST <= score <= HIGHEST:
            raise ValueError(f"A score is from {LOWEST} to {HIGHEST}, not {score}.")
    numbers = sorted({number for number, _ in answers} | set(range(1, len(round_names) + 1)))
    rounds = []
    for number in numbers:
        scores = [score for n, score in answers if n == number]
        given = [score for score in scores if score is not None]
        name = round_names[number - 1] if 0 < number <= len(round_names) else f"Round {number}"
        rounds.append(
            RoundProfile(
                number=number,
                name=name,
                questions=len(scores),
                scored=len(given),
                total=sum(given),
                mean=sum(given) / len(given) if given else None,
            )
        )
    given_all = [score for _, score in answers if score is not None]
    return ScoreProfile(
        total=sum(given_all),
        maximum=HIGHEST * len(answers),
        scored=len(given_all),
        questions=len(answers),
        rounds=rounds,
    )
