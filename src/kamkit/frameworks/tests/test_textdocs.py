"""Plain-text and Markdown competency documents: the layouts people write, the errors, the round trip."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kamkit.frameworks import documents
from kamkit.frameworks.documents import (
    CompetencyDoc,
    DocumentError,
    FrameworkDoc,
    LevelDoc,
    ProbeDoc,
    QuestionDoc,
)
from kamkit.frameworks.textdocs import parse_text, render_markdown

BUILTIN = Path(documents.__file__).parent / "builtin"

TOOLKIT = """\
Account Growth Toolkit
Role: Key Account Manager
Version: 2

A short guide to the habits that keep large customers loyal
and buying more each year.

Predictive Competencies
Relationship mapping
Value selling

Relationship mapping
Knows who decides, who influences and who blocks inside each key customer,
and keeps that picture current as people change jobs.

LOW SCORES
- Talks mostly to one friendly contact.
- Hears about reorganisations after they have happened.

HIGH SCORES
- Keeps a current map of buyers, users and sponsors for
  every key account.
- Meets new stakeholders within weeks of their arrival.

Mindset Tips:
- Every account has more than one voice worth hearing.

- A contact who leaves takes part of the relationship with them,
  so spread it wide.

Practice Tips:
- Refresh the stakeholder map once a quarter.
- Ask each sponsor who else should see the proposal.

Value selling
Frames every proposal in the customer's own goals and measurable gains rather than product features.

Low scores
- Opens meetings with the price list.
High scores
- Puts the gain in the customer's own numbers.
"""

TOOLKIT_DOC = FrameworkDoc(
    name="Account Growth Toolkit",
    slug="account-growth-toolkit",
    role="Key Account Manager",
    description="A short guide to the habits that keep large customers loyal and buying more each year.",
    version=2,
    competencies=[
        CompetencyDoc(
            name="Relationship mapping",
            definition=(
                "Knows who decides, who influences and who blocks inside each key customer, "
                "and keeps that picture current as people change jobs."
            ),
            low=[
                "Talks mostly to one friendly contact.",
                "Hears about reorganisations after they have happened.",
            ],
            high=[
                "Keeps a current map of buyers, users and sponsors for every key account.",
                "Meets new stakeholders within weeks of their arrival.",
            ],
            mindset_tips=[
                "Every account has more than one voice worth hearing.",
                "A contact who leaves takes part of the relationship with them, so spread it wide.",
            ],
            practice_tips=[
                "Refresh the stakeholder map once a quarter.",
                "Ask each sponsor who else should see the proposal.",
            ],
        ),
        CompetencyDoc(
            name="Value selling",
            definition=(
                "Frames every proposal in the customer's own goals and measurable gains "
                "rather than product features."
            ),
            low=["Opens meetings with the price list."],
            high=["Puts the gain in the customer's own numbers."],
        ),
    ],
)

LEVELS = """\
# Negotiation Levels

## Negotiating renewals
Agrees renewal terms that keep the customer and protect the margin.

Level 1. Follows the standard renewal script with help.
BEHAVIORS
- Prepares the renewal pack from the template.
QUESTIONS
1. Tell me about a renewal you helped prepare.
Probing Questions
- What was the account and its contract? (Situation)
- What were you asked to do? [T]
- Action: How did you prepare?
- What was the outcome? (Result)
- Who checked your work?
2. Describe a time you were unsure of a renewal term.
Probing Questions
- [S] What was the term?

Level 2 - Negotiates routine renewals on their own.
Behaviours
- Proposes trade-offs instead of discounts.
Interview questions
1. Walk me through a renewal you led.
   a) (Task) What did the renewal need to achieve?
   b) Result - What did you agree?
