"""How fast the import engine reads and parses a large deal export (no database involved).

Writes a 1,000,000-row CSV shaped like the CRM sample's sales_pipeline.csv (CRLF, empty dates and
values on open deals, the "GTXPro" misspelling) to a temporary directory, then times
read_table + map_columns + parse_rows on it and prints rows per second.

    .venv/bin/python bench/imports.py [rows]
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from kamkit.core.imports import (
    Column,
    choice_parser,
    map_columns,
    parse_date,
    parse_decimal,
    parse_optional_text,
    parse_rows,
    read_table,
)

PRODUCTS = ["GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTX Plus Pro", "GTX Plus Basic", "GTK 500"]
STAGES = {"Prospecting": "prospecting", "Engaging": "engaging", "Won": "won", "Lost": "lost"}
AGENTS = [
    f"Agent {first} {last}"
    for first in "ABCDEFG"
    for last in ("Frase", "Schlecht", "Cress", "Marcano", "Bicknell")
]
ACCOUNTS = [f"Account {number}" for number in range(85)]

COLUMNS = [
    Column("opportunity_id", "Opportunity ID", ("Opportunity", "Deal ID"), required=True),
    Column("owner", "Sales agent", ("Deal owner", "Opportunity Owner"), required=True),
    Column("product", "Product", ("Product Name",), choice_parser({name: name for name in PRODUCTS})),
    Column("account", "Account", ("Account Name", "Company name"), parse_optional_text),
    Column("stage", "Deal stage", ("Stage",), choice_parser(STAGES), required=True),
    Column("engaged_on", "Engage date", (), parse_date),
    Column("closed_on", "Close date", ("Close Date",), parse_date),
    Column("value", "Close value", ("Amount",), parse_decimal),
]


def write_sample(path: Path, rows: int) -> None:
    """Deals like the sample's: a quarter open (no close date or value), some with no account."""
    pick = random.Random(7)
    start = date(2016, 10, 20)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(
            [
                "opportunity_id",
                "sales_agent",
                "product",
                "account",
                "deal_stage",
                "engage_date",
                "close_date",
                "close_value",
            ]
        )
        for _ in range(rows):
            stage = pick.choice(("Won", "Won", "Lost", "Engaging", "Prospecting"))
            engaged = start + timedelta(days=pick.randrange(400))
            product = pick.choice(PRODUCTS)
            writer.writerow(
                [
                    "".join(pick.choices(alphabet, k=8)),
                    pick.choice(AGENTS),
                    "GTXPro" if product == "GTX Pro" and pick.random() < 0.5 else product,
                    "" if pick.random() < 0.16 else pick.choice(ACCOUNTS),
                    stage,
                    "" if stage == "Prospecting" else engaged.isoformat(),
                    (engaged + timedelta(days=pick.randrange(1, 140))).isoformat()
                    if stage in ("Won", "Lost")
                    else "",
                    str(pick.randrange(0, 30000)) if stage == "Won" else ("0" if stage == "Lost" else ""),
                ]
            )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "sales_pipeline.csv"
        began = time.perf_counter()
        write_sample(path, rows)
        print(
            f"wrote {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - began:.1f} s"
        )

        began = time.perf_counter()
        table = read_table(path)
        mapping = map_columns(table.headers, COLUMNS)
        parsed = parse_rows(table, mapping, COLUMNS)
        elapsed = time.perf_counter() - began
    parsed.raise_if_errors()
    assert len(parsed.rows) == rows, len(parsed.rows)
    print(f"parsed {len(parsed.rows):,} rows in {elapsed:.2f} s: {len(parsed.rows) / elapsed:,.0f} rows/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak memory {peak:,.0f} MiB (the parsed rows are all held, as an all-or-nothing import needs)")


if __name__ == "__main__":
    main()
