"""Reading hiring data: lists that start from the permission service, the independence rule for
scorecards, the panel's figures for a decision, and the candidate's assessment results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from kamkit.assessments import scoring
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.home import HomeCard
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.hiring import agreement, panel
from kamkit.hiring.choices import (
    ACTIVE_STAGES,
    CandidateSource,
    InterviewStatus,
    OpeningStatus,
    Recommendation,
    Stage,
)
from kamkit.hiring.models import (
    Application,
    Candidate,
    CandidateAttachment,
    CompetencyRating,
    Decision,
    Interview,
    InterviewKit,
    KitCompetency,
    KitQuestion,
    ManagedCandidate,
    ManagedOpening,
    Opening,
    QuestionNote,
    StageChange,
)
from kamkit.users.queries import team_choices

OPENING_LIST = ListSpec(
    search_fields=("title", "description", "location", "hiring_manager__full_name"),
    filters=(
        ListFilter("status", "Status", "status", choices=lambda: list(OpeningStatus.choices)),
        ListFilter("team", "Team", "team_id", choices=team_choices, convert=int),
    ),
    sort_fields={
        "title": "title",
        "opened": "opened_on",
        "status": "status",
        "manager": "hiring_manager__full_name",
        "level": "target_level",
    },
    default_sort="-opened",
)

CANDIDATE_LIST = ListSpec(
    search_fields=("full_name", "email", "source_detail"),
    filters=(
        ListFilter("source", "Source", "source", choices=lambda: list(CandidateSource.choices)),
        ListFilter(
            "internal",
            "Internal",
            "user__isnull",
            choices=lambda: [("yes", "Employees"), ("no", "External")],
            convert=lambda value: value == "no",
        ),
    ),
    sort_fields={"name": "full_name", "added": "created_at", "source": "source"},
    default_sort="name",
)

APPLICATION_LIST = ListSpec(
    search_fields=("candidate__full_name", "candidate__email", "opening__title"),
    filters=(
        ListFilter("opening", "Position", "opening_id", convert=int),
        ListFilter("candidate", "Candidate", "candidate_id", convert=int),
        ListFilter("stage", "Stage", "stage", choices=lambda: list(Stage.choices)),
    ),
    sort_fields={
        "candidate": "candidate__full_name",
        "opening": "opening__title",
        "stage": "stage",
        "moved": "stage_changed_at",
    },
    default_sort="candidate",
)

INTERVIEW_LIST = ListSpec(
    search_fields=(
        "application__candidate__full_name",
        "application__opening__title",
        "interviewer__full_name",
    ),
    filters=(
        ListFilter("status", "Status", "status", choices=lambda: list(InterviewStatus.choices)),
        ListFilter("application", "Application", "application_id", convert=int),
    ),
    sort_fields={"scheduled": "scheduled_at", "candidate": "application__candidate__full_name"},
    default_sort="scheduled",
)


# Who sees and who runs ---------------------------------------------------------------------------------


def manages(user: Any, opening: Opening) -> bool:
    """May ``user`` run this opening (panel, kit, stages, decisions), not merely interview for it?"""
    return permissions.permitted(user, ManagedOpening, Action.CHANGE).filter(pk=opening.pk).exists()


def manages_candidate(user: Any, candidate: Candidate) -> bool:
    return permissions.permitted(user, ManagedCandidate, Action.CHANGE).filter(pk=candidate.pk).exists()


def managed_openings(user: Any) -> QuerySet[Opening]:
    return Opening.objects.filter(
        pk__in=permissions.permitted(user, ManagedOpening, Action.CHANGE).values("pk")
    )


def managed_candidates(user: Any) -> QuerySet[Candidate]:
    return Candidate.objects.filter(
        pk__in=permissions.permitted(user, ManagedCandidate, Action.CHANGE).values("pk")
    )


def default_benchmark() -> Any:
    """The newest published Key Account Manager benchmark, else the newest published one."""
    from kamkit.frameworks.choices import FrameworkStatus
    from kamkit.frameworks.models import BenchmarkProfile

    published = BenchmarkProfile.objects.filter(framework__status=FrameworkStatus.PUBLISHED).order_by(
        "-framework__version", "-id"
    )
    return published.filter(role__iexact="Key Account Manager").first() or published.first()


def campaigns_for_candidate(user: Any, candidate: Candidate) -> QuerySet[Any]:
    """Campaigns (not closed) that ``user`` runs and may add this candidate to."""
    from kamkit.assessments.choices import CampaignStatus
    from kamkit.assessments.models import Assessment, Campaign

    probe = Assessment(subject_user=candidate.user, candidate_name=candidate.full_name)
    if not permissions.can(user, Action.ADD, probe):
        return Campaign.objects.none()
    return (
        permissions.permitted(user, Campaign, Action.CHANGE)
        .exclude(status=CampaignStatus.CLOSED)
        .exclude(assessments__candidate=candidate)
        .order_by("-due_date", "-id")
    )


def panel_counts(application_ids: list[int]) -> dict[int, tuple[int, int]]:
    """application id -> (scorecards submitted, interviewers assigned), in one query."""
    rows = (
        Interview.objects.filter(application_id__in=application_ids)
        .values("application_id")
        .annotate(total=Count("id"), submitted=Count("id", filter=Q(status=InterviewStatus.SUBMITTED)))
    )
    return {row["application_id"]: (row["submitted"], row["total"]) for row in rows}


def _stage_counts(prefix: str = "applications") -> dict[str, Count]:
    return {
        f"{stage}_count": Count(prefix, filter=Q(**{f"{prefix}__stage": stage}), distinct=True)
        for stage in Stage.values
    }


def openings_for(user: Any) -> QuerySet[Opening]:
    """Visible openings with the number of candidates at each stage (one query for a page)."""
    visible = permissions.visible_to(user, Opening).values("pk")
    return (
        Opening.objects.filter(pk__in=visible)
        .select_related("hiring_manager", "team", "benchmark", "benchmark__framework")
        .annotate(**_stage_counts())
    )


def candidates_for(user: Any) -> QuerySet[Candidate]:
    visible = permissions.visible_to(user, Candidate).values("pk")
    return (
        Candidate.objects.filter(pk__in=visible)
        .select_related("user", "created_by")
        .annotate(
            application_count=Count("applications", distinct=True),
            active_count=Count(
                "applications", filter=Q(applications__stage__in=ACTIVE_STAGES), distinct=True
            ),
        )
    )


def applications_for(user: Any) -> QuerySet[Application]:
    return permissions.visible_to(user, Application).select_related(
        "candidate", "candidate__user", "opening", "opening__hiring_manager", "opening__benchmark"
    )


def interviews_for(user: Any) -> QuerySet[Interview]:
    return permissions.visible_to(user, Interview).select_related(
        "interviewer", "application", "application__candidate", "application__opening"
    )


def my_interviews(user: Any) -> QuerySet[Interview]:
    """The user's own panel places, the ones still to score first."""
    return (
        interviews_for(user)
        .filter(interviewer_id=getattr(user, "pk", None))
        .order_by("status", "scheduled_at", "id")
    )


