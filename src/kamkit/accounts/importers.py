"""Importing and exporting accounts, contacts and deals as CSV or XLSX shaped like CRM exports.

The file is read by the shared engine (``kamkit.core.imports``): columns are found by aliases
(Salesforce, HubSpot, snake_case and the public CRM sample's names), a person may override the
mapping, and every cell is parsed. Then each kind checks its rows against the database (owners,
accounts, parents, products, duplicates, loops, permissions) and collects every problem with its
line. Imports are all-or-nothing: only a file without a single problem is written, in one
transaction, in bulk: updates by external id (accounts without one: by name), creates for the rest.

Bulk writes bypass the audit trail; each import records an ``ImportRun`` instead (its own audit
entries are the summary). The run is written outside the write transaction, so a refused or
failed import is still on record while none of its rows are.

Deals come by the million: they skip the ORM on the hot path (dict look-ups for accounts,
products and owners, plain tuples, ``executemany`` through Django's cursor in large batches) and
read the file chunk by chunk, so only the checked rows are held, not the parsed dictionaries.

Exports write the columns the import reads first (their Salesforce-style labels), so an export
imports again unchanged.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, cast

from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from kamkit.accounts.choices import STAGE_STATUS, Attitude, BuyingRole, DealStage, DealStatus, Tier
from kamkit.accounts.import_columns import (
    ACCOUNT_COLUMNS,
    ACCOUNT_KEYS,
    COLUMNS,
    CONTACT_COLUMNS,
    DEAL_COLUMNS,
    STAGE_LABELS,
    column_key,
    describe_columns,
)
from kamkit.accounts.models import Account, Contact, Deal, Product
from kamkit.core import permissions
from kamkit.core.choices import Action, ImportKind, ImportStatus
from kamkit.core.imports import (
    Column,
    ColumnMapping,
    ImportRefused,
    ParsedRows,
    RowError,
    Table,
    map_columns,
    parse_rows,
    read_table,
)
from kamkit.core.models import ImportRun
from kamkit.core.queries import spreadsheet_safe
from kamkit.users.models import User

KINDS: tuple[str, ...] = tuple(ImportKind.values)
MAX_ERRORS = 1000  # row errors listed (all are counted)
REPORT_LINES = 200  # lines of the error report kept on the ImportRun
_BATCH = 1000  # ORM bulk writes (accounts, contacts)
_DEAL_CHUNK = 50_000  # deals written per executemany
_PARSE_CHUNK = 200_000  # deals read and checked per parse (only a chunk's parsed dictionaries are held)


_MAX_LENGTHS: dict[str, dict[str, int]] = {
    ImportKind.ACCOUNTS: {
        "name": 200,
        "external_id": 100,
        "industry": 100,
        "city": 100,
        "country": 100,
        "website": 200,
    },
    ImportKind.CONTACTS: {
        "external_id": 100,
        "first_name": 100,
        "last_name": 100,
        "title": 150,
        "email": 254,
        "phone": 40,
    },
}


@dataclass(frozen=True)
class ImportOptions:
    """How to read what the file cannot say. ``revenue_scale`` multiplies account revenue
    (the CRM sample gives millions); ``unknown_owner='empty'`` leaves owners nobody here has empty
    instead of refusing the row; ``missing_account='skip'`` leaves out deals without an account."""

    revenue_scale: Decimal = Decimal(1)
    unknown_owner: Literal["error", "empty"] = "error"
    missing_account: Literal["error", "skip"] = "error"


@dataclass
class ImportResult:
    run: ImportRun
    created: int
    updated: int
    unchanged: int = 0
    skipped: int = 0
    rows: int = 0
    dry_run: bool = False
    elapsed: float = 0.0
    errors: list[RowError] = field(default_factory=list)  # always empty: a refusal raises

    def summary(self) -> str:
        would = "would be " if self.dry_run else ""
        parts = [
            f"{self.created:,} {would}created",
            f"{self.updated:,} {would}updated",
            f"{self.unchanged:,} unchanged",
        ]
        if self.skipped:
            parts.append(f"{self.skipped:,} {would}skipped (no account)")
        return ", ".join(parts)


# --------------------------------------------------------------------------------------------------
# Shared pieces: errors, people, accounts, permissions


class _Errors:
    """Every problem found, with lines; the first MAX_ERRORS are listed, all are counted."""

    def __init__(self, mapping: ColumnMapping, columns: Sequence[Column]) -> None:
        self.listed: list[RowError] = []
        self.count = 0
        self.lines: set[int] = set()
        self.parse_bad_rows = 0
        self.total_rows = 0
        self._headers = {
            column.key: mapping.headers[mapping.indexes[column.key]]
            if column.key in mapping.indexes
            else column.label
            for column in columns
        }

    def header(self, key: str) -> str:
        return self._headers.get(key, key)

    def add(self, line: int, key: str, message: str) -> None:
        self.count += 1
        self.lines.add(line)
        if len(self.listed) < MAX_ERRORS:
            self.listed.append(RowError(line, self.header(key) if key else "", message))

    def add_parsed(self, parsed: ParsedRows) -> None:
        self.count += parsed.error_count
        self.parse_bad_rows += parsed.bad_rows
        self.total_rows += parsed.total_rows
        room = MAX_ERRORS - len(self.listed)
        if room > 0:
            self.listed.extend(parsed.errors[:room])

    def remaining(self) -> int:
        return max(0, MAX_ERRORS - len(self.listed))

    def raise_if_any(self) -> None:
        if self.count:
            self.listed.sort(key=lambda error: error.line)
            raise ImportRefused(
                self.listed,
                bad_rows=self.parse_bad_rows + len(self.lines),
                total_rows=self.total_rows,
                error_count=self.count,
            )


def _fold(text: str) -> str:
    """A name as compared: no case, single spaces."""
    return " ".join(text.split()).casefold()


def _squash(text: str) -> str:
    """A product name as compared: no case, no spaces ("GTXPro" is "GTX Pro")."""
    return "".join(text.split()).casefold()


class _People:
    """Users by e-mail or full name, any case (owners in CRM exports are either)."""

    def __init__(self, options: ImportOptions) -> None:
        self.leave_unknown_empty = options.unknown_owner == "empty"
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        self.active: dict[int, bool] = {}
        self.team: dict[int, int | None] = {}
        self.label: dict[int, str] = {}
        rows = User.objects.values_list("pk", "email", "full_name", "is_active", "team_id")
        for pk, email, full_name, is_active, team_id in rows:
            self.by_email[email.casefold()] = pk
            if full_name.strip():
                self.by_name.setdefault(_fold(full_name), []).append(pk)
            self.active[pk] = is_active
            self.team[pk] = team_id
            self.label[pk] = full_name or email
        self._found: dict[str, tuple[int | None, str | None]] = {}

    def find(self, raw: str) -> tuple[int | None, str | None]:
        """(user id, None) or (None, why not); an unknown owner is (None, None) when left empty."""
        found = self._found.get(raw)
        if found is None:
            found = self._find(raw)
            self._found[raw] = found
        return found

    def _find(self, raw: str) -> tuple[int | None, str | None]:
        pk = self.by_email.get(raw.strip().casefold())
        if pk is not None:
            return pk, None
        named = self.by_name.get(_fold(raw), [])
        if len(named) > 1:
            named = [pk for pk in named if self.active[pk]] or named
        if len(named) == 1:
            return named[0], None
        if len(named) > 1:
            return None, f"{len(named)} users are called {raw.strip()!r}; give the e-mail instead"
        if self.leave_unknown_empty:
            return None, None
        return None, f"no user with the e-mail or full name {raw.strip()!r}"


class _Accounts:
    """Stored accounts by external id and by name (any case), for contacts and deals."""

    def __init__(self) -> None:
        self.by_ext: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.name: dict[int, str] = {}
        for pk, name, external_id in Account.objects.values_list("pk", "name", "external_id"):
            if external_id:
                self.by_ext[external_id] = pk
            self.by_name[_fold(name)] = pk
            self.name[pk] = name
        self._found: dict[tuple[str, bool], int | str] = {}

    def find(self, raw: str, *, by_name: bool) -> int | str:
        """The account's id, or the reason none was found (a str)."""
        key = (raw, by_name)
        found = self._found.get(key)
        if found is None:
            pk = self.by_ext.get(raw.strip())
            if pk is None and by_name:
                pk = self.by_name.get(_fold(raw))
            if pk is not None:
                found = pk
            elif by_name:
                found = f"no account called {raw.strip()!r} (or with that id); import the accounts first"
            else:
                found = f"no account with the external id {raw.strip()!r}; import the accounts first"
            self._found[key] = found
        return found


