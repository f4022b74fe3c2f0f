"""Importing and exporting accounts: updates by external id (or name), parents in the file or stored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Lower

from kamkit.accounts.choices import Tier
from kamkit.accounts.import_columns import (
    ACCOUNT_COLUMNS,
)
from kamkit.accounts.importers.shared import (
    _CENT,
    _REVENUE_LIMIT,
    _TIER_LABEL,
    MAX_ERRORS,
    HierarchyLink,
    HierarchyNode,
    HierarchyWords,
    ImportOptions,
    _check_lengths,
    _day,
    _Errors,
    _fold,
    _Gate,
    _headers,
    _number,
    _People,
    _Plan,
    _plan_linked_rows,
    _resolve_hierarchy,
    _text,
    _yes,
)
from kamkit.accounts.models import Account
from kamkit.core.choices import ImportKind
from kamkit.core.imports import (
    ColumnMapping,
    Table,
    parse_rows,
)
from kamkit.users.models import User

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


@dataclass
class _AccountRow:
    line: int
    node: int  # the stored pk, or -line for a new account
    target: int | None
    values: dict[str, Any]  # model attnames present in the file (parent_id set after resolving)
    has_parent: bool = False  # the file has a parent column (an empty cell clears the parent)
    parent: str | None = None  # the parent as written
    parent_node: int | None = None  # resolved: a stored pk, or -line of a new account


PARENT_WORDS = HierarchyWords(
    column="parent",
    missing="no account {ref!r} in the file or stored",
    ambiguous="{count} accounts are called {ref!r}; give the parent's account id",
    elsewhere="{name} cannot be a parent here",
    itself="an account cannot be its own parent",
    loop="the hierarchy would loop: {loop}",
)


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

    @staticmethod
    def _resolve_parents(
        rows: list[_AccountRow],
        stored: dict[int, dict[str, Any]],
        by_ext: dict[str, int],
        by_name: dict[str, int],
        errors: _Errors,
    ) -> None:
        """Parents by external id or name, in the file or stored (the file's names and ids win)."""
        nodes = [
            HierarchyNode(pk, row["name"], external_id=row["external_id"], keys=(_fold(row["name"]),))
            for pk, row in stored.items()
        ]
        nodes += [
            HierarchyNode(
                row.node,
                row.values["name"],
                external_id=row.values.get("external_id"),
                keys=(_fold(row.values["name"]),),
            )
            for row in rows
        ]
        found = _resolve_hierarchy(
            [HierarchyLink(row.line, row.node, row.parent) for row in rows],
            nodes,
            {pk: row["parent_id"] for pk, row in stored.items()},
            PARENT_WORDS,
            errors,
        )
        for row in rows:
            row.parent_node = found.get(row.node)

    def _plan(self, rows: list[_AccountRow], stored: dict[int, dict[str, Any]], total: int) -> _Plan:
        return _plan_linked_rows(
            Account,
            rows,
            stored,
            total,
            link_field="parent_id",
            link_of=lambda row: row.parent_node,
            has_link=lambda row: row.has_parent,
        )


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
    rows = queryset.order_by(Lower("name"), "pk").values_list(
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
            _text(owner),
            _text(backup),
            _TIER_LABEL.get(tier, tier) if tier else "",
            _yes(key),
            _day(since),
            _text(notes),
        ]
