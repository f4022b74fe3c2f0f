"""What every kind of CRM import shares: options and results, the error list, people and accounts
looked up by e-mail, name or external id, the permission gate, the plan a check returns, hierarchies
(parents, reports-to) and the cell formats of exports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Model
from django.utils import timezone

from kamkit.accounts.choices import Attitude, BuyingRole, DealStage, Tier
from kamkit.accounts.import_columns import ACCOUNT_KEYS, COLUMNS
from kamkit.accounts.models import Account
from kamkit.core import permissions
from kamkit.core.choices import Action, ImportKind
from kamkit.core.imports import (
    Column,
    ColumnMapping,
    ImportRefused,
    ParsedRows,
    RowError,
)
from kamkit.core.models import ImportRun
from kamkit.core.queries import spreadsheet_safe
from kamkit.users.models import User

KINDS: tuple[str, ...] = tuple(COLUMNS)  # accounts, contacts, deals, products
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
    instead of refusing the row; ``missing_account='skip'`` leaves out deals without an account;
    ``create_missing_products`` creates the products a deals file names that are not here yet (in
    the line "Other") instead of refusing their rows."""

    revenue_scale: Decimal = Decimal(1)
    unknown_owner: Literal["error", "empty"] = "error"
    missing_account: Literal["error", "skip"] = "error"
    create_missing_products: bool = False


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
    also_created: list[str] = field(default_factory=list)  # other things made on the way ("2 products")

    def summary(self) -> str:
        would = "would be " if self.dry_run else ""
        parts = [
            f"{self.created:,} {would}created",
            f"{self.updated:,} {would}updated",
            f"{self.unchanged:,} unchanged",
        ]
        if self.skipped:
            parts.append(f"{self.skipped:,} {would}skipped (no account)")
        text = ", ".join(parts)
        if self.also_created:
            text += f"; also {would}created: {', '.join(self.also_created)}"
        return text


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


@dataclass(frozen=True)
class HierarchyNode:
    """Something a line may point up to (a parent account, a boss): a stored row or a row of the file."""

    node: int  # the stored pk, or -line for a new row
    name: str
    scope: int | None = None  # where it may be pointed at from (a contact's account); None: anywhere
    external_id: str | None = None
    keys: tuple[str, ...] = ()  # the other names it goes by: folded name, e-mail


@dataclass(frozen=True)
class HierarchyLink:
    """A line of the file and what it points up to, as written (empty: the link is cleared)."""

    line: int
    node: int
    reference: str | None
    scope: int | None = None


@dataclass(frozen=True)
class HierarchyWords:
    """How one kind of hierarchy speaks of its problems (format fields: ref, count, name, loop)."""

    column: str
    missing: str
    ambiguous: str
    elsewhere: str
    itself: str
    loop: str


def _resolve_hierarchy(
    links: Sequence[HierarchyLink],
    nodes: Iterable[HierarchyNode],
    stored_links: Mapping[int, int | None],
    words: HierarchyWords,
    errors: _Errors,
) -> dict[int, int]:
    """What each line points up to (an account's parent, a contact's boss), in the file or stored.

    A reference is an external id, else one of a node's keys in the line's scope (any case). A
    reference to nothing, to several nodes, to a node of another scope or to the line itself is an
    error, and so is every line on a loop (through stored links the file does not change, too).
    Returns {node: the node it points to} for the lines that resolved.
    """
    by_external_id: dict[str, int] = {}
    by_key: dict[tuple[int | None, str], set[int]] = {}
    names: dict[int, str] = {}
    scope_of: dict[int, int | None] = {}
    for item in nodes:  # a later node wins a name or an external id: the file's rows come last
        names[item.node] = item.name
        scope_of[item.node] = item.scope
        if item.external_id:
            by_external_id[item.external_id] = item.node
        for key in item.keys:
            if key:
                by_key.setdefault((item.scope, key), set()).add(item.node)
    points_to: dict[int, int | None] = dict(stored_links)
    found: dict[int, int] = {}
    for link in links:
        points_to[link.node] = None
        if not link.reference:
            continue
        raw = link.reference.strip()
        target = by_external_id.get(raw)
        if target is None:
            scope = link.scope
            matches = by_key.get((scope, raw.casefold())) or by_key.get((scope, _fold(raw))) or set()
            if len(matches) > 1:
                errors.add(link.line, words.column, words.ambiguous.format(count=len(matches), ref=raw))
                continue
            target = next(iter(matches), None)
        if target is None:
            errors.add(link.line, words.column, words.missing.format(ref=raw))
        elif scope_of.get(target) != link.scope:
            errors.add(link.line, words.column, words.elsewhere.format(name=names.get(target, raw)))
        elif target == link.node:
            errors.add(link.line, words.column, words.itself)
        else:
            found[link.node] = target
            points_to[link.node] = target
    loops = _find_loops((link.node for link in links), points_to, lambda node: names.get(node, "?"))
    for link in links:
        if link.node in loops:
            errors.add(link.line, words.column, words.loop.format(loop=loops[link.node]))
    return found


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
# Limits, the plan a check returns, bulk updates, and the cell formats of exports

_REVENUE_LIMIT = Decimal(10) ** 14  # DecimalField(max_digits=16, decimal_places=2)
_CENT = Decimal("0.01")


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
    notes: list[str] = field(default_factory=list)  # other things it creates (ImportResult.also_created)

    def apply(self, *, write: bool) -> None:
        counts = self.step(write)
        if counts is not None:
            self.created, self.updated, self.unchanged = counts


def _writer(write: Callable[[], None]) -> Callable[[bool], None]:
    def step(writing: bool) -> None:
        if writing:
            write()

    return step


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


def _plan_linked_rows(
    model: type[Model],
    rows: Sequence[Any],
    stored: dict[int, dict[str, Any]],
    total: int,
    *,
    link_field: str,
    link_of: Callable[[Any], int | None],
    has_link: Callable[[Any], bool],
) -> _Plan:
    """Creates and updates for rows that may point at another row of their kind (an account's parent,
    a contact's boss). ``link_of(row)`` is the resolved node: positive, a stored row; negative, a row
    this import creates, whose id is known only once it is written."""
    creates = [row for row in rows if row.target is None]
    updates: dict[int, dict[str, Any]] = {}
    unchanged = 0
    for row in rows:
        if row.target is None:
            continue
        new = dict(row.values)
        if has_link(row):
            new[link_field] = link_of(row)
        changed = _changes(stored[row.target], new)
        if changed:
            updates[row.target] = changed
        else:
            unchanged += 1

    def write() -> None:
        now = timezone.now()
        objects = [model(**row.values) for row in creates]
        for row, obj in zip(creates, objects, strict=True):
            link = link_of(row)
            if link is not None and link > 0:
                setattr(obj, link_field, link)
        for start in range(0, len(objects), _BATCH):
            model._default_manager.bulk_create(objects[start : start + _BATCH])
        made = {row.node: obj.pk for row, obj in zip(creates, objects, strict=True)}
        late = []
        for row, obj in zip(creates, objects, strict=True):
            link = link_of(row)
            if link is not None and link < 0:
                setattr(obj, link_field, made[link])
                late.append(obj)
        model._default_manager.bulk_update(late, [link_field.removesuffix("_id")], batch_size=_BATCH)
        _bulk_apply(model, updates, now, resolve={link_field: made})

    return _Plan(
        rows=total,
        created=len(creates),
        updated=len(updates),
        unchanged=unchanged,
        skipped=0,
        step=_writer(write),
    )


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