class _Gate:
    """May the person importing write this row? Nobody is asked for imports by the command line."""

    def __init__(self, actor: User | None) -> None:
        self.actor = actor
        self.everything = actor is None or permissions.role_of(actor) in permissions.FULL_ACCESS_ROLES
        self._changeable: set[int] | None = None
        self._addable: dict[tuple[int | None, int | None, int | None], bool] = {}

    def may_add_account(self, owner_id: int | None, backup_id: int | None, team_id: int | None) -> bool:
        if self.everything:
            return True
        key = (owner_id, backup_id, team_id)
        allowed = self._addable.get(key)
        if allowed is None:
            candidate = Account(owner_id=owner_id, backup_owner_id=backup_id, team_id=team_id)
            allowed = permissions.can(self.actor, Action.ADD, candidate)
            self._addable[key] = allowed
        return allowed

    def may_change_account(self, account_id: int) -> bool:
        if self.everything:
            return True
        if self._changeable is None:
            allowed = permissions.permitted(self.actor, Account, Action.CHANGE)
            self._changeable = set(allowed.values_list("pk", flat=True))
        return account_id in self._changeable


def _find_loops(
    nodes: Iterable[int], parent_of: Mapping[int, int | None], name_of: Callable[[int], str]
) -> dict[int, str]:
    """Nodes on a loop of ``parent_of`` pointers (started from ``nodes``), with the loop spelled out."""
    done: set[int] = set()
    looped: dict[int, str] = {}
    for start in nodes:
        path: list[int] = []
        on_path: dict[int, int] = {}
        node: int | None = start
        while node is not None and node not in done:
            if node in on_path:
                loop = [*path[on_path[node] :], node]
                text = " → ".join(name_of(member) for member in loop)
                for member in loop:
                    looped.setdefault(member, text)
                break
            on_path[node] = len(path)
            path.append(node)
            node = parent_of.get(node)
        done.update(path)
    return looped


def _check_lengths(kind: str, values: Mapping[str, Any], line: int, errors: _Errors) -> bool:
    fine = True
    for key, limit in _MAX_LENGTHS.get(kind, {}).items():
        value = values.get(key)
        if isinstance(value, str) and len(value) > limit:
            errors.add(line, key, f"is {len(value)} characters long; at most {limit} fit")
            fine = False
    return fine


def _require_an_account_column(mapping: ColumnMapping, columns: Sequence[Column], header_line: int) -> None:
    if not any(key in mapping.indexes for key in ACCOUNT_KEYS):
        labels = {column.key: column.label for column in columns}
        message = (
            f"required column {labels['account']!r} (or {labels['account_id']!r}) not found; "
            f"name a header {labels['account']!r}, 'Account', 'Company name' or {labels['account_id']!r}"
        )
        raise ImportRefused(
            [RowError(header_line, "", message)],
            detail=f"The file has no column for {labels['account']!r}; nothing was imported.",
        )


def _changes(stored: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in new.items() if stored.get(name) != value}


# --------------------------------------------------------------------------------------------------
# Accounts


_ACCOUNT_FIELDS = (
    "name",
    "external_id",
    "industry",
    "annual_revenue",
    "employees",
    "city",
    "country",
    "website",
    "owner_id",
    "backup_owner_id",
    "team_id",
    "tier",
    "is_key_account",
    "customer_since",
    "notes",
    "parent_id",
)
_REVENUE_LIMIT = Decimal(10) ** 14  # DecimalField(max_digits=16, decimal_places=2)
_CENT = Decimal("0.01")


