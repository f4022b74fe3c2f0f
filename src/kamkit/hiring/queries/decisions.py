"""The decision page: the panel's figures from the submitted scorecards (under the independence
rule), the position's calibration, decisions and their evidence, and the candidate's assessment
results.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from kamkit.assessments import scoring
from kamkit.core import permissions
from kamkit.hiring import agreement, panel
from kamkit.hiring.choices import InterviewStatus, Recommendation
from kamkit.hiring.models import (
    Application,
    Candidate,
    CompetencyRating,
    Decision,
    Interview,
    InterviewKit,
    KitCompetency,
    Opening,
    QuestionNote,
)
from kamkit.hiring.queries.access import not_own_candidacy
from kamkit.hiring.queries.interviews import interviews_for, readable_scorecards, waits_for_own_scorecard


def decisions_for(user: Any, application: Application) -> QuerySet[Decision]:
    return (
        permissions.visible_to(user, Decision)
        .filter(application=application)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")
    )


def shows_evidence(user: Any, application: Application) -> bool:
    """A decision keeps the panel's figures; a panel member still scoring may not see them (the
    independence rule), though they see what was decided and why."""
    return not waits_for_own_scorecard(user, application)


@dataclass
class PanelRow:
    competency: KitCompetency
    ratings: list[int | None]  # per submitted scorecard, in column order
    spread: panel.Spread
    band: scoring.Band | None
    fit: float | None
    relation: str | None


@dataclass
class PanelSummary:
    columns: list[Interview]
    rows: list[PanelRow]
    agreement: agreement.Agreement
    fit: scoring.BenchmarkFit
    recommendations: list[tuple[str, int]]
    pending: list[Interview]
    flags: dict[int, int] = field(default_factory=dict)  # interview id -> answers missing STAR parts
    blocked: bool = False

    @property
    def discuss(self) -> list[PanelRow]:
        return [row for row in self.rows if row.spread.discuss]

    @property
    def gaps(self) -> list[tuple[scoring.Gap, str]]:
        names = {row.competency.competency_id: row.competency.name for row in self.rows}
        return [(gap, names.get(gap.competency_id, "?")) for gap in self.fit.gaps]


def _bands(opening: Opening) -> dict[int, scoring.Band]:
    return {
        target.competency_id: scoring.Band(target.band_low, target.band_high, target.importance)
        for target in opening.benchmark.targets.all()
    }


def _panel(application: Application, submitted: list[Interview]) -> PanelSummary:
    kit = InterviewKit.objects.filter(opening_id=application.opening_id).first()
    competencies = list(kit.competencies.filter(included=True).order_by("order", "id")) if kit else []
    ratings: dict[tuple[int, int], int] = {
        (interview_id, competency_id): value
        for interview_id, competency_id, value in CompetencyRating.objects.filter(
            interview__in=[i.pk for i in submitted]
        ).values_list("interview_id", "competency_id", "rating")
    }
    bands = _bands(application.opening)
    rows = []
    for competency in competencies:
        given = [ratings.get((interview.pk, competency.pk)) for interview in submitted]
        stats = panel.spread([value for value in given if value is not None])
        band = bands.get(competency.competency_id or 0)
        percent = stats.percent
        rows.append(
            PanelRow(
                competency=competency,
                ratings=given,
                spread=stats,
                band=band,
                fit=scoring.competency_fit(percent, band) if percent is not None and band else None,
                relation=scoring.band_relation(percent, band) if percent is not None and band else None,
            )
        )
    fit = panel.panel_fit(
        {row.competency.competency_id: row.spread.mean for row in rows if row.competency.competency_id},
        bands,
    )
    table: list[list[float | None]] = [
        [float(v) if v is not None else None for v in row.ratings] for row in rows
    ]
    return PanelSummary(
        columns=submitted,
        rows=rows,
        agreement=agreement.panel_agreement(table),
        fit=fit,
        recommendations=panel.recommendation_counts(
            [i.recommendation for i in submitted], list(Recommendation.values)
        ),
        pending=[],
        flags=star_flags([i.pk for i in submitted]),
    )


def star_flags(interview_ids: list[int]) -> dict[int, int]:
    """interview id -> answered questions missing one or more STAR parts, counted in the database."""
    answered = (
        ~Q(notes="") | Q(star_situation=True) | Q(star_task=True) | Q(star_action=True) | Q(star_result=True)
    )
    complete = Q(star_situation=True, star_task=True, star_action=True, star_result=True)
    rows = (
        QuestionNote.objects.filter(interview_id__in=interview_ids)
        .filter(answered)
        .exclude(complete)
        .values("interview_id")
        .annotate(flagged=Count("id"))
        .order_by()
    )
    return {row["interview_id"]: row["flagged"] for row in rows}


def panel_summary(user: Any, application: Application) -> PanelSummary:
    """What ``user`` may see of the panel: submitted scorecards only, and none of them while the
    user's own scorecard on this panel is still open."""
    readable = readable_scorecards(user, application)
    submitted = list(readable.filter(status=InterviewStatus.SUBMITTED).order_by("submitted_at", "id"))
    blocked = waits_for_own_scorecard(user, application)
    summary = _panel(application, [] if blocked else submitted)
    summary.blocked = blocked
    summary.pending = list(
        interviews_for(user).filter(application=application, status=InterviewStatus.ASSIGNED)
    )
    return summary


