"""Reading CRM exports (CSV or XLSX) into checked rows: the engine every importer shares.

An importer declares its ``Column``s; this module finds them in the file's header (by aliases, so
Salesforce, HubSpot and snake_case exports all work), parses every cell and collects every problem
with the line number a person sees in their spreadsheet, so a whole file is fixed in one go.
Imports are all-or-nothing: importers write rows only after ``ParsedRows.raise_if_errors()``.
Nothing here touches models or the database.

Speed matters (a million deals per import), hence the precomputed column plan, the fast paths for
plain values in each parser and the per-column memo of results for the built-in parsers.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from kamkit.core.errors import ServiceError

# --------------------------------------------------------------------------------------------------
# Parsers: plain functions from the cell text to a value, raising ValueError(message) on bad input.
# Messages name the bad value, because the report already says where it is.


def _shown(value: str) -> str:
    """The bad value as quoted in a message, cut short so one wild cell cannot flood the report."""
    text = value.strip()
    return repr(text if len(text) <= 40 else text[:39] + "…")


def parse_text(value: str) -> str:
    """Text with surrounding spaces removed; an empty cell is ''."""
    return value.strip()


def parse_optional_text(value: str) -> str | None:
    """Text with surrounding spaces removed; an empty cell is None."""
    return value.strip() or None


# Removed before reading a number: spaces (also the no-break ones spreadsheets use as thousands
# separators) and currency signs, so "$1,234" and "€ 1 234,50" read as plain numbers.
_NUMBER_NOISE = str.maketrans(dict.fromkeys(" \t\u00a0\u2007\u202f$€£¥₹₽₩₺₪₫¢₦₱₴₸₡₲₵", None))
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_THOUSANDS_COMMA = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")  # 1,234,567.89
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]{1,2}")  # 1234,5 and 1234,50
_THOUSANDS_DOT = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+")  # 1.234,50


def _number(value: str, what: str) -> Decimal | None:
    """The one number rule behind parse_int and parse_decimal (see parse_decimal)."""
    text = value.translate(_NUMBER_NOISE)
    if not text:
        if value.strip():  # only a currency sign
            raise ValueError(f"{_shown(value)} is not {what}")
        return None
    negative = False
    if text[0] == "(" and text[-1] == ")":  # accountants' negative
        negative, text = True, text[1:-1]
    elif text[0] in "-+":
        negative, text = text[0] == "-", text[1:]
    if _PLAIN_NUMBER.fullmatch(text):
        pass
    elif _THOUSANDS_COMMA.fullmatch(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    elif _THOUSANDS_DOT.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    else:
        hint = "; write decimals with a dot, e.g. 1234.50" if "," in text else ""
        raise ValueError(f"{_shown(value)} is not {what}{hint}")
    number = Decimal(text)
    return -number if negative else number


def parse_int(value: str) -> int | None:
    """A whole number: "12", " 12 ", "1,234", "12.0" and "-3"; an empty cell is None."""
    if value.isdecimal():
        return int(value)
    if not value:
        return None
    number = _number(value, "a whole number")
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"{_shown(value)} is not a whole number")
    return int(number)


def parse_decimal(value: str) -> Decimal | None:
    """A number as Decimal; an empty cell is None.

    The rule: currency signs and spaces are ignored, "(123)" is negative. A dot is the decimal
    point and commas may group thousands ("1,234.50"). A comma followed by one or two digits
    and no dot is a decimal comma ("1234,5"); dots may then group thousands ("1.234,50"). Anything
    else with a comma ("1234,567") is refused rather than guessed.
    """
    if not value:
        return None
    head, dot, tail = value.partition(".")
    if head.isdecimal() and (tail.isdecimal() or not dot):
        return Decimal(value)
    return _number(value, "a number")


_ISO_DATE = re.compile(r"([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})")
_DOTTED_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_SLASHED_DATE = re.compile(r"([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{4})")
_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
# A time after the date (exports of date-time fields) is accepted and ignored.
_TIME_OF_DAY = re.compile(
    r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\s*(?:[AaPp][Mm]|Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)


def _make_date(value: str, year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"{_shown(value)} is not a valid date") from None


def parse_date(value: str) -> date | None:
    """A date: YYYY-MM-DD, YYYY/MM/DD or DD.MM.YYYY; an empty cell is None.

    Slashed day/month dates are read only when they cannot be misread (31/01/2020, 01/31/2020,
    05/05/2020); 03/04/2020 is refused, because April and March are both possible.
    """
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # the slow path below explains what is wrong
    text = value.strip()
    if not text:
        return None
    date_part, _, time_part = text.replace("T", " ", 1).partition(" ")
    if time_part and not _TIME_OF_DAY.fullmatch(time_part.strip()):
        raise ValueError(f"{_shown(value)} is not a date; write dates as YYYY-MM-DD")
    if match := _ISO_DATE.fullmatch(date_part):
        return _make_date(value, match[1], match[3], match[4])
    if match := _DOTTED_DATE.fullmatch(date_part):
        return _make_date(value, match[3], match[2], match[1])
    if match := _SLASHED_DATE.fullmatch(date_part):
        first, second = int(match[1]), int(match[2])
        if 1 <= first <= 12 and 1 <= second <= 12 and first != second:
            raise ValueError(
                f"{_shown(value)} is ambiguous ({first} {_MONTHS[second - 1]} or {second} "
                f"{_MONTHS[first - 1]}?); write dates as YYYY-MM-DD"
            )
        day, month = (match[1], match[2]) if first > 12 else (match[2], match[1])
        return _make_date(value, match[3], month, day)
    raise ValueError(f"{_shown(value)} is not a date; write dates as YYYY-MM-DD")


_BOOLEANS = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "x": True,  # a ticked box in a spreadsheet
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}


def parse_bool(value: str) -> bool | None:
    """yes/no, true/false, 1/0, y/n, or x for a ticked box, in any case; an empty cell is None."""
    text = value.strip().lower()
    if not text:
        return None
    try:
        return _BOOLEANS[text]
    except KeyError:
        raise ValueError(f"{_shown(value)} is not yes or no (use yes/no, true/false, 1/0 or x)") from None


def _choice_key(text: str) -> str:
    return "".join(text.split()).casefold()


def choice_parser(mapping: Mapping[str, str]) -> Callable[[str], str | None]:
    """A parser from labels to stored values, ignoring case and spaces ("GTXPro" is "GTX Pro").

    The stored values themselves are accepted too, so re-importing an export works. The error
    lists the allowed labels.
    """
    exact = dict(mapping)
    folded: dict[str, str] = {}
    for stored in mapping.values():
        folded.setdefault(_choice_key(stored), stored)
    for label, stored in mapping.items():
        folded[_choice_key(label)] = stored  # labels win over stored values that look alike
    allowed = ", ".join(mapping)

    def parse_choice(value: str) -> str | None:
        found = exact.get(value)
        if found is not None:
            return found
        key = _choice_key(value)
        if not key:
            return None
        try:
            return folded[key]
        except KeyError:
            raise ValueError(f"{_shown(value)} is not one of: {allowed}") from None

    _MEMO_SAFE.add(parse_choice)
    return parse_choice


# Parsers that are pure and return immutable values: their results are memoised per column, which
# both speeds up repeated values (stages, owners, dates) and shares one object between rows.
_MEMO_SAFE: weakref.WeakSet[Callable[[str], Any]] = weakref.WeakSet(
    (parse_text, parse_optional_text, parse_int, parse_decimal, parse_date, parse_bool)
)
_MEMO_LIMIT = 50_000  # distinct values kept per column; unique ids stop filling it at this size


def pure_parser[Parser: Callable[[str], Any]](parse: Parser) -> Parser:
    """Mark a column parser as pure with an immutable result, so that its values are memoised per
    column like the built-in parsers' (an import's own text cleaners, say)."""
    _MEMO_SAFE.add(parse)
    return parse


# --------------------------------------------------------------------------------------------------
# Columns, errors


@dataclass(frozen=True)
class Column:
    """One value an importer wants. ``aliases`` are the other headers it goes by in CRM exports."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    parse: Callable[[str], Any] = parse_text
    required: bool = False  # the header must be present and every cell non-empty


