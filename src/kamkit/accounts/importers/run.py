"""Running an import (check, then write all or nothing, recorded as an ImportRun), the preview of a
file's columns, and exports."""

from __future__ import annotations

import contextlib
import csv
import io
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
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
from kamkit.core import permissions
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
) -> ImportResult:
    """Import a CSV or XLSX file of ``kind`` whole, or refuse it whole (ImportRefused, with ``.run``).

    Call it outside any transaction: it opens its own for the rows, and records the ImportRun
    outside it, so a refused run stays on record. ``actor`` is the person importing (their
    permissions are checked per row); None for the command line.
    """
    importer = _IMPORTERS[_kind(kind)](options or ImportOptions(), actor)
    overrides = _override_keys(kind, overrides)
    began = time.perf_counter()
    if isinstance(source, str | Path) and not filename:
        filename = Path(source).name
    run = ImportRun.objects.create(
        kind=kind,
        filename=filename[:255],
        status=ImportStatus.RUNNING,
        started_by=actor if actor is not None and actor.pk else None,
    )
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
