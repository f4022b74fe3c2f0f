"""Running an import (check, then write all or nothing, recorded as an ImportRun), the preview of a
file's columns, and exports."""

from __future__ import annotations

import contextlib
import csv
import io
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, cast

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from kamkit.accounts.import_columns import (
    ACCOUNT_KEYS,
    COLUMNS,
    IMPORT_KIND_LABELS,
    KINDS_WITH_AN_ACCOUNT,
    PRODUCTS,
    column_key,
)
from kamkit.accounts.importers import uploads
from kamkit.accounts.importers.accounts import _AccountImport, account_rows
from kamkit.accounts.importers.contacts import _ContactImport, contact_rows
from kamkit.accounts.importers.deals import _DealImport, deal_rows
from kamkit.accounts.importers.products import _ProductImport, product_rows
from kamkit.accounts.importers.shared import (
    KINDS,
    REPORT_LINES,
    ImportOptions,
    ImportResult,
)
from kamkit.accounts.models import Account, Contact, Deal, Product
from kamkit.accounts.signals import rows_imported
from kamkit.core import audit, permissions
from kamkit.core.bulk import bulk_work
from kamkit.core.choices import ImportKind, ImportStatus
from kamkit.core.imports import (
    Column,
    ImportRefused,
    Table,
    map_columns,
    read_table,
)
from kamkit.core.models import ImportRun
from kamkit.users.models import User

# --------------------------------------------------------------------------------------------------
# Running an import


_IMPORTERS: dict[str, type[_AccountImport | _ContactImport | _DealImport | _ProductImport]] = {
    ImportKind.ACCOUNTS: _AccountImport,
    ImportKind.CONTACTS: _ContactImport,
    ImportKind.DEALS: _DealImport,
    PRODUCTS: _ProductImport,
}


def _kind(kind: str) -> str:
    if kind not in _IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r} (one of: {', '.join(KINDS)})")
    return kind


