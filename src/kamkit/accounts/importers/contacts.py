"""Importing and exporting contacts: matched by external id, e-mail or name at their account; reports-to
in the file or stored, at the same account."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from kamkit.accounts.import_columns import (
    CONTACT_COLUMNS,
)
from kamkit.accounts.importers.shared import (
    _ATTITUDE_LABEL,
    _ROLE_LABEL,
    MAX_ERRORS,
    HierarchyLink,
    HierarchyNode,
    HierarchyWords,
    ImportOptions,
    _Accounts,
    _check_lengths,
    _Errors,
    _fold,
    _Gate,
    _headers,
    _People,
    _Plan,
    _plan_linked_rows,
    _require_an_account_column,
    _resolve_hierarchy,
    _text,
    _yes,
)
from kamkit.accounts.models import Contact
from kamkit.core.choices import ImportKind
from kamkit.core.imports import (
    ColumnMapping,
    Table,
    parse_rows,
)
from kamkit.users.models import User

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


def _full_name(stored: dict[str, Any]) -> str:
    return f"{stored['first_name']} {stored['last_name']}"


BOSS_WORDS = HierarchyWords(
    column="reports_to",
    missing="no contact {ref!r} at this account, in the file or stored",
    ambiguous="{count} contacts match {ref!r}; give an e-mail or id",
    elsewhere="{name} works at another account",
    itself="a contact cannot report to themself",
    loop="reporting would go round in a loop: {loop}",
)


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

    @staticmethod
    def _resolve_bosses(rows: list[_ContactRow], stored: dict[int, dict[str, Any]], errors: _Errors) -> None:
        """Reports-to by e-mail, external id or full name: in the file or stored, at the same account."""

        def node(pk: int, account_id: int, external_id: str | None, email: str, name: str) -> HierarchyNode:
            keys = (email.casefold() if email else "", _fold(name))
            return HierarchyNode(pk, name, scope=account_id, external_id=external_id, keys=keys)

        in_file = {row.node for row in rows}
        nodes = [
            node(pk, known["account_id"], known["external_id"], known["email"], _full_name(known))
            for pk, known in stored.items()
            if pk not in in_file
        ]
        for line in rows:
            old = stored.get(line.target) if line.target is not None else {}
            merged = {**(old or {}), **line.values}
            name = f"{merged.get('first_name', '')} {merged.get('last_name', '')}".strip()
            email = merged.get("email", "")
            nodes.append(node(line.node, line.account_id, merged.get("external_id"), email, name))
        found = _resolve_hierarchy(
            [HierarchyLink(row.line, row.node, row.reports_to, scope=row.account_id) for row in rows],
            nodes,
            {pk: row["reports_to_id"] for pk, row in stored.items()},
            BOSS_WORDS,
            errors,
        )
        for row in rows:
            row.boss_node = found.get(row.node)

    def _plan(self, rows: list[_ContactRow], stored: dict[int, dict[str, Any]], total: int) -> _Plan:
        return _plan_linked_rows(
            Contact,
            rows,
            stored,
            total,
            link_field="reports_to_id",
            link_of=lambda row: row.boss_node,
            has_link=lambda row: row.has_boss,
        )


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
    rows = queryset.order_by(Lower("account__name"), "last_name", "first_name", "pk").values_list(
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
            _text(owner),
            _yes(key),
            _yes(left),
            _text(notes),
        ]
