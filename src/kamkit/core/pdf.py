"""Printable PDF documents (reports, interview kits, account files) with fpdf2.

One small builder so every app's PDFs look alike. fpdf2's built-in fonts cover Latin-1 only and
kamkit must not depend on fonts installed on the server, so text is folded to Latin-1 first
(typographic quotes and dashes become their plain forms; anything else unknown becomes '?').
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

_REPLACEMENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00a0": " ",
        "\u2192": "->",
        "\u2264": "<=",
        "\u2265": ">=",
    }
)


def latin1(text: object) -> str:
    """``text`` as something the built-in PDF fonts can draw."""
    folded = unicodedata.normalize("NFC", str(text)).translate(_REPLACEMENTS)
    return folded.encode("latin-1", errors="replace").decode("latin-1")


class PdfDocument:
    """A portrait A4 document: title, headings, paragraphs, bullet lists and simple tables."""

    def __init__(self, title: str, *, subtitle: str = "") -> None:
        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_title(latin1(title))
        self.pdf.set_creator("kamkit")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_margins(18, 16, 18)
        self.pdf.add_page()
        self.pdf.set_font("Helvetica", "B", 18)
        self.pdf.multi_cell(0, 9, latin1(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self.pdf.set_font("Helvetica", "", 10)
            self.pdf.set_text_color(90, 90, 90)
            self.pdf.multi_cell(0, 5, latin1(subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.pdf.set_text_color(0, 0, 0)
        self.pdf.ln(3)

    def heading(self, text: str, *, level: int = 1) -> None:
        size = {1: 14, 2: 12}.get(level, 11)
        self.pdf.ln(2)
        self.pdf.set_font("Helvetica", "B", size)
        self.pdf.multi_cell(0, 7, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, *, muted: bool = False, size: int = 10) -> None:
        self.pdf.set_font("Helvetica", "", size)
        if muted:
            self.pdf.set_text_color(90, 90, 90)
        self.pdf.multi_cell(0, 5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.set_text_color(0, 0, 0)
        self.pdf.ln(1)

    def bullets(self, items: Sequence[str], *, marker: str = "-") -> None:
        self.pdf.set_font("Helvetica", "", 10)
        for item in items:
            self.pdf.set_x(self.pdf.l_margin + 3)
            self.pdf.multi_cell(0, 5, latin1(f"{marker} {item}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def table(
        self, header: Sequence[str], rows: Sequence[Sequence[object]], *, widths: Sequence[int] | None = None
    ) -> None:
        """A simple grid; ``widths`` are relative column widths."""
        self.pdf.set_font("Helvetica", "", 9)
        with self.pdf.table(
            col_widths=tuple(widths) if widths else None,
            text_align="LEFT",
            line_height=5,
            first_row_as_headings=True,
        ) as table:
            heading = table.row()
            for cell in header:
                heading.cell(latin1(cell))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(latin1("" if value is None else value))
        self.pdf.ln(2)

    def page_break(self) -> None:
        self.pdf.add_page()

    def output(self) -> bytes:
        return bytes(self.pdf.output())