def opening_agreement(opening: Opening, user: Any) -> agreement.Agreement:
    """The panels' agreement across every candidate of the position: one unit per candidate and
    competency, one column per interviewer (missing where they did not interview that candidate).

    Like the panel page, it leaves out the candidates whose panel ``user`` sits on with their own
    scorecard still open, and the user's own candidacy."""
    waiting = Interview.objects.filter(
        interviewer_id=getattr(user, "pk", None), status=InterviewStatus.ASSIGNED
    ).values("application_id")
    ratings = CompetencyRating.objects.filter(
        interview__application__opening=opening,
        interview__status=InterviewStatus.SUBMITTED,
        competency__included=True,
    ).exclude(interview__application_id__in=waiting)
    rows = not_own_candidacy(ratings, user, "interview__application__candidate__user_id").values_list(
        "interview__application_id", "competency_id", "interview__interviewer_id", "rating"
    )
    units: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    raters: set[int] = set()
    for application_id, competency_id, interviewer_id, rating in rows:
        units[(application_id, competency_id)][interviewer_id] = rating
        raters.add(interviewer_id)
    columns = sorted(raters)
    table: list[list[float | None]] = [
        [float(given[r]) if r in given else None for r in columns] for given in units.values()
    ]
    return agreement.panel_agreement(table)


def panel_snapshot(application: Application) -> dict[str, Any]:
    """The whole panel's figures, kept with a decision so it shows what the decider saw."""
    submitted = list(
        Interview.objects.filter(application=application, status=InterviewStatus.SUBMITTED)
        .select_related("interviewer")
        .order_by("submitted_at", "id")
    )
    summary = _panel(application, submitted)
    return {
        "scorecards": len(submitted),
        "interviewers": [str(i.interviewer) for i in submitted],
        "competencies": [
            {
                "name": row.competency.name,
                "mean": row.spread.mean,
                "min": row.spread.minimum,
                "max": row.spread.maximum,
                "sd": row.spread.sd,
            }
            for row in summary.rows
        ],
        "agreement": {
            "method": summary.agreement.method,
            "value": summary.agreement.value,
            "icc_2_1": summary.agreement.icc,
        },
        "fit": summary.fit.overall,
        "recommendations": dict(summary.recommendations),
    }


@dataclass
class AssessmentView:
    label: str
    assessment: Any
    result: Any  # assessments.reports.AssessmentResult


def assessment_views(candidate: Candidate, opening: Opening) -> list[AssessmentView]:
    """The candidate's own assessments, and for an employee their latest completed assessment on
    the opening's framework family (their current results as a key account manager)."""
    from kamkit.assessments.choices import CampaignStatus
    from kamkit.assessments.models import Assessment
    from kamkit.assessments.reports import results_for

    chosen: list[tuple[str, Any]] = [
        (f"As a candidate in {a.campaign}", a)
        for a in Assessment.objects.filter(candidate=candidate).select_related("campaign").order_by("-id")
    ]
    if candidate.user_id is not None:
        latest = (
            Assessment.objects.filter(
                subject_user_id=candidate.user_id,
                campaign__status=CampaignStatus.CLOSED,
                campaign__questionnaire__framework__slug=opening.benchmark.framework.slug,
            )
            .exclude(pk__in=[a.pk for _, a in chosen])
            .select_related("campaign")
            .order_by("-campaign__closed_at", "-id")
            .first()
        )
        if latest is not None:
            chosen.append((f"Current results as an employee ({latest.campaign})", latest))
    results = results_for([a for _, a in chosen])
    return [AssessmentView(label, a, results[a.pk]) for label, a in chosen]