"""


def _level_doc(levels: str) -> str:
    """A one-competency level document with the given 'Level N' blocks."""
    return f"Level Test\n\nForecasting\nPredicts account revenue a quarter ahead.\n\n{levels}"


# Plain-text layouts -------------------------------------------------------------------------------


def test_plain_text_toolkit_is_read_into_competencies_with_lists_and_tips() -> None:
    # given a toolkit with a title block, a summary list and two competencies
    # when it is parsed
    doc = parse_text(TOOLKIT)
    # then the summary list is skipped and every section lands in its place
    assert doc == TOOLKIT_DOC


def test_windows_line_endings_and_tabs_read_the_same_as_unix_and_spaces() -> None:
    # given the same toolkit saved on Windows with tab indentation and non-breaking spaces
    text = TOOLKIT.replace("\n  ", "\n\t").replace("Value selling\n", "Value\u00a0selling\n")
    windows = text.replace("\n", "\r\n")
    # when both are parsed
    # then nothing differs
    assert parse_text(windows) == TOOLKIT_DOC
    assert parse_text(text.replace("\n", "\r")) == TOOLKIT_DOC


@pytest.mark.parametrize(
    "marker",
    ["-", "*", "•", "\u2013", "1.", "1)", "a)", "(a)", "●"],
)
def test_every_kind_of_bullet_marks_a_list_item(marker: str) -> None:
    # given a tips section written with one bullet marker
    text = (
        f"Bullets\n\nFollow-through\nDoes what was promised, when it was promised.\n\n"
        f"Practice tips\n{marker} Write the promise down.\n{marker} Confirm it by e-mail.\n"
    )
    # when parsed
    doc = parse_text(text)
    # then the markers are gone and each line is one tip
    assert doc.competencies[0].practice_tips == ["Write the promise down.", "Confirm it by e-mail."]


def test_tips_continue_over_several_paragraphs_and_bullets_wrap() -> None:
    # given tips split by blank lines, some without bullets, one wrapping over two lines
    text = """\
Tips Spread Out

Customer education
Teaches customers to get full value from what they bought.

Mindset Tips:
• A customer who knows the product well rarely leaves.

• Teaching is part of selling,
    not a favour.

Training pays for itself when it prevents a support call.

Practice tips: Run a short session after each new release.
"""
    # when parsed
    competency = parse_text(text).competencies[0]
    # then each paragraph is a tip and the wrapped bullet is joined
    assert competency.mindset_tips == [
        "A customer who knows the product well rarely leaves.",
        "Teaching is part of selling, not a favour.",
        "Training pays for itself when it prevents a support call.",
    ]
    assert competency.practice_tips == ["Run a short session after each new release."]


def test_competency_without_tips_or_sections_keeps_its_definition() -> None:
    # given two competencies, the first with only a definition
    text = """\
Bare Bones

Responsiveness
Answers customer requests within a working day.

Pricing discipline
Holds the agreed price unless the customer gives something back.

HIGH SCORES
- Trades concessions instead of giving them.
"""
    # when parsed
    doc = parse_text(text)
    # then the first has no lists and the second has its indicator
    first, second = doc.competencies
    assert first == CompetencyDoc(
        name="Responsiveness", definition="Answers customer requests within a working day."
    )
    assert second.high == ["Trades concessions instead of giving them."]
    assert second.mindset_tips == [] and second.practice_tips == []


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("LOW SCORES", "low"),
        ("Low score", "low"),
        ("low score indicators:", "low"),
        ("Low Scorers", "low"),
        ("**Low**", "low"),
        ("HIGH SCORES", "high"),
        ("High Score Indicators", "high"),
        ("Mindset", "mindset_tips"),
        ("MINDSET DEVELOPMENT TIPS", "mindset_tips"),
        ("Practical tips", "practice_tips"),
        ("Practices", "practice_tips"),
        ("### Practice Tips", "practice_tips"),
    ],
)
def test_section_headings_are_matched_case_insensitively_with_variants(heading: str, field: str) -> None:
    # given a competency whose one section uses a heading variant
    text = f"Variants\n\nListening\nHears what the customer means.\n\n{heading}\n- One item.\n"
    # when parsed
    competency = parse_text(text).competencies[0]
    # then the item lands in the matching list
    assert getattr(competency, field) == ["One item."]


def test_page_furniture_is_dropped_and_never_becomes_a_competency() -> None:
    # given a document with page numbers, a copyright footer, a trade mark and a running header
    text = """\
Partner Selling Guide
Confidential
Partner Selling Guide