@dataclass
class _AccountRow:
    line: int
    node: int  # the stored pk, or -line for a new account
    target: int | None
    values: dict[str, Any]  # model attnames present in the file (parent_id set after resolving)
    has_parent: bool = False  # the file has a parent column (an empty cell clears the parent)
    parent: str | None = None  # the parent as written
    parent_node: int | None = None  # resolved: a stored pk, or -line of a new account


@dataclass
class _Plan:
    """A checked file and what it would create and change; ``apply(write=True)`` writes it.

    ``step(write)`` does the work; it returns the counts when they are known only then (deals
    look up stored external ids while writing, not twice).
    """

    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    step: Callable[[bool], tuple[int, int, int] | None]

    def apply(self, *, write: bool) -> None:
        counts = self.step(write)
        if counts is not None:
            self.created, self.updated, self.unchanged = counts


def _writer(write: Callable[[], None]) -> Callable[[bool], None]:
    def step(writing: bool) -> None:
        if writing:
            write()

    return step


class _AccountImport:
    kind = ImportKind.ACCOUNTS
    columns = ACCOUNT_COLUMNS

    def __init__(self, options: ImportOptions, actor: User | None) -> None:
        self.options = options
        self.gate = _Gate(actor)

    def check(self, table: Table, mapping: ColumnMapping) -> _Plan:
        errors = _Errors(mapping, self.columns)
        parsed = parse_rows(table, mapping, self.columns, max_errors=MAX_ERRORS)
        errors.add_parsed(parsed)
        people = _People(self.options)
        stored: dict[int, dict[str, Any]] = {
            row["id"]: row for row in Account.objects.values("id", *_ACCOUNT_FIELDS)
        }
        by_ext = {row["external_id"]: pk for pk, row in stored.items() if row["external_id"]}
        by_name = {_fold(row["name"]): pk for pk, row in stored.items()}
        present = set(mapping.indexes)
        scale = self.options.revenue_scale
        rows: list[_AccountRow] = []
        names_in_file: dict[str, int] = {}
        ids_in_file: dict[str, int] = {}
        targets_in_file: dict[int, int] = {}
        for parsed_row in parsed.rows:
            line, v = parsed_row.line, parsed_row.values
            if not _check_lengths(self.kind, v, line, errors):
                continue
            name = " ".join(v["name"].split())
            key = _fold(name)
            external_id = v.get("external_id")
            if key in names_in_file:
                errors.add(
                    line, "name", f"{name!r} is also on line {names_in_file[key]}; an account is listed once"
                )
                continue
            names_in_file[key] = line
            if external_id is not None:
                if external_id in ids_in_file:
                    errors.add(
                        line, "external_id", f"{external_id!r} is also on line {ids_in_file[external_id]}"
                    )
                    continue
                ids_in_file[external_id] = line
            target, problem = self._target(name, external_id, stored, by_ext, by_name)
            if problem:
                errors.add(line, "name", problem)
                continue
            if target is not None:
                if target in targets_in_file:
                    errors.add(
                        line,
                        "name",
                        f"is the same stored account as line {targets_in_file[target]} ({name!r})",
                    )
                    continue
                targets_in_file[target] = line
            values: dict[str, Any] = {"name": name}
            if "external_id" in present and (external_id is not None or target is None):
                values["external_id"] = external_id
            for attname in ("industry", "city", "country", "website", "notes", "customer_since", "employees"):
                if attname in present:
                    values[attname] = v[attname]
            if values.get("employees") is not None and not 0 <= values["employees"] < 2**31:
                errors.add(line, "employees", f"{values['employees']} is not a number of employees")
            if "annual_revenue" in present:
                revenue = v["annual_revenue"]
                if revenue is not None:
                    revenue = revenue * scale
                    if revenue < 0:
                        errors.add(line, "annual_revenue", "cannot be negative")
                    elif revenue >= _REVENUE_LIMIT:
                        errors.add(line, "annual_revenue", f"{revenue:,f} is more than kamkit can store")
                    else:
                        revenue = revenue.quantize(_CENT, ROUND_HALF_UP)
                values["annual_revenue"] = revenue
            if "tier" in present:
                values["tier"] = v["tier"] or ""
            if v.get("is_key_account") is not None:
                values["is_key_account"] = v["is_key_account"]
            if values.get("tier") == Tier.KEY:
                values["is_key_account"] = True
            for person_key, attname in (("owner", "owner_id"), ("backup_owner", "backup_owner_id")):
                if person_key not in present:
                    continue
                raw = v[person_key]
                pk, problem = people.find(raw) if raw else (None, None)
                if problem:
                    errors.add(line, person_key, problem)
                elif pk is not None and not people.active[pk]:
                    errors.add(line, person_key, f"{people.label[pk]} is no longer active")
                values[attname] = pk
            old = stored.get(target) if target is not None else None
            owner_id = values.get("owner_id", old["owner_id"] if old else None)
            backup_id = values.get("backup_owner_id", old["backup_owner_id"] if old else None)
            if owner_id is not None and owner_id == backup_id:
                errors.add(line, "backup_owner", "the backup must be someone other than the owner")
            team_id = old["team_id"] if old else None
            if team_id is None and owner_id is not None:
                team_id = people.team.get(owner_id)
                if team_id is not None:
                    values["team_id"] = team_id
            if target is None:
                if not self.gate.may_add_account(owner_id, backup_id, team_id):
                    errors.add(
                        line,
                        "owner" if "owner" in present else "",
                        "you may import only accounts that you (or your people) own or back up",
                    )
            elif not self.gate.may_change_account(target):
                errors.add(line, "name", f"you may not change the stored account {stored[target]['name']!r}")
            rows.append(
                _AccountRow(
                    line=line,
                    node=target if target is not None else -line,
                    target=target,
                    values=values,
                    has_parent="parent" in present,
                    parent=v.get("parent"),
                )
            )
        if "parent" in present:
            self._resolve_parents(rows, stored, by_ext, by_name, errors)
        errors.raise_if_any()
        return self._plan(rows, stored, parsed.total_rows)

    @staticmethod
    def _target(
        name: str,
        external_id: str | None,
        stored: dict[int, dict[str, Any]],
        by_ext: dict[str, int],
        by_name: dict[str, int],
    ) -> tuple[int | None, str | None]:
        """The stored account a row updates (or None: a new one), or why the row clashes."""
        same_name = by_name.get(_fold(name))
        if external_id is None:
            return same_name, None
        target = by_ext.get(external_id)
        if target is None:
            if same_name is None:
                return None, None
            other_id = stored[same_name]["external_id"]
            if other_id and other_id != external_id:
                return None, (
                    f"an account called {stored[same_name]['name']!r} is already stored with another "
                    f"external id ({other_id!r})"
                )
            return same_name, None  # stored without an id: this row gives it one
        if same_name is not None and same_name != target:
            return None, f"another stored account is already called {stored[same_name]['name']!r}"
        return target, None

    def _resolve_parents(
        self,
        rows: list[_AccountRow],
        stored: dict[int, dict[str, Any]],
        by_ext: dict[str, int],
        by_name: dict[str, int],
        errors: _Errors,
    ) -> None:
        node_by_ext = dict(by_ext)
        node_by_name = dict(by_name)
        names = {pk: row["name"] for pk, row in stored.items()}
        parent_of: dict[int, int | None] = {pk: row["parent_id"] for pk, row in stored.items()}
        for row in rows:
            names[row.node] = row.values["name"]
            node_by_name[_fold(row.values["name"])] = row.node
            if row.values.get("external_id"):
                node_by_ext[row.values["external_id"]] = row.node
        for row in rows:
            if row.parent is None:
                parent_of[row.node] = None
                continue
            parent = node_by_ext.get(row.parent.strip())
            if parent is None:
                parent = node_by_name.get(_fold(row.parent))
            if parent is None:
                errors.add(row.line, "parent", f"no account {row.parent!r} in the file or stored")
                parent_of[row.node] = None
            elif parent == row.node:
                errors.add(row.line, "parent", "an account cannot be its own parent")
                parent_of[row.node] = None
            else:
                row.parent_node = parent
                parent_of[row.node] = parent
        loops = _find_loops((row.node for row in rows), parent_of, lambda node: names.get(node, "?"))
        for row in rows:
            if row.node in loops:
                errors.add(row.line, "parent", f"the hierarchy would loop: {loops[row.node]}")

    def _plan(self, rows: list[_AccountRow], stored: dict[int, dict[str, Any]], total: int) -> _Plan:
        creates = [row for row in rows if row.target is None]
        updates: dict[int, dict[str, Any]] = {}
        unchanged = 0
        for row in rows:
            if row.target is None:
                continue
            new = dict(row.values)
            if row.has_parent:
                new["parent_id"] = row.parent_node  # negative: a new account, known once written
            changed = _changes(stored[row.target], new)
            if changed:
                updates[row.target] = changed
            else:
                unchanged += 1

        def write() -> None:
            now = timezone.now()
            objects = [Account(**row.values) for row in creates]
            for row, account in zip(creates, objects, strict=True):
                if row.parent_node is not None and row.parent_node > 0:
                    account.parent_id = row.parent_node
            for start in range(0, len(objects), _BATCH):
                Account.objects.bulk_create(objects[start : start + _BATCH])
            made = {row.node: account.pk for row, account in zip(creates, objects, strict=True)}
            late_parents = []
            for row, account in zip(creates, objects, strict=True):
                if row.parent_node is not None and row.parent_node < 0:
                    account.parent_id = made[row.parent_node]
                    late_parents.append(account)
            Account.objects.bulk_update(late_parents, ["parent"], batch_size=_BATCH)
            _bulk_apply(Account, updates, now, resolve={"parent_id": made})

        return _Plan(
            rows=total,
            created=len(creates),
            updated=len(updates),
            unchanged=unchanged,
            skipped=0,
            step=_writer(write),
        )


