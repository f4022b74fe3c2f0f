"""Interview kits: read with everything in them in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch

from kamkit.hiring.choices import InterviewStatus
from kamkit.hiring.models import (
    CompetencyRating,
    Interview,
    InterviewKit,
    KitCompetency,
    KitQuestion,
    Opening,
    QuestionNote,
)


def scoring_started(opening: Opening) -> bool:
    """Has any interviewer saved notes or ratings, or submitted, with this opening's kit?"""
    interviews = Interview.objects.filter(application__opening=opening)
    return (
        interviews.filter(status=InterviewStatus.SUBMITTED).exists()
        or QuestionNote.objects.filter(interview__in=interviews).exists()
        or CompetencyRating.objects.filter(interview__in=interviews).exists()
    )


def kit_of(opening: Opening) -> InterviewKit | None:
    """The kit with everything in it, in a fixed number of queries."""
    questions = KitQuestion.objects.prefetch_related("probes").order_by("order", "id")
    competencies = KitCompetency.objects.prefetch_related(
        Prefetch("questions", queryset=questions), "anchors"
    ).order_by("order", "id")
    return (
        InterviewKit.objects.filter(opening=opening)
        .select_related("framework", "generated_by")
        .prefetch_related(Prefetch("competencies", queryset=competencies))
        .first()
    )


def attach_suggestions(kit: InterviewKit) -> None:
    """Give each kit competency (from ``kit_of``) the framework questions it does not hold yet, from
    any level, as ``suggestions`` for the kit editor (one query)."""
    from kamkit.frameworks.models import InterviewQuestion

    competencies = list(kit.competencies.all())
    by_framework_id: dict[int, list[Any]] = defaultdict(list)
    for question in (
        InterviewQuestion.objects.filter(
            level__competency_id__in=[c.competency_id for c in competencies if c.competency_id]
        )
        .select_related("level")
        .order_by("level__level", "order", "id")
    ):
        by_framework_id[question.level.competency_id].append(question)
    for competency in competencies:
        taken = {q.text for q in competency.questions.all()}
        competency.suggestions = [  # type: ignore[attr-defined]
            q for q in by_framework_id.get(competency.competency_id or 0, []) if q.text not in taken
        ]


def kit_is_stale(kit: InterviewKit, opening: Opening) -> bool:
    return kit.target_level != opening.target_level or kit.framework_id != opening.benchmark.framework_id
