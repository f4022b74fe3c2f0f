"""A questionnaire as a plain document: the shape shared by import, export and the built-in file.

JSON and YAML carry everything (name, framework, scale labels, items). CSV and XLSX carry the items
only, one per row (``competency, self_text, others_text, reverse``); the name and framework come
with the upload. Nothing here touches the database; services turn a ``QuestionnaireDoc`` into rows.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from kamkit.assessments.choices import DEFAULT_SCALE
from kamkit.core.imports import Column, ImportRefused, map_columns, parse_bool, parse_rows, read_table
from kamkit.core.queries import spreadsheet_safe

FORMATS = ("json", "yaml", "csv", "xlsx")
TEXT_FORMATS = ("json", "yaml", "csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"json": "application/json", "yaml": "application/yaml", "csv": "text/csv", "xlsx": XLSX}


class DocumentError(ValueError):
    """A questionnaire document kamkit cannot use; ``where`` names the place (line or item)."""

    def __init__(self, reason: str, *, where: str = "") -> None:
        self.reason = reason
        self.where = where
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass
class ItemDoc:
    competency: str
    self_text: str
    others_text: str
    reverse: bool = False
    line: int = 0  # the spreadsheet line it came from (CSV/XLSX), so refusals can name it

    def place(self, number: int) -> str:
        """Where a person finds this item in their file: its line, or its position."""
        return f"line {self.line}" if self.line else f"item {number}"


@dataclass
class QuestionnaireDoc:
    name: str
    slug: str = ""
    description: str = ""
    framework: str = ""  # the framework family's slug
    version: int = 1  # the release of a shipped file
    scale: list[str] = field(default_factory=lambda: list(DEFAULT_SCALE))
    items: list[ItemDoc] = field(default_factory=list)


def slugify_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "questionnaire"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise DocumentError(f"{value!r} is not a text.")
    return " ".join(str(value).split())


def check(doc: QuestionnaireDoc) -> None:
    """Rules every questionnaire obeys, whatever format it came in."""
    if not doc.name:
        raise DocumentError("The questionnaire has no name.")
    if len(doc.scale) != 5 or not all(label.strip() for label in doc.scale):
        raise DocumentError("The scale needs five labels, from 1 (disagree) to 5 (agree).", where="scale")
    if not doc.items:
        raise DocumentError("The questionnaire has no items.")
    seen: set[str] = set()
    for number, item in enumerate(doc.items, start=1):
        where = item.place(number)
        if not item.competency:
            raise DocumentError("names no competency.", where=where)
        if not item.self_text or not item.others_text:
            raise DocumentError("needs both a self wording and an others wording.", where=where)
        key = item.others_text.casefold()
        if key in seen:
            raise DocumentError(f"repeats the statement {item.others_text!r}.", where=where)
        seen.add(key)


# Dictionaries (JSON and YAML) ------------------------------------------------------------------


def to_dict(doc: QuestionnaireDoc) -> dict[str, Any]:
    return {
        "name": doc.name,
        "slug": doc.slug,
        "description": doc.description,
        "framework": doc.framework,
        "version": doc.version,
        "scale": list(doc.scale),
        "items": [
            {
                "competency": item.competency,
                "self_text": item.self_text,
                "others_text": item.others_text,
                "reverse": item.reverse,
            }
            for item in doc.items
        ],
    }


def from_dict(data: Any) -> QuestionnaireDoc:
    if not isinstance(data, dict):
        raise DocumentError("The document must be an object with 'name' and 'items'.")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise DocumentError("'items' must be a list.")
    items = []
    for number, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            raise DocumentError("must be an object.", where=f"item {number}")
        reverse = raw.get("reverse", False)
        if not isinstance(reverse, bool):
            raise DocumentError(f"'reverse' must be true or false, not {reverse!r}.", where=f"item {number}")
        try:
            items.append(
                ItemDoc(
                    competency=_text(raw.get("competency")),
                    self_text=_text(raw.get("self_text", raw.get("self"))),
                    others_text=_text(raw.get("others_text", raw.get("others"))),
                    reverse=reverse,
                )
            )
        except DocumentError as exc:
            raise DocumentError(exc.reason, where=f"item {number}") from None
    scale = data.get("scale") or list(DEFAULT_SCALE)
    if not isinstance(scale, list):
        raise DocumentError("must be a list of five labels.", where="scale")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DocumentError(f"must be a whole number from 1, not {version!r}.", where="version")
    name = _text(data.get("name"))
    doc = QuestionnaireDoc(
        name=name,
        slug=_text(data.get("slug")) or slugify_name(name),
        description=_text(data.get("description")),
        framework=_text(data.get("framework")),
        version=version,
        scale=[_text(label) for label in scale],
        items=items,
    )
    check(doc)
    return doc


def read(text: str, *, format: str) -> QuestionnaireDoc:
    """A JSON or YAML document (CSV goes through ``read_csv``)."""
    if format == "json":
        try:
            data = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            raise DocumentError(f"Not valid JSON: {exc.msg}.", where=f"line {exc.lineno}") from None
        return from_dict(data)
    if format == "yaml":
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else ""
            raise DocumentError(f"Not valid YAML: {getattr(exc, 'problem', exc)}.", where=where) from None
        return from_dict(data)
    raise DocumentError(f"Unknown format {format!r}; use json, yaml or csv.")


# CSV and XLSX (items only) ------------------------------------------------------------------------

CSV_COLUMNS = (
    Column("competency", "Competency", required=True),
    Column("self_text", "Self wording", aliases=("self", "self statement", "statement self"), required=True),
    Column(
        "others_text",
        "Others wording",
        aliases=("others", "others statement", "statement others"),
        required=True,
    ),
    Column("reverse", "Reverse", aliases=("reverse keyed", "reversed"), parse=parse_bool),
)


def read_csv(data: bytes, *, filename: str, name: str, framework: str = "") -> QuestionnaireDoc:
    """Items from a CSV or XLSX file; problems are refused whole, with their line numbers."""
    try:
        table = read_table(data, filename=filename or "questionnaire.csv")
        parsed = parse_rows(table, map_columns(table.headers, CSV_COLUMNS), CSV_COLUMNS)
        parsed.raise_if_errors()
    except ImportRefused as exc:
        raise DocumentError(exc.report(limit=20) or exc.detail) from None
    doc = QuestionnaireDoc(
        name=" ".join(name.split()),
        slug=slugify_name(name),
        framework=framework,
        items=[
            ItemDoc(
                competency=_text(row.values["competency"]),
                self_text=_text(row.values["self_text"]),
                others_text=_text(row.values["others_text"]),
                reverse=bool(row.values.get("reverse")),
                line=row.line,
            )
            for row in parsed.rows
        ],
    )
    check(doc)
    return doc


CSV_HEADER = ["competency", "self_text", "others_text", "reverse"]


def _item_rows(doc: QuestionnaireDoc) -> list[list[str]]:
    return [
        [
            spreadsheet_safe(item.competency),
            spreadsheet_safe(item.self_text),
            spreadsheet_safe(item.others_text),
            "yes" if item.reverse else "no",
        ]
        for item in doc.items
    ]


def write_csv(doc: QuestionnaireDoc) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows(_item_rows(doc))
    return out.getvalue()


def write_xlsx(doc: QuestionnaireDoc) -> bytes:
    """The items as one Excel sheet, with the CSV's columns (so it imports again)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Items")
    sheet.append(CSV_HEADER)
    for row in _item_rows(doc):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write(doc: QuestionnaireDoc, format: str) -> str:
    """A text export: JSON, YAML or CSV (XLSX is bytes: ``write_bytes``)."""
    if format == "json":
        return json.dumps(to_dict(doc), indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        return yaml.safe_dump(to_dict(doc), sort_keys=False, allow_unicode=True, width=100)
    if format == "csv":
        return write_csv(doc)
    raise DocumentError(f"Unknown format {format!r}; use json, yaml, csv or xlsx.")


def write_bytes(doc: QuestionnaireDoc, format: str) -> bytes:
    """Any export format as bytes (UTF-8 for the text ones)."""
    if format == "xlsx":
        return write_xlsx(doc)
    return write(doc, format).encode("utf-8")
