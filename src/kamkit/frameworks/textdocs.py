"""Plain-text and Markdown competency documents: the ``md`` format of ``documents.read`` and ``write``.

``parse_text`` reads a competency toolkit the way people write one by hand or paste it out of a PDF:
a title block, then per competency a name line and a definition paragraph, followed by sections such
as ``LOW SCORES`` or ``Mindset Tips:`` with bulleted lists, or by ``Level N. summary`` blocks with
behaviours, questions and probing questions. Page furniture (page numbers, copyright lines, running
headers, "Predictive Competencies" summary lists) is dropped. Anything else it cannot place is
refused with a ``DocumentError`` naming the line, so nothing is ever half-imported.

``render_markdown`` writes a ``FrameworkDoc`` in one Markdown shape that ``parse_text`` reads back to
an identical document: every line it writes is a heading, a ``Label: value`` line or a list item,
and ``*``, ``_`` and ``\\`` in texts are backslash-escaped, so no text can be mistaken for markup.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from kamkit.frameworks.documents import (
    CompetencyDoc,
    DocumentError,
    FrameworkDoc,
    LevelDoc,
    ProbeDoc,
    QuestionDoc,
    check,
    slugify_name,
)

__all__ = ["parse_text", "render_markdown"]


# Text cleaning -----------------------------------------------------------------------------------

# Escaped punctuation (Markdown's ``\*``) is parked in the private-use area while a line is
# classified, so that no rule below mistakes it for markup, and put back when a text is stored.
_SHIFT = 0xE000
_PARKED = re.compile("[\ue000-\ue07f]")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_EMPHASIS = (
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"),
)


def _protect(text: str) -> str:
    return _ESCAPED.sub(lambda match: chr(_SHIFT + ord(match.group(1))), text)


def _restore(text: str) -> str:
    return _PARKED.sub(lambda match: chr(ord(match.group(0)) - _SHIFT), text)


def _tidy(text: str) -> str:
    """Drop bold/italic markers and collapse whitespace; escaped characters stay parked."""
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return " ".join(text.split())


def _strip_colon(text: str) -> str:
    """Headings are often written ``Collaboration:``; the colon is not part of the name."""
    text = text.rstrip()
    return text[:-1].rstrip() if text.endswith(":") else text


def _first_letter(text: str) -> str:
    return next((char for char in text if char.isalnum()), "")


def _starts_upper(text: str) -> bool:
    letter = _first_letter(text)
    return letter.isupper() or letter.isdigit()


def _starts_lower(text: str) -> bool:
    return _first_letter(text).islower()


def _ends_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in tuple('.!?:;)]"\u201d\u2019…')


# Lines -------------------------------------------------------------------------------------------

_HASH_HEADING = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_RULE = re.compile(r"([-*_=])(?:\s*\1){2,}")
_BULLET = re.compile(
    r"(?:(?P<symbol>[-*+\u2013\u2014](?=\s|$)|[•●▪■◦○□‣\u2043·➢►▸✓])"
    r"|(?P<number>\d{1,2})[.)](?=\s|$)|Q(?P<question>\d{1,2})[.):]?(?=\s|$)"
    r"|(?P<letter>[a-z])[.)](?=\s|$)"
    r"|\((?P<paren>[a-z0-9]{1,3})\)(?=\s|$))\s*"
)


@dataclass
class _Line:
    """One source line, classified once. ``text`` is tidied and still has escapes parked."""

    number: int
    indent: int
    kind: str  # "blank", "heading" (Markdown #), "bullet" or "plain"
    text: str = ""
    depth: int = 0  # number of # of a Markdown heading
    marker: str = ""  # "symbol", "number" or "letter" for bullets
    ordinal: int = 0  # the number of a numbered bullet
    furniture: bool = False


def _split_lines(text: str) -> list[_Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ODD_SPACES.sub(" ", _INVISIBLE.sub("", _PARKED.sub("", text)))
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        expanded = raw.expandtabs(4).rstrip()
        body = expanded.lstrip()
        lines.append(_classify(number, len(expanded) - len(body), _protect(body)))
    return lines


def _classify(number: int, indent: int, body: str) -> _Line:
    if not body or _RULE.fullmatch(body):
        return _Line(number, indent, "blank")
    heading = _HASH_HEADING.fullmatch(body)
    if heading:
        text = _tidy(heading.group(2) or "")
        return _Line(number, indent, "heading" if text else "blank", text, depth=len(heading.group(1)))
    bullet = _BULLET.match(body)
    if bullet:
        if bullet.group("number") or bullet.group("question"):
            marker, ordinal = "number", int(bullet.group("number") or bullet.group("question"))
        elif bullet.group("symbol"):
            marker, ordinal = "symbol", 0
        else:
            marker, ordinal = "letter", 0
        return _Line(number, indent, "bullet", _tidy(body[bullet.end() :]), marker=marker, ordinal=ordinal)
    return _Line(number, indent, "plain", _tidy(body))


# What a line says --------------------------------------------------------------------------------

_SECTIONS = (
    (
        "low",
        r"(low|lower|low[- ]scoring)( (scores?|scorers?|scoring|ratings?|performers?|performance))?"
        r"( (indicators?|behaviou?rs?|characteristics|signs))?",
    ),
    (
        "high",
        r"(high|higher|high[- ]scoring)( (scores?|scorers?|scoring|ratings?|performers?|performance))?"
        r"( (indicators?|behaviou?rs?|characteristics|signs))?",
    ),
    (
        "mindset",
        r"mindset( development)?( tips?| ideas| suggestions)?|(development )?tips?( for| on)? mindset",
    ),
    (
        "practice",
        r"(practice|practise|practical)( development)?( tips?| ideas| suggestions| activities)?|practices"
        r"|(development )?tips?( for| on)? practice",
    ),
    ("tips", r"(development )?tips|development (ideas|suggestions)"),
    ("behaviours", r"(key |observable |typical )?behaviou?r(s|al indicators?)?( indicators?)?"),
    ("questions", r"(sample |key |suggested )?(behaviou?ral |interview |behaviou?ral interview )?questions"),
    ("probes", r"(probing|probe|follow[- ]?up)( questions?)?|probes"),
    (
        "contents",
        r"(predictive |core |key )?competencies( list| overview| summary)?|(table of )?contents"
        r"|competency (list|overview|summary)",
    ),
)
_SECTION_PATTERNS = tuple((kind, re.compile(pattern)) for kind, pattern in _SECTIONS)
_COMPETENCY_SECTIONS = frozenset({"low", "high", "mindset", "practice", "tips"})
_LEVEL_SECTIONS = frozenset({"behaviours", "questions", "probes"})
_CONTINUED = re.compile(r"\s*\((continued|cont\.?|contd\.?)\)\s*$")

_LEVEL = re.compile(
    r"level\s+(\d{1,2})(?:\s*[.:)\-\u2013\u2014]\s*(?P<rest>.*)|\s+(?P<loose>.*))?", re.IGNORECASE
)
_LABEL = re.compile(
    r"(name|role|slug|version|description|weight|definition|competency)\s*:\s*(.*)", re.IGNORECASE
)
_NUMBERED_COMPETENCY = re.compile(r"competency\s+\d{1,3}\s*[:.)\-\u2013\u2014]\s*(.+)", re.IGNORECASE)

_PAGE = re.compile(
    r"(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?|page\s+[ivxlc]+|[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]",
    re.IGNORECASE,
)
_PAGE_REF = re.compile(r"(\s*[.·…_]{2,}\s*|\s+)\d{1,4}$")


def _heading_key(text: str) -> str:
    key = _CONTINUED.sub("", text.casefold())
    return " ".join(key.strip().rstrip(":.").split())


def _section(text: str) -> tuple[str, str] | None:
    """The section a heading opens, with any text written after it on the same line."""
    key = _heading_key(text)
    for kind, pattern in _SECTION_PATTERNS:
        if pattern.fullmatch(key):
            return kind, ""
    head, colon, rest = text.partition(":")
    if colon and rest.strip():
        key = _heading_key(head)
        for kind, pattern in _SECTION_PATTERNS:
            if kind != "contents" and pattern.fullmatch(key):
                return kind, rest.strip()
    return None


def _level(text: str, *, heading: bool) -> tuple[int, str] | None:
    """``Level 3. summary``; a plain line needs the punctuation so prose is not taken for a level."""
    match = _LEVEL.fullmatch(text)
    if not match or (match.group("loose") is not None and not heading):
        return None
    return int(match.group(1)), match.group("rest") or match.group("loose") or ""


def _label(text: str) -> tuple[str, str] | None:
    match = _LABEL.fullmatch(text)
    if match:
        return match.group(1).lower(), match.group(2).strip()
    numbered = _NUMBERED_COMPETENCY.fullmatch(text)
    return ("competency", numbered.group(1).strip()) if numbered else None


def _is_furniture_text(text: str) -> bool:
    key = text.casefold()
    if _PAGE.fullmatch(text) or "©" in text or "copyright" in key or "all rights reserved" in key:
        return True
    short = len(text.split()) <= 8
    return short and ("®" in text or "™" in text or "confidential" in key or "proprietary" in key)


def _name_like(text: str) -> bool:
    """Short, capitalised, not a sentence and not anything else this module recognises."""
    if not text or len(text) > 70 or len(text.split()) > 8 or text[-1] in ".!?;,":
        return False
    if not _starts_upper(text):
        return False
    return not (_label(text) or _level(text, heading=False) or _section(text) or _is_furniture_text(text))


def _next_content(lines: list[_Line], index: int) -> int | None:
    for later in range(index + 1, len(lines)):
        if lines[later].kind != "blank" and not lines[later].furniture:
            return later
    return None


def _adjacent(lines: list[_Line], index: int) -> _Line | None:
    return lines[index] if 0 <= index < len(lines) and not lines[index].furniture else None


def _starts_competency(lines: list[_Line], index: int) -> bool:
    """A plain-text competency: a name line after a break, then a definition or a competency section."""
    line = lines[index]
    if line.kind != "plain" or line.furniture or not _name_like(line.text):
        return False
    before = _adjacent(lines, index - 1)
    if (
        before is not None
        and before.kind in ("plain", "bullet")
        and not _label(before.text)
        and not _ends_sentence(before.text)
    ):
        return False
    after = _adjacent(lines, index + 1)
    if after is not None and after.kind == "plain" and _starts_lower(after.text):
        return False
    body = _next_content(lines, index)
    return body is not None and _opens_body(lines, body)


def _opens_body(lines: list[_Line], index: int) -> bool:
    line = lines[index]
    if line.kind not in ("plain", "heading"):
        return False
    if _level(line.text, heading=line.kind == "heading"):
        return True
    section = _section(line.text)
    if section:
        return section[0] in _COMPETENCY_SECTIONS
    if line.kind == "heading":
        return False
    label = _label(line.text)
    if label:
        return label[0] in ("weight", "definition")
    if not _starts_upper(line.text):
        return False
    if not _name_like(line.text):
        return True
    follower = _adjacent(lines, index + 1)
    return follower is not None and follower.kind == "plain" and _starts_lower(follower.text)


# Page furniture ----------------------------------------------------------------------------------


def _mark_furniture(lines: list[_Line]) -> None:
    for line in lines:
        if line.kind == "plain" and not _label(line.text) and _is_furniture_text(line.text):
            line.furniture = True
    _mark_contents_lists(lines)
    _mark_running_headers(lines)


def _mark_contents_lists(lines: list[_Line]) -> None:
    """A "Predictive Competencies" heading followed by a list of names lists, it does not define.

    Lines are marked as they are read so that the first real competency after the list, which
    follows an entry rather than a blank line, is still seen to start a competency.
    """
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.kind not in ("plain", "heading") or line.furniture or _section(line.text) != ("contents", ""):
            continue
        line.furniture = True
        entries = 0
        while index < len(lines):
            entry = lines[index]
            if entry.kind != "blank" and not entry.furniture:
                is_entry = entry.kind in ("plain", "bullet") and _name_like(_PAGE_REF.sub("", entry.text))
                if not is_entry or _starts_competency(lines, index):
                    break
                entry.furniture = True
                entries += 1
            index += 1
        line.furniture = entries > 0


def _mark_running_headers(lines: list[_Line]) -> None:
    """A short line repeated on three or more pages is a running header (the first line is the title)."""
    candidates = [
        line
        for line in lines
        if line.kind == "plain"
        and not line.furniture
        and len(line.text) <= 80
        and len(line.text.split()) <= 10
        and line.text[-1] not in ".!?"
        and not (_label(line.text) or _section(line.text) or _level(line.text, heading=False))
    ]
    counts = Counter(line.text.casefold() for line in candidates)
    title = next((line for line in lines if line.kind != "blank" and not line.furniture), None)
    for line in candidates:
        if counts[line.text.casefold()] >= 3 and line is not title:
            line.furniture = True


# STAR tags on probing questions ------------------------------------------------------------------

_STAR_WORDS = {
    "s": "situation",
    "t": "task",
    "a": "action",
    "r": "result",
    "o": "other",
    "situation": "situation",
    "task": "task",
    "action": "action",
    "result": "result",
    "other": "other",
}
_STAR = r"situation|task|action|result|other|[star]"
_LEADING_TAG = re.compile(rf"[\[(]\s*({_STAR})\s*[\])]\s*[:\-\u2013\u2014]?\s*(.*)", re.IGNORECASE)
_LEADING_WORD = re.compile(r"((?i:situation|task|action|result)|[STAR])\s*[:\-\u2013\u2014]\s+(.*)")
_TRAILING_TAG = re.compile(rf"(.*?)\s*[\[(]\s*({_STAR})\s*[\])]\s*\.?", re.IGNORECASE)


def _star(text: str) -> tuple[str, str]:
    """(tag, text): one leading tag such as ``[S]``/``(Task)``/``Result:``, else one trailing tag."""
    forms = ((_LEADING_TAG, 1, 2), (_LEADING_WORD, 1, 2), (_TRAILING_TAG, 2, 1))
    for pattern, tag_group, text_group in forms:
        match = pattern.fullmatch(text)
        if match:
            return _STAR_WORDS[match.group(tag_group).lower()], match.group(text_group).strip()
    return "other", text


# The reader --------------------------------------------------------------------------------------

_LIST_FIELDS = {"low": "low", "high": "high", "mindset": "mindset_tips", "practice": "practice_tips"}
_ITEM_NAMES = {
    "low": "A low-score indicator",
    "high": "A high-score indicator",
    "mindset": "A mindset tip",
    "practice": "A practice tip",
    "behaviours": "A behaviour",
    "question": "A question",
    "probe": "A probing question",
}


@dataclass
class _Item:
    """A list item still open: wrapped lines that follow are added to it."""

    target: str
    line: int
    indent: int
    parts: list[str] = field(default_factory=list)


class _Reader:
    """A small state machine over classified lines. ``section`` says where plain text and items go."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.name: str | None = None
        self.name_line = 0
        self.meta: dict[str, str] = {}
        self.version = 1
        self.description: list[str] = []
        self.competencies: list[CompetencyDoc] = []
        self.competency: CompetencyDoc | None = None
        self.competency_depth = 0
        self.definition: list[str] = []
        self.level: LevelDoc | None = None
        self.level_line = 0
        self.summary: list[str] = []
        self.question: QuestionDoc | None = None
        self.question_style: tuple[str, int] | None = None
        self.probe_style: str | None = None
        self.last_probe_ordinal = 0
        self.section = "title"
        self.item: _Item | None = None
        self.after_blank = False
        self.after_item = False
        self.touched_item = False

    def read(self) -> FrameworkDoc:
        for index, line in enumerate(self.lines):
            if line.furniture:
                continue
            if line.kind == "blank":
                self.after_blank = True
                continue
            self.touched_item = False
            self._line(index, line)
            self.after_item = self.touched_item
            self.after_blank = False
        if self.name is None:
            raise DocumentError("The document is empty: it has no framework name and no competencies.")
        self._close_competency()
        if not self.competencies:
            raise DocumentError(
                f"No competency found under {self.name!r}: expected a competency name line followed by "
                "its definition, or a '## Competency name' heading.",
                line=self.name_line,
            )
        doc = FrameworkDoc(
            name=self.name,
            slug=self.meta.get("slug") or slugify_name(self.name),
            role=self.meta.get("role", ""),
            description=_restore(" ".join(self.description)),
            version=self.version,
            competencies=self.competencies,
        )
        check(doc)
        return doc

    # Dispatch ------------------------------------------------------------------------------------

    def _line(self, index: int, line: _Line) -> None:
        if self.name is None:
            self._title(line)
        elif line.kind == "heading":
            self._heading(line)
        elif line.kind == "bullet":
            self._bullet(line)
        else:
            self._plain(index, line)

    def _title(self, line: _Line) -> None:
        """The first line that is not furniture names the framework."""
        if line.kind == "bullet":
            raise DocumentError(
                "The document must start with the framework's name, not a list item.", line=line.number
            )
        text = line.text
        label = _label(text)
        if label and label[0] == "name":
            text = label[1]
        elif label and line.kind == "plain":
            raise DocumentError(
                f"The document must start with the framework's name, not {_restore(text)!r}.",
                line=line.number,
            )
        else:
            section = _section(text)
            if _level(text, heading=True) or (section and section[0] != "contents"):
                raise DocumentError(
                    f"The heading {_restore(text)!r} comes before any competency; "
                    "the document must start with the framework's name.",
                    line=line.number,
                )
        self.name = _restore(_strip_colon(text))
        self.name_line = line.number
        if not self.name:
            raise DocumentError("The framework name is empty.", line=line.number)

    def _heading(self, line: _Line) -> None:
        label = _label(line.text)
        if label and label[0] == "competency":
            self._start_competency(line, label[1])
            return
        if self._structure(line, heading=True):
            return
        if self.competency is not None and self.competency_depth and line.depth > self.competency_depth:
            raise DocumentError(
                f"The heading {_restore(line.text)!r} is not a section kamkit knows; use Low scores, High "
                "scores, Mindset tips, Practice tips, Level N, Behaviours, Questions or Probing questions.",
                line=line.number,
            )
        self._start_competency(line, line.text)

    def _structure(self, line: _Line, *, heading: bool) -> bool:
        """Level and section headings, whether written as Markdown headings or as plain lines."""
        level = _level(line.text, heading=heading)
        if level:
            self._start_level(line, *level)
            return True
        section = _section(line.text)
        if section:
            self._start_section(line, *section)
            return True
        return False

    def _plain(self, index: int, line: _Line) -> None:
        label = _label(line.text)
        if label and label[0] == "competency":
            self._start_competency(line, label[1])
        elif self._structure(line, heading=False):
            return
        elif self.section == "contents":
            if _starts_competency(self.lines, index):
                self._start_competency(line, line.text)
        elif self.competency is None:
            self._title_block(index, line, label)
        elif self.section == "summary" and not self.summary:
            self.summary.append(line.text)
        elif _starts_competency(self.lines, index):
            self._start_competency(line, line.text)
        elif self._continues_item(line):
            assert self.item is not None
            self.item.parts.append(line.text)
            self.touched_item = True
        elif self.section == "definition":
            self._definition_line(line, label)
        elif self.section == "summary":
            self.summary.append(line.text)
        elif self.section in _LEVEL_SECTIONS - {"behaviours"}:
            self._question_item(line, "plain", 0, line.text)
        else:
            self._open(line, self.section, line.text)

    def _continues_item(self, line: _Line) -> bool:
        """Wrapped text: straight after an item, or indented under it after a blank line."""
        if self.item is None:
            return False
        if not self.after_blank:
            return self.after_item
        return line.indent > self.item.indent

    # Title block and definitions ----------------------------------------------------------------

    def _title_block(self, index: int, line: _Line, label: tuple[str, str] | None) -> None:
        if label:
            key, value = label
            if key in ("role", "slug"):
                self.meta[key] = _restore(value)
                return
            if key == "description":
                self.description.append(value)
                return
            if key == "version":
                self._version(line, value)
                return
            if key == "name":
                raise DocumentError("The framework name is given twice.", line=line.number)
            raise DocumentError(f"{key.title()!r} comes before any competency.", line=line.number)
        if _starts_competency(self.lines, index):
            self._start_competency(line, line.text)
        else:
            self.description.append(line.text)

    def _version(self, line: _Line, value: str) -> None:
        text = _restore(value)
        if not text.isdigit() or int(text) < 1:
            raise DocumentError(f"Version must be a whole number from 1, not {text!r}.", line=line.number)
        self.version = int(text)

    def _definition_line(self, line: _Line, label: tuple[str, str] | None) -> None:
        if label and label[0] == "weight":
            self._weight(line, _restore(label[1]))
        elif label and label[0] == "definition":
            self.definition.append(label[1])
        else:
            self.definition.append(line.text)

    def _weight(self, line: _Line, value: str) -> None:
        assert self.competency is not None
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not math.isfinite(weight) or weight < 0:
            raise DocumentError(f"Weight must be a number of 0 or more, not {value!r}.", line=line.number)
        self.competency.weight = weight

    # Competencies, levels and sections -----------------------------------------------------------

    def _start_competency(self, line: _Line, text: str) -> None:
        self._close_competency()
        name = _restore(_strip_colon(text))
        if not name:
            raise DocumentError("A competency heading has no name.", line=line.number)
        if any(other.name.casefold() == name.casefold() for other in self.competencies):
            raise DocumentError(f"Competency {name!r} appears twice.", line=line.number)
        self.competency = CompetencyDoc(name=name)
        self.competencies.append(self.competency)
        if line.kind == "heading":
            self.competency_depth = line.depth
        self.definition = []
        self.section = "definition"

    def _close_competency(self) -> None:
        self._close_item()
        self._close_level()
        if self.competency is not None:
            self.competency.definition = _restore(" ".join(self.definition))

    def _start_level(self, line: _Line, number: int, summary: str) -> None:
        self._close_item()
        self._close_level()
        if self.competency is None:
            raise DocumentError(f"Level {number} comes before any competency.", line=line.number)
        where = f"competency {self.competency.name!r}"
        if not 1 <= number <= 5:
            raise DocumentError(
                f"Level numbers run from 1 to 5; {where} has level {number}.", line=line.number
            )
        levels = self.competency.levels
        if any(level.level == number for level in levels):
            raise DocumentError(f"Level {number} appears twice in {where}.", line=line.number)
        expected = len(levels) + 1
        if number != expected:
            after = f"follows level {expected - 1}" if levels else "is the first level"
            raise DocumentError(
                f"Level {number} {after} in {where}: level {expected} is missing.", line=line.number
            )
        self.level = LevelDoc(level=number, summary="")
        levels.append(self.level)
        self.level_line = line.number
        self.summary = [summary] if summary else []
        self.question = None
        self.question_style = None
        self.section = "summary"

    def _finish_summary(self) -> None:
        if self.level is None or self.level.summary:
            return
        self.level.summary = _restore(" ".join(self.summary))
        if not self.level.summary:
            raise DocumentError(
                f"Level {self.level.level} has no summary: write it after the number, "
                f"as in 'Level {self.level.level}. Applies the skill with guidance'.",
                line=self.level_line,
            )

    def _close_level(self) -> None:
        self._finish_summary()
        self.level = None
        self.question = None

    def _start_section(self, line: _Line, kind: str, inline: str) -> None:
        self._close_item()
        heading = _restore(line.text)
        if kind == "contents":
            self.section = kind  # a summary list whose entries carry text: skipped up to the next structure
            return
        if kind == "tips":
            raise DocumentError(
                f"The heading {heading!r} does not say which tips follow: "
                "use 'Mindset tips' or 'Practice tips'.",
                line=line.number,
            )
        if self.competency is None:
            raise DocumentError(f"The heading {heading!r} comes before any competency.", line=line.number)
        if kind in _LEVEL_SECTIONS:
            if self.level is None:
                raise DocumentError(
                    f"The heading {heading!r} is not under a level: put it after a 'Level N. summary' line.",
                    line=line.number,
                )
            self._finish_summary()
        else:
            self._close_level()
        self.section = kind
        if kind == "questions":
            self.question = None
            self.question_style = None
        elif kind == "probes":
            self.probe_style = None
            self.last_probe_ordinal = 0
        if inline:
            if kind in ("questions", "probes"):
                self._question_item(line, "plain", 0, inline)
            else:
                self._open(line, kind, inline)

    # List items ----------------------------------------------------------------------------------

    def _bullet(self, line: _Line) -> None:
        if self.section == "contents":
            return
        if self.competency is None:
            raise DocumentError("A list item comes before the first competency.", line=line.number)
        if self.section == "definition":
            raise DocumentError(
                f"A list item under competency {self.competency.name!r} comes before any heading such as "
                "'Low scores', 'Mindset tips' or 'Level 1'.",
                line=line.number,
            )
        if self.section == "summary":
            assert self.level is not None
            raise DocumentError(
                f"A list item under level {self.level.level} comes before "
                "a 'Behaviours' or 'Questions' heading.",
                line=line.number,
            )
        if self.section in ("questions", "probes"):
            self._question_item(line, line.marker, line.ordinal, line.text)
        else:
            self._open(line, self.section, line.text)

    def _question_item(self, line: _Line, marker: str, ordinal: int, text: str) -> None:
        if self._is_question(line, marker, ordinal):
            self._open(line, "question", text)
            self.section = "questions"
            self.probe_style = None
            self.last_probe_ordinal = 0
            return
        self._close_item()
        if self.question is None:
            raise DocumentError(
                "A probing question comes before any question it could follow.", line=line.number
            )
        if self.probe_style is None:
            self.probe_style = marker
        self.last_probe_ordinal = ordinal
        self._open(line, "probe", text)

    def _is_question(self, line: _Line, marker: str, ordinal: int) -> bool:
        """Questions keep the first item's marker and indent; deeper or differently marked items probe."""
        style = self.question_style
        if self.section == "questions":
            if style is None:
                self.question_style = (marker, line.indent)
                return True
            return line.indent <= style[1] and marker == style[0]
        if style is None or self.probe_style is None or line.indent > style[1] or marker != style[0]:
            return False
        if self.probe_style != marker:
            return True
        assert self.level is not None
        next_question = len(self.level.questions) + 1
        return marker == "number" and ordinal == next_question and ordinal != self.last_probe_ordinal + 1

    def _open(self, line: _Line, target: str, text: str) -> None:
        self._close_item()
        self.item = _Item(target, line.number, line.indent, [text] if text else [])
        self.touched_item = True

    def _close_item(self) -> None:
        item, self.item = self.item, None
        if item is None:
            return
        joined = " ".join(item.parts)
        star = "other"
        if item.target == "probe":
            star, joined = _star(joined)
        text = _restore(joined).strip()
        if not text:
            raise DocumentError(f"{_ITEM_NAMES[item.target]} has no text.", line=item.line)
        if item.target == "question":
            assert self.level is not None
            self.question = QuestionDoc(text=text)
            self.level.questions.append(self.question)
        elif item.target == "probe":
            assert self.question is not None
            self.question.probes.append(ProbeDoc(text=text, star=star))
        elif item.target == "behaviours":
            assert self.level is not None
            self.level.behaviours.append(text)
        else:
            assert self.competency is not None
            getattr(self.competency, _LIST_FIELDS[item.target]).append(text)