def import_file(
    kind: str,
    source: str | Path | bytes | BinaryIO | IO[bytes],
    *,
    filename: str = "",
    overrides: Mapping[str, str] | None = None,
    dry_run: bool = False,
    options: ImportOptions | None = None,
    actor: User | None = None,
    queued: ImportRun | None = None,
) -> ImportResult:
    """Import a CSV or XLSX file of ``kind`` whole, or refuse it whole (ImportRefused, with ``.run``).

    Call it outside any transaction: it opens its own for the rows, and records the ImportRun
    outside it, so a refused run stays on record. ``actor`` is the person importing (their
    permissions are checked per row); None for the command line. ``queued`` is the run recorded
    by ``queue_import``, carried on by the worker instead of recording a new one.
    """
    importer = _IMPORTERS[_kind(kind)](options or ImportOptions(), actor)
    overrides = _override_keys(kind, overrides)
    began = time.perf_counter()
    if isinstance(source, str | Path) and not filename:
        filename = Path(source).name
    if queued is None:
        run = ImportRun.objects.create(
            kind=kind,
            filename=filename[:255],
            status=ImportStatus.RUNNING,
            dry_run=dry_run,
            started_by=actor if actor is not None and actor.pk else None,
        )
    else:
        run = queued
        run.status = ImportStatus.RUNNING
        run.started_at = timezone.now()  # it started now; it was queued before
        run.save()
    try:
        table = read_table(cast(BinaryIO, source), filename=filename)  # uploads are binary files too
        mapping = map_columns(table.headers, importer.columns, overrides)
        plan = importer.check(table, mapping)
        if dry_run:
            plan.apply(write=False)
        else:
            with transaction.atomic():
                with bulk_work():  # a million rows and their indexes
                    plan.apply(write=True)
                if plan.created or plan.updated:
                    rows_imported.send(
                        sender=EXPORT_MODELS[kind], kind=kind, created=plan.created, updated=plan.updated
                    )
    except ImportRefused as exc:
        _finish(
            run,
            ImportStatus.REFUSED,
            row_count=exc.total_rows or 0,
            error_count=exc.error_count,
            errors_report=exc.report(limit=REPORT_LINES),
        )
        exc.run = run  # type: ignore[attr-defined]
        raise
    except BaseException as exc:
        with contextlib.suppress(Exception):  # the original error is the one to report
            _finish(run, ImportStatus.FAILED, errors_report=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    _finish(
        run,
        ImportStatus.DRY_RUN if dry_run else ImportStatus.DONE,
        row_count=plan.rows,
        created_count=plan.created,
        updated_count=plan.updated,
        unchanged_count=plan.unchanged,
        skipped_count=plan.skipped,
        also_created=list(plan.notes),
    )
    return ImportResult(
        run=run,
        created=plan.created,
        updated=plan.updated,
        unchanged=plan.unchanged,
        skipped=plan.skipped,
        rows=plan.rows,
        dry_run=dry_run,
        elapsed=time.perf_counter() - began,
        also_created=list(plan.notes),
    )


def _override_keys(kind: str, overrides: Mapping[str, str] | None) -> dict[str, str]:
    """Overrides by column key; a column's label or alias names it too ("Account Owner=Rep")."""
    keyed: dict[str, str] = {}
    for name, header in (overrides or {}).items():
        keyed[column_key(kind, name) or name] = header
    return keyed


def _finish(run: ImportRun, status: str, **counts: Any) -> None:
    run.status = status
    for name, value in counts.items():
        setattr(run, name, value)
    run.finished_at = timezone.now()
    run.save()


# --------------------------------------------------------------------------------------------------
# Running an import in the background (the web pages, and the API when asked)


def queue_import(
    kind: str,
    upload: str,
    *,
    filename: str,
    overrides: Mapping[str, str] | None = None,
    dry_run: bool = False,
    options: ImportOptions | None = None,
    actor: User | None = None,
    keep_upload: bool = False,
) -> ImportRun:
    """Record the import as queued and hand it to the worker when the caller's transaction commits.

    ``upload`` names a file kept by ``uploads``. The worker runs ``run_queued_import`` as the same
    person (ids travel, not objects) and deletes the file when done, unless ``keep_upload`` (a check
    whose file the person goes on to import). Callers own the transaction.
    """
    uploads.path_of(upload)  # refuse a name that is not one of ours now, not in the worker
    run = ImportRun.objects.create(
        kind=_kind(kind),
        filename=filename[:255],
        status=ImportStatus.QUEUED,
        dry_run=dry_run,
        started_by=actor if actor is not None and actor.pk else None,
    )
    arguments = {
        "run_id": run.pk,
        "upload": upload,
        "overrides": dict(overrides or {}),
        "options": options_as_json(options or ImportOptions()),
        "actor_id": actor.pk if actor is not None and actor.pk else None,
        "keep_upload": keep_upload,
    }
    transaction.on_commit(lambda: _enqueue(arguments))
    return run


def _enqueue(arguments: dict[str, Any]) -> None:
    """Queue the task; a queue that cannot take it leaves a failed run with the reason, not a run
    waiting forever."""
    from kamkit.accounts.tasks import run_import

    try:
        run_import.enqueue(**arguments)
    except Exception as exc:
        with contextlib.suppress(Exception):
            run = ImportRun.objects.get(pk=arguments["run_id"])
            _finish(run, ImportStatus.FAILED, errors_report=f"The import could not be queued ({exc}).")
        if not arguments["keep_upload"]:
            uploads.remove(arguments["upload"])
        raise


def run_queued_import(
    *,
    run_id: int,
    upload: str,
    overrides: dict[str, str],
    options: dict[str, Any],
    actor_id: int | None,
    keep_upload: bool,
) -> str:
    """Carry out a queued import (the worker's side of ``queue_import``); returns the run's status.

    The rows are written all or nothing as in ``import_file``, and a refusal is recorded on the run
    the same way. Anything unexpected marks the run failed with the reason, so a run is never left
    'running' by an error; the file is deleted in every case unless ``keep_upload``.
    """
    run = ImportRun.objects.filter(pk=run_id).first()
    try:
        if run is None or run.status != ImportStatus.QUEUED:
            return run.status if run else "gone"  # it ran already: a task delivered twice does nothing
        actor = User.objects.filter(pk=actor_id, is_active=True).first() if actor_id is not None else None
        if actor_id is not None and actor is None:
            _finish(run, ImportStatus.FAILED, errors_report=FAILED_NO_PERSON)
            return run.status
        path = uploads.path_of(upload)
        if not path.is_file():
            _finish(run, ImportStatus.FAILED, errors_report=FAILED_NO_FILE)
            return run.status
        # a refusal is recorded on the run, with the bad rows by line
        with (
            audit.acting_as(actor, label=None if actor else "task:import"),
            contextlib.suppress(ImportRefused),
        ):
            import_file(
                run.kind,
                path,
                filename=run.filename,
                overrides=overrides,
                dry_run=run.dry_run,
                options=options_from_json(options),
                actor=actor,
                queued=run,
            )
        return run.status
    except BaseException as exc:
        if run is not None:
            with contextlib.suppress(Exception):
                run.refresh_from_db()
                if not run.finished:
                    _finish(
                        run,
                        ImportStatus.FAILED,
                        errors_report=f"{FAILED_UNEXPECTEDLY} ({type(exc).__name__}: {exc})"[:2000],
                    )
        raise
    finally:
        if not keep_upload:
            uploads.remove(upload)


FAILED_NO_PERSON = "The person who started this import can no longer sign in; nothing was imported."
FAILED_NO_FILE = "The uploaded file was no longer there (it may have waited too long); upload it again."
FAILED_UNEXPECTEDLY = "The import stopped on an unexpected error; nothing was written"


def options_as_json(options: ImportOptions) -> dict[str, Any]:
    """Options as plain JSON values, for a task's arguments or the session."""
    return {
        "revenue_scale": str(options.revenue_scale),
        "unknown_owner": options.unknown_owner,
        "missing_account": options.missing_account,
        "create_missing_products": options.create_missing_products,
    }


def options_from_json(data: Mapping[str, Any]) -> ImportOptions:
    return ImportOptions(
        revenue_scale=Decimal(str(data.get("revenue_scale", "1"))),
        unknown_owner=data.get("unknown_owner", "error"),
        missing_account=data.get("missing_account", "error"),
        create_missing_products=bool(data.get("create_missing_products", False)),
    )


# --------------------------------------------------------------------------------------------------
# Preview


@dataclass
class PreviewColumn:
    key: str
    label: str
    header: str | None  # the file header feeding it, None when nothing does
    required: bool
    samples: list[str]


@dataclass
class Preview:
    kind: str
    format: str
    headers: list[str]
    columns: list[PreviewColumn]
    rows: list[list[str]]  # the first rows as text, as wide as the header
    unmapped: list[str]
    missing: list[str]
    mapping: list[tuple[str, str | None]]  # ColumnMapping.describe()


PREVIEW_ROWS = 5


def columns_for(kind: str) -> tuple[Column, ...]:
    return COLUMNS[_kind(kind)]


def preview(
    kind: str,
    source: str | Path | bytes | BinaryIO | Table,
    overrides: Mapping[str, str] | None = None,
    *,
    filename: str = "",
) -> Preview:
    """How the file's headers map to kamkit's columns, with the first rows: what a person checks
    (and corrects with ``overrides``) before importing. Refuses only files it cannot read."""
    columns = columns_for(kind)
    table = source if isinstance(source, Table) else read_table(source, filename=filename)
    mapping = map_columns(table.headers, columns, _override_keys(kind, overrides))
    width = len(table.headers)
    rows = [(cells + [""] * width)[:width] for _, cells in islice(table.rows, PREVIEW_ROWS)]
    missing = list(mapping.missing)
    if kind in KINDS_WITH_AN_ACCOUNT and not any(key in mapping.indexes for key in ACCOUNT_KEYS):
        missing.append("Account Name (or Account ID)")
    return Preview(
        kind=kind,
        format=table.format,
        headers=list(table.headers),
        columns=[
            PreviewColumn(
                key=column.key,
                label=column.label,
                header=table.headers[mapping.indexes[column.key]] if column.key in mapping.indexes else None,
                required=column.required,
                samples=[row[mapping.indexes[column.key]] for row in rows if column.key in mapping.indexes],
            )
            for column in columns
        ],
        rows=rows,
        unmapped=mapping.unmapped,
        missing=missing,
        mapping=mapping.describe(),
    )


# --------------------------------------------------------------------------------------------------
# Exports

_ROWS: dict[str, Callable[[QuerySet[Any]], Iterator[list[Any]]]] = {
    ImportKind.ACCOUNTS: account_rows,
    ImportKind.CONTACTS: contact_rows,
    ImportKind.DEALS: deal_rows,
    PRODUCTS: product_rows,
}
EXPORT_MODELS: dict[str, type[Model]] = {
    ImportKind.ACCOUNTS: Account,
    ImportKind.CONTACTS: Contact,
    ImportKind.DEALS: Deal,
    PRODUCTS: Product,
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_rows(kind: str, queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    return _ROWS[_kind(kind)](queryset)


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(kind: str, queryset: QuerySet[Any]) -> Iterator[str]:
    """The export as CSV text, line by line (for streaming responses); starts with a BOM for Excel."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield "\ufeff"
    for row in export_rows(kind, queryset):
        yield writer.writerow(["" if value is None else value for value in row])


def export(
    kind: str,
    queryset: QuerySet[Any],
    target: str | Path | IO[bytes],
    format: Literal["csv", "xlsx"] = "csv",
) -> int:
    """Write ``queryset`` as CSV or XLSX to a path or a binary file; returns the rows written."""
    if isinstance(target, str | Path):
        with open(target, "wb") as handle:
            return export(kind, queryset, handle, format)
    count = -1
    if format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=IMPORT_KIND_LABELS[kind])
        for row in export_rows(kind, queryset):
            sheet.append(row)
            count += 1
        workbook.save(target)
        return count
    if format != "csv":
        raise ValueError(f"unknown export format {format!r} (csv or xlsx)")
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        for row in export_rows(kind, queryset):
            writer.writerow(["" if value is None else value for value in row])
            count += 1
        text.flush()
    finally:
        text.detach()
    return count


def export_accounts(
    queryset: QuerySet[Account], path_or_file: str | Path | IO[bytes], format: Literal["csv", "xlsx"] = "csv"
) -> int:
    return export(ImportKind.ACCOUNTS, queryset, path_or_file, format)


def export_contacts(
    queryset: QuerySet[Contact], path_or_file: str | Path | IO[bytes], format: Literal["csv", "xlsx"] = "csv"
) -> int:
    return export(ImportKind.CONTACTS, queryset, path_or_file, format)


def export_deals(
    queryset: QuerySet[Deal], path_or_file: str | Path | IO[bytes], format: Literal["csv", "xlsx"] = "csv"
) -> int:
    return export(ImportKind.DEALS, queryset, path_or_file, format)


def export_products(
    queryset: QuerySet[Product], path_or_file: str | Path | IO[bytes], format: Literal["csv", "xlsx"] = "csv"
) -> int:
    return export(PRODUCTS, queryset, path_or_file, format)


def visible_for_export(kind: str, user: Any) -> QuerySet[Any]:
    """What ``user`` may export: what they may see."""
    return permissions.visible_to(user, EXPORT_MODELS[_kind(kind)])
