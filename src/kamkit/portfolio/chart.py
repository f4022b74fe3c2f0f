"""The portfolio matrix as SVG shapes: pure layout from the aggregated matrix, drawn by a template.

Our strength runs left to right, attractiveness bottom to top, both 0-100, split at 50 into four
quadrants. Bins are shaded by how many accounts fall in them; the biggest accounts are bubbles sized
by revenue and coloured by suggested tier, each a link to the account's score.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from kamkit.accounts.choices import Tier
from kamkit.portfolio.choices import QUADRANTS
from kamkit.portfolio.queries import GRID, Matrix

WIDTH, HEIGHT = 660, 640
LEFT, TOP, SIDE = 70, 20, 560  # the plot area: a SIDE x SIDE square
TIER_COLOURS = {
    Tier.KEY: "#1d5fa8",
    Tier.DEVELOP: "#2e8b57",
    Tier.MAINTAIN: "#c77700",
    Tier.SERVE: "#8a8a8a",
}


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    size: float
    opacity: float
    title: str


@dataclass(frozen=True)
class Bubble:
    cx: float
    cy: float
    r: float
    colour: str
    href: str
    title: str
    account_id: int


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    left: int
    top: int
    side: int
    middle_x: float
    middle_y: float
    cells: list[Cell]
    bubbles: list[Bubble]
    quadrants: list[Label]
    ticks: list[Label]


def x_of(strength: float) -> float:
    return LEFT + SIDE * max(0.0, min(100.0, strength)) / 100


def y_of(attractiveness: float) -> float:
    return TOP + SIDE - SIDE * max(0.0, min(100.0, attractiveness)) / 100


def _money(value: float) -> str:
    return f"{value:,.0f}"


def draw(matrix: Matrix, *, href: Callable[[int], str]) -> Drawing:
    step = SIDE / GRID
    busiest = matrix.max_bin or 1
    cells = [
        Cell(
            x=LEFT + b.x * step,
            y=TOP + SIDE - (b.y + 1) * step,
            size=step,
            opacity=round(0.08 + 0.62 * b.count / busiest, 3),
            title=(
                f"{b.count:,} account{'s' if b.count != 1 else ''}, revenue {_money(float(b.revenue))} "
                f"(strength {b.x * 100 // GRID}-{(b.x + 1) * 100 // GRID}, "
                f"attractiveness {b.y * 100 // GRID}-{(b.y + 1) * 100 // GRID})"
            ),
        )
        for b in matrix.bins
    ]
    biggest = float(matrix.max_revenue) or 1.0
    bubbles = []
    for s in matrix.top:
        revenue = float(s.revenue_current)
        bubbles.append(
            Bubble(
                cx=round(x_of(s.strength), 1),
                cy=round(y_of(s.attractiveness), 1),
                r=round(3 + 15 * math.sqrt(max(0.0, revenue) / biggest), 1),
                colour=TIER_COLOURS.get(Tier(s.tier_suggestion), "#555"),
                href=href(s.account_id),
                title=(
                    f"{s.account.name}: rank {s.rank}, attractiveness {s.attractiveness:.0f}, "
                    f"strength {s.strength:.0f}, revenue {_money(revenue)}"
                ),
                account_id=s.account_id,
            )
        )
    quadrants = [
        Label(
            LEFT + SIDE * 0.75,
            TOP + 18,
            f"{QUADRANTS[(True, True)]} ({matrix.quadrants[QUADRANTS[(True, True)]]:,})",
        ),
        Label(
            LEFT + SIDE * 0.25,
            TOP + 18,
            f"{QUADRANTS[(True, False)]} ({matrix.quadrants[QUADRANTS[(True, False)]]:,})",
        ),
        Label(
            LEFT + SIDE * 0.75,
            TOP + SIDE - 8,
            f"{QUADRANTS[(False, True)]} ({matrix.quadrants[QUADRANTS[(False, True)]]:,})",
        ),
        Label(
            LEFT + SIDE * 0.25,
            TOP + SIDE - 8,
            f"{QUADRANTS[(False, False)]} ({matrix.quadrants[QUADRANTS[(False, False)]]:,})",
        ),
    ]
    ticks = [Label(x_of(v), TOP + SIDE + 16, str(v)) for v in (0, 25, 50, 75, 100)]
    ticks += [Label(LEFT - 8, y_of(v) + 4, str(v), "end") for v in (0, 25, 50, 75, 100)]
    return Drawing(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        side=SIDE,
        middle_x=x_of(50),
        middle_y=y_of(50),
        cells=cells,
        bubbles=bubbles,
        quadrants=quadrants,
        ticks=ticks,
    )
