"""Demo portfolio: the default criteria, ratings of the key accounts by their managers, and a first
re-score so that the matrix and the ranking have something to show.

Ratings are drawn from ``context.rng`` (most of them 3 or 4 of 5), stamped with the demo's moment and
written in bulk (no audit entries of their own); the re-score, as of the demo's day, leaves its usual
one-row summary.
"""

from __future__ import annotations

from django.db import connection

from kamkit.accounts.demo import insert_rows
from kamkit.core.demo import DemoContext, builder
from kamkit.portfolio import services
from kamkit.portfolio.choices import RATED_SOURCES
from kamkit.portfolio.models import AccountRating, SelectionCriterion

RATED_SHARE = 0.9  # key accounts with ratings
CRITERION_SHARE = 0.8  # of their rated criteria, how many carry a rating
SCORE_WEIGHTS = (5, 15, 35, 30, 15)  # 1..5


@builder(60, "portfolio")
def build_portfolio(context: DemoContext) -> str:
    services.ensure_defaults()
    rated = list(SelectionCriterion.objects.filter(source__in=RATED_SOURCES, is_active=True))
    key_accounts: list[int] = context.made.get("key_accounts", [])
    rng = context.rng
    rows = []
    stamp = connection.ops.adapt_datetimefield_value(context.now)
    for account_id in key_accounts:
        if rng.random() >= RATED_SHARE:
            continue
        for criterion in rated:
            if rng.random() >= CRITERION_SHARE:
                continue
            score = rng.choices(range(1, 6), weights=SCORE_WEIGHTS)[0]
            rows.append((stamp, stamp, account_id, criterion.pk, min(score, criterion.scale), ""))
    insert_rows(AccountRating, ("created_at", "updated_at", "account", "criterion", "score", "note"), rows)
    run = services.rescore_portfolio(as_of=context.as_of)
    return (
        f"{len(rows):,} ratings of {len(key_accounts):,} key accounts; "
        f"{run.account_count:,} accounts scored as of {run.as_of} in {run.elapsed_ms / 1000:.1f}s"
    )
