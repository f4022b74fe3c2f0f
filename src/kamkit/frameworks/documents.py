"""A framework as a plain document: the shape shared by import, export, the built-in files and the API.

Nothing here touches the database. Readers turn YAML, JSON or a text/Markdown competency document
into a ``FrameworkDoc``; writers turn one back. The services turn a ``FrameworkDoc`` into rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

STAR_TAGS = ("situation", "task", "action", "result", "other")
FORMATS = ("json", "yaml", "md")


class DocumentError(ValueError):
    """A document kamkit cannot understand. ``line`` is 1-based, or None when no line applies."""

    def __init__(self, reason: str, *, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclass
class ProbeDoc:
    text: str
    star: str = "other"


@dataclass
class QuestionDoc:
    text: str
    probes: list[ProbeDoc] = field(default_factory=list)


@dataclass
class LevelDoc:
    level: int
    summary: str
    behaviours: list[str] = field(default_factory=list)
    questions: list[QuestionDoc] = field(default_factory=list)


@dataclass
class CompetencyDoc:
    name: str
    definition: str = ""
    weight: float = 1.0
    low: list[str] = field(default_factory=list)
    high: list[str] = field(default_factory=list)
    mindset_tips: list[str] = field(default_factory=list)
    practice_tips: list[str] = field(default_factory=list)
    levels: list[LevelDoc] = field(default_factory=list)


@dataclass
class FrameworkDoc:
    name: str
    slug: str = ""
    role: str = ""
    description: str = ""
    version: int = 1
    competencies: list[CompetencyDoc] = field(default_factory=list)


def slugify_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "framework"


# Dictionaries (JSON and YAML) ------------------------------------------------------------------


def to_dict(doc: FrameworkDoc) -> dict[str, Any]:
    """The documented export shape; ``probe_stars`` runs beside ``probes`` so both stay plain."""
    return {
        "name": doc.name,
        "slug": doc.slug,
        "role": doc.role,
        "description": doc.description,
        "version": doc.version,
        "competencies": [competency_to_dict(competency) for competency in doc.competencies],
    }


def competency_to_dict(competency: CompetencyDoc) -> dict[str, Any]:
    return {
        "name": competency.name,
        "definition": competency.definition,
        "weight": competency.weight,
        "low": list(competency.low),
        "high": list(competency.high),
        "tips": {"mindset": list(competency.mindset_tips), "practice": list(competency.practice_tips)},
        "levels": [
            {
                "level": level.level,
                "summary": level.summary,
                "behaviours": list(level.behaviours),
                "questions": [
                    {
                        "text": question.text,
                        "probes": [probe.text for probe in question.probes],
                        "probe_stars": [probe.star for probe in question.probes],
                    }
                    for question in level.questions
                ],
            }
            for level in competency.levels
        ],
    }


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str | int | float) for item in value):
        raise DocumentError(f"{where} must be a list of texts.")
    return [str(item).strip() for item in value if str(item).strip()]


def _text(value: Any, where: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str | int | float):
        raise DocumentError(f"{where} must be a text.")
    text = " ".join(str(value).split())
    if required and not text:
        raise DocumentError(f"{where} is missing.")
    return text


def _probes(raw: Any, stars: Any, where: str) -> list[ProbeDoc]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise DocumentError(f"{where}: probes must be a list.")
    star_list = stars if isinstance(stars, list) else []
    probes = []
    for index, item in enumerate(raw):
        if isinstance(item, dict):
            text, star = item.get("text"), item.get("star", "other")
        else:
            text = item
            star = star_list[index] if index < len(star_list) else "other"
        star = str(star or "other").strip().lower()
        if star not in STAR_TAGS:
            raise DocumentError(f"{where}: probe {index + 1} has STAR tag {star!r}; use one of {STAR_TAGS}.")
        probes.append(ProbeDoc(text=_text(text, f"{where}: probe {index + 1}", required=True), star=star))
    return probes


def from_dict(data: Any) -> FrameworkDoc:
    """Read the export shape (and the built-in YAML files). Raises DocumentError naming the place."""
    if not isinstance(data, dict):
        raise DocumentError("The document must be an object with 'name' and 'competencies'.")
    name = _text(data.get("name"), "Framework name", required=True)
    version = data.get("version", 1)
    if not isinstance(version, int) or version < 1:
        raise DocumentError(f"Version must be a whole number from 1, not {version!r}.")
    raw_competencies = data.get("competencies")
    if not isinstance(raw_competencies, list) or not raw_competencies:
        raise DocumentError("The framework has no competencies.")
    competencies = []
    for position, raw in enumerate(raw_competencies, start=1):
        if not isinstance(raw, dict):
            raise DocumentError(f"Competency {position} must be an object.")
        competency_name = _text(raw.get("name"), f"Competency {position} name", required=True)
        where = f"Competency {competency_name!r}"
        tips = raw.get("tips") or {}
        if not isinstance(tips, dict):
            raise DocumentError(f"{where}: tips must be an object with 'mindset' and 'practice' lists.")
        weight = raw.get("weight", 1.0)
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
            raise DocumentError(f"{where}: weight must be a number of 0 or more, not {weight!r}.")
        levels = []
        for raw_level in raw.get("levels") or []:
            if not isinstance(raw_level, dict):
                raise DocumentError(f"{where}: each level must be an object.")
            number = raw_level.get("level")
            if not isinstance(number, int) or not 1 <= number <= 5:
                raise DocumentError(f"{where}: level number must be 1 to 5, not {number!r}.")
            level_where = f"{where} level {number}"
            questions = []
            for q_index, raw_question in enumerate(raw_level.get("questions") or [], start=1):
                if not isinstance(raw_question, dict):
                    raise DocumentError(f"{level_where}: question {q_index} must be an object.")
                questions.append(
                    QuestionDoc(
                        text=_text(
                            raw_question.get("text"), f"{level_where} question {q_index}", required=True
                        ),
                        probes=_probes(
                            raw_question.get("probes"),
                            raw_question.get("probe_stars"),
                            f"{level_where} question {q_index}",
                        ),
                    )
                )
            levels.append(
                LevelDoc(
                    level=number,
                    summary=_text(raw_level.get("summary"), f"{level_where} summary"),
                    behaviours=_strings(raw_level.get("behaviours"), f"{level_where} behaviours"),
                    questions=questions,
                )
            )
        competencies.append(
            CompetencyDoc(
                name=competency_name,
                definition=_text(raw.get("definition"), f"{where} definition"),
                weight=float(weight),
                low=_strings(raw.get("low"), f"{where} low indicators"),
                high=_strings(raw.get("high"), f"{where} high indicators"),
                mindset_tips=_strings(tips.get("mindset"), f"{where} mindset tips"),
                practice_tips=_strings(tips.get("practice"), f"{where} practice tips"),
                levels=levels,
            )
        )
    doc = FrameworkDoc(
        name=name,
        slug=_text(data.get("slug"), "Slug") or slugify_name(name),
        role=_text(data.get("role"), "Role"),
        description=_text(data.get("description"), "Description"),
        version=version,
        competencies=competencies,
    )
    check(doc)
    return doc


def check(doc: FrameworkDoc) -> None:
    """Rules every framework document obeys, whatever format it came in."""
    seen: set[str] = set()
    for competency in doc.competencies:
        key = competency.name.casefold()
        if key in seen:
            raise DocumentError(f"Competency {competency.name!r} appears twice.")
        seen.add(key)
        numbers = [level.level for level in competency.levels]
        if len(set(numbers)) != len(numbers):
            raise DocumentError(f"Competency {competency.name!r} repeats a level number.")


# Formats ----------------------------------------------------------------------------------------


def detect_format(filename: str, text: str) -> str:
    """json, yaml or md: by file extension, else by a look at the content."""
    lowered = filename.lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    if lowered.endswith((".md", ".markdown", ".txt", ".text")):
        return "md"
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        return "json"
    if re.match(r"^name\s*:", stripped):
        return "yaml"
    return "md"


def read(text: str, *, filename: str = "", format: str | None = None) -> FrameworkDoc:
    """Parse a document in any supported format. Raises DocumentError with a line where it can."""
    text = text.lstrip("\ufeff")
    kind = format or detect_format(filename, text)
    if kind == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"Not valid JSON: {exc.msg}.", line=exc.lineno) from None
        return from_dict(data)
    if kind == "yaml":
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise DocumentError(f"Not valid YAML: {getattr(exc, 'problem', exc)}.", line=line) from None
        return from_dict(data)
    if kind == "md":
        from kamkit.frameworks.textdocs import parse_text

        return parse_text(text)
    raise DocumentError(f"Unknown format {kind!r}; use one of {', '.join(FORMATS)}.")


def write(doc: FrameworkDoc, format: str) -> str:
    if format == "json":
        return json.dumps(to_dict(doc), indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        return yaml.safe_dump(to_dict(doc), sort_keys=False, allow_unicode=True, width=100)
    if format == "md":
        from kamkit.frameworks.textdocs import render_markdown

        return render_markdown(doc)
    raise DocumentError(f"Unknown format {format!r}; use one of {', '.join(FORMATS)}.")