def _bulk_apply(
    model: type[Model], updates: dict[int, dict[str, Any]], now: Any, resolve: dict[str, dict[int, int]]
) -> None:
    """Write changed values to stored rows, grouped by the set of fields that change."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for pk, changed in updates.items():
        groups.setdefault(tuple(sorted(changed)), []).append(pk)
    for names, pks in groups.items():
        for start in range(0, len(pks), _BATCH):
            chunk = pks[start : start + _BATCH]
            objects = model._default_manager.in_bulk(chunk)
            for pk in chunk:
                obj = objects[pk]
                for name, value in updates[pk].items():
                    if name in resolve and value is not None and value < 0:
                        value = resolve[name][value]
                    setattr(obj, name, value)
                obj.updated_at = now  # type: ignore[attr-defined]
            model._default_manager.bulk_update(list(objects.values()), [*names, "updated_at"])


# --------------------------------------------------------------------------------------------------
# Contacts


_CONTACT_TEXT = ("first_name", "last_name", "title", "email", "phone", "notes")


@dataclass
class _ContactRow:
    line: int
    node: int
    target: int | None
    account_id: int
    values: dict[str, Any]
    has_boss: bool = False  # the file has a reports-to column (an empty cell clears it)
    reports_to: str | None = None
    boss_node: int | None = None  # resolved: a stored pk, or -line of a new contact


def _split_name(full: str) -> tuple[str, str]:
    """("Jane", "Doe") from "Jane Doe" or "Doe, Jane"."""
    if "," in full:
        last, _, first = full.partition(",")
        return " ".join(first.split()), " ".join(last.split())
    parts = full.split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]), parts[-1]


class _ContactImport:
    kind = ImportKind.CONTACTS
    columns = CONTACT_COLUMNS

    def __init__(self, options: ImportOptions, actor: User | None) -> None:
        self.options = options
        self.gate = _Gate(actor)

    def check(self, table: Table, mapping: ColumnMapping) -> _Plan:
        _require_an_account_column(mapping, self.columns, table.header_line)
        errors = _Errors(mapping, self.columns)
        parsed = parse_rows(table, mapping, self.columns, max_errors=MAX_ERRORS)
        errors.add_parsed(parsed)
        present = set(mapping.indexes)
        accounts = _Accounts()
        people = _People(self.options)
        resolved: list[tuple[int, dict[str, Any], int]] = []
        for parsed_row in parsed.rows:
            line, v = parsed_row.line, parsed_row.values
            account_ref = v.get("account_id")
            found: int | str
            if account_ref:
                found = accounts.find(account_ref, by_name=False)
                key = "account_id"
            elif v.get("account"):
                found = accounts.find(v["account"], by_name=True)
                key = "account"
            else:
                errors.add(
                    line, "account" if "account" in present else "account_id", "a contact needs an account"
                )
                continue
            if isinstance(found, str):
                errors.add(line, key, found)
                continue
            resolved.append((line, v, found))
        stored = self._stored(resolved)
        rows = self._rows(resolved, stored, present, accounts, people, errors)
        if "reports_to" in present:
            self._resolve_bosses(rows, stored, errors)
        errors.raise_if_any()
        return self._plan(rows, stored, parsed.total_rows)

    @staticmethod
    def _stored(resolved: list[tuple[int, dict[str, Any], int]]) -> dict[int, dict[str, Any]]:
        """Stored contacts of the file's accounts, and those the file's ids (or bosses) may name."""
        account_ids = sorted({account_id for _, _, account_id in resolved})
        external_ids = sorted(
            {v[key] for _, v, _ in resolved for key in ("external_id", "reports_to") if v.get(key)}
        )
        fields = [
            *("id", "account_id", "external_id", *_CONTACT_TEXT, "reports_to_id", "buying_role"),
            *("attitude", "influence", "relationship_strength", "relationship_owner_id"),
            *("is_key_person", "has_left"),
        ]
        stored: dict[int, dict[str, Any]] = {}
        for start in range(0, max(len(account_ids), len(external_ids)), 500):
            condition = Q(account_id__in=account_ids[start : start + 500]) | Q(
                external_id__in=external_ids[start : start + 500]
            )
            for row in Contact.objects.filter(condition).values(*fields):
                stored[row["id"]] = row
        return stored

    def _rows(
        self,
        resolved: list[tuple[int, dict[str, Any], int]],
        stored: dict[int, dict[str, Any]],
        present: set[str],
        accounts: _Accounts,
        people: _People,
        errors: _Errors,
    ) -> list[_ContactRow]:
        by_ext = {row["external_id"]: pk for pk, row in stored.items() if row["external_id"]}
        by_email: dict[tuple[int, str], list[int]] = {}
        by_name: dict[tuple[int, str], list[int]] = {}
        for pk, row in stored.items():
            if row["email"]:
                by_email.setdefault((row["account_id"], row["email"].casefold()), []).append(pk)
            by_name.setdefault(
                (row["account_id"], _fold(f"{row['first_name']} {row['last_name']}")), []
            ).append(pk)
        seen_ext: dict[str, int] = {}
        seen_person: dict[tuple[int, str], int] = {}
        seen_target: dict[int, int] = {}
        rows: list[_ContactRow] = []
        for line, v, account_id in resolved:
            if not _check_lengths(self.kind, v, line, errors):
                continue
            first, last = v.get("first_name", ""), v.get("last_name", "")
            if not first and not last and v.get("full_name"):
                first, last = _split_name(v["full_name"])
            name_key = "last_name" if {"first_name", "last_name"} & present else "full_name"
            if not first and not last:
                errors.add(line, name_key if name_key in present else "", "a contact needs a name")
                continue
            if len(first) > 100 or len(last) > 100:
                errors.add(line, name_key, "a name part is longer than 100 characters")
                continue
            email = v.get("email", "")
            if email and ("@" not in email or " " in email):
                errors.add(line, "email", f"{email!r} is not an e-mail address")
            external_id = v.get("external_id")
            person = (account_id, email.casefold()) if email else (account_id, _fold(f"{first} {last}"))
            if external_id is not None:
                if external_id in seen_ext:
                    errors.add(
                        line, "external_id", f"{external_id!r} is also on line {seen_ext[external_id]}"
                    )
                    continue
                seen_ext[external_id] = line
            elif person in seen_person:
                what = "e-mail" if email else "name"
                errors.add(
                    line,
                    "email" if email else name_key,
                    f"the same {what} at {accounts.name[account_id]!r} is also on line {seen_person[person]}",
                )
                continue
            seen_person.setdefault(person, line)
            target: int | None = by_ext.get(external_id) if external_id is not None else None
            if target is None:
                candidates = by_email.get(person, []) if email else []
                if not candidates:
                    candidates = by_name.get((account_id, _fold(f"{first} {last}")), [])
                if external_id is not None:
                    candidates = [pk for pk in candidates if not stored[pk]["external_id"]]
                if len(candidates) > 1:
                    errors.add(
                        line,
                        name_key,
                        f"{len(candidates)} stored contacts at {accounts.name[account_id]!r} match; "
                        "give an e-mail or a contact id",
                    )
                    continue
                target = candidates[0] if candidates else None
            if target is not None:
                if target in seen_target:
                    errors.add(line, name_key, f"is the same stored contact as line {seen_target[target]}")
                    continue
                seen_target[target] = line
            values: dict[str, Any] = {"account_id": account_id}
            if "first_name" in present or "last_name" in present or "full_name" in present:
                values["first_name"], values["last_name"] = first, last
            for attname in ("title", "email", "phone", "notes"):
                if attname in present:
                    values[attname] = v[attname]
            if external_id is not None:
                values["external_id"] = external_id
            for attname in ("buying_role", "attitude", "is_key_person", "has_left"):
                if v.get(attname) is not None:
                    values[attname] = v[attname]
            for attname in ("influence", "relationship_strength"):
                number = v.get(attname)
                if number is None:
                    continue
                if not 1 <= number <= 5:
                    errors.add(line, attname, f"must be from 1 to 5, not {number}")
                values[attname] = number
            if "relationship_owner" in present:
                raw = v["relationship_owner"]
                owner_id, problem = people.find(raw) if raw else (None, None)
                if problem:
                    errors.add(line, "relationship_owner", problem)
                values["relationship_owner_id"] = owner_id
            if not self.gate.may_change_account(account_id) or (
                target is not None and not self.gate.may_change_account(stored[target]["account_id"])
            ):
                key = "account_id" if v.get("account_id") else "account"
                errors.add(line, key, f"you may not change contacts at {accounts.name[account_id]!r}")
            rows.append(
                _ContactRow(
                    line=line,
                    node=target if target is not None else -line,
                    target=target,
                    account_id=account_id,
                    values=values,
                    has_boss="reports_to" in present,
                    reports_to=v.get("reports_to"),
                )
            )
        return rows

    def _resolve_bosses(
        self, rows: list[_ContactRow], stored: dict[int, dict[str, Any]], errors: _Errors
    ) -> None:
        """Reports-to by e-mail, external id or full name: in the file or stored, at the same account."""
        account_of: dict[int, int] = {pk: row["account_id"] for pk, row in stored.items()}
        names: dict[int, str] = {}
        keys: dict[tuple[int, str], set[int]] = {}  # (account, key) -> nodes
        ext_nodes: dict[str, int] = {}
        boss_of: dict[int, int | None] = {pk: row["reports_to_id"] for pk, row in stored.items()}

        def index(node: int, account_id: int, external_id: str | None, email: str, name: str) -> None:
            names[node] = name
            account_of[node] = account_id
            if external_id:
                ext_nodes[external_id] = node
            for key in (email.casefold() if email else "", _fold(name)):
                if key:
                    keys.setdefault((account_id, key), set()).add(node)

        in_file = {row.node for row in rows}
        for pk, known in stored.items():
            if pk not in in_file:
                index(
                    pk,
                    known["account_id"],
                    known["external_id"],
                    known["email"],
                    f"{known['first_name']} {known['last_name']}",
                )
        for row in rows:
            old = stored.get(row.target) if row.target is not None else {}
            merged = {**(old or {}), **row.values}
            index(
                row.node,
                row.account_id,
                merged.get("external_id"),
                merged.get("email", ""),
                f"{merged.get('first_name', '')} {merged.get('last_name', '')}".strip(),
            )
        for row in rows:
            if not row.reports_to:
                boss_of[row.node] = None
                continue
            raw = row.reports_to.strip()
            boss = ext_nodes.get(raw)
            if boss is None:
                matches = keys.get((row.account_id, raw.casefold()), set()) or keys.get(
                    (row.account_id, _fold(raw)), set()
                )
                if len(matches) > 1:
                    errors.add(
                        row.line, "reports_to", f"{len(matches)} contacts match {raw!r}; give an e-mail or id"
                    )
                    boss_of[row.node] = None
                    continue
                boss = next(iter(matches), None)
            if boss is None:
                errors.add(
                    row.line, "reports_to", f"no contact {raw!r} at this account, in the file or stored"
                )
                boss_of[row.node] = None
            elif account_of.get(boss) != row.account_id:
                errors.add(row.line, "reports_to", f"{names.get(boss, raw)} works at another account")
                boss_of[row.node] = None
            elif boss == row.node:
                errors.add(row.line, "reports_to", "a contact cannot report to themself")
                boss_of[row.node] = None
            else:
                row.boss_node = boss
                boss_of[row.node] = boss
        loops = _find_loops((row.node for row in rows), boss_of, lambda node: names.get(node, "?"))
        for row in rows:
            if row.node in loops:
                errors.add(row.line, "reports_to", f"reporting would go round in a loop: {loops[row.node]}")

    def _plan(self, rows: list[_ContactRow], stored: dict[int, dict[str, Any]], total: int) -> _Plan:
        creates = [row for row in rows if row.target is None]
        updates: dict[int, dict[str, Any]] = {}
        unchanged = 0
        for row in rows:
            if row.target is None:
                continue
            new = dict(row.values)
            if row.has_boss:
                new["reports_to_id"] = row.boss_node  # negative: a new contact, known once written
            changed = _changes(stored[row.target], new)
            if changed:
                updates[row.target] = changed
            else:
                unchanged += 1

        def write() -> None:
            now = timezone.now()
            objects = [Contact(**row.values) for row in creates]
            for row, contact in zip(creates, objects, strict=True):
                if row.boss_node is not None and row.boss_node > 0:
                    contact.reports_to_id = row.boss_node
            for start in range(0, len(objects), _BATCH):
                Contact.objects.bulk_create(objects[start : start + _BATCH])
            made = {row.node: contact.pk for row, contact in zip(creates, objects, strict=True)}
            late = []
            for row, contact in zip(creates, objects, strict=True):
                if row.boss_node is not None and row.boss_node < 0:
                    contact.reports_to_id = made[row.boss_node]
                    late.append(contact)
            Contact.objects.bulk_update(late, ["reports_to"], batch_size=_BATCH)
            _bulk_apply(Contact, updates, now, resolve={"reports_to_id": made})

        return _Plan(
            rows=total,
            created=len(creates),
            updated=len(updates),
            unchanged=unchanged,
            skipped=0,
            step=_writer(write),
        )


# --------------------------------------------------------------------------------------------------
# Deals: the fast path


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


class _DealImport:
    kind = ImportKind.DEALS
    columns = DEAL_COLUMNS

    def __init__(self, options: ImportOptions, actor: User | None) -> None:
        self.options = options
        self.gate = _Gate(actor)

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

        store_money, store_date = _storage(connection.vendor)

        def account(raw: str, by_name: bool) -> int | _Problem:
            found = accounts.find(raw, by_name=by_name)
            return _Problem(found) if isinstance(found, str) else found

        def product(raw: str) -> int | _Problem:
            found = products.get(_squash(raw))
            return found if found is not None else _Problem(f"no product {raw.strip()!r} (known: {known})")

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

        The loop over rows does no checks of its own: a resolver gives a message (a str) for a cell
        it cannot resolve, which lands in the tuple. Only when some resolver gave one (or the
        importer's rights are limited) are the tuples scanned again, to tell the lines.
        """
        _require_an_account_column(mapping, self.columns, table.header_line)
        if mapping.missing:  # the engine refuses with its own message before reading any row
            parse_rows(table, mapping, self.columns)
        present = set(mapping.indexes)
        errors = _Errors(mapping, self.columns)
        by_account_id, by_account, product_of, owner_of, money_of, day_of, account_names = self._lookups()
        skip_missing_account = self.options.missing_account == "skip"
        has_name, has_product, has_owner = "name" in present, "product" in present, "owner" in present
        has_amount, has_margin = "amount" in present, "margin" in present
        has_engaged, has_close = "engaged_on" in present, "close_date" in present
        has_account_id, has_account = "account_id" in present, "account" in present
        missing_account_key = "account" if has_account else "account_id"
        status_of = {str(stage): str(status) for stage, status in STAGE_STATUS.items()}
        is_open = {stage: status == DealStatus.OPEN for stage, status in status_of.items()}
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        checked: list[tuple[Any, ...]] = []
        append = checked.append
        lines = array("L")  # the line of each checked row, to tell where a problem is
        add_line = lines.append
        seen: dict[str, int] = {}
        first_line = seen.setdefault
        skipped = 0
        collecting = gc.isenabled()
        gc.disable()  # a million tuples without cycles: the collector's passes would cost seconds
        try:
            records = iter(table.rows)
            while True:
                chunk = Table(
                    headers=table.headers,
                    rows=islice(records, _PARSE_CHUNK),
                    header_line=table.header_line,
                    format=table.format,
                )
                parsed = parse_rows(chunk, mapping, self.columns, max_errors=errors.remaining())
                errors.add_parsed(parsed)
                for row in parsed.rows:
                    v = row.values
                    line = row.line
                    external_id = v["external_id"]
                    first = first_line(external_id, line)
                    if first != line:
                        errors.add(line, "external_id", f"{external_id!r} is also on line {first}")
                        continue
                    if has_account_id and v["account_id"]:
                        account = by_account_id[v["account_id"]]
                    elif has_account and v["account"]:
                        account = by_account[v["account"]]
                    elif skip_missing_account:
                        skipped += 1
                        continue
                    else:
                        errors.add(line, missing_account_key, "a deal needs an account")
                        continue
                    stage = v["stage"]
                    close = day_of[v["close_date"]] if has_close else None
                    append(
                        (
                            external_id,
                            account,
                            v["name"] if has_name else "",
                            product_of[v["product"]] if has_product else None,
                            owner_of[v["owner"]] if has_owner else None,
                            stage,
                            status_of[stage],
                            money_of[v["amount"]] if has_amount else None,
                            money_of[v["margin"]] if has_margin else None,
                            day_of[v["engaged_on"]] if has_engaged else None,
                            close if is_open[stage] else None,
                            None if is_open[stage] else close,
                            now,
                            now,
                        )
                    )
                    add_line(line)
                if parsed.total_rows < _PARSE_CHUNK:
                    break
            del seen
            resolvers = (by_account_id, by_account, product_of, owner_of, money_of)
            if (
                not self.gate.everything
                or any(type(value) is _Problem for resolved in resolvers for value in resolved.values())
                or (has_name and any(len(row[2]) > 200 for row in checked))
                or any(len(row[0]) > 100 for row in checked)
            ):
                self._explain(checked, lines, by_account_id, account_names, missing_account_key, errors)
            errors.raise_if_any()
        finally:
            if collecting:
                gc.enable()
        written = tuple(name for name, source in _DEAL_SOURCES.items() if source is None or source in present)
        return _DealWriter(checked, written, errors.total_rows, skipped).plan()

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
        self, rows: list[tuple[Any, ...]], written: tuple[str, ...], total: int, skipped: int
    ) -> None:
        rows.sort(key=itemgetter(0))  # by external id: the unique index then grows at its end
        self.rows = rows
        self.written = written  # stored columns an update may change (those the file has)
        self.total = total
        self.skipped = skipped

    def plan(self) -> _Plan:
        return _Plan(
            rows=self.total, created=0, updated=0, unchanged=0, skipped=self.skipped, step=self._apply
        )

    def _apply(self, write: bool) -> tuple[int, int, int]:
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
                    assignments = ", ".join(f"{quote(name)} = %s" for name in (*changed, "updated_at"))
                    sql = f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s"
                    for start in range(0, len(params), _DEAL_CHUNK):
                        cursor.executemany(sql, params[start : start + _DEAL_CHUNK])
        return len(inserts), updated, unchanged

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
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {table} ({', '.join(quote(name) for name in _DEAL_DB_FIELDS)}) "
            f"VALUES ({', '.join(['%s'] * len(_DEAL_DB_FIELDS))})"
        )
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
        for start in range(0, len(rows), _DEAL_CHUNK):
            cursor.executemany(sql, rows[start : start + _DEAL_CHUNK])
        for _, create in indexes:
            cursor.execute(create)


