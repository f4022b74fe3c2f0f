"""The radar chart of a report as geometry: plain numbers in, coordinates out.

The web page draws it as inline SVG (no script, prints) and the PDF from the same numbers. Axes
start at the top and run clockwise; 0 is the centre, 100 the outer ring. Labels are blocks of
wrapped lines placed outside the ring by where their axis points (above the top, below the bottom,
beside the sides, centred on the axis), and the drawing's box is fitted to them, so a chart shown
narrow (a phone, the PDF) keeps its labels as large as it can.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

RADIUS = 120.0
LABEL_GAP = 10.0
FONT_SIZE = 11.0  # label text, in the drawing's units
LINE_HEIGHT = 13.0
CHAR_WIDTH = 0.58 * FONT_SIZE  # a generous average for a sans-serif face, to size the box
WRAP = 14  # characters per label line
MARGIN = 6.0
RINGS = (20, 40, 60, 80, 100)


@dataclass(frozen=True)
class Axis:
    x: float
    y: float
    label_x: float
    label_y: float  # the first line's baseline
    anchor: str  # SVG text-anchor: start, middle or end
    lines: tuple[str, ...]

    @property
    def width(self) -> float:
        return max(len(line) for line in self.lines) * CHAR_WIDTH

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """left, top, right, bottom of the label block (estimated from its characters)."""
        left = {"start": self.label_x, "middle": self.label_x - self.width / 2}.get(
            self.anchor, self.label_x - self.width
        )
        top = self.label_y - FONT_SIZE
        bottom = self.label_y + (len(self.lines) - 1) * LINE_HEIGHT + FONT_SIZE * 0.3
        return left, top, left + self.width, bottom


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
    left: float = -RADIUS - MARGIN
    top: float = -RADIUS - MARGIN
    width: float = 2 * (RADIUS + MARGIN)
    height: float = 2 * (RADIUS + MARGIN)
    font_size: float = FONT_SIZE
    line_height: float = LINE_HEIGHT

    @property
    def view_box(self) -> str:
        return f"{self.left:g} {self.top:g} {self.width:g} {self.height:g}"

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


def _wrap(label: str, width: int = WRAP) -> tuple[str, ...]:
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
        dx, dy = math.cos(angle), math.sin(angle)
        lines = _wrap(label)
        lx = round((RADIUS + LABEL_GAP) * dx, 1)
        ly = (RADIUS + LABEL_GAP) * dy
        if abs(dx) < 0.2:  # top or bottom: centred on the axis, growing away from the ring
            anchor = "middle"
            first = ly - (len(lines) - 1) * LINE_HEIGHT if dy < 0 else ly + FONT_SIZE
        else:  # a side: beside the ring, centred on the axis's height
            anchor = "start" if dx > 0 else "end"
            first = ly - (len(lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35
        axes.append(Axis(x, y, lx, round(first, 1), anchor, lines))
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
    # the box: the ring and every label block, plus a margin; symmetric left and right, so the
    # chart's centre stays the centre of the picture
    extents = [axis.extent for axis in axes]
    half = max([RADIUS, *(max(-e[0], e[2]) for e in extents)]) + MARGIN
    top = min([-RADIUS, *(e[1] for e in extents)]) - MARGIN
    bottom = max([RADIUS, *(e[3] for e in extents)]) + MARGIN
    return Radar(
        axes=tuple(axes),
        ring_coordinates=rings,
        band_high=highs,
        band_low=lows,
        series=tuple(drawn),
        left=round(-half, 1),
        top=round(top, 1),
        width=round(2 * half, 1),
        height=round(bottom - top, 1),
    )
