"""The radar chart of a report as inline SVG geometry: plain numbers in, coordinates out.

Inline SVG needs no script, prints, and the same geometry could draw the PDF later. Axes start at
the top and run clockwise; 0 is the centre, 100 the outer ring.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

RADIUS = 120.0
LABEL_GAP = 16.0
RINGS = (20, 40, 60, 80, 100)


@dataclass(frozen=True)
class Axis:
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    lines: tuple[str, ...]


Point = tuple[float, float]


@dataclass(frozen=True)
class Series:
    key: str  # css class suffix: self, manager, others...
    label: str
    coordinates: tuple[Point, ...]
    dots: tuple[tuple[float, float, float], ...]  # x, y, score

    @property
    def points(self) -> str:
        """For an SVG polygon: "x,y x,y ..."."""
        return _polygon(self.coordinates)


@dataclass(frozen=True)
class Radar:
    axes: tuple[Axis, ...]
    ring_coordinates: tuple[tuple[Point, ...], ...]
    band_high: tuple[Point, ...]  # empty without a benchmark
    band_low: tuple[Point, ...]
    series: tuple[Series, ...]
    view_box: str = "-250 -165 500 335"
    width: float = 500.0
    height: float = 335.0
    left: float = -250.0
    top: float = -165.0

    @property
    def rings(self) -> tuple[str, ...]:
        return tuple(_polygon(ring) for ring in self.ring_coordinates)

    @property
    def band_path(self) -> str:
        """The target band as a ring (fill it even-odd); "" without a benchmark."""
        if not self.band_high:
            return ""
        return f"M {_polygon(self.band_high)} Z M {_polygon(self.band_low)} Z"


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * max(0.0, min(100.0, value)) / 100
    return round(r * math.cos(angle), 1), round(r * math.sin(angle), 1)


def _wrap(label: str, width: int = 16) -> tuple[str, ...]:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return tuple(lines)


def _polygon(points: Sequence[Point]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def radar(
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    bands: Sequence[tuple[float, float] | None] = (),
) -> Radar:
    """``series``: (key, label, a score or None per axis). Missing scores are skipped, not drawn at 0."""
    count = len(labels)
    if count < 3:
        count = max(count, 3)  # a radar needs three axes; fewer competencies still draw
    axes = []
    for index, label in enumerate(labels):
        x, y = _point(index, count, 100)
        angle = -math.pi / 2 + 2 * math.pi * index / count
        lx = round((RADIUS + LABEL_GAP) * math.cos(angle), 1)
        ly = round((RADIUS + LABEL_GAP) * math.sin(angle), 1)
        anchor = "middle" if abs(lx) < 1 else ("start" if lx > 0 else "end")
        axes.append(Axis(x, y, lx, ly + (4 if ly > 0 else 0), anchor, _wrap(label)))
    rings = tuple(tuple(_point(i, count, ring) for i in range(count)) for ring in RINGS)
    highs: tuple[Point, ...] = ()
    lows: tuple[Point, ...] = ()
    if bands and all(band is not None for band in bands) and len(bands) == len(labels):
        highs = tuple(_point(i, count, band[1]) for i, band in enumerate(bands) if band is not None)
        lows = tuple(_point(i, count, band[0]) for i, band in enumerate(bands) if band is not None)
    drawn = []
    for key, label, values in series:
        points = [(index, value) for index, value in enumerate(values) if value is not None]
        coordinates = [_point(index, count, value) for index, value in points]
        drawn.append(
            Series(
                key=key,
                label=label,
                coordinates=tuple(coordinates),
                dots=tuple(
                    (x, y, round(value, 1)) for (x, y), (_, value) in zip(coordinates, points, strict=True)
                ),
            )
        )
    return Radar(
        axes=tuple(axes), ring_coordinates=rings, band_high=highs, band_low=lows, series=tuple(drawn)
    )