def attachments_for(user: Any) -> QuerySet[CandidateAttachment]:
    return permissions.visible_to(user, CandidateAttachment).select_related("candidate", "uploaded_by")


def stage_history(user: Any, application: Application) -> QuerySet[StageChange]:
    return (
        permissions.visible_to(user, StageChange)
        .filter(application=application)
        .select_related("changed_by")
        .order_by("changed_at", "id")
    )


def decisions_for(user: Any, application: Application) -> QuerySet[Decision]:
    return (
        permissions.visible_to(user, Decision)
        .filter(application=application)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")
    )


def scoring_started(opening: Opening) -> bool:
    """Has any interviewer saved notes or ratings, or submitted, with this opening's kit?"""
    interviews = Interview.objects.filter(application__opening=opening)
    return (
        interviews.filter(status=InterviewStatus.SUBMITTED).exists()
        or QuestionNote.objects.filter(interview__in=interviews).exists()
        or CompetencyRating.objects.filter(interview__in=interviews).exists()
    )


# Kits ------------------------------------------------------------------------------------------------


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


# Scorecards and the independence rule ---------------------------------------------------------------


def readable_scorecards(user: Any, application: Application) -> QuerySet[Interview]:
    """The interviews of ``application`` whose scorecard ``user`` may read.

    Your own, always. Others' only once submitted, and only when you are not on this panel with
    your own scorecard still open: nobody sees a colleague's ratings before committing to theirs.
    Drafts are never shown to anyone but their author."""
    panel_places = interviews_for(user).filter(application=application)
    own = panel_places.filter(interviewer_id=getattr(user, "pk", None))
    if own.filter(status=InterviewStatus.ASSIGNED).exists():
        return own
    return panel_places.filter(
        Q(interviewer_id=getattr(user, "pk", None)) | Q(status=InterviewStatus.SUBMITTED)
    )


