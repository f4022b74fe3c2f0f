"""Qualification: question sets, scorecards and their score profile."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from kamkit.accounts.models import Deal
from kamkit.core import permissions
from kamkit.plans import scoring
from kamkit.plans.models import QualificationQuestion, QuestionSet, Scorecard


def scorecards_for(user: Any) -> QuerySet[Scorecard]:
    return permissions.visible_to(user, Scorecard).select_related(
        "deal", "deal__account", "question_set", "decided_by"
    )


def scorecards_of(user: Any, deal: Deal) -> QuerySet[Scorecard]:
    """The deal's scorecards the user may see, with their answers and questions fetched along (a
    list shows each one's profile in a fixed number of queries)."""
    return scorecards_for(user).filter(deal=deal).prefetch_related("answers", "question_set__questions")


def question_sets_for(user: Any) -> QuerySet[QuestionSet]:
    return permissions.visible_to(user, QuestionSet).annotate(question_count=Count("questions"))


def questions_of(question_set: QuestionSet) -> list[QualificationQuestion]:
    return list(question_set.questions.all())


def scorecard_profile(scorecard: Scorecard) -> scoring.ScoreProfile:
    """Total and per-round profile (uses answers and questions prefetched by ``scorecards_of``)."""
    scores = {a.question_id: a.score for a in scorecard.answers.all()}
    answers = [(q.round, scores.get(q.pk)) for q in scorecard.question_set.questions.all()]
    return scoring.score_profile(answers, list(scorecard.question_set.round_names or []))