Joint planning
Plans each quarter together with the partner's sales lead.

LOW SCORES
- Plans alone and informs the partner afterwards.

Page 2 of 7
© 2025 Example Academy. All rights reserved.
Partner Selling Guide
PartnerPlan™
- Shares the pipeline view only on request.
12

Partner Selling Guide
HIGH SCORES
- Holds a standing planning call with each partner.
"""
    # when parsed
    doc = parse_text(text)
    # then one competency remains and the low list continues across the page break
    assert doc.name == "Partner Selling Guide"
    assert [c.name for c in doc.competencies] == ["Joint planning"]
    assert doc.competencies[0].low == [
        "Plans alone and informs the partner afterwards.",
        "Shares the pipeline view only on request.",
    ]
    assert doc.competencies[0].high == ["Holds a standing planning call with each partner."]


def test_contents_list_directly_followed_by_first_competency_is_skipped() -> None:
    # given a bulleted contents list with page numbers and no blank line before the first competency
    text = """\
# Service Toolkit

## Contents
- Escalation handling ..... 3
- Renewal timing ..... 5
Escalation handling
Takes ownership of a customer problem until it is solved.

Renewal timing
Starts renewal talks early enough to avoid a rushed decision.
"""
    # when parsed
    doc = parse_text(text)
    # then only the two real competencies exist, with their definitions
    assert [(c.name, bool(c.definition)) for c in doc.competencies] == [
        ("Escalation handling", True),
        ("Renewal timing", True),
    ]


def test_contents_list_with_descriptions_is_skipped_up_to_the_first_competency() -> None:
    # given a summary list whose entries carry a short description each
    text = """\
Toolkit
Predictive Competencies
• Strategic thinking \u2013 looks past the current quarter.
• Customer advocacy \u2013 speaks for the customer inside the company.

Strategic thinking
Links account actions to where the customer is heading.

LOW SCORES
- Plans one month at a time.
"""
    # when parsed
    doc = parse_text(text)
    # then only the competency written out in full exists
    assert [c.name for c in doc.competencies] == ["Strategic thinking"]
    assert doc.competencies[0].low == ["Plans one month at a time."]


def test_numbered_competency_lines_and_summaries_on_the_next_line_are_understood() -> None:
    # given "Competency 1: name" lines, a level summary under its heading and Q-numbered questions
    text = """\
Interview Guide

Competency 1: Objection handling
Turns a customer's doubt into a clearer picture of their need.

Level 1
Answers common objections with prepared replies.
Questions
Q1 Tell me about an objection you answered well.
    - [A] What did you say?
Q2. Tell me about one you could not answer.

Competency 2 - Closing
Asks for the decision once the customer has what they need.
"""
    # when parsed
    doc = parse_text(text)
    # then the names, the summary and both questions are in place
    first, second = doc.competencies
    assert (first.name, second.name) == ("Objection handling", "Closing")
    level = first.levels[0]
    assert level.summary == "Answers common objections with prepared replies."
    assert [q.text for q in level.questions] == [
        "Tell me about an objection you answered well.",
        "Tell me about one you could not answer.",
    ]
    assert level.questions[0].probes == [ProbeDoc("What did you say?", "action")]


# Markdown layouts ---------------------------------------------------------------------------------


def test_markdown_headings_bold_and_metadata_are_understood() -> None:
    # given a Markdown document with metadata lines, bold labels and emphasis in the texts
    text = """\
# **Strategic Accounts**

**Role:** Account Director
Slug: strategic
Description: For the people who own the biggest customers.

## Executive access:

Weight: 2.5

Reaches the people who *set* the customer's strategy, not only the buyers.

### High scores