def parse_text(text: str) -> FrameworkDoc:
    """Read a plain-text or Markdown competency document. Raises DocumentError with a line number."""
    lines = _split_lines(text)
    _mark_furniture(lines)
    return _Reader(lines).read()


# Writing -----------------------------------------------------------------------------------------

_LIST_TITLES = (
    ("low", "Low scores"),
    ("high", "High scores"),
    ("mindset_tips", "Mindset tips"),
    ("practice_tips", "Practice tips"),
)


def _escape(text: str) -> str:
    return re.sub(r"([\\*_])", r"\\\1", text)


def _list_item(text: str) -> str:
    """``- text``; a text of dashes or stars is escaped so the line is not read as a rule."""
    escaped = _escape(text)
    if _RULE.fullmatch(f"- {escaped}"):
        escaped = "\\" + escaped
    return f"- {escaped}"


def _heading(text: str, prefix: str) -> str:
    """Heading text that reads back unchanged; ``Prefix: text`` when it would pass for something else."""
    escaped = _escape(text)
    if escaped.endswith((":", "#")):
        escaped = escaped[:-1] + "\\" + escaped[-1]
    seen = _tidy(_protect(escaped))
    if _label(seen) or _level(seen, heading=True) or _section(seen):
        return f"{prefix}: {escaped}"
    return escaped


