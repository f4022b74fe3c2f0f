"""The interview kit as a PDF for the interviewer: per competency the behaviours around the target
level, the questions with their STAR-tagged probes, the rating guide, and room for notes."""

from __future__ import annotations

from kamkit.core.pdf import PdfDocument, latin1
from kamkit.hiring.models import Interview, InterviewKit, Opening

NOTE_LINES = 6


def _ruled_lines(doc: PdfDocument, count: int) -> None:
    """Blank lines to write on."""
    pdf = doc.pdf
    pdf.set_draw_color(190, 190, 190)
    for _ in range(count):
        if pdf.get_y() + 8 > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.ln(7)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(3)


def _room_for(doc: PdfDocument, height: float) -> None:
    """Start a new page unless ``height`` millimetres fit on this one (keeps a question with its lines)."""
    pdf = doc.pdf
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()


def _star_boxes(doc: PdfDocument) -> None:
    doc.paragraph("Covered:  [ ] Situation   [ ] Task   [ ] Action   [ ] Result", muted=True, size=9)


def kit_pdf(kit: InterviewKit, opening: Opening, *, interview: Interview | None = None) -> bytes:
    """The kit (expects it from ``queries.kit_of``); with ``interview``, headed for that interview."""
    subtitle = [
        f"Target level {kit.target_level}",
        f"{kit.framework}",
        f"Hiring manager: {opening.hiring_manager or 'none'}",
    ]
    if interview is not None:
        subtitle[:0] = [
            f"Candidate: {interview.application.candidate}",
            f"Interviewer: {interview.interviewer}",
        ]
        if interview.scheduled_at:
            subtitle.insert(2, f"{interview.scheduled_at:%d %b %Y %H:%M}")
    doc = PdfDocument(f"Interview kit: {opening.title}", subtitle=" · ".join(subtitle))
    doc.paragraph(
        "Ask each question, then use the probes to draw out the situation, the task, what the "
        "candidate did and the result. Write down what was said, tick the STAR parts the answer "
        "covered, and rate each competency 1 to 5 with the guide. Rate on your own before you hear "
        "the other interviewers' views.",
        size=9,
    )
    included = [c for c in kit.competencies.all() if c.included]
    for number, competency in enumerate(included, start=1):
        if number > 1:
            doc.page_break()
        doc.heading(f"{number}. {competency.name}")
        if competency.definition:
            doc.paragraph(competency.definition, muted=True, size=9)
        if competency.note:
            doc.paragraph(f"Note: {competency.note}", size=9)
        for level, behaviours, label in (
            (competency.level_at, competency.behaviours_at, "What level {level} looks like"),
            (competency.level_below, competency.behaviours_below, "One level down (level {level})"),
            (competency.level_above, competency.behaviours_above, "One level up (level {level})"),
        ):
            if level and behaviours:
                doc.heading(label.format(level=level), level=3)
                doc.bullets(list(behaviours))
        questions = list(competency.questions.all())
        if not questions:
            doc.paragraph("No questions in this kit for this competency: ask your own.", muted=True)
        for index, question in enumerate(questions, start=1):
            probes_count = len(question.probes.all())
            _room_for(doc, 30 + 6 * probes_count + 8 * NOTE_LINES)
            doc.heading(f"Question {number}.{index}", level=3)
            doc.paragraph(question.text)
            probes = [f"[{probe.star.upper()}] {probe.text}" for probe in question.probes.all()]
            if probes:
                doc.bullets(probes)
            _star_boxes(doc)
            _ruled_lines(doc, NOTE_LINES)
        doc.heading(f"Rating guide: {competency.name}", level=3)
        doc.table(
            ["Rating", "What the answer sounds like"],
            [(f"{a.rating} {a.label}", a.text) for a in competency.anchors.all()],
            widths=(1, 4),
        )
        doc.paragraph(latin1("Your rating:  1   2   3   4   5        Evidence:"), size=10)
        _ruled_lines(doc, 3)
    return doc.output()
