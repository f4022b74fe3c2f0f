"""How fast the portfolio re-scores and shows its matrix at scale, on SQLite and on PostgreSQL.

For each database it builds (once, then reuses from a cache keyed by size) a demo organisation with
the demo generator (`kamkit demo`), then times:

- the full re-score (services.rescore_portfolio: facts and scores written with INSERT ... SELECT),
  best of --repeat runs;
- one hand-written SQL query (CTEs and window functions) computing the same ranking, best of
  --repeat, and the ratio of the two (target: at most 3);
- that both give the same top 100 (account, rank, total);
- the matrix page for an admin and for an account manager, the ranking page, a what-if and the CSV
  export, through Django's test client (the whole stack, templates included; target: matrix < 1 s).

    .venv/bin/python bench/portfolio.py [--accounts 100000 --deals 1000000 --people 60]
        [--database-url postgres://postgres@127.0.0.1:5432/kamkit_bench] [--only sqlite|postgres]
        [--repeat 3] [--normalisation min_max|percentile] [--rebuild]

SQLite files live in /tmp/kamkit-bench/; PostgreSQL gets its own database (default name
kamkit_bench_<accounts>_<deals>, created when missing) so the test runner's test_test is never
touched. PostgreSQL is skipped when it cannot be reached. The demo is built, and re-scored, as of the
fixed BENCH_DAY rather than today, so a database cached on one day measures the same work on another.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path("/tmp/kamkit-bench")
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"
RESULT = "BENCH-RESULT "
# Every bench demo's day: the fixed day the demo had before it followed today.
BENCH_DAY = dt.date(2026, 11, 1)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--database-url", help="PostgreSQL URL (default: a kamkit_bench_* database on localhost)"
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--normalisation", choices=["min_max", "percentile"], default="min_max")
    parser.add_argument("--rebuild", action="store_true", help="build the demo data again")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    return parser.parse_args()


# The parent: one child process per database (Django settings are per process) ---------------------


def postgres_url(args: argparse.Namespace) -> str | None:
    """The bench database's URL when PostgreSQL answers (created when missing), else None."""
    import psycopg

    url = args.database_url or f"{DEFAULT_PG}/kamkit_bench_{args.accounts}_{args.deals}"
    server, name = url.rsplit("/", 1)
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL at {server} not reachable ({str(exc).strip().splitlines()[0]}): skipped")
        return None
    return url


