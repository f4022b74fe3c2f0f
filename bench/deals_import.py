"""How fast ``kamkit import deals`` is end to end: file to rows in SQLite, all-or-nothing.

Makes a fresh SQLite database in a temporary KAMKIT_DATA_DIR, 35 sales agents, the CRM sample's 7
products and 10,000 generated accounts (imported through the accounts importer), then writes a
1,000,000-row deal CSV shaped like the sample's sales_pipeline.csv and times:

1. the first import (every deal created),
2. the same file again (every deal found by its external id and left as it was),
3. the file with every amount changed (every deal updated),
4. a file with a few bad rows (refused whole; the time it takes to say so).

Each figure is wall-clock time, with this process's CPU time beside it (the two differ when other
work shares the machine).

    .venv/bin/python bench/deals_import.py [deals] [accounts] [rounds]

With rounds > 1 (default 3) the three imports are timed that many times, the deals emptied before
each first import, and the best and the median of each are printed at the end: on a shared virtual
machine one run can take a third longer than the next for the same work.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

PRODUCTS = ["GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTX Plus Pro", "GTX Plus Basic", "GTK 500"]
STAGES = ("Won", "Won", "Lost", "Engaging", "Prospecting")
FIRST = ["Anna", "Boris", "Cecily", "Darcel", "Elease", "Garret", "Hayden"]
LAST = ["Frase", "Schlecht", "Cress", "Marcano", "Bicknell"]
AGENTS = [f"{first} {last}" for first in FIRST for last in LAST]
HEADER = [
    "opportunity_id",
    "sales_agent",
    "product",
    "account",
    "deal_stage",
    "engage_date",
    "close_date",
    "close_value",
]


def account_name(number: int) -> str:
    return f"Account {number:05d}"


def write_accounts(path: Path, count: int) -> None:
    pick = random.Random(3)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["account", "sector", "revenue", "employees", "office_location", "subsidiary_of"])
        for number in range(count):
            parent = account_name(number - number % 10) if number % 10 else ""
            writer.writerow(
                [
                    account_name(number),
                    pick.choice(("retail", "medical", "software", "technolgy")),
                    f"{pick.uniform(1, 5000):.2f}",
                    pick.randrange(10, 50_000),
                    pick.choice(("United States", "Kenya", "Germany", "Japan")),
                    parent,
                ]
            )


def write_deals(path: Path, rows: int, accounts: int, *, amount_shift: int = 0, bad_lines: int = 0) -> None:
    """Deals like the sample's: a quarter open (no close date or value), "GTXPro" for "GTX Pro"."""
    pick = random.Random(7)
    start = date(2016, 10, 20)
    bad_every = rows // bad_lines if bad_lines else 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for number in range(rows):
            stage = pick.choice(STAGES)
            engaged = start + timedelta(days=pick.randrange(400))
            product = pick.choice(PRODUCTS)
            value = pick.randrange(0, 30000)
            row = [
                format(number * 2_654_435_761 % (1 << 40), "010X"),  # unique, scattered like CRM ids
                pick.choice(AGENTS),
                "GTXPro" if product == "GTX Pro" and pick.random() < 0.5 else product,
                account_name(pick.randrange(accounts)),
                stage,
                "" if stage == "Prospecting" else engaged.isoformat(),
                (engaged + timedelta(days=pick.randrange(1, 140))).isoformat()
                if stage in ("Won", "Lost")
                else "",
                str(value + amount_shift) if stage == "Won" else ("0" if stage == "Lost" else ""),
            ]
            if bad_every and number % bad_every == bad_every // 2:
                row[7] = "12,34,5"  # not a number
                row[1] = "Nobody Known"  # not a user
            writer.writerow(row)


def cpu_seconds() -> float:
    """This process's CPU time: what the import costs even when other work shares the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def setup_django(data_dir: str) -> None:
    os.environ["KAMKIT_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kamkit.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def main() -> None:
    deals = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    accounts = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        setup_django(str(folder / "data"))
        from django.contrib.auth.hashers import make_password
        from django.db import connection

        from kamkit.accounts import importers
        from kamkit.accounts.models import Deal, Product, ProductLine
        from kamkit.core import audit
        from kamkit.core.imports import ImportRefused
        from kamkit.users.models import User

        unusable = make_password(None)
        User.objects.bulk_create(
            User(email=f"{name.lower().replace(' ', '.')}@example.test", full_name=name, password=unusable)
            for name in AGENTS
        )
        line = ProductLine.objects.create(name="Hardware")
        Product.objects.bulk_create(Product(name=name, line=line) for name in PRODUCTS)

        accounts_file = folder / "accounts.csv"
        write_accounts(accounts_file, accounts)
        began = time.perf_counter()
        with audit.acting_as(label="bench"):
            result = importers.import_file(
                "accounts", accounts_file, options=importers.ImportOptions(revenue_scale=Decimal(1_000_000))
            )
        print(f"accounts: {result.summary()} in {time.perf_counter() - began:.2f} s")

        deals_file = folder / "sales_pipeline.csv"
        began = time.perf_counter()
        write_deals(deals_file, deals, accounts)
        size = deals_file.stat().st_size / 1e6
        print(f"wrote {deals:,} deals ({size:.0f} MB) in {time.perf_counter() - began:.1f} s")

        rates: dict[str, list[float]] = {}

        def timed(label: str, path: Path) -> None:
            began, cpu = time.perf_counter(), cpu_seconds()
            with audit.acting_as(label="bench"):
                result = importers.import_file("deals", path)
            elapsed, cpu = time.perf_counter() - began, cpu_seconds() - cpu
            rates.setdefault(label, []).append(result.rows / elapsed)
            print(
                f"{label}: {result.summary()} in {elapsed:.2f} s (cpu {cpu:.2f} s): "
                f"{result.rows / elapsed:,.0f} rows/s"
            )

        changed_file = folder / "sales_pipeline_changed.csv"
        write_deals(changed_file, deals, accounts, amount_shift=1)
        for round_number in range(rounds):
            if round_number:
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM accounts_deal")
            timed("import (create)", deals_file)
            assert Deal.objects.count() == deals
            timed("re-import, same file (unchanged)", deals_file)
            timed("re-import, amounts changed (update)", changed_file)
            assert Deal.objects.count() == deals

        bad_file = folder / "sales_pipeline_bad.csv"
        write_deals(bad_file, deals, accounts, bad_lines=5)
        began, cpu = time.perf_counter(), cpu_seconds()
        try:
            importers.import_file("deals", bad_file)
        except ImportRefused as exc:
            elapsed, cpu = time.perf_counter() - began, cpu_seconds() - cpu
            print(f"bad file: refused in {elapsed:.2f} s (cpu {cpu:.2f} s): {exc.detail}")
            for report_line in exc.report(limit=4).splitlines():
                print(f"  {report_line}")
        else:
            raise AssertionError("the bad file was imported")
        assert Deal.objects.count() == deals
        print(f"rows per second over {rounds} round{'s' if rounds != 1 else ''} (target: at least 50,000):")
        for label, values in rates.items():
            print(f"  {label}: best {max(values):,.0f}, median {statistics.median(values):,.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
