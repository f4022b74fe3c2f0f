"""Hiring fixtures: a framework of our own (one competency with five levels, one with three, one
with none), a Key Account Manager benchmark on it, and a position run by north_manager with one
candidate and a panel of two (interviewer and kam_b).

Texts name their level ("Planning L3 behaviour 1."), so a test can say exactly which level's
content a kit holds without depending on the built-in frameworks' wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from kamkit.frameworks import services as framework_services
from kamkit.frameworks.documents import CompetencyDoc, FrameworkDoc, LevelDoc, ProbeDoc, QuestionDoc
from kamkit.frameworks.models import BenchmarkProfile, Framework
from kamkit.hiring import services
from kamkit.hiring.choices import Recommendation
from kamkit.hiring.models import Application, Candidate, Interview, KitCompetency, Opening
from kamkit.users.models import User
from kamkit.users.tests.fixtures import Org


def level(name: str, number: int, *, questions: int = 1) -> LevelDoc:
    return LevelDoc(
        level=number,
        summary=f"{name} level {number} summary.",
        behaviours=[f"{name} L{number} behaviour {i}." for i in (1, 2, 3)],
        questions=[
            QuestionDoc(
                text=f"{name} L{number} question {q}.",
                probes=[
                    ProbeDoc(f"{name} L{number} Q{q} situation?", "situation"),
                    ProbeDoc(f"{name} L{number} Q{q} task?", "task"),
                    ProbeDoc(f"{name} L{number} Q{q} action?", "action"),
                    ProbeDoc(f"{name} L{number} Q{q} result?", "result"),
                ],
            )
            for q in range(1, questions + 1)
        ],
    )


def hiring_doc() -> FrameworkDoc:
    return FrameworkDoc(
        name="Hiring test framework",
        slug="hiring-test",
        role="Key Account Manager",
        competencies=[
            CompetencyDoc(
                name="Planning",
                definition="Plans accounts.",
                low=["Planning low 1.", "Planning low 2.", "Planning low 3.", "Planning low 4."],
                high=["Planning high 1.", "Planning high 2.", "Planning high 3."],
                levels=[level("Planning", n, questions=2) for n in range(1, 6)],
            ),
            CompetencyDoc(
                name="Listening",
                definition="Hears the customer.",
                low=["Listening low 1."],
                high=["Listening high 1."],
                levels=[level("Listening", n) for n in (2, 3, 4)],
            ),
            CompetencyDoc(
                name="Follow-through",
                definition="Does what was promised.",
                low=["Forgets promises."],
                high=["Keeps every promise.", "Confirms when done."],
            ),
        ],
    )


@dataclass
class Hiring:
    framework: Framework
    benchmark: BenchmarkProfile
    opening: Opening
    candidate: Candidate
    application: Application
    first: Interview  # org.interviewer
    second: Interview  # org.kam_b


def make_benchmark(framework: Framework) -> BenchmarkProfile:
    benchmark = framework_services.create_benchmark(framework=framework, role="Key Account Manager")
    by_name = {c.name: c for c in framework.competencies.all()}
    framework_services.set_targets(
        profile=benchmark,
        targets=[
            framework_services.TargetInput(by_name["Planning"], 70, 90, 5),
            framework_services.TargetInput(by_name["Listening"], 60, 80, 3),
            framework_services.TargetInput(by_name["Follow-through"], 50, 75, 2),
        ],
    )
    return benchmark


@pytest.fixture
def hiring_framework(db: None) -> Framework:
    return framework_services.create_framework(doc=hiring_doc(), publish=True)


@pytest.fixture
def hiring_benchmark(hiring_framework: Framework) -> BenchmarkProfile:
    return make_benchmark(hiring_framework)


def open_position(
    org: Org, benchmark: BenchmarkProfile, *, level: int = 3, title: str = "KAM North"
) -> Opening:
    return services.create_opening(
        title=title,
        benchmark=benchmark,
        target_level=level,
        hiring_manager=org.north_manager,
        team=org.north,
        created_by=org.north_manager,
    )


def add_candidate(org: Org, opening: Opening, name: str = "Casey Candidate", **extra: object) -> Application:
    data = services.CandidateInput(full_name=name, email=f"{name.split()[0].lower()}@mail.test", **extra)  # type: ignore[arg-type]
    candidate = services.create_candidate(data=data, created_by=org.north_manager)
    return services.add_application(candidate=candidate, opening=opening, added_by=org.north_manager)


@pytest.fixture
def hiring(org: Org, hiring_benchmark: BenchmarkProfile) -> Hiring:
    opening = open_position(org, hiring_benchmark)
    application = add_candidate(org, opening)
    first = services.assign_interviewer(
        application=application, interviewer=org.interviewer, assigned_by=org.north_manager
    )
    second = services.assign_interviewer(
        application=application, interviewer=org.kam_b, assigned_by=org.north_manager
    )
    application.refresh_from_db()
    return Hiring(
        hiring_benchmark.framework,
        hiring_benchmark,
        opening,
        application.candidate,
        application,
        first,
        second,
    )


def kit_competency(opening: Opening, name: str) -> KitCompetency:
    return KitCompetency.objects.get(kit__opening=opening, name=name)


def score(
    interview: Interview,
    ratings: Mapping[str, int | None],
    *,
    submit: bool = True,
    recommendation: str = Recommendation.YES,
    notes: Mapping[str, tuple[str, str]] | None = None,
    by: User | None = None,
) -> Interview:
    """Fill a scorecard by competency name; ``notes`` maps a question text to (notes, STAR letters)."""
    opening = interview.application.opening
    competencies = {c.name: c for c in KitCompetency.objects.filter(kit__opening=opening)}
    note_inputs = {}
    for text, (written, letters) in (notes or {}).items():
        question = next(q for c in competencies.values() for q in c.questions.all() if q.text == text)
        note_inputs[question.pk] = services.NoteInput(
            notes=written,
            situation="S" in letters,
            task="T" in letters,
            action="A" in letters,
            result="R" in letters,
        )
    return services.save_scorecard(
        interview=interview,
        by=by or interview.interviewer,
        notes=note_inputs,
        ratings={competencies[name].pk: services.RatingInput(value) for name, value in ratings.items()},
        recommendation=recommendation,
        summary="Solid examples.",
        submit=submit,
    )


ALL_FOUR = {"Planning": 4, "Listening": 3, "Follow-through": 4}