def _same_value(stored: Any, value: Any) -> bool:
    """A stored value (as the cursor returns it) equal to the new one? On SQLite amounts come back
    as int or float; a doubtful comparison counts as a change, which only writes the value again."""
    if stored == value:
        return True
    return isinstance(stored, float) and isinstance(value, Decimal) and stored == float(value)


# --------------------------------------------------------------------------------------------------
# Running an import


_IMPORTERS: dict[str, type[_AccountImport] | type[_ContactImport] | type[_DealImport]] = {
    ImportKind.ACCOUNTS: _AccountImport,
    ImportKind.CONTACTS: _ContactImport,
    ImportKind.DEALS: _DealImport,
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
                _tune_sqlite(lambda: plan.apply(write=True))
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
    )


def _override_keys(kind: str, overrides: Mapping[str, str] | None) -> dict[str, str]:
    """Overrides by column key; a column's label or alias names it too ("Account Owner=Rep")."""
    keyed: dict[str, str] = {}
    for name, header in (overrides or {}).items():
        keyed[column_key(kind, name) or name] = header
    return keyed


def _tune_sqlite(write: Callable[[], None]) -> None:
    """SQLite's default 2 MB page cache makes index inserts of a million rows thrash; use 256 MB."""
    if connection.vendor != "sqlite":
        write()
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")
        try:
            write()
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


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
    if kind != ImportKind.ACCOUNTS and not any(key in mapping.indexes for key in ACCOUNT_KEYS):
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