def _render_competency(competency: CompetencyDoc) -> list[str]:
    out = ["", f"## {_heading(competency.name, 'Competency')}", "", f"Weight: {competency.weight!r}"]
    if competency.definition:
        out += ["", f"Definition: {_escape(competency.definition)}"]
    for attribute, title in _LIST_TITLES:
        items: list[str] = getattr(competency, attribute)
        if items:
            out += ["", f"### {title}", ""]
            out += [_list_item(item) for item in items]
    for level in competency.levels:
        out += _render_level(level)
    return out


def _render_level(level: LevelDoc) -> list[str]:
    summary = _escape(level.summary)
    if summary.endswith("#"):
        summary = summary[:-1] + "\\#"
    out = ["", f"### Level {level.level}. {summary}".rstrip()]
    if level.behaviours:
        out += ["", "#### Behaviours", ""]
        out += [_list_item(behaviour) for behaviour in level.behaviours]
    if level.questions:
        out += ["", "#### Questions", ""]
        for number, question in enumerate(level.questions, start=1):
            out.append(f"{number}. {_escape(question.text)}")
            out += [f"   - {_probe(probe)}" for probe in question.probes]
    return out


def _probe(probe: ProbeDoc) -> str:
    """``[Situation] text``; a colon after the tag keeps a text that starts with a separator intact."""
    separator = ": " if probe.text.startswith((":", "-", "\u2013", "\u2014")) else " "
    return f"[{probe.star.capitalize()}]{separator}{_escape(probe.text)}"


def render_markdown(doc: FrameworkDoc) -> str:
    """Markdown that ``parse_text`` reads back to an identical ``FrameworkDoc``."""
    out = [f"# {_heading(doc.name, 'Name')}"]
    for label, value in (
        ("Slug", doc.slug),
        ("Role", doc.role),
        ("Version", str(doc.version)),
        ("Description", doc.description),
    ):
        if value:
            out += ["", f"{label}: {_escape(value)}"]
    for competency in doc.competencies:
        out += _render_competency(competency)
    return "\n".join(out) + "\n"
