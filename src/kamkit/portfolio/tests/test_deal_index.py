"""The covering deals index that the re-score reads (ADR 0007) belongs to ``accounts.Deal``: a fresh
database and one migrated from the days the portfolio created it both end with exactly one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kamkit.accounts.models import Deal

COVERING = ["account_id", "status", "closed_on", "amount", "margin"]
NARROW = ["account_id", "status", "closed_on"]  # the index it replaced: its prefix
BEFORE = [("accounts", "0001_initial"), ("portfolio", "0003_derived_rows_without_foreign_keys")]


def deal_indexes() -> dict[str, list[str]]:
    """The deal table's plain indexes (name: columns), as the database reports them."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Deal._meta.db_table)
    return {
        name: list(item["columns"])
        for name, item in found.items()
        if item["index"] and not item["unique"] and not item["primary_key"]
    }


def named(columns: list[str]) -> list[str]:
    return sorted(name for name, indexed in deal_indexes().items() if indexed == columns)


@pytest.mark.django_db
def test_a_fresh_database_has_one_covering_deals_index_and_no_narrow_one() -> None:
    assert named(COVERING) == ["deal_facts_idx"]
    assert named(NARROW) == []
    assert named(["account_id"]) == []  # the covering index starts with the account
    assert named(["status", "closed_on"]) == []  # no query used it
    assert [
        index.name for index in Deal._meta.indexes if index.fields[:3] == ["account", "status", "closed_on"]
    ] == ["deal_facts_idx"]


@pytest.fixture
def migrated_back() -> Iterator[MigrationExecutor]:
    """The schema as it was when the portfolio created the index itself; migrated to the latest after."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        yield executor
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_ends_with_the_accounts_index_alone(migrated_back: MigrationExecutor) -> None:
    # given a database from before the move: the portfolio's copy next to the narrow model index
    assert named(COVERING) == ["portfolio_deal_facts_idx"]
    assert len(named(NARROW)) == 1
    assert len(named(["account_id"])) == 1
    # when it is migrated
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    # then one covering index is left, the model's, and the narrow one is gone, as is the account's own
    assert named(COVERING) == ["deal_facts_idx"]
    assert named(NARROW) == []
    assert named(["account_id"]) == []


@pytest.mark.django_db
def test_minutes_logged_are_summed_from_the_interaction_index_alone() -> None:
    """The re-score's minutes per account read the covering time index, not the wide interaction rows
    (on a large database the row reads took most of a second)."""
    import datetime as dt

    from kamkit.accounts.models import Interaction
    from kamkit.portfolio import queries, scoring

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Interaction._meta.db_table)
    assert found["interaction_time_idx"]["columns"] == ["occurred_at", "account_id", "duration_minutes"]
    if connection.vendor != "sqlite":
        return
    sql, params = queries.compiled(queries.minutes_queryset(scoring.Period.ending(dt.date(2026, 11, 1), 12)))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX interaction_time_idx" in plan
