"""Importing and exporting deals, by the million: the fast path (dict look-ups, plain tuples,
``executemany`` in large batches, the file read chunk by chunk)."""

from __future__ import annotations

import gc
from array import array
from collections.abc import Callable, Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from kamkit.accounts.choices import STAGE_STATUS, DealStatus
from kamkit.accounts.import_columns import (
    DEAL_COLUMNS,
)
from kamkit.accounts.importers.shared import (
    _CENT,
    _DEAL_CHUNK,
    _PARSE_CHUNK,
    _STAGE_LABEL,
    ImportOptions,
    _Accounts,
    _day,
    _Errors,
    _Gate,
    _headers,
    _number,
    _People,
    _Plan,
    _require_an_account_column,
    _squash,
    _text,
)
from kamkit.accounts.models import Deal, Product, ProductLine
from kamkit.core import permissions
from kamkit.core.choices import Action, ImportKind
from kamkit.core.imports import (
    ColumnMapping,
    Table,
    fit_row,
    parse_rows,
)
from kamkit.users.models import User

# Stored columns in the order of the checked tuples: the external id first, the timestamps last.
_DEAL_DB_FIELDS = (
    "external_id",
    "account_id",
    "name",
    "product_id",
    "owner_id",
    "stage",
    "status",
    "amount",
    "margin",
    "engaged_on",
    "expected_close_on",
    "closed_on",
    "created_at",
    "updated_at",
)
# Which file column feeds each stored column an update may change (None: always there).
_DEAL_SOURCES = {
    "account_id": None,
    "name": "name",
    "product_id": "product",
    "owner_id": "owner",
    "stage": None,
    "status": None,
    "amount": "amount",
    "margin": "margin",
    "engaged_on": "engaged_on",
    "expected_close_on": "close_date",
    "closed_on": "close_date",
}
_DEAL_DATES = frozenset({"engaged_on", "expected_close_on", "closed_on"})
_DEAL_POSITION = {name: position for position, name in enumerate(_DEAL_DB_FIELDS)}
_AMOUNT_LIMIT = Decimal(10) ** 12  # DecimalField(max_digits=14, decimal_places=2)
_BULK_INSERT = 100_000  # from this many new deals on SQLite, indexes are rebuilt rather than kept up
_ROWS_PER_INSERT = 500  # rows per INSERT statement (within the database's limit on parameters)
_CELLS_KEPT = 100_000  # distinct cells kept per column (amounts are many; ids are never kept)


_PRODUCT_NAME_LENGTH = 100
NEW_LINE = "Other"  # the product line of products a deals import creates
MISSING_ACCOUNT = (
    "a deal needs an account and this row names none; to leave such deals out instead, import with "
    "--missing-account=skip (API: missing_account=skip; on the import page: 'Leave the deal out')"
)


class _Problem(str):
    """Why a cell could not be resolved: a resolver's answer that is no value (values may be str)."""

    __slots__ = ()


def _storage(vendor: str) -> tuple[Callable[[Decimal], Any], Callable[[date], Any]]:
    """Money and dates as the database driver takes them without a Python adapter per value.

    SQLite stores a "decimal" column's text as an integer or a float (NUMERIC affinity) and a date
    as ISO text: giving it those directly is the same row, a million adapter calls cheaper, and
    what a SELECT without converters returns, so stored and new rows compare as tuples.
    """
    if vendor == "sqlite":

        def money(value: Decimal) -> Any:
            return int(value) if value == value.to_integral_value() else float(value)

        return money, date.isoformat
    return (lambda value: value), (lambda value: value)


class _Resolved(dict[Any, Any]):
    """Values resolved once per distinct cell (``resolved[cell]``: one C-level look-up on a hit).

    A cell that cannot be resolved gives a _Problem (the message).
    """

    __slots__ = ("resolve",)

    def __init__(self, resolve: Callable[[Any], Any], **known: Any) -> None:
        super().__init__()
        self.resolve = resolve
        self[None] = None
        self[""] = None

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.resolve(key)
        return value