def _text(value: str | None) -> str:
    return spreadsheet_safe(value) if value else ""


def _number(value: Any) -> Any:
    return "" if value is None else value


def _day(value: date | None) -> Any:
    return value if value is not None else ""


def _yes(value: bool) -> str:
    return "yes" if value else "no"


_TIER_LABEL = dict(Tier.choices)
_ROLE_LABEL = dict(BuyingRole.choices)
_ATTITUDE_LABEL = dict(Attitude.choices)
_STAGE_LABEL = dict(DealStage.choices)


def _headers(kind: str, keys: Sequence[str]) -> list[str]:
    labels = {column.key: column.label for column in COLUMNS[kind]}
    return [labels[key] for key in keys]


_ACCOUNT_EXPORT = (
    "name",
    "external_id",
    "parent",
    "industry",
    "annual_revenue",
    "employees",
    "city",
    "country",
    "website",
    "owner",
    "backup_owner",
    "tier",
    "is_key_account",
    "customer_since",
    "notes",
)


def account_rows(queryset: QuerySet[Account]) -> Iterator[list[Any]]:
    """The header, then one row per account, as the accounts import reads them."""
    yield _headers(ImportKind.ACCOUNTS, _ACCOUNT_EXPORT)
    rows = queryset.order_by("name").values_list(
        "name",
        "external_id",
        "parent__name",
        "industry",
        "annual_revenue",
        "employees",
        "city",
        "country",
        "website",
        "owner__email",
        "backup_owner__email",
        "tier",
        "is_key_account",
        "customer_since",
        "notes",
    )
    for row in rows.iterator(chunk_size=2000):
        (name, ext, parent, industry, revenue, employees, city, country, website) = row[:9]
        owner, backup, tier, key, since, notes = row[9:]
        yield [
            _text(name),
            _text(ext),
            _text(parent),
            _text(industry),
            _number(revenue),
            _number(employees),
            _text(city),
            _text(country),
            _text(website),
            owner or "",
            backup or "",
            _TIER_LABEL.get(tier, tier) if tier else "",
            _yes(key),
            _day(since),
            _text(notes),
        ]


