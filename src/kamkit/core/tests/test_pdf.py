"""The shared PDF builder: produces a real PDF whose text survives, typographic characters folded."""

from __future__ import annotations

from kamkit.core.pdf import PdfDocument, latin1


def test_latin1_folds_typographic_characters() -> None:
    assert latin1("Plan \u2013 \u201cQ1\u201d \u2192 done\u2026") == 'Plan - "Q1" -> done...'
    assert latin1("Zoë Łukasz") == "Zoë ?ukasz"


def test_document_renders_headings_lists_and_tables() -> None:
    doc = PdfDocument("Account file \u2013 Acme", subtitle="Printed for the backup owner")
    doc.heading("People to know")
    doc.bullets(["Bea Budget, CFO", "Ian Inside, coach"])
    doc.table(["Name", "Role"], [["Bea Budget", "Economic buyer"], ["Ian Inside", None]], widths=[2, 1])
    data = doc.output()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 1000