class _Cells(dict[Any, Any]):
    """One column's cells, parsed by the column's parser and then resolved, once per distinct cell
    (``cells[cell]``: one C-level look-up on a hit). A cell the parser refuses raises ValueError and
    is not kept; so is an empty cell of a required column."""

    __slots__ = ("parse", "required", "then")

    def __init__(self, parse: Callable[[str], Any], then: Callable[[Any], Any], required: bool) -> None:
        super().__init__()
        self.parse = parse
        self.then = then
        self.required = required

    def __missing__(self, cell: str) -> Any:
        value = self.parse(cell)
        if self.required and (value is None or value == ""):
            raise ValueError(cell)
        result = self.then(value)
        if len(self) < _CELLS_KEPT:
            self[cell] = result
        return result


class _DealImport:
    kind = ImportKind.DEALS
    columns = DEAL_COLUMNS

    def __init__(self, options: ImportOptions, actor: User | None) -> None:
        self.options = options
        self.gate = _Gate(actor)
        self.new_products: dict[int, str] = {}  # placeholder id -> name, with create_missing_products

    def _lookups(
        self,
    ) -> tuple[_Resolved, _Resolved, _Resolved, _Resolved, _Resolved, _Resolved, dict[int, str]]:
        """Cell values to account id, product id, owner id (or why not), money and dates as stored."""
        accounts = _Accounts()
        people = _People(self.options)
        products: dict[str, int] = {}
        for pk, name in Product.objects.values_list("pk", "name"):
            products[_squash(name)] = pk
        known = ", ".join(sorted(Product.objects.values_list("name", flat=True))[:12]) or "none yet"
        create_missing = self.options.create_missing_products
        # Products are reference data: only those who may add them have the missing ones created.
        may_add_products = self.gate.actor is None or permissions.can(self.gate.actor, Action.ADD, Product)
        to_create: dict[str, int] = {}  # squashed name -> placeholder id (negative)

        store_money, store_date = _storage(connection.vendor)

        def account(raw: str, by_name: bool) -> int | _Problem:
            found = accounts.find(raw, by_name=by_name)
            return _Problem(found) if isinstance(found, str) else found

        def product(raw: str) -> int | _Problem:
            key = _squash(raw)
            found = products.get(key)
            if found is not None:
                return found
            name = " ".join(raw.split())
            if not create_missing:
                return _Problem(
                    f"no product {name!r} (known: {known}); import the products first "
                    "('kamkit import products FILE' or the import page), or let this import create "
                    "the missing ones (--create-missing-products; on the import page: 'Create them')"
                )
            if not may_add_products:
                return _Problem(
                    f"no product {name!r} (known: {known}); products are kept by directors and admins: "
                    "ask one of them to add it or to import your products file"
                )
            if len(name) > _PRODUCT_NAME_LENGTH:
                return _Problem(f"a product name is at most {_PRODUCT_NAME_LENGTH} characters")
            if key not in to_create:
                to_create[key] = -(len(to_create) + 1)
                self.new_products[to_create[key]] = name
            return to_create[key]

        def owner(raw: str) -> int | _Problem | None:
            pk, problem = people.find(raw)
            return _Problem(problem) if problem else pk

        def money(value: Decimal) -> Any:
            if abs(value) >= _AMOUNT_LIMIT:
                return _Problem(f"{value:,f} is more than kamkit can store")
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and exponent < -2:
                value = value.quantize(_CENT, ROUND_HALF_UP)
            return store_money(value)

        return (
            _Resolved(lambda raw: account(raw, False)),
            _Resolved(lambda raw: account(raw, True)),
            _Resolved(product),
            _Resolved(owner),
            _Resolved(money),
            _Resolved(store_date),
            accounts.name,
        )

    def check(self, table: Table, mapping: ColumnMapping) -> _Plan:
        """Every row resolved into the tuple it is stored as; problems refuse the file.

        The fast path reads each row's cells straight into that tuple: one dictionary look-up per
        cell (``_Cells``: the cell parsed and resolved once per distinct value), no checks of its
        own. A resolver gives a message (a str) for a cell it cannot resolve, which lands in the
        tuple; only when some resolver gave one (or the importer's rights are limited) are the
        tuples scanned again, to tell the lines. A cell that cannot be parsed at all sends its row
        to the engine's ``parse_rows`` (in batches), which words the problem as for any import.
        """
        _require_an_account_column(mapping, self.columns, table.header_line)
        if mapping.missing:  # the engine refuses with its own message before reading any row
            parse_rows(table, mapping, self.columns)
        errors = _Errors(mapping, self.columns)
        by_account_id, by_account, product_of, owner_of, money_of, day_of, account_names = self._lookups()
        skip_missing_account = self.options.missing_account == "skip"
        width = len(table.headers)
        index = mapping.indexes
        parsers = {column.key: column.parse for column in self.columns}

        def cells(key: str, then: Callable[[Any], Any], required: bool = False) -> tuple[int, _Cells]:
            """Where the column is in a row (``width``, an empty cell added to every row, when the
            file lacks it) and its cells parsed and resolved."""
            return index.get(key, width), _Cells(parsers[key], then, required)

        status_of = {str(stage): str(status) for stage, status in STAGE_STATUS.items()}
        at_external_id = index["external_id"]
        at_name = index.get("name")
        at_account_id, account_id_of = cells("account_id", by_account_id.__getitem__)
        at_account, account_of = cells("account", by_account.__getitem__)
        at_product, product_cell = cells("product", product_of.__getitem__)
        at_owner, owner_cell = cells("owner", owner_of.__getitem__)
        at_stage, stage_of = cells(
            "stage", lambda stage: (stage, status_of[stage], status_of[stage] == DealStatus.OPEN), True
        )
        at_amount, amount_of = cells("amount", money_of.__getitem__)
        at_margin, margin_of = cells("margin", money_of.__getitem__)
        at_engaged, engaged_of = cells("engaged_on", day_of.__getitem__)
        at_close, close_of = cells("close_date", day_of.__getitem__)
        missing_account_key = "account" if "account" in index else "account_id"
        clean_id, clean_name = parsers["external_id"], parsers["name"]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        checked: list[tuple[Any, ...]] = []
        append = checked.append
        lines = array("L")  # the line of each checked row, to tell where a problem is
        add_line = lines.append
        seen: dict[str, int] = {}
        first_line = seen.setdefault
        skipped = fast_rows = 0
        bad: list[tuple[int, list[str]]] = []  # rows with a cell that cannot be parsed
        collecting = gc.isenabled()
        gc.disable()  # a million tuples without cycles: the collector's passes would cost seconds
        try:
            for line, row in table.rows:
                if len(row) != width:
                    fitted = fit_row(row, width)
                    if fitted is None:
                        bad.append((line, row))
                        continue
                    row = fitted
                row.append("")  # the cell of every column the file lacks
                fast_rows += 1
                try:
                    external_id = clean_id(row[at_external_id])
                    if not external_id:
                        raise ValueError(external_id)
                    account = account_id_of[row[at_account_id]]
                    if account is None:
                        account = account_of[row[at_account]]
                    stage, status, is_open = stage_of[row[at_stage]]
                    close = close_of[row[at_close]]
                    amount, margin = amount_of[row[at_amount]], margin_of[row[at_margin]]
                    engaged = engaged_of[row[at_engaged]]
                except ValueError:
                    fast_rows -= 1
                    row.pop()
                    bad.append((line, row))
                    if len(bad) >= _PARSE_CHUNK:
                        self._refuse_cells(bad, table, mapping, errors)
                    continue
                first = first_line(external_id, line)
                if first != line:
                    errors.add(line, "external_id", f"{external_id!r} is also on line {first}")
                    continue
                if account is None:
                    if skip_missing_account:
                        skipped += 1
                    else:
                        errors.add(line, missing_account_key, MISSING_ACCOUNT)
                    continue
                # Products and owners only for rows that stay: a product to create is registered
                # when first looked up, and a skipped row must not create one.
                values = (
                    external_id,
                    account,
                    clean_name(row[at_name]) if at_name is not None else "",
                    product_cell[row[at_product]],
                    owner_cell[row[at_owner]],
                    stage,
                    status,
                    amount,
                    margin,
                    engaged,
                    close if is_open else None,
                    None if is_open else close,
                    now,
                    now,
                )
                append(values)
                add_line(line)
            self._refuse_cells(bad, table, mapping, errors)
            errors.total_rows += fast_rows
            del seen
            resolvers = (by_account_id, by_account, product_of, owner_of, money_of)
            if (
                not self.gate.everything
                or any(type(value) is _Problem for resolved in resolvers for value in resolved.values())
                or (at_name is not None and any(len(row[2]) > 200 for row in checked))
                or any(len(row[0]) > 100 for row in checked)
            ):
                self._explain(checked, lines, by_account_id, account_names, missing_account_key, errors)
            errors.raise_if_any()
        finally:
            if collecting:
                gc.enable()
        written = tuple(
            name for name, source in _DEAL_SOURCES.items() if source is None or source in mapping.indexes
        )
        return _DealWriter(checked, written, errors.total_rows, skipped, self.new_products).plan()

    def _refuse_cells(
        self, bad: list[tuple[int, list[str]]], table: Table, mapping: ColumnMapping, errors: _Errors
    ) -> None:
        """The rows the fast path could not read, worded by the engine as for any import (each is a
        problem there too: the fast path reads cells exactly as the engine does)."""
        if not bad:
            return
        parsed = parse_rows(
            Table(headers=table.headers, rows=iter(bad), header_line=table.header_line, format=table.format),
            mapping,
            self.columns,
            max_errors=errors.remaining(),
        )
        if parsed.rows:  # never: the two would read a cell differently
            raise RuntimeError(f"line {parsed.rows[0].line} was refused by the deals fast path alone")
        errors.add_parsed(parsed)
        bad.clear()

    def _explain(
        self,
        checked: list[tuple[Any, ...]],
        lines: array[int],
        by_account_id: _Resolved,
        account_names: dict[int, str],
        account_key: str,
        errors: _Errors,
    ) -> None:
        """The slow path of a refusal: which rows hold which problems."""
        account_id_problems = {value for value in by_account_id.values() if type(value) is _Problem}
        gate = self.gate
        for line, row in zip(lines, checked, strict=True):
            external_id, account, name, product, owner = row[:5]
            if len(external_id) > 100:
                errors.add(line, "external_id", "is longer than 100 characters")
            if type(account) is _Problem:
                errors.add(line, "account_id" if account in account_id_problems else "account", account)
            elif not gate.everything and not gate.may_change_account(account):
                errors.add(line, account_key, f"you may not add deals to {account_names[account]!r}")
            if len(name) > 200:
                errors.add(line, "name", "is longer than 200 characters")
            for key, value in (
                ("product", product),
                ("owner", owner),
                ("amount", row[7]),
                ("margin", row[8]),
            ):
                if type(value) is _Problem:
                    errors.add(line, key, value)


