"""The whitespace map: each cell's state, and the totals worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from kamkit.accounts.whitespace import NO_DIVISION, whitespace_grid

DIVISIONS = [(1, "Finance"), (2, "Operations")]
LINES = [(10, "Cloud"), (20, "Consulting"), (30, "Support")]


def states(grid_rows: list) -> list[list[str]]:
    return [[cell.state for cell in row.cells] for row in grid_rows]


def test_cells_are_sold_in_progress_or_whitespace() -> None:
    # given Finance bought Cloud and has two open Consulting deals; Operations bought Consulting
    # (with one more deal open) and a zero-revenue line counts as not bought
    won = {(1, 10): Decimal("1000.00"), (2, 20): Decimal("250.50"), (1, 30): Decimal("0.00")}
    open_deals = {(1, 20): 2, (2, 20): 1, (1, 30): 0}
    # when
    grid = whitespace_grid(DIVISIONS, LINES, won, open_deals)
    # then
    assert [c.name for c in grid.columns] == ["Cloud", "Consulting", "Support"]
    assert [r.name for r in grid.rows] == ["Finance", "Operations"]
    assert states(grid.rows) == [
        ["sold", "in_progress", "whitespace"],
        ["whitespace", "sold", "whitespace"],
    ]
    finance, operations = grid.rows
    assert (finance.cells[0].won, finance.cells[1].open_deals) == (Decimal("1000.00"), 2)
    assert operations.cells[1].is_sold and operations.cells[1].open_deals == 1
    assert finance.cells[2].is_whitespace and finance.cells[1].is_in_progress


def test_totals_and_shares() -> None:
    # given the same figures
    won = {(1, 10): Decimal("1000.00"), (2, 20): Decimal("250.50"), (2, 10): Decimal("49.50")}
    open_deals = {(1, 20): 2}
    # when
    grid = whitespace_grid(DIVISIONS, LINES, won, open_deals)
    # then rows: Finance 1000.00, Operations 250.50 + 49.50 = 300.00
    assert [r.total for r in grid.rows] == [Decimal("1000.00"), Decimal("300.00")]
    # columns: Cloud 1000.00 + 49.50, Consulting 250.50, Support nothing
    assert grid.column_totals == [Decimal("1049.50"), Decimal("250.50"), Decimal(0)]
    assert grid.total == Decimal("1300.00")
    # 3 sold, 1 in progress, 2 whitespace of 6 cells: sold share 3 / 6
    assert (grid.sold_count, grid.in_progress_count, grid.whitespace_count) == (3, 1, 2)
    assert grid.cell_count == 6
    assert grid.sold_share == 0.5 and grid.sold_percent == 50


def test_sold_percent_rounds_half_up() -> None:
    # given 1 sold cell of 8 (12.5%)
    lines = [(i, f"Line {i}") for i in range(1, 5)]
    grid = whitespace_grid(DIVISIONS, lines, {(1, 1): Decimal(5)}, {})
    # then
    assert grid.sold_share == 0.125 and grid.sold_percent == 13


def test_business_without_a_division_gets_the_whole_company_row_last() -> None:
    # given revenue with no division and an open deal with no division
    won = {(None, 10): Decimal("500"), (1, 10): Decimal("100")}
    open_deals = {(None, 30): 1}
    # when
    grid = whitespace_grid(DIVISIONS, LINES, won, open_deals)
    # then
    assert [(r.division_id, r.name) for r in grid.rows] == [
        (1, "Finance"),
        (2, "Operations"),
        (None, "Whole company / no division"),
    ]
    assert states(grid.rows)[2] == ["sold", "whitespace", "in_progress"]
    assert grid.column_totals[0] == Decimal("600")


def test_the_caller_may_place_and_name_the_whole_company_row() -> None:
    # given the no-division row listed first, with a name of the caller's own (or none)
    named = whitespace_grid([(None, "Group"), *DIVISIONS], LINES, {}, {})
    unnamed = whitespace_grid([(None, ""), *DIVISIONS], LINES, {}, {})
    # then
    assert [r.name for r in named.rows] == ["Group", "Finance", "Operations"]
    assert unnamed.rows[0].name == NO_DIVISION


def test_no_whole_company_row_when_every_deal_has_a_division() -> None:
    # given figures keyed to no division that are all zero
    grid = whitespace_grid(DIVISIONS, LINES, {(None, 10): Decimal(0)}, {(None, 20): 0})
    # then
    assert [r.division_id for r in grid.rows] == [1, 2]
    assert grid.whitespace_count == 6 and grid.sold_share == 0.0


def test_a_customer_without_divisions_is_one_whole_company_row() -> None:
    # given no divisions and nothing sold yet
    grid = whitespace_grid([], LINES, {}, {})
    # then
    assert [(r.division_id, r.name) for r in grid.rows] == [(None, NO_DIVISION)]
    assert grid.whitespace_count == 3 and grid.sold_count == 0 and grid.rows[0].total == Decimal(0)


def test_without_product_lines_there_are_no_cells() -> None:
    grid = whitespace_grid(DIVISIONS, [], {}, {})
    assert [r.cells for r in grid.rows] == [[], []]
    assert (grid.cell_count, grid.sold_share, grid.column_totals, grid.total) == (0, 0.0, [], Decimal(0))


def test_figures_for_unlisted_divisions_or_lines_are_ignored() -> None:
    # given revenue for division 99 and line 99, neither listed
    won = {(99, 10): Decimal(700), (1, 99): Decimal(300)}
    # when
    grid = whitespace_grid(DIVISIONS, LINES, won, {(99, 20): 4})
    # then
    assert grid.total == Decimal(0) and grid.whitespace_count == 6