_CONTACT_EXPORT = (
    "external_id",
    "first_name",
    "last_name",
    "title",
    "email",
    "phone",
    "account",
    "account_id",
    "reports_to",
    "buying_role",
    "attitude",
    "influence",
    "relationship_strength",
    "relationship_owner",
    "is_key_person",
    "has_left",
    "notes",
)


def contact_rows(queryset: QuerySet[Contact]) -> Iterator[list[Any]]:
    """The header, then one row per contact; "Reports To" names the boss by id, e-mail or name."""
    yield _headers(ImportKind.CONTACTS, _CONTACT_EXPORT)
    rows = queryset.order_by("account__name", "last_name", "first_name", "pk").values_list(
        "external_id",
        "first_name",
        "last_name",
        "title",
        "email",
        "phone",
        "account__name",
        "account__external_id",
        "reports_to__external_id",
        "reports_to__email",
        "reports_to__first_name",
        "reports_to__last_name",
        "buying_role",
        "attitude",
        "influence",
        "relationship_strength",
        "relationship_owner__email",
        "is_key_person",
        "has_left",
        "notes",
    )
    for row in rows.iterator(chunk_size=2000):
        ext, first, last, title, email, phone, account, account_ext = row[:8]
        boss_ext, boss_email, boss_first, boss_last = row[8:12]
        role, attitude, influence, strength, owner, key, left, notes = row[12:]
        boss = boss_ext or boss_email or f"{boss_first or ''} {boss_last or ''}".strip()
        yield [
            _text(ext),
            _text(first),
            _text(last),
            _text(title),
            _text(email),
            _text(phone),
            _text(account),
            _text(account_ext),
            _text(boss),
            _ROLE_LABEL.get(role, role),
            _ATTITUDE_LABEL.get(attitude, attitude),
            influence,
            strength,
            owner or "",
            _yes(key),
            _yes(left),
            _text(notes),
        ]


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
            owner or "",
        ]


_ROWS: dict[str, Callable[[QuerySet[Any]], Iterator[list[Any]]]] = {
    ImportKind.ACCOUNTS: account_rows,
    ImportKind.CONTACTS: contact_rows,
    ImportKind.DEALS: deal_rows,
}
EXPORT_MODELS: dict[str, type[Model]] = {
    ImportKind.ACCOUNTS: Account,
    ImportKind.CONTACTS: Contact,
    ImportKind.DEALS: Deal,
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
        sheet = workbook.create_sheet(title=str(ImportKind(kind).label))
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


def visible_for_export(kind: str, user: Any) -> QuerySet[Any]:
    """What ``user`` may export: what they may see."""
    return permissions.visible_to(user, EXPORT_MODELS[_kind(kind)])


__all__ = [
    "ACCOUNT_COLUMNS",
    "CONTACT_COLUMNS",
    "DEAL_COLUMNS",
    "KINDS",
    "STAGE_LABELS",
    "ImportOptions",
    "ImportResult",
    "Preview",
    "PreviewColumn",
    "columns_for",
    "csv_lines",
    "describe_columns",
    "export",
    "export_accounts",
    "export_contacts",
    "export_deals",
    "import_file",
    "preview",
    "visible_for_export",
]
