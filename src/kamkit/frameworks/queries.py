"""Reading frameworks: lists, one framework as a document, counts for summaries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet

from kamkit.core import permissions
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.frameworks.choices import FrameworkStatus, Pole, TipKind
from kamkit.frameworks.documents import (
    CompetencyDoc,
    FrameworkDoc,
    LevelDoc,
    ProbeDoc,
    QuestionDoc,
)
from kamkit.frameworks.models import (
    BenchmarkProfile,
    Competency,
    Framework,
    InterviewQuestion,
    ProficiencyLevel,
)

FRAMEWORK_LIST = ListSpec(
    search_fields=("name", "role", "slug", "description"),
    filters=(
        ListFilter("status", "Status", "status", choices=lambda: list(FrameworkStatus.choices)),
        ListFilter("slug", "Family", "slug"),
    ),
    sort_fields={"name": "name", "version": "version", "status": "status", "updated": "updated_at"},
    default_sort="name",
)


def frameworks_for(user: Any) -> QuerySet[Framework]:
    return permissions.visible_to(user, Framework).annotate(competency_count=Count("competencies"))


def versions_of(framework: Framework) -> QuerySet[Framework]:
    return Framework.objects.filter(slug=framework.slug).order_by("-version")


def next_version(slug: str) -> int:
    highest = Framework.objects.filter(slug=slug).aggregate(highest=Max("version"))["highest"]
    return (highest or 0) + 1


def with_content(competencies: QuerySet[Competency]) -> QuerySet[Competency]:
    """Everything under the competencies in a fixed number of queries, whatever their size."""
    levels = ProficiencyLevel.objects.prefetch_related(
        "behaviours",
        Prefetch("questions", queryset=InterviewQuestion.objects.prefetch_related("probes")),
    )
    return competencies.prefetch_related("indicators", "tips", Prefetch("levels", queryset=levels))


def competencies_with_content(framework: Framework) -> QuerySet[Competency]:
    return with_content(framework.competencies.all())


def competency_document(competency: Competency) -> CompetencyDoc:
    """One competency as a document; expects the content prefetched (see competencies_with_content)."""
    indicators = list(competency.indicators.all())
    tips = list(competency.tips.all())
    return CompetencyDoc(
        name=competency.name,
        definition=competency.definition,
        weight=competency.weight,
        low=[i.text for i in indicators if i.pole == Pole.LOW],
        high=[i.text for i in indicators if i.pole == Pole.HIGH],
        mindset_tips=[t.text for t in tips if t.kind == TipKind.MINDSET],
        practice_tips=[t.text for t in tips if t.kind == TipKind.PRACTICE],
        levels=[
            LevelDoc(
                level=level.level,
                summary=level.summary,
                behaviours=[b.text for b in level.behaviours.all()],
                questions=[
                    QuestionDoc(
                        text=question.text,
                        probes=[ProbeDoc(text=p.text, star=p.star) for p in question.probes.all()],
                    )
                    for question in level.questions.all()
                ],
            )
            for level in competency.levels.all()
        ],
    )


def document_of(framework: Framework) -> FrameworkDoc:
    """The framework as a plain document, for export, comparison and new versions."""
    return FrameworkDoc(
        name=framework.name,
        slug=framework.slug,
        role=framework.role,
        description=framework.description,
        version=framework.version,
        competencies=[competency_document(c) for c in competencies_with_content(framework)],
    )


def benchmarks_of(framework: Framework) -> QuerySet[BenchmarkProfile]:
    return framework.benchmarks.prefetch_related("targets__competency")


def summary_lines(doc: FrameworkDoc) -> list[str]:
    """Counts per competency, as printed after an import and shown in the import preview."""
    lines = []
    for competency in doc.competencies:
        questions = sum(len(level.questions) for level in competency.levels)
        tips = len(competency.mindset_tips) + len(competency.practice_tips)
        lines.append(
            f"{competency.name}: {len(competency.low)} low, {len(competency.high)} high, "
            f"{tips} tips, {len(competency.levels)} levels, {questions} questions"
        )
    return lines


def competency_counts(framework: Framework) -> QuerySet[Competency]:
    """Competencies with the size of each part, for the framework page (one query)."""
    return framework.competencies.annotate(
        indicator_count=Count("indicators", distinct=True),
        tip_count=Count("tips", distinct=True),
        level_count=Count("levels", distinct=True),
    )