* Meets a board member of each key customer at least **once** a year.
"""
    # when parsed
    doc = parse_text(text)
    # then the metadata is kept and the markers are gone
    assert (doc.name, doc.role, doc.slug, doc.version) == (
        "Strategic Accounts",
        "Account Director",
        "strategic",
        1,
    )
    assert doc.description == "For the people who own the biggest customers."
    competency = doc.competencies[0]
    assert competency.name == "Executive access"
    assert competency.weight == 2.5
    assert competency.definition == "Reaches the people who set the customer's strategy, not only the buyers."
    assert competency.high == ["Meets a board member of each key customer at least once a year."]


def test_read_uses_this_parser_for_markdown_files() -> None:
    # given a markdown file name
    # when read through documents.read
    doc = documents.read("\ufeff" + TOOLKIT, filename="toolkit.md")
    # then it is the text reader's result
    assert doc == TOOLKIT_DOC


# Level layout -------------------------------------------------------------------------------------


def test_level_document_reads_behaviours_questions_and_tagged_probes() -> None:
    # given levels with probing-question headings, nested probes and STAR tags in several forms
    # when parsed
    competency = parse_text(LEVELS).competencies[0]
    # then every level, question and probe is in place with its tag
    level_one, level_two = competency.levels
    assert level_one == LevelDoc(
        level=1,
        summary="Follows the standard renewal script with help.",
        behaviours=["Prepares the renewal pack from the template."],
        questions=[
            QuestionDoc(
                text="Tell me about a renewal you helped prepare.",
                probes=[
                    ProbeDoc("What was the account and its contract?", "situation"),
                    ProbeDoc("What were you asked to do?", "task"),
                    ProbeDoc("How did you prepare?", "action"),
                    ProbeDoc("What was the outcome?", "result"),
                    ProbeDoc("Who checked your work?", "other"),
                ],
            ),
            QuestionDoc(
                text="Describe a time you were unsure of a renewal term.",
                probes=[ProbeDoc("What was the term?", "situation")],
            ),
        ],
    )
    assert level_two == LevelDoc(
        level=2,
        summary="Negotiates routine renewals on their own.",
        behaviours=["Proposes trade-offs instead of discounts."],
        questions=[
            QuestionDoc(
                text="Walk me through a renewal you led.",
                probes=[
                    ProbeDoc("What did the renewal need to achieve?", "task"),
                    ProbeDoc("What did you agree?", "result"),
                ],
            )
        ],
    )


def test_numbered_probes_under_a_heading_do_not_swallow_the_next_question() -> None:
    # given probes numbered like the questions
    text = _level_doc(
        "Level 1: Reads last quarter's numbers.\n"
        "QUESTIONS\n1. How did you build your last forecast?\nProbing questions\n"
        "1. What data did you have?\n2. What did you predict?\n"
        "2. When was a forecast of yours wrong?\nFollow-up questions\n1. Why was it wrong?\n"
    )
    # when parsed
    questions = parse_text(text).competencies[0].levels[0].questions
    # then each question keeps only its own probes
    assert [(q.text, len(q.probes)) for q in questions] == [
        ("How did you build your last forecast?", 2),
        ("When was a forecast of yours wrong?", 1),
    ]


def test_level_document_missing_a_level_is_refused_naming_the_line() -> None:
    # given levels 1, 2, 4 and 5
    text = _level_doc(
        "Level 1. Reads the numbers.\n\nLevel 2. Builds a simple forecast.\n\n"
        "Level 4. Forecasts complex accounts.\n\nLevel 5. Designs the forecasting method.\n"
    )
    # when parsed
    with pytest.raises(DocumentError) as caught:
        parse_text(text)
    # then the error points at level 4 and names the gap
    assert caught.value.line == 10
    assert "level 3 is missing" in caught.value.reason


def test_duplicate_level_is_refused() -> None:
    # given level 2 written twice
    text = _level_doc("Level 1. Reads.\n\nLevel 2. Builds.\n\nLevel 2. Builds again.\n")
    # when parsed / then refused at the second one
    with pytest.raises(DocumentError, match="Level 2 appears twice") as caught:
        parse_text(text)
    assert caught.value.line == 10


# Refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", None, "empty"),
        ("Page 1 of 2\n\n3\n", None, "empty"),
        ("Only A Title\n\nAnd a sentence about nothing in particular.\n", 1, "No competency"),
        ("- A bullet first\n", 1, "list item"),
        ("Title\n\n- A stray bullet.\n", 3, "before the first competency"),
        ("Title\nLOW SCORES\n- x\n", 2, "before any competency"),
        ("LOW SCORES\n- x\n", 1, "framework's name"),
        ("Title\n\n## Coaching\nHelps others.\n- A bullet with no heading.\n", 5, "before any heading"),
        ("Title\n\n## Coaching\n\nWeight: heavy\n", 5, "Weight must be a number"),
        ("Title\nVersion: 0\n", 2, "Version"),
        ("Title\n\n## Coaching\n\nTips\n- Do it.\n", 5, "Mindset tips"),
        ("Title\n\n## Coaching\n\n### Anecdotes\n", 5, "not a section"),
        ("Title\n\n## Coaching\n\n## coaching\n", 5, "appears twice"),
        ("Title\n\n## Coaching\n\nLow scores\n-\n", 6, "has no text"),
    ],
)
def test_documents_it_cannot_understand_are_refused_with_line_and_reason(
    text: str, line: int | None, words: str
) -> None:
    # given a document with one problem
    # when parsed
    with pytest.raises(DocumentError) as caught:
        parse_text(text)
    # then the reason and the line say what and where
    assert words in caught.value.reason
    assert caught.value.line == line


@pytest.mark.parametrize(
    ("levels", "line", "words"),
    [
        ("Level 1\nBEHAVIORS\n- Reads.\n", 6, "Level 1 has no summary"),
        ("Level 2. Builds.\n", 6, "level 1 is missing"),
        ("Level 1. Reads.\nQUESTIONS\n1.\n", 8, "A question has no text"),
        ("Level 1. Reads.\nProbing questions\n- Why?\n", 8, "before any question"),
        ("Level 1. Reads.\n- Stray behaviour.\n", 7, "Behaviours"),
        ("BEHAVIOURS\n- Reads.\n", 6, "not under a level"),
        ("Level 1. Reads.\n\nLevel 6. Beyond.\n", 8, "1 to 5"),
    ],
)
def test_level_problems_are_refused_with_line_and_reason(levels: str, line: int, words: str) -> None:
    # given a level document with one problem
    # when parsed
    with pytest.raises(DocumentError) as caught:
        parse_text(_level_doc(levels))
    # then the reason and line say what and where
    assert words in caught.value.reason
    assert caught.value.line == line


# Round trip ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["key-account-management.yaml", "account-planning.yaml"])
def test_builtin_frameworks_survive_a_markdown_round_trip(filename: str) -> None:
    # given a built-in framework
    path = BUILTIN / filename
    doc = documents.read(path.read_text(), filename=path.name)
    # when written as Markdown and read back
    again = parse_text(render_markdown(doc))
    # then nothing changed
    assert again == doc


def test_markdown_has_the_documented_shape() -> None:
    # given a small framework with one level
    doc = FrameworkDoc(
        name="Mini",
        slug="mini",
        role="Account Manager",
        version=3,
        competencies=[
            CompetencyDoc(
                name="Listening",
                definition="Hears what the customer means.",
                weight=1.5,
                low=["Interrupts."],
                levels=[
                    LevelDoc(
                        level=1,
                        summary="Listens when reminded.",
                        behaviours=["Takes notes."],
                        questions=[
                            QuestionDoc("Tell me about a call.", [ProbeDoc("What was said?", "situation")])
                        ],
                    )
                ],
            )
        ],
    )
    # when rendered
    markdown = render_markdown(doc)
    # then it is the documented shape
    assert markdown == (
        "# Mini\n\nSlug: mini\n\nRole: Account Manager\n\nVersion: 3\n\n"
        "## Listening\n\nWeight: 1.5\n\nDefinition: Hears what the customer means.\n\n"
        "### Low scores\n\n- Interrupts.\n\n"
        "### Level 1. Listens when reminded.\n\n#### Behaviours\n\n- Takes notes.\n\n"
        "#### Questions\n\n1. Tell me about a call.\n   - [Situation] What was said?\n"
    )
    assert documents.write(doc, "md") == markdown
    assert parse_text(markdown) == doc


def test_texts_that_look_like_markup_survive_the_round_trip() -> None:
    # given texts that could pass for headings, tags, bullets, emphasis or page furniture
    doc = FrameworkDoc(
        name="Low scores",
        slug="odd_slug",
        role="Role: **lead**",
        description="Uses a\\b path, 5 * 3 * 2 and snake_case_words. © 2025 in a sentence.",
        version=4,
        competencies=[
            CompetencyDoc(name="Level 3 thinking", definition="Page 3 of 40"),
            CompetencyDoc(name="Contents"),
            CompetencyDoc(name="Competency: naming", definition="Weight: 2"),
            CompetencyDoc(name="Trailing colon:", weight=0.0),
            CompetencyDoc(
                name="Hash #", low=["- starts with a dash", "1. numbered", "**bold** and __under__"]
            ),
            CompetencyDoc(
                name="Mindset: tips",
                mindset_tips=["Confidential", "12", "Predictive Competencies"],
                levels=[
                    LevelDoc(
                        level=1,
                        summary="Ends with a hash #",
                        behaviours=["(Situation) not a tag here"],
                        questions=[
                            QuestionDoc(
                                "a) looks like a bullet",
                                [
                                    ProbeDoc("[S] already tagged text", "other"),
                                    ProbeDoc("Ends with a tag (Result)", "task"),
                                    ProbeDoc("Result: colon form", "action"),
                                    ProbeDoc("Plain", "result"),
                                ],
                            )
                        ],
                    ),
                    LevelDoc(level=2, summary="Probing questions"),
                ],
            ),
        ],
    )
    # when written and read back
    again = parse_text(render_markdown(doc))
    # then it is identical
    assert again == doc


def test_random_documents_built_from_awkward_pieces_round_trip() -> None:
    # given many documents assembled from awkward fragments
    pieces = [
        *("Low", "HIGH SCORES", "Level 2.", "Level 1", "(Task)", "[R]", "Action:", "(s)", "Tips"),
        *(
            "*",
            "**",
            "_",
            "\\",
            "#",
            "::",
            "---",
            "=",
            "`",
            "[",
            "]",
            "(",
            ")",
            "\u2014",
            "\u2013",
            " ",
            "\t",
        ),
        *("Page 4", "12", "\u00a9", "\u2122", "\u2022", "1)", "a)", "- ", "Q1", "e.g."),
        *("Competency:", "Name:", "Definition:", "Weight:", "Slug:", "Role:", "Version:"),
        *("Contents", "Predictive Competencies", "Probing questions", "Behaviours", "Questions", "Mindset"),
        *("account", "plan", "Customer", "review"),
    ]
    chooser = random.Random(20250101)

    def text() -> str:
        return " ".join("".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 5))).split()) or "x"

    for attempt in range(150):
        competencies = []
        for position in range(chooser.randint(1, 3)):
            levels = [
                LevelDoc(
                    level=number,
                    summary=text(),
                    behaviours=[text() for _ in range(chooser.randint(0, 2))],
                    questions=[
                        QuestionDoc(
                            text(),
                            [
                                ProbeDoc(text(), chooser.choice(documents.STAR_TAGS))
                                for _ in range(chooser.randint(0, 3))
                            ],
                        )
                        for _ in range(chooser.randint(0, 2))
                    ],
                )
                for number in range(1, chooser.randint(1, 5) + 1)
            ]
            competencies.append(
                CompetencyDoc(
                    name=f"{text()} {position}",
                    definition=chooser.choice(["", text()]),
                    weight=chooser.choice([0.0, 1.0, 1.25, 3.0]),
                    low=[text() for _ in range(chooser.randint(0, 2))],
                    high=[text() for _ in range(chooser.randint(0, 2))],
                    mindset_tips=[text() for _ in range(chooser.randint(0, 2))],
                    practice_tips=[text() for _ in range(chooser.randint(0, 2))],
                    levels=chooser.choice([[], levels]),
                )
            )
        doc = FrameworkDoc(
            name=text(),
            slug=text(),
            role=chooser.choice(["", text()]),
            description=chooser.choice(["", text()]),
            version=chooser.randint(1, 9),
            competencies=competencies,
        )
        # when written and read back
        # then it is identical
        assert parse_text(render_markdown(doc)) == doc, f"attempt {attempt}"
