"""Every write of the portfolio: criteria, settings, ratings, the re-score, and deals. Callers own the
transaction.

A re-score replaces every account's facts and score with two ``INSERT ... SELECT`` statements
compiled from the ORM querysets in ``queries`` (aggregates, then window functions), so the database
does the work whatever the size of the portfolio (ADR 0007).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from kamkit.accounts.choices import Tier
from kamkit.accounts.models import Account
from kamkit.core.bulk import bulk_work
from kamkit.core.errors import ServiceError
from kamkit.portfolio import queries, scoring
from kamkit.portfolio.choices import ALL_SOURCES, RATED_SOURCES, Axis, Normalisation, ValueBasis
from kamkit.portfolio.models import (
    AccountMetrics,
    AccountRating,
    AccountScore,
    PortfolioSettings,
    ScoringRun,
    SelectionCriterion,
)
from kamkit.users.models import User


def _refuse(detail: str, errors: dict[str, list[str]]) -> ServiceError:
    return ServiceError(detail, errors=errors)


# Staleness -----------------------------------------------------------------------------------------


def note_inputs_changed() -> None:
    """The scores no longer reflect what they are computed from (deals, accounts, logged time,
    ratings, criteria, settings): count the change, and re-score in the background once it commits.

    Called inside the writer's transaction, so a write that rolls back changes nothing. The settings
    row's version is bumped with one UPDATE (no audit entry: bookkeeping); a re-score records the
    version it read (``ScoringRun.inputs_version``), so pages can tell that inputs changed since.
    """
    # Without the settings row nothing was ever scored (a re-score makes it): scores are missing
    # rather than stale, and the queued re-score makes them.
    PortfolioSettings.objects.filter(pk=1).update(
        inputs_version=F("inputs_version") + 1, inputs_changed_at=timezone.now()
    )
    _queue_rescore()


def _queue_rescore() -> None:
    """Queue one background re-score when the transaction commits, however many changes it holds: a
    second change in the same (save)point of the transaction adds no second callback. Robust: a task
    queue that fails is logged and does not fail the write that was committed."""
    if connection.in_atomic_block:
        here = set(connection.savepoint_ids)
        if any(entry[1] is queue_rescore_task and entry[0] == here for entry in connection.run_on_commit):
            return
    transaction.on_commit(queue_rescore_task, robust=True)


def queue_rescore_task() -> bool:
    """Queue a background re-score, unless none is needed or one is already waiting to start (it
    will read the latest inputs when it runs). A running one does not count: it may have read its
    inputs before this change. Returns whether a task was queued."""
    from kamkit.portfolio.tasks import rescore_portfolio_task

    status = queries.score_status()
    if not status.inputs_changed or status.task == queries.TASK_QUEUED:
        return False
    result = rescore_portfolio_task.enqueue(timezone.now().isoformat())
    PortfolioSettings.objects.filter(pk=1).update(rescore_task_id=str(result.id)[:64])
    return True


# Criteria and settings ----------------------------------------------------------------------------


def weight_errors(weights: Mapping[str, int]) -> dict[str, list[str]]:
    """What is wrong with proposed weights ({source: weight}), per source: saved or only tried."""
    errors: dict[str, list[str]] = {}
    for source, weight in weights.items():
        if source not in ALL_SOURCES:
            errors[source] = [f"{source!r} is not a criterion source."]
        elif not 0 <= int(weight) <= 100:
            errors[source] = ["A weight is from 0 to 100."]
    return errors


def check_weights(weights: Mapping[str, int]) -> None:
    """Refuse weights to try (what-if) that could not be saved one by one."""
    errors = weight_errors(weights)
    if errors:
        raise _refuse("The weights are not valid.", errors)


def _weights_errors(weights: Mapping[str, int], criteria: list[SelectionCriterion]) -> dict[str, list[str]]:
    errors = weight_errors(weights)
    effective = [int(weights.get(c.source, c.weight)) for c in criteria if c.is_active]
    if not errors and not any(w > 0 for w in effective):
        errors[""] = ["At least one active criterion needs a weight above 0."]
    return errors


def update_criterion(
    *,
    criterion: SelectionCriterion,
    name: str | None = None,
    description: str | None = None,
    axis: str | None = None,
    weight: int | None = None,
    scale: int | None = None,
    is_active: bool | None = None,
    order: int | None = None,
) -> SelectionCriterion:
    """Change one criterion (only the arguments given); scores follow in a background re-score."""
    errors: dict[str, list[str]] = {}
    if name is not None and not name.strip():
        errors["name"] = ["A criterion needs a name."]
    if axis is not None and axis not in Axis.values:
        errors["axis"] = [f"{axis!r} is not one of: {', '.join(Axis.values)}."]
    if weight is not None and not 0 <= weight <= 100:
        errors["weight"] = ["A weight is from 0 to 100."]
    if scale is not None:
        if not 2 <= scale <= 10:
            errors["scale"] = ["A scale goes from 1 to between 2 and 10."]
        elif criterion.pk is not None:
            highest = criterion.ratings.aggregate(top=Max("score"))["top"]
            if highest is not None and highest > scale:
                errors["scale"] = [f"Some accounts are rated {highest}; change those ratings first."]
    if not errors:
        others = list(SelectionCriterion.objects.exclude(pk=criterion.pk))
        mine_counts = (criterion.is_active if is_active is None else is_active) and (
            (criterion.weight if weight is None else weight) > 0
        )
        if not mine_counts and not any(c.is_active and c.weight > 0 for c in others):
            errors["weight"] = ["At least one active criterion needs a weight above 0."]
    if errors:
        raise _refuse("The criterion was not saved.", errors)
    changes = {
        "name": " ".join(name.split()) if name is not None else None,
        "description": description,
        "axis": axis,
        "weight": weight,
        "scale": scale,
        "is_active": is_active,
        "order": order,
    }
    for attribute, value in changes.items():
        if value is not None:
            setattr(criterion, attribute, value)
    criterion.save()
    note_inputs_changed()
    return criterion


def set_weights(*, weights: Mapping[str, int]) -> list[SelectionCriterion]:
    """Give criteria new weights ({source: weight}); criteria not named keep theirs."""
    criteria = list(SelectionCriterion.objects.all())
    errors = _weights_errors(weights, criteria)
    if errors:
        raise _refuse("The weights were not saved.", errors)
    changed = False
    for criterion in criteria:
        if criterion.source in weights and criterion.weight != int(weights[criterion.source]):
            criterion.weight = int(weights[criterion.source])
            criterion.save()
            changed = True
    if changed:
        note_inputs_changed()
    return criteria


def apply_weights(*, weights: Mapping[str, int], started_by: User | None = None) -> ScoringRun:
    """Save what-if weights and re-score at once, so the saved ranking is the one just seen."""
    set_weights(weights=weights)
    return rescore_portfolio(started_by=started_by)


SETTINGS_FIELDS = (
    "normalisation",
    "period_months",
    "key_share",
    "develop_share",
    "maintain_share",
    "value_basis",
)


def update_settings(
    *,
    normalisation: str,
    period_months: int,
    key_share: int,
    develop_share: int,
    maintain_share: int,
    value_basis: str,
) -> PortfolioSettings:
    errors: dict[str, list[str]] = {}
    if normalisation not in Normalisation.values:
        errors["normalisation"] = [f"{normalisation!r} is not one of: {', '.join(Normalisation.values)}."]
    if value_basis not in ValueBasis.values:
        errors["value_basis"] = [f"{value_basis!r} is not one of: {', '.join(ValueBasis.values)}."]
    if not 1 <= period_months <= 60:
        errors["period_months"] = ["From 1 to 60 months."]
    for field_name, share in (
        ("key_share", key_share),
        ("develop_share", develop_share),
        ("maintain_share", maintain_share),
    ):
        if not 0 <= share <= 100:
            errors[field_name] = ["A share is a percentage from 0 to 100."]
    if not errors and key_share + develop_share + maintain_share > 100:
        errors["maintain_share"] = ["Key, develop and maintain together cannot exceed 100%."]
    if errors:
        raise _refuse("The settings were not saved.", errors)
    row = PortfolioSettings.objects.filter(pk=1).first() or PortfolioSettings(pk=1)
    row.normalisation, row.period_months, row.value_basis = normalisation, period_months, value_basis
    row.key_share, row.develop_share, row.maintain_share = key_share, develop_share, maintain_share
    if row._state.adding:
        row.save()
    else:  # only the settings: the staleness bookkeeping is updated by others meanwhile
        row.save(update_fields=[*SETTINGS_FIELDS, "updated_at"])
    note_inputs_changed()
    row.refresh_from_db()
    return row


# Ratings -------------------------------------------------------------------------------------------


def rate_account(
    *, account: Account, criterion: SelectionCriterion, score: int, note: str = "", rated_by: User | None
) -> AccountRating:
    """Rate an account on a rated criterion (1 to its scale); a second rating replaces the first."""
    errors: dict[str, list[str]] = {}
    if not criterion.is_rated:
        errors["criterion"] = [f"{criterion} is computed from data, not rated."]
    elif not criterion.is_active:
        errors["criterion"] = [f"{criterion} is not in use."]
    elif not 1 <= score <= criterion.scale:
        errors["score"] = [f"From 1 to {criterion.scale}."]
    if errors:
        raise _refuse("The rating was not saved.", errors)
    rating = AccountRating.objects.filter(account=account, criterion=criterion).first()
    if rating is None:
        rating = AccountRating(account=account, criterion=criterion)
    rating.score, rating.note, rating.rated_by = score, note.strip(), rated_by
    rating.save()
    note_inputs_changed()
    return rating


def remove_rating(*, rating: AccountRating) -> None:
    rating.delete()
    note_inputs_changed()


def save_ratings(
    *,
    account: Account,
    ratings: list[tuple[SelectionCriterion, int | None, str]],
    rated_by: User | None,
) -> int:
    """Apply a whole ratings form: (criterion, score or None to remove, note). Returns how many changed."""
    current = {r.criterion_id: r for r in account.portfolio_ratings.all()}
    changed = 0
    for criterion, score, note in ratings:
        existing = current.get(criterion.pk)
        if score is None:
            if existing is not None:
                remove_rating(rating=existing)
                changed += 1
        elif existing is None or (existing.score, existing.note) != (score, note.strip()):
            rate_account(account=account, criterion=criterion, score=score, note=note, rated_by=rated_by)
            changed += 1
    return changed


# The re-score --------------------------------------------------------------------------------------


def ensure_defaults() -> None:
    """The settings row and the built-in criteria exist (the built-in loader, run again if need be)."""
    from kamkit.portfolio.builtin import load_criteria

    load_criteria()


def _columns(names: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(quote(name) for name in names)


def _insert_select(model: type[Any], columns: tuple[str, ...], sql: str, params: list[Any]) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({_columns(columns)}) {sql}", params)
        return int(cursor.rowcount)


def _insert_facts(sql: str, params: list[Any]) -> int:
    """Write the facts. On PostgreSQL they are gathered first with CREATE TEMPORARY TABLE ... AS,
    whose SELECT may run in parallel (an INSERT ... SELECT never does: the sums over a million deals
    take twice as long on one core), then copied (a tenth of that)."""
    if connection.vendor != "postgresql":
        return _insert_select(AccountMetrics, queries.METRICS_COLUMNS, sql, params)
    columns = _columns(queries.METRICS_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE kamkit_rescore_facts ({columns}) AS {sql}", params)
        count = _insert_select(
            AccountMetrics, queries.METRICS_COLUMNS, f"SELECT {columns} FROM kamkit_rescore_facts", []
        )
        cursor.execute("DROP TABLE kamkit_rescore_facts")
    return count


SCORE_COLUMNS: tuple[str, ...] = (
    "account_id",
    *(f"n_{source}" for source in ALL_SOURCES),
    "total",
    "attractiveness",
    "strength",
    "rank",
    "share_above",
    "tier_suggestion",
    "return_on_time",
    "revenue_current",
    "computed_at",
)


def ranking_sql(
    criteria: list[scoring.CriterionSpec],
    settings: scoring.ScoringSettings,
    scales: Mapping[str, int],
    count: int,
) -> tuple[str, list[Any]]:
    """The SELECT behind AccountScore: the ORM's normalised values (window functions), then weighted
    totals, RANK() and the tier bands around them (a window cannot order by other windows, hence the
    two levels). ``count`` is the number of accounts (the facts just inserted)."""
    inner, params = queries.compiled(queries.normalised_queryset(settings, scales))
    total = queries.weighted_sql(scoring.weighted_terms(criteria), "a")
    attractiveness = queries.weighted_sql(scoring.weighted_terms(criteria, Axis.ATTRACTIVENESS), "a")
    strength = queries.weighted_sql(scoring.weighted_terms(criteria, Axis.STRENGTH), "a")
    key = int(settings.key_share)
    develop = key + int(settings.develop_share)
    maintain = develop + int(settings.maintain_share)
    normalised = ", ".join(f"b.n_{source}" for source in ALL_SOURCES)
    sql = (
        f"SELECT b.account_id, {normalised}, b.total, b.attractiveness, b.strength, b.rnk, "
        f"100.0 * (b.rnk - 1) / {count}, "
        f"CASE WHEN (b.rnk - 1) * 100 < {key * count} THEN '{Tier.KEY}' "
        f"WHEN (b.rnk - 1) * 100 < {develop * count} THEN '{Tier.DEVELOP}' "
        f"WHEN (b.rnk - 1) * 100 < {maintain * count} THEN '{Tier.MAINTAIN}' "
        f"ELSE '{Tier.SERVE}' END, "
        "b.return_on_time, b.current, %s "
        f"FROM (SELECT a.*, {total} AS total, {attractiveness} AS attractiveness, {strength} AS strength, "
        f"RANK() OVER (ORDER BY {total} DESC) AS rnk FROM ({inner}) a) b"
    )
    return sql, params


def _on_postgres(statement: str) -> None:
    """PostgreSQL settings for this transaction only (SET LOCAL): JIT compilation of the re-score's
    one-off queries costs more than it saves (0.3-0.7 s each at 100,000 accounts), and the ranking's
    sorts fit in memory with more than the default work_mem. (More work_mem before the facts would
    turn the index-ordered aggregate over deals into a slower hash aggregate.)"""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(statement)


def _empty(*tables: type[Any]) -> None:
    """Remove every row. On PostgreSQL with TRUNCATE: no dead rows for the inserts that follow to wade
    through (0.5 s faster at 100,000 accounts); readers wait for the re-score's commit instead of
    reading the old scores meanwhile, which is the price."""
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {names}")
        return
    for model in tables:
        model.objects.all().delete()


def rescore_portfolio(*, as_of: dt.date | None = None, started_by: User | None = None) -> ScoringRun:
    """Recompute every account's facts and score in the database; returns the run (its audit summary).

    Two INSERT ... SELECT statements do the work: facts (aggregates over deals, interactions, ratings
    and planned time) and scores (the facts brought to 0-1 with the min-max bounds read in between, or
    percentile windows, then RANK()). Concurrent re-scores wait for each other.
    """
    started = timezone.now()
    clock = time.perf_counter()
    ensure_defaults()
    settings_row = PortfolioSettings.objects.select_for_update().get(pk=1)
    settings = queries.scoring_settings(settings_row)
    criteria_rows = list(SelectionCriterion.objects.all())
    criteria = [queries.criterion_spec(c) for c in criteria_rows]
    as_of = as_of or timezone.localdate()
    period = scoring.Period.ending(as_of, settings.period_months)
    rated = {c.source: c.pk for c in criteria_rows if c.source in RATED_SOURCES}
    scales = {c.source: c.scale for c in criteria_rows}

    _on_postgres("SET LOCAL jit = off")
    with bulk_work():
        _empty(AccountScore, AccountMetrics)
        facts_sql, facts_params = queries.metrics_sql(
            period, period_months=settings.period_months, rated=rated, computed_at=started
        )
        count = _insert_facts(facts_sql, facts_params)
        if count < 0:  # a driver that does not report it
            count = AccountMetrics.objects.count()
        score_sql, score_params = ranking_sql(criteria, settings, scales, max(count, 1))
        _on_postgres("SET LOCAL work_mem = '64MB'")
        _insert_select(AccountScore, SCORE_COLUMNS, score_sql, [started, *score_params])
    return ScoringRun.objects.create(
        as_of=as_of,
        started_at=started,
        elapsed_ms=int((time.perf_counter() - clock) * 1000),
        account_count=count,
        settings_snapshot={f.name: getattr(settings, f.name) for f in fields(settings)},
        criteria_snapshot=[{f.name: getattr(c, f.name) for f in fields(c)} for c in criteria],
        started_by=started_by,
        inputs_version=settings_row.inputs_version,
    )
