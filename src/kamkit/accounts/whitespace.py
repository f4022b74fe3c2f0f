"""The whitespace map: which product lines each division of a customer already buys, which are
being worked on, and where nobody has tried yet (the white space is where growth comes from).

A pure function over totals already summed by the database, so the states and totals can be
checked by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SOLD, IN_PROGRESS, WHITESPACE = "sold", "in_progress", "whitespace"
NO_DIVISION = "Whole company / no division"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Column:
    line_id: int
    name: str


@dataclass(frozen=True)
class Cell:
    division_id: int | None
    line_id: int
    state: str  # "sold" | "in_progress" | "whitespace"
    won: Decimal
    open_deals: int

    @property
    def is_sold(self) -> bool:
        return self.state == SOLD

    @property
    def is_in_progress(self) -> bool:
        return self.state == IN_PROGRESS

    @property
    def is_whitespace(self) -> bool:
        return self.state == WHITESPACE


@dataclass(frozen=True)
class Row:
    division_id: int | None
    name: str
    cells: list[Cell]
    total: Decimal  # won revenue across the row


@dataclass(frozen=True)
class WhitespaceGrid:
    columns: list[Column]
    rows: list[Row]
    column_totals: list[Decimal]  # won revenue per product line, in the order of ``columns``
    total: Decimal
    sold_count: int
    in_progress_count: int
    whitespace_count: int
    sold_share: float  # sold cells / all cells, 0 when there are no cells

    @property
    def cell_count(self) -> int:
        return self.sold_count + self.in_progress_count + self.whitespace_count

    @property
    def sold_percent(self) -> int:
        return int((Decimal(self.sold_share) * 100).quantize(Decimal(1), ROUND_HALF_UP))


def _state(won: Decimal, open_deals: int) -> str:
    if won > 0:
        return SOLD
    if open_deals > 0:
        return IN_PROGRESS
    return WHITESPACE


def whitespace_grid(
    divisions: Sequence[tuple[int | None, str]],
    lines: Sequence[tuple[int, str]],
    won: Mapping[tuple[int | None, int], Decimal],
    open_deals: Mapping[tuple[int | None, int], int],
) -> WhitespaceGrid:
    """One row per division (in the order given), one column per product line.

    ``won`` and ``open_deals`` are keyed by (division id, product line id); division id None is
    business with the company as a whole or with no division recorded. Its row is drawn when the
    caller lists it, when some figure is keyed to it, or when the customer has no divisions at all
    (so the grid is never empty); it goes last unless the caller places it. Keys for divisions or
    lines not listed are ignored.
    """
    row_keys = list(divisions)
    listed = {division_id for division_id, _ in row_keys}
    if None not in listed:
        has_company_figures = any(
            key[0] is None and value > 0 for figures in (won, open_deals) for key, value in figures.items()
        )
        if has_company_figures or not row_keys:
            row_keys.append((None, NO_DIVISION))
    columns = [Column(line_id, name) for line_id, name in lines]
    rows: list[Row] = []
    counts = {SOLD: 0, IN_PROGRESS: 0, WHITESPACE: 0}
    for division_id, name in row_keys:
        cells = []
        for column in columns:
            key = (division_id, column.line_id)
            amount = won.get(key, ZERO)
            deals = open_deals.get(key, 0)
            cell = Cell(division_id, column.line_id, _state(amount, deals), amount, deals)
            counts[cell.state] += 1
            cells.append(cell)
        total = sum((cell.won for cell in cells), ZERO)
        label = (name or NO_DIVISION) if division_id is None else name
        rows.append(Row(division_id, label, cells, total))
    column_totals = [sum((row.cells[i].won for row in rows), ZERO) for i in range(len(columns))]
    cell_count = sum(counts.values())
    return WhitespaceGrid(
        columns=columns,
        rows=rows,
        column_totals=column_totals,
        total=sum(column_totals, ZERO),
        sold_count=counts[SOLD],
        in_progress_count=counts[IN_PROGRESS],
        whitespace_count=counts[WHITESPACE],
        sold_share=counts[SOLD] / cell_count if cell_count else 0.0,
    )