def run_child(args: argparse.Namespace, backend: str, url: str | None) -> dict[str, Any] | None:
    folder = CACHE / f"{backend}-{args.accounts}-{args.deals}-{args.people}"
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAMKIT_", "DJANGO_"))}
    env.update({"KAMKIT_DATA_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "kamkit.config.settings"})
    if url:
        env["KAMKIT_DATABASE_URL"] = url
    command = [sys.executable, __file__, "--child", backend, *sys.argv[1:]]
    process = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
    result = None
    for line in process.stdout.splitlines():
        if line.startswith(RESULT):
            result = json.loads(line[len(RESULT) :])
        else:
            print(f"  [{backend}] {line}")
    if process.returncode != 0 or result is None:
        print(f"  [{backend}] failed (exit {process.returncode})")
        return None
    return result


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    names = list(results)
    rows: list[tuple[str, str, list[str]]] = [
        (
            "data",
            "",
            [
                f"{r['accounts']:,} accounts, {r['deals']:,} deals, {r['ratings']:,} ratings"
                for r in results.values()
            ],
        ),
        ("demo data", "", [r["build"] for r in results.values()]),
        (
            f"full re-score (best of {args.repeat})",
            "< 3 s",
            [f"{r['rescore']:.2f} s" for r in results.values()],
        ),
        ("  re-score runs", "", [", ".join(f"{t:.2f}" for t in r["rescore_runs"]) for r in results.values()]),
        (f"hand-written SQL (best of {args.repeat})", "", [f"{r['hand']:.2f} s" for r in results.values()]),
        (
            "  hand SQL: as is / no JIT / +work_mem",
            "",
            [", ".join(f"{v:.2f}" for v in r["hand_variants"].values()) for r in results.values()],
        ),
        ("ratio re-score / hand SQL", "<= 3", [f"{r['ratio']:.2f}" for r in results.values()]),
        ("same top 100 (rank, total)", "yes", ["yes" if r["same_top"] else "NO" for r in results.values()]),
        (
            "matrix page, admin (first / best)",
            "< 1 s",
            [f"{r['matrix_cold']:.3f} / {r['matrix']:.3f} s" for r in results.values()],
        ),
        (
            "matrix page, account manager",
            "",
            [f"{r['matrix_kam']:.3f} s ({r['kam_accounts']:,} accounts)" for r in results.values()],
        ),
        ("ranking page, admin", "", [f"{r['ranking']:.3f} s" for r in results.values()]),
        ("what-if (htmx), admin", "", [f"{r['what_if']:.3f} s" for r in results.values()]),
        ("account score + explanation", "", [f"{r['explain']:.3f} s" for r in results.values()]),
        ("CSV export, all scores", "", [f"{r['export']:.2f} s" for r in results.values()]),
    ]
    width = max(len(label) for label, _, _ in rows) + 2
    columns = [max(len(name), *(len(values[i]) for _, _, values in rows)) + 2 for i, name in enumerate(names)]
    print()
    print(
        f"Portfolio benchmark ({args.normalisation}; load average {os.getloadavg()[0]:.1f}, "
        f"{os.cpu_count()} CPUs)"
    )
    print(
        "".ljust(width)
        + "target    "
        + "".join(name.ljust(c) for name, c in zip(names, columns, strict=True))
    )
    for label, target, values in rows:
        print(
            label.ljust(width)
            + target.ljust(10)
            + "".join(v.ljust(c) for v, c in zip(values, columns, strict=True))
        )


def main() -> int:
    args = parse()
    if args.child:
        child(args)
        return 0
    results: dict[str, dict[str, Any]] = {}
    if args.only in (None, "sqlite"):
        print("SQLite:")
        if (result := run_child(args, "sqlite", None)) is not None:
            results["SQLite"] = result
    if args.only in (None, "postgres"):
        url = postgres_url(args)
        if url:
            print(f"PostgreSQL ({url}):")
            if (result := run_child(args, "postgres", url)) is not None:
                results["PostgreSQL"] = result
    if results:
        report(results, args)
    return 0 if results else 1


# The child: one database, Django set up on it -------------------------------------------------------


def best(runs: int, action: Any) -> tuple[float, list[float], Any]:
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = action()
        times.append(time.perf_counter() - started)
    return min(times), times, value


def build(args: argparse.Namespace) -> str:
    """The demo organisation at the asked size, made once per database and reused."""
    from django.core.management import call_command
    from django.db import connection

    from kamkit.accounts.models import Account, Deal
    from kamkit.core import demo, setup
    from kamkit.core.audit import acting_as

    call_command("migrate", interactive=False, verbosity=0)
    if not args.rebuild and Account.objects.count() == args.accounts and Deal.objects.count() == args.deals:
        return "reused"
    if Account.objects.exists():
        print("the cached database holds other data: rebuilding it")
        call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    with acting_as(label="bench:portfolio"):
        setup.load_builtin()
        for line in demo.generate(
            demo.DemoSize(people=args.people, accounts=args.accounts, deals=args.deals),
            seed=7,
            as_of=BENCH_DAY,
        ):
            print(line)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return f"built in {time.perf_counter() - started:.0f} s"


def hand_sql(as_of: Any, settings: Any, criteria: list[Any], rated: dict[str, int]) -> str:
    """One SELECT computing every account's total and rank from the raw tables, written by hand (it
    leaves out hours and return on time, which do not change the ranking)."""
    from django.db import connection

    from kamkit.portfolio import scoring
    from kamkit.portfolio.choices import ALL_SOURCES, RATED_SOURCES

    period = scoring.Period.ending(as_of, settings.period_months)
    postgres = connection.vendor == "postgresql"
    real = "double precision" if postgres else "REAL"

    def day(value: Any) -> str:
        return f"DATE '{value}'" if postgres else f"'{value}'"

    def days_since(column: str) -> str:
        if postgres:
            return f"CAST(({day(period.as_of)} - {column}) AS double precision)"
        return f"(julianday('{period.as_of}') - julianday({column}))"

    now, before = (
        f"closed_on > {day(period.current_start)} AND closed_on <= {day(period.as_of)}",
        (f"closed_on > {day(period.previous_start)} AND closed_on <= {day(period.current_start)}"),
    )
    ratings = (
        ", ".join(
            f"MAX(CASE WHEN criterion_id = {criterion_id} THEN score END) AS r_{source}"
            for source, criterion_id in rated.items()
        )
        or "NULL AS nothing"
    )
    rating_columns = ", ".join(
        f"r.r_{source} AS {source}" if source in rated else f"NULL AS {source}" for source in RATED_SOURCES
    )
    scales = {c.source: c.scale for c in criteria}

    def normalised(source: str) -> str:
        if source in RATED_SOURCES:
            return f"COALESCE((CAST({source} AS {real}) - 1.0) / {float(scales.get(source, 5) - 1)}, 0.5)"
        if settings.normalisation == "percentile":
            return (
                f"CASE WHEN {source} IS NULL THEN 0.5 ELSE "
                f"PERCENT_RANK() OVER (PARTITION BY ({source} IS NULL) ORDER BY {source}) END"
            )
        return (
            f"COALESCE(({source} - MIN({source}) OVER ()) / "
            f"NULLIF(MAX({source}) OVER () - MIN({source}) OVER (), 0), 0.5)"
        )

    terms = scoring.weighted_terms(criteria)
    weights = sum(c.effective_weight for c in terms)
    total = (
        "(" + " + ".join(f"{c.effective_weight} * n_{c.source}" for c in terms) + f") / {weights} * 100"
        if weights
        else "50.0"
    )
    scale = repr(settings.period_months / 12)
    return f"""
WITH deal_sums AS (
    SELECT account_id,
        SUM(CASE WHEN status = 'won' AND {now} THEN amount END) AS revenue_current,
        SUM(CASE WHEN status = 'won' AND {before} THEN amount END) AS revenue_previous,
        SUM(CASE WHEN status = 'won' AND {now} THEN margin END) AS profit_current,
        SUM(CASE WHEN status = 'open' THEN amount END) AS pipeline,
        SUM(CASE WHEN status = 'won' AND (closed_on <= {day(period.as_of)} OR closed_on IS NULL)
            THEN amount END) AS historical_value,
        MIN(CASE WHEN status = 'won' THEN closed_on END) AS first_won
    FROM accounts_deal GROUP BY account_id
), ratings AS (
    SELECT account_id, {ratings} FROM portfolio_accountrating GROUP BY account_id
), facts AS (
    SELECT a.id AS account_id,
        CAST(COALESCE(d.revenue_current, 0) AS {real}) AS revenue_current,
        CAST(COALESCE(d.revenue_previous, 0) AS {real}) AS revenue_previous,
        CAST(COALESCE(d.profit_current, 0) AS {real}) AS profit_current,
        CAST(COALESCE(d.pipeline, 0) AS {real}) AS pipeline,
        CAST(COALESCE(d.historical_value, 0) AS {real}) AS historical_value,
        CAST(a.wallet_estimate AS {real}) AS wallet,
        COALESCE({days_since("COALESCE(a.customer_since, d.first_won)")} / 365.25, 0) AS years_as_customer,
        {rating_columns}
    FROM accounts_account a
    LEFT JOIN deal_sums d ON d.account_id = a.id
    LEFT JOIN ratings r ON r.account_id = a.id
), derived AS (
    SELECT facts.*,
        (revenue_current - revenue_previous) / NULLIF(revenue_previous, 0) AS revenue_growth,
        revenue_current / NULLIF(wallet * {scale}, 0) AS share_of_wallet
    FROM facts
), normalised AS (
    SELECT account_id, {", ".join(f"{normalised(s)} AS n_{s}" for s in ALL_SOURCES)}
    FROM derived
)
SELECT account_id, total, RANK() OVER (ORDER BY total DESC) AS rnk
FROM (SELECT account_id, {total} AS total FROM normalised) t
ORDER BY rnk, account_id
"""


def timed_get(client: Any, url: str, runs: int = 3, **extra: Any) -> tuple[float, float]:
    """(first, best) seconds for a GET through the whole Django stack."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, **extra)
        if getattr(response, "streaming", False):
            for _chunk in response.streaming_content:
                pass
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return times[0], min(times)


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client

    from kamkit.accounts.models import Account, Deal
    from kamkit.core.choices import Role
    from kamkit.portfolio import queries, services
    from kamkit.portfolio.models import AccountRating, AccountScore, SelectionCriterion
    from kamkit.users.models import User

    built = build(args)
    row = queries.current_settings()
    if row.normalisation != args.normalisation:
        with transaction.atomic():
            row.normalisation = args.normalisation
            row.save()
    settings = queries.scoring_settings(queries.current_settings())
    criteria_rows = list(SelectionCriterion.objects.all())
    criteria = [queries.criterion_spec(c) for c in criteria_rows]
    rated = {c.source: c.pk for c in criteria_rows if c.is_rated}

    def rescore() -> None:
        with transaction.atomic():
            services.rescore_portfolio(as_of=BENCH_DAY)

    rescore_best, rescore_runs, _ = best(args.repeat, rescore)
    sql = hand_sql(BENCH_DAY, settings, criteria, rated)

    # The hand-written query, run as it comes and (PostgreSQL) with the settings the re-score uses for
    # itself (no JIT; more work_mem); the fastest of them is the yardstick.
    variants = [[]]
    if connection.vendor == "postgresql":
        variants += [["SET LOCAL jit = off"], ["SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'"]]
    hand_times: dict[str, float] = {}
    ranking: list[Any] = []
    for settings_used in variants:

        def hand(settings_used: list[str] = settings_used) -> list[Any]:
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in settings_used:
                    cursor.execute(statement)
                cursor.execute(sql)
                return list(cursor.fetchall())

        hand_times["; ".join(settings_used) or "as it comes"], _, ranking = best(args.repeat, hand)
    hand_best = min(hand_times.values())
    stored = list(
        AccountScore.objects.order_by("rank", "account_id").values_list("account_id", "rank", "total")[:100]
    )
    top = [(r[0], r[2], r[1]) for r in ranking[:100]]
    same = [(a, r) for a, r, _ in stored] == [(a, r) for a, r, _ in top] and all(
        abs(s[2] - h[2]) <= 1e-9 * max(1.0, abs(s[2])) for s, h in zip(stored, top, strict=True)
    )
    if not same:
        for s, h in zip(stored[:10], top[:10], strict=True):
            print(f"stored {s}  hand {h}")

    admin = User.objects.filter(email="bench-admin@example.test").first() or User.objects.create_user(
        email="bench-admin@example.test", password=None, full_name="Bench Admin", role=Role.ADMIN
    )
    kam = User.objects.filter(role=Role.ACCOUNT_MANAGER, owned_accounts__isnull=False).order_by("pk").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    client.get("/")  # the first request of a process loads URLs and templates: not the matrix's cost
    matrix_cold, matrix_warm = timed_get(client, "/portfolio/")
    _, ranking_page = timed_get(client, "/portfolio/ranking/")
    account_id = stored[0][0]
    _, explain_page = timed_get(client, f"/portfolio/accounts/{account_id}/")
    weights = {f"weight_{c.source}": c.weight for c in criteria_rows if c.is_active}
    weights[f"weight_{criteria_rows[0].source}"] = 0
    started = time.perf_counter()
    assert client.post("/portfolio/what-if/", weights, headers={"HX-Request": "true"}).status_code == 200
    what_if_time = time.perf_counter() - started
    export_time, _ = timed_get(client, "/portfolio/export.csv", runs=1)
    kam_client = Client(HTTP_HOST="127.0.0.1")
    assert kam is not None
    kam_client.force_login(kam)
    _, matrix_kam = timed_get(kam_client, "/portfolio/")
    result = {
        "accounts": Account.objects.count(),
        "deals": Deal.objects.count(),
        "ratings": AccountRating.objects.count(),
        "build": built,
        "rescore": rescore_best,
        "rescore_runs": rescore_runs,
        "hand": hand_best,
        "hand_variants": hand_times,
        "ratio": rescore_best / hand_best,
        "same_top": same,
        "matrix_cold": matrix_cold,
        "matrix": matrix_warm,
        "matrix_kam": matrix_kam,
        "kam_accounts": Account.objects.filter(owner=kam).count(),
        "ranking": ranking_page,
        "explain": explain_page,
        "what_if": what_if_time,
        "export": export_time,
    }
    print(RESULT + json.dumps(result))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