def waits_for_own_scorecard(user: Any, application: Application) -> bool:
    return Interview.objects.filter(
        application=application, interviewer_id=getattr(user, "pk", None), status=InterviewStatus.ASSIGNED
    ).exists()


@dataclass
class QuestionView:
    question: KitQuestion
    note: QuestionNote | None

    @property
    def missing(self) -> list[str]:
        return self.note.missing if self.note is not None else []


@dataclass
class CompetencyView:
    competency: KitCompetency
    questions: list[QuestionView]
    rating: CompetencyRating | None


@dataclass
class ScorecardView:
    interview: Interview
    competencies: list[CompetencyView]

    @property
    def answered(self) -> int:
        return sum(
            1 for c in self.competencies for q in c.questions if q.note is not None and q.note.is_answered
        )

    @property
    def flagged(self) -> list[QuestionView]:
        """Answered questions missing one or more STAR parts."""
        return [q for c in self.competencies for q in c.questions if q.missing]

    @property
    def rated(self) -> int:
        return sum(1 for c in self.competencies if c.rating is not None)


def scorecard_view(interview: Interview, kit: InterviewKit) -> ScorecardView:
    """One scorecard laid over its kit (expects the kit from ``kit_of``)."""
    notes = {note.question_id: note for note in interview.notes.all()}
    ratings = {rating.competency_id: rating for rating in interview.ratings.all()}
    return ScorecardView(
        interview=interview,
        competencies=[
            CompetencyView(
                competency=competency,
                questions=[QuestionView(q, notes.get(q.pk)) for q in competency.questions.all()],
                rating=ratings.get(competency.pk),
            )
            for competency in kit.competencies.all()
            if competency.included
        ],
    )


# The panel's figures -----------------------------------------------------------------------------------


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
    flags: dict[int, int] = defaultdict(int)
    for note in QuestionNote.objects.filter(interview__in=[i.pk for i in submitted]):
        if note.missing:
            flags[note.interview_id] += 1
    return PanelSummary(
        columns=submitted,
        rows=rows,
        agreement=agreement.panel_agreement(table),
        fit=fit,
        recommendations=panel.recommendation_counts(
            [i.recommendation for i in submitted], list(Recommendation.values)
        ),
        pending=[],
        flags=dict(flags),
    )


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


def opening_agreement(opening: Opening) -> agreement.Agreement:
    """The panels' agreement across every candidate of the position: one unit per candidate and
    competency, one column per interviewer (missing where they did not interview that candidate)."""
    rows = CompetencyRating.objects.filter(
        interview__application__opening=opening,
        interview__status=InterviewStatus.SUBMITTED,
        competency__included=True,
    ).values_list("interview__application_id", "competency_id", "interview__interviewer_id", "rating")
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


# Assessment results -------------------------------------------------------------------------------------


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


# Home page ----------------------------------------------------------------------------------------------


def home_cards(user: Any) -> list[HomeCard]:
    if not getattr(user, "is_authenticated", False):
        return []
    cards = []
    to_score = (
        Interview.objects.filter(
            interviewer_id=user.pk, status=InterviewStatus.ASSIGNED, application__stage__in=ACTIVE_STAGES
        )
        .only("pk")
        .count()
    )
    if to_score:
        cards.append(
            HomeCard(
                title="Interviews to score",
                figure=to_score,
                link_text="Open my interviews",
                url_name="hiring:list",
                note="Score each candidate on your own before you see the panel's view.",
            )
        )
    if permissions.can(user, Action.ADD, Opening):
        open_places = Interview.objects.filter(application=OuterRef("pk"), status=InterviewStatus.ASSIGNED)
        ready = (
            Application.objects.filter(
                opening__in=managed_openings(user).values("pk"),
                stage=Stage.INTERVIEWING,
                interviews__status=InterviewStatus.SUBMITTED,
                decisions__isnull=True,
            )
            .filter(~Exists(open_places))
            .distinct()
            .count()
        )
        if ready:
            cards.append(
                HomeCard(
                    title="Candidates ready for a decision",
                    figure=ready,
                    link_text="Open hiring",
                    url_name="hiring:list",
                    note="Every interviewer on their panel has submitted.",
                )
            )
    return cards