@dataclass
class RowError:
    """A problem in the file. ``line`` counts as a spreadsheet does (the header is line 1)."""

    line: int
    column: str  # the header as written in the file; '' for problems with the whole row
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"line {self.line}, {self.column}: {self.message}"
        return f"line {self.line}: {self.message}"


_LISTED_ERRORS = 50  # how many row errors go into ServiceError.errors (API bodies, form errors)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


class ImportRefused(ServiceError):
    """The file was refused as a whole; ``row_errors`` says where and why, line by line."""

    def __init__(
        self,
        row_errors: list[RowError],
        *,
        detail: str | None = None,
        bad_rows: int | None = None,
        total_rows: int | None = None,
        error_count: int | None = None,
    ) -> None:
        self.row_errors = row_errors
        self.error_count = len(row_errors) if error_count is None else error_count
        self.bad_rows = len({error.line for error in row_errors}) if bad_rows is None else bad_rows
        self.total_rows = total_rows
        if detail is None:
            rows = _plural(self.bad_rows, "row")
            verb = "has" if self.bad_rows == 1 else "have"
            of_total = f" of {total_rows:,}" if total_rows is not None else ""
            detail = f"{rows}{of_total} {verb} errors; nothing was imported."
        listed = [str(error) for error in row_errors[:_LISTED_ERRORS]]
        if self.error_count > len(listed):
            listed.append(f"… and {_plural(self.error_count - len(listed), 'more error')}.")
        super().__init__(detail, errors={"": listed})

    def __reduce__(self) -> tuple[Any, ...]:
        """Picklable (for task queues) despite the keyword-only arguments."""
        rebuild = partial(
            type(self),
            detail=self.detail,
            bad_rows=self.bad_rows,
            total_rows=self.total_rows,
            error_count=self.error_count,
        )
        return (rebuild, (self.row_errors,))

    def report(self, limit: int | None = None) -> str:
        """One line per error, e.g. "line 7, close_value: 'abc' is not a number"."""
        shown = self.row_errors if limit is None else self.row_errors[:limit]
        lines = [str(error) for error in shown]
        if self.error_count > len(shown):
            lines.append(f"… and {_plural(self.error_count - len(shown), 'more error')}")
        return "\n".join(lines)