class _DealWriter:
    """Writes checked deals: looks up stored external ids in chunks, then inserts the new deals and
    updates only the changed columns of the changed ones (unchanged deals are not touched).

    On SQLite, when the new deals outnumber the stored ones (a first import), the deal table's
    secondary indexes are dropped and built again after the insert, inside the same transaction:
    building an index from sorted rows is several times faster than keeping it up row by row.
    """

    def __init__(
        self,
        rows: list[tuple[Any, ...]],
        written: tuple[str, ...],
        total: int,
        skipped: int,
        new_products: dict[int, str] | None = None,
    ) -> None:
        rows.sort(key=itemgetter(0))  # by external id: the unique index then grows at its end
        self.rows = rows
        self.written = written  # stored columns an update may change (those the file has)
        self.total = total
        self.skipped = skipped
        self.new_products = new_products or {}  # placeholder product id -> name: created first

    def plan(self) -> _Plan:
        plan = _Plan(
            rows=self.total, created=0, updated=0, unchanged=0, skipped=self.skipped, step=self._apply
        )
        if self.new_products:
            count, names = len(self.new_products), ", ".join(repr(n) for n in self.new_products.values())
            plan.notes.append(
                f"{count} product{'s' if count != 1 else ''} ({names}) in the line {NEW_LINE!r}"
            )
        return plan

    def _give_products(self, write: bool) -> None:
        """Create the missing products (when writing) and put their ids in the rows instead of the
        placeholders (a dry run: no product, as far as comparing with stored deals goes)."""
        if not self.new_products:
            return
        made: dict[int, int | None] = dict.fromkeys(self.new_products)
        if write:
            line = ProductLine.objects.filter(name__iexact=NEW_LINE).first()
            line = line or ProductLine.objects.create(name=NEW_LINE)
            objects = [Product(name=name, line=line) for name in self.new_products.values()]
            Product.objects.bulk_create(objects)
            made = {
                placeholder: product.pk
                for placeholder, product in zip(self.new_products, objects, strict=True)
            }
        self.rows = [
            (*row[:3], made[row[3]], *row[4:]) if type(row[3]) is int and row[3] < 0 else row
            for row in self.rows
        ]

    def _apply(self, write: bool) -> tuple[int, int, int]:
        self._give_products(write)
        quote = connection.ops.quote_name
        table = quote(Deal._meta.db_table)
        stored_count = Deal.objects.count()
        inserts: list[tuple[Any, ...]] = []
        updates: dict[tuple[str, ...], list[list[Any]]] = {}
        unchanged = 0
        with connection.cursor() as cursor:
            if stored_count:
                pick = itemgetter(*(_DEAL_POSITION[name] for name in self.written))
                now_position = _DEAL_POSITION["updated_at"]
                for old, row in self._stored(cursor, table):
                    if old is None:
                        inserts.append(row)
                        continue
                    new = pick(row)
                    if old[2:] == new:
                        unchanged += 1
                        continue
                    changed = tuple(
                        name
                        for name, before, after in zip(self.written, old[2:], new, strict=True)
                        if not _same_value(before, after)
                    )
                    if not changed:
                        unchanged += 1
                        continue
                    values = [row[_DEAL_POSITION[name]] for name in changed]
                    updates.setdefault(changed, []).append([*values, row[now_position], old[1]])
            else:
                inserts = self.rows
            updated = sum(len(group) for group in updates.values())
            if write:
                self._insert(cursor, table, inserts, rebuild=len(inserts) >= max(_BULK_INSERT, stored_count))
                for changed, params in updates.items():
                    self._update(cursor, table, (*changed, "updated_at"), params)
        return len(inserts), updated, unchanged

    def _update(self, cursor: Any, table: str, columns: tuple[str, ...], params: list[list[Any]]) -> None:
        """Set ``columns`` of the deals by id (each params row: the values, then the id), one statement
        run for many rows. (Many rows a statement, UPDATE ... FROM VALUES, was slower on SQLite.)"""
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(name)} = %s" for name in columns)
        sql = f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s"
        for start in range(0, len(params), _DEAL_CHUNK):
            cursor.executemany(sql, params[start : start + _DEAL_CHUNK])

    def _stored(self, cursor: Any, table: str) -> Iterator[tuple[tuple[Any, ...] | None, tuple[Any, ...]]]:
        """Each checked row with the stored one of its external id (external_id, id, written...)."""
        quote = connection.ops.quote_name
        columns = ", ".join(
            # SQLite: dates as the stored text, as the checked rows hold them (see _storage)
            f"CAST({quote(name)} AS TEXT)"
            if name in _DEAL_DATES and connection.vendor == "sqlite"
            else quote(name)
            for name in ("external_id", "id", *self.written)
        )
        limit = connection.features.max_query_params or 10_000
        size = max(100, min(10_000, limit - 10))
        for start in range(0, len(self.rows), size):
            chunk = self.rows[start : start + size]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {columns} FROM {table} WHERE {quote('external_id')} IN ({marks})",
                [row[0] for row in chunk],
            )
            stored = {found[0]: found for found in cursor.fetchall()}
            for row in chunk:
                yield stored.get(row[0]), row

    def _insert(self, cursor: Any, table: str, rows: list[tuple[Any, ...]], *, rebuild: bool) -> None:
        """Many rows per INSERT (one statement per ``_ROWS_PER_INSERT`` rows, not one per row: far
        less work for SQLite, which also updates its id sequence once per statement)."""
        quote = connection.ops.quote_name
        indexes: list[tuple[str, str]] = []
        if rebuild and connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [Deal._meta.db_table],
            )
            indexes = list(cursor.fetchall())
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
        execute, mark = _raw_execute(cursor)
        one = f"({', '.join([mark] * len(_DEAL_DB_FIELDS))})"
        head = f"INSERT INTO {table} ({', '.join(quote(name) for name in _DEAL_DB_FIELDS)}) VALUES "
        limit = connection.features.max_query_params or 65_535
        per = max(1, min(_ROWS_PER_INSERT, limit // len(_DEAL_DB_FIELDS)))
        many = head + ", ".join([one] * per)
        whole = len(rows) - len(rows) % per
        with connection.wrap_database_errors:
            for start in range(0, whole, per):
                execute(many, list(chain.from_iterable(rows[start : start + per])))
            if whole < len(rows):
                rest = rows[whole:]
                execute(head + ", ".join([one] * len(rest)), list(chain.from_iterable(rest)))
        for _, create in indexes:
            cursor.execute(create)


def _raw_execute(cursor: Any) -> tuple[Callable[[str, list[Any]], Any], str]:
    """The driver's own execute and its placeholder. On SQLite, Django's cursor rewrites every
    ``%s`` to ``?`` with a regular expression on each call, which for 7,000 placeholders a statement
    costs more than the insert; the statement is written with ``?`` instead and given to the sqlite3
    cursor itself (callers keep Django's error types with ``connection.wrap_database_errors``)."""
    if connection.vendor == "sqlite":
        import sqlite3

        driver_cursor = cursor.cursor
        return (lambda sql, params: sqlite3.Cursor.execute(driver_cursor, sql, params)), "?"
    return cursor.execute, "%s"


def _same_value(stored: Any, value: Any) -> bool:
    """A stored value (as the cursor returns it) equal to the new one? On SQLite amounts come back
    as int or float; a doubtful comparison counts as a change, which only writes the value again."""
    if stored == value:
        return True
    return isinstance(stored, float) and isinstance(value, Decimal) and stored == float(value)


_DEAL_EXPORT = (
    "external_id",
    "name",
    "account",
    "account_id",
    "product",
    "stage",
    "amount",
    "margin",
    "engaged_on",
    "close_date",
    "owner",
)


def deal_rows(queryset: QuerySet[Deal]) -> Iterator[list[Any]]:
    """The header, then one row per deal; "Close Date" is the expected date for open deals."""
    yield _headers(ImportKind.DEALS, _DEAL_EXPORT)
    rows = queryset.order_by("pk").values_list(
        "external_id",
        "name",
        "account__name",
        "account__external_id",
        "product__name",
        "stage",
        "amount",
        "margin",
        "engaged_on",
        "closed_on",
        "expected_close_on",
        "owner__email",
    )
    for row in rows.iterator(chunk_size=5000):
        ext, name, account, account_ext, product, stage, amount, margin, engaged, closed, expected, owner = (
            row
        )
        yield [
            _text(ext),
            _text(name),
            _text(account),
            _text(account_ext),
            _text(product),
            _STAGE_LABEL.get(stage, stage),
            _number(amount),
            _number(margin),
            _day(engaged),
            _day(closed or expected),
            _text(owner),
        ]
