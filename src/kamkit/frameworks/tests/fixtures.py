"""Framework fixtures: the built-in content loaded, and a small hand-made draft."""

from __future__ import annotations

import pytest

from kamkit.frameworks import builtin, services
from kamkit.frameworks.documents import CompetencyDoc, FrameworkDoc, LevelDoc, ProbeDoc, QuestionDoc
from kamkit.frameworks.models import Framework


def small_doc(name: str = "Partnering") -> FrameworkDoc:
    return FrameworkDoc(
        name=name,
        role="Key Account Manager",
        description="A small framework for tests.",
        competencies=[
            CompetencyDoc(
                name="Listening",
                definition="Hears what the customer means, not only what they say.",
                weight=2.0,
                low=["Talks over the customer.", "Answers before the question ends."],
                high=["Summarises the customer's point before replying.", "Asks a second question."],
                mindset_tips=["Silence is a tool."],
                practice_tips=["Write down the customer's words in the meeting."],
                levels=[
                    LevelDoc(
                        level=1,
                        summary="Listens when reminded.",
                        behaviours=["Takes notes."],
                        questions=[
                            QuestionDoc(
                                text="Tell me about a meeting where you mostly listened.",
                                probes=[
                                    ProbeDoc("Who was there?", "situation"),
                                    ProbeDoc("What did you do next?", "action"),
                                ],
                            )
                        ],
                    )
                ],
            ),
            CompetencyDoc(name="Follow-through", definition="Does what was promised.", low=["Forgets."]),
        ],
    )


@pytest.fixture
def builtin_frameworks(db: None) -> dict[str, Framework]:
    builtin.load_frameworks()
    return {f.slug: f for f in Framework.objects.all()}


@pytest.fixture
def draft(db: None) -> Framework:
    return services.create_framework(doc=small_doc())