def _refuse(line: int, message: str, column: str = "") -> ImportRefused:
    """A refusal of the whole file for one reason; ``message`` reads like a row error's."""
    return ImportRefused([RowError(line, column, message)], detail=f"{message[0].upper()}{message[1:]}.")


# --------------------------------------------------------------------------------------------------
# Reading files


@dataclass
class Table:
    """A file's header and its non-empty rows, as text. ``rows`` can be read once."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number, cells); cells may be fewer than headers
    header_line: int = 1
    format: str = "csv"  # "csv" or "xlsx"


_XLSX_EXTENSIONS = (".xlsx", ".xlsm")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


def read_table(source: str | Path | bytes | BinaryIO, *, filename: str = "") -> Table:
    """Open a CSV or XLSX file (a path, its bytes or a binary file such as an upload).

    The format comes from the content (an XLSX file is a zip) and then the file name. The first
    non-empty row is the header; a file without one, or with a header twice, is refused.
    """
    if isinstance(source, str | Path):
        path = Path(source)
        data = path.read_bytes()
        filename = filename or path.name
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        data = source.read()
        filename = filename or str(getattr(source, "name", "") or "")
    extension = Path(filename).suffix.lower()
    if not data:
        raise _refuse(1, "the file is empty")
    if data.startswith(_OLE_MAGIC) or extension == ".xls":
        raise _refuse(1, "old Excel .xls files cannot be read; save the sheet as .xlsx or CSV")
    if data.startswith(b"PK\x03\x04") or extension in _XLSX_EXTENSIONS:
        return _read_xlsx(data)
    return _read_csv(data)


def _encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode text"), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 20):  # checked in slices, so no decoded copy is kept
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    if any(byte in data for byte in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")):
        return "latin-1"  # bytes cp1252 leaves undefined: not Windows text after all
    return "cp1252"


_DELIMITERS = (",", ";", "\t", "|")


def _sniff_delimiter(text: str) -> str:
    """The candidate seen most often outside quotes on the first non-blank line; ties go to ','."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in text.lstrip("\ufeff\r\n"):
        if char == '"':
            quoted = not quoted
        elif not quoted:
            if char in counts:
                counts[char] += 1
            elif char in "\r\n":
                break
    best = max(_DELIMITERS, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    encoding = _encoding(data)
    delimiter = _sniff_delimiter(data[:65_536].decode(encoding, errors="ignore"))
    # TextIOWrapper decodes as csv reads: far less memory than a str of the whole file (StringIO
    # would even copy that into four bytes a character).
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    return _table(_csv_records(stream, delimiter, quoted=b'"' in data), "csv")


def _csv_records(lines: Iterable[str], delimiter: str, *, quoted: bool) -> Iterator[tuple[int, list[str]]]:
    """Non-empty records with the physical line each starts on (quoted values may span lines)."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    start = 1
    try:
        if not quoted:  # no quotes, so one record per line: let enumerate count
            for start, row in enumerate(reader, 1):
                if row and (row[0] or any(row)):
                    yield start, row
        else:
            for row in reader:
                if row and (row[0] or any(row)):
                    yield start, row
                start = reader.line_num + 1
    except csv.Error as exc:
        message = str(exc)
        if "end of data" in message:
            message = 'a quoted value is never closed (a " is missing)'
        raise _refuse(start, f"the file is not valid CSV from here: {message}") from None


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl fails in many ways on files that are not XLSX
        raise _refuse(1, "the file could not be read as an Excel .xlsx workbook") from exc
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # some writers store wrong dimensions; read what is there

    def records() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, values in enumerate(sheet.iter_rows(values_only=True), 1):
                row = [value if type(value) is str else _cell_text(value) for value in values]
                if any(row):
                    yield line, row
        finally:
            workbook.close()

    return _table(records(), "xlsx")


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would have: ISO dates, "12" for 12.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = f"{value:.15g}"  # Excel keeps 15 significant digits; this drops binary noise
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _table(records: Iterator[tuple[int, list[str]]], format: str) -> Table:
    first = next(records, None)
    if first is None:
        raise _refuse(1, "the file has no header row")
    header_line, cells = first
    headers = [cell.strip() for cell in cells]
    seen: dict[str, str] = {}
    for header in headers:
        if not header:
            continue
        key = normalise_header(header)
        if key in seen:
            same = "twice" if seen[key] == header else f"twice ({seen[key]!r} and {header!r})"
            raise _refuse(header_line, f"the header {header!r} appears {same}; rename one", header)
        seen[key] = header
    return Table(headers=headers, rows=records, header_line=header_line, format=format)


# --------------------------------------------------------------------------------------------------
# Finding the columns


_HEADER_NOISE = re.compile(r"[\s_.\-\ufeff]+")


def normalise_header(text: str) -> str:
    """A header as matched: no case, spaces, '_', '-' or dots, so "Account_Name" is "account name"."""
    return _HEADER_NOISE.sub("", text).casefold()


@dataclass
class ColumnMapping:
    """Which file header feeds which column; ``describe()`` is the preview a person checks."""

    indexes: dict[str, int]  # column key -> index in the file's header
    headers: list[str]
    unmapped: list[str]  # headers no column uses: shown in the preview, not an error
    missing: list[str]  # labels of required columns not found
    columns: Sequence[Column] = ()

    def describe(self) -> list[tuple[str, str | None]]:
        """(column label, file header or None) in column order."""
        return [
            (column.label, self.headers[self.indexes[column.key]] if column.key in self.indexes else None)
            for column in self.columns
        ]


def map_columns(
    headers: list[str], columns: Sequence[Column], overrides: Mapping[str, str] | None = None
) -> ColumnMapping:
    """Find each column's header by key, label or alias (keys and labels first, then aliases).

    ``overrides`` (column key -> header, or '' for "do not import") are a person's choices in the
    mapping preview and win over the matching. A header feeds at most one column unless chosen.
    """
    by_name: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header:
            by_name.setdefault(normalise_header(header), index)
    keys = {column.key for column in columns}
    indexes: dict[str, int] = {}
    chosen: set[str] = set()
    for key, header in (overrides or {}).items():
        if key not in keys:
            raise _refuse(1, f"there is no column {key!r} to map a header to")
        chosen.add(key)
        if not header:
            continue
        chosen_index = headers.index(header) if header in headers else by_name.get(normalise_header(header))
        if chosen_index is None:
            raise _refuse(1, f"the file has no header {header!r}", header)
        indexes[key] = chosen_index
    used = set(indexes.values())
    for by_alias in (False, True):
        for column in columns:
            if column.key in chosen or column.key in indexes:
                continue
            for name in column.aliases if by_alias else (column.key, column.label):
                found = by_name.get(normalise_header(name))
                if found is not None and found not in used:
                    indexes[column.key] = found
                    used.add(found)
                    break
    unmapped = [header for index, header in enumerate(headers) if header and index not in used]
    missing = [column.label for column in columns if column.required and column.key not in indexes]
    return ColumnMapping(
        indexes=indexes, headers=list(headers), unmapped=unmapped, missing=missing, columns=tuple(columns)
    )


# --------------------------------------------------------------------------------------------------
# Parsing the rows


@dataclass(slots=True)  # slots: a million of these are held at once
class ParsedRow:
    """One good row; columns missing from the file have no key, so importers can keep old values."""

    line: int
    values: dict[str, Any]  # column key -> parsed value, for the columns found in the file


@dataclass
class ParsedRows:
    """Every row that parsed, and every problem found (the first ``max_errors`` of them)."""

    rows: list[ParsedRow]
    errors: list[RowError]
    total_rows: int = 0
    bad_rows: int = 0
    error_count: int = 0  # all errors, also those past max_errors

    def raise_if_errors(self) -> None:
        """Refuse the import if any row was bad: it is all-or-nothing."""
        if self.error_count:
            raise ImportRefused(
                self.errors,
                bad_rows=self.bad_rows,
                total_rows=self.total_rows,
                error_count=self.error_count,
            )


_REQUIRED = "a value is required"
_BATCH = 8192  # rows between looks at how well each column's memo is doing


class _Memo(dict[str, Any]):
    """One column's parsed values by cell text; a miss parses (and applies ``required``).

    ``memo[cell]`` is the parser: a hit is a single C-level lookup, with no Python call at all.
    """

    __slots__ = ("misses", "parse", "required")

    def __init__(self, parse: Callable[[str], Any], required: bool) -> None:
        super().__init__()
        self.parse = parse
        self.required = required
        self.misses = 0

    def __missing__(self, value: str) -> Any:
        self.misses += 1
        result = self.parse(value)  # a ValueError leaves the memo untouched
        if self.required and (result is None or result == ""):
            raise ValueError(_REQUIRED)  # never stored, so empty cells always come back here
        if len(self) < _MEMO_LIMIT:
            self[value] = result
        return result


def _required(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse_required(value: str) -> Any:
        result = parse(value)
        if result is None or result == "":
            raise ValueError(_REQUIRED)
        return result

    return parse_required


@dataclass
class _Plan:
    """How each found column is parsed: memoised first, directly once its values prove unique."""

    cells: list[tuple[int, str, Callable[[str], Any]]]  # (index, key, parser) for the fast path
    checked: list[tuple[int, str, Callable[[str], Any]]]  # (index, header, parser) to explain errors
    memos: dict[int, tuple[Column, _Memo]]  # position in cells -> column, memo
    required_keys: list[str]  # required columns parsed directly: their empty values are checked

    @classmethod
    def build(cls, mapping: ColumnMapping, columns: Sequence[Column]) -> _Plan:
        plan = cls(cells=[], checked=[], memos={}, required_keys=[])
        for column in columns:
            index = mapping.indexes.get(column.key)
            if index is None:
                continue
            direct = _required(column.parse) if column.required else column.parse
            plan.checked.append((index, mapping.headers[index], direct))
            if column.parse in _MEMO_SAFE:
                memo = _Memo(column.parse, column.required)
                plan.memos[len(plan.cells)] = (column, memo)
                plan.cells.append((index, column.key, memo.__getitem__))
            else:
                plan.cells.append((index, column.key, direct))
        return plan

    def adapt(self, rows: int) -> None:
        """Stop memoising columns that missed on most of the last ``rows`` rows (ids, amounts)."""
        for position, (column, memo) in list(self.memos.items()):
            if memo.misses * 2 > rows:
                del self.memos[position]
                memo.clear()
                # str.strip is parse_text without the Python call
                direct = str.strip if column.parse is parse_text else column.parse
                self.cells[position] = (self.cells[position][0], column.key, direct)
                if column.required:
                    self.required_keys.append(column.key)
            memo.misses = 0


def parse_rows(
    table: Table, mapping: ColumnMapping, columns: Sequence[Column], *, max_errors: int = 1000
) -> ParsedRows:
    """Parse every row of ``table``; problems are collected, not raised (see ``raise_if_errors``).

    Missing required columns refuse the file before any row is read. A row with more cells than
    the header is an error only when the extra cells hold something; missing cells are empty.
    The cyclic garbage collector is paused meanwhile: the rows hold no cycles, and its passes over
    a million fresh objects cost more than the parsing.
    """
    if mapping.missing:
        by_label = {column.label: column for column in columns}
        errors = [
            RowError(table.header_line, "", _missing_message(by_label.get(label), label))
            for label in mapping.missing
        ]
        missing = ", ".join(repr(label) for label in mapping.missing)
        raise ImportRefused(errors, detail=f"The file has no column for {missing}; nothing was imported.")
    plan = _Plan.build(mapping, columns)
    width = len(table.headers)
    parsed = ParsedRows(rows=[], errors=[])
    append = parsed.rows.append
    errors = parsed.errors
    records = iter(table.rows)
    collecting = gc.isenabled()
    gc.disable()
    try:
        while True:
            cells, required_keys = plan.cells, plan.required_keys
            count = 0
            for line, row in islice(records, _BATCH):
                count += 1
                if len(row) != width:
                    fitted = fit_row(row, width)
                    if fitted is None:
                        parsed.bad_rows += 1
                        parsed.error_count += 1
                        if len(errors) < max_errors:
                            message = f"has {len(row)} values but the header has {width} columns"
                            errors.append(RowError(line, "", message))
                        continue
                    row = fitted
                try:
                    values = {key: parse(row[index]) for index, key, parse in cells}
                    for key in required_keys:
                        value = values[key]
                        if value is None or value == "":
                            raise ValueError(_REQUIRED)
                except ValueError:
                    found = _row_errors(line, row, plan.checked)
                    parsed.bad_rows += 1
                    parsed.error_count += len(found)
                    errors.extend(found[: max(0, max_errors - len(errors))])
                    continue
                append(ParsedRow(line, values))
            parsed.total_rows += count
            if count < _BATCH:
                break
            plan.adapt(count)
    finally:
        if collecting:
            gc.enable()
    return parsed


def fit_row(row: list[str], width: int) -> list[str] | None:
    """The row padded or cut to the header's width; None when cut cells hold something (for an
    importer's own fast path, which must read rows as ``parse_rows`` does)."""
    if len(row) < width:
        return row + [""] * (width - len(row))
    if any(cell.strip() for cell in row[width:]):
        return None
    return row[:width]


def _row_errors(
    line: int, row: list[str], checked: Iterable[tuple[int, str, Callable[[str], Any]]]
) -> list[RowError]:
    """The slow path for a row that failed: every bad cell, not just the first."""
    found = []
    for index, header, parse in checked:
        try:
            parse(row[index])
        except ValueError as exc:
            found.append(RowError(line, header, str(exc)))
    return found


def _missing_message(column: Column | None, label: str) -> str:
    if column is None:
        return f"required column {label!r} not found"
    names = dict.fromkeys((column.label, *column.aliases, column.key))
    return f"required column {label!r} not found; name a header one of: {', '.join(names)}"


__all__ = [
    "Column",
    "ColumnMapping",
    "ImportRefused",
    "ParsedRow",
    "ParsedRows",
    "RowError",
    "Table",
    "choice_parser",
    "map_columns",
    "normalise_header",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "parse_optional_text",
    "parse_rows",
    "parse_text",
    "read_table",
]
