"""Importing and exporting products and their lines (what deals are sold as, and the columns of the
whitespace map). Products are reference data: directors and admins import them; anyone exports.

A product is found by its name without case or spaces ("GTXPro" is "GTX Pro", as deals files write
it); the file's spelling wins. Lines are found by name (any case) and created when missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from kamkit.accounts.import_columns import PRODUCT_COLUMNS, PRODUCTS
from kamkit.accounts.importers.shared import (
    _BATCH,
    _CENT,
    MAX_ERRORS,
    ImportOptions,
    _bulk_apply,
    _changes,
    _Errors,
    _fold,
    _headers,
    _number,
    _Plan,
    _squash,
    _text,
    _writer,
)
from kamkit.accounts.models import Product, ProductLine
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.imports import ColumnMapping, ImportRefused, RowError, Table, parse_rows
from kamkit.users.models import User

_NAME_LENGTH = 100  # Product.name and ProductLine.name
_PRICE_LIMIT = Decimal(10) ** 12  # DecimalField(max_digits=14, decimal_places=2)


@dataclass
class _ProductRow:
    line: int
    target: int | None  # the stored product, None for a new one
    values: dict[str, Any]  # name, line_id (negative: a new line), list_price when the file has it


class _ProductImport:
    kind = PRODUCTS
    columns = PRODUCT_COLUMNS

    def __init__(self, options: ImportOptions, actor: User | None) -> None:
        self.options = options
        self.actor = actor

    def check(self, table: Table, mapping: ColumnMapping) -> _Plan:
        if self.actor is not None and not permissions.can(self.actor, Action.ADD, Product):
            raise ImportRefused(
                [RowError(table.header_line, "", "products are kept by directors and admins")],
                detail="You may not import products; nothing was imported.",
            )
        errors = _Errors(mapping, self.columns)
        parsed = parse_rows(table, mapping, self.columns, max_errors=MAX_ERRORS)
        errors.add_parsed(parsed)
        has_price = "list_price" in mapping.indexes
        stored: dict[int, dict[str, Any]] = {
            row["id"]: dict(row) for row in Product.objects.values("id", "name", "line_id", "list_price")
        }
        by_name = {_squash(row["name"]): pk for pk, row in stored.items()}
        lines = {_fold(name): pk for pk, name in ProductLine.objects.values_list("pk", "name")}
        new_lines: dict[str, tuple[int, str]] = {}  # folded name -> (placeholder, name as written)
        seen: dict[str, int] = {}
        rows: list[_ProductRow] = []
        for parsed_row in parsed.rows:
            line, v = parsed_row.line, parsed_row.values
            name = " ".join(v["name"].split())
            line_name = " ".join(v["line"].split())
            problems = False
            for key, text in (("name", name), ("line", line_name)):
                if len(text) > _NAME_LENGTH:
                    errors.add(line, key, f"is {len(text)} characters long; at most {_NAME_LENGTH} fit")
                    problems = True
            key = _squash(name)
            if key in seen:
                errors.add(line, "name", f"{name!r} is also on line {seen[key]}; a product is listed once")
                continue
            seen[key] = line
            values: dict[str, Any] = {"name": name}
            if has_price:
                price = v["list_price"]
                if price is not None:
                    if price < 0:
                        errors.add(line, "list_price", "cannot be negative")
                        problems = True
                    elif price >= _PRICE_LIMIT:
                        errors.add(line, "list_price", f"{price:,f} is more than kamkit can store")
                        problems = True
                    else:
                        price = price.quantize(_CENT, ROUND_HALF_UP)
                values["list_price"] = price
            if problems:
                continue
            line_key = _fold(line_name)
            line_id = lines.get(line_key)
            if line_id is None:
                placeholder, _ = new_lines.setdefault(line_key, (-(len(new_lines) + 1), line_name))
                line_id = placeholder
            values["line_id"] = line_id
            rows.append(_ProductRow(line=line, target=by_name.get(key), values=values))
        errors.raise_if_any()
        return self._plan(rows, stored, new_lines, parsed.total_rows)

    @staticmethod
    def _plan(
        rows: list[_ProductRow],
        stored: dict[int, dict[str, Any]],
        new_lines: dict[str, tuple[int, str]],
        total: int,
    ) -> _Plan:
        creates = [row for row in rows if row.target is None]
        updates: dict[int, dict[str, Any]] = {}
        for row in rows:
            if row.target is not None and (changed := _changes(stored[row.target], row.values)):
                updates[row.target] = changed
        unchanged = len(rows) - len(creates) - len(updates)

        def write() -> None:
            made_lines: dict[int, int] = {}
            if new_lines:
                objects = [ProductLine(name=name) for _, name in new_lines.values()]
                ProductLine.objects.bulk_create(objects, batch_size=_BATCH)
                made_lines = {
                    placeholder: line.pk
                    for (placeholder, _), line in zip(new_lines.values(), objects, strict=True)
                }
            products = []
            for row in creates:
                values = dict(row.values)
                if values["line_id"] < 0:
                    values["line_id"] = made_lines[values["line_id"]]
                products.append(Product(**values))
            Product.objects.bulk_create(products, batch_size=_BATCH)
            _bulk_apply(Product, updates, timezone.now(), resolve={"line_id": made_lines})

        plan = _Plan(
            rows=total,
            created=len(creates),
            updated=len(updates),
            unchanged=unchanged,
            skipped=0,
            step=_writer(write),
        )
        if new_lines:
            names = ", ".join(repr(name) for _, name in new_lines.values())
            plan.notes.append(f"{len(new_lines)} product line{'s' if len(new_lines) != 1 else ''} ({names})")
        return plan


_PRODUCT_EXPORT = ("name", "line", "list_price")


def product_rows(queryset: QuerySet[Product]) -> Iterator[list[Any]]:
    """The header, then one row per product (by line, then name, in any case)."""
    yield _headers(PRODUCTS, _PRODUCT_EXPORT)
    ordered = queryset.order_by(Lower("line__name"), Lower("name"), "pk")
    rows = ordered.values_list("name", "line__name", "list_price")
    for name, line, price in rows.iterator(chunk_size=2000):
        yield [_text(name), _text(line), _number(price)]
