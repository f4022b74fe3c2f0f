"""API shapes for hiring: positions, candidates and files, applications and their stages, interview
kits, panels and scorecards, the panel's figures and decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from kamkit.hiring.choices import (
    AttachmentKind,
    CandidateSource,
    InterviewStatus,
    OpeningStatus,
    Outcome,
    QuestionSource,
    Stage,
)
from kamkit.users.schemas import UserRef


class OpeningRef(Schema):
    id: int
    title: str


class CandidateRef(Schema):
    id: int
    full_name: str


# Positions -------------------------------------------------------------------------------------------


class OpeningRead(Schema):
    id: int
    title: str
    benchmark_id: int
    benchmark_name: str
    framework_id: int
    framework_name: str
    target_level: int
    hiring_manager: UserRef | None
    team_id: int | None
    status: OpeningStatus
    description: str
    location: str
    headcount: int
    opened_on: dt.date
    closed_on: dt.date | None
    stage_counts: dict[str, int] = Field(description="Candidates at each stage.")

    @staticmethod
    def resolve_benchmark_name(obj: Any) -> str:
        return str(obj.benchmark.name)

    @staticmethod
    def resolve_framework_id(obj: Any) -> int:
        return int(obj.benchmark.framework_id)

    @staticmethod
    def resolve_framework_name(obj: Any) -> str:
        return str(obj.benchmark.framework)

    @staticmethod
    def resolve_stage_counts(obj: Any) -> dict[str, int]:
        return {stage: int(getattr(obj, f"{stage}_count", 0)) for stage in Stage.values}


class OpeningCreate(Schema):
    title: str = Field(min_length=1, max_length=200)
    benchmark_id: int = Field(description="The role's benchmark profile (a published framework's).")
    target_level: int = Field(default=3, ge=1, le=5)
    hiring_manager_id: int | None = Field(default=None, description="Default: you.")
    team_id: int | None = None
    description: str = ""
    location: str = Field(default="", max_length=150)
    headcount: int = Field(default=1, ge=1)


class OpeningUpdate(Schema):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    benchmark_id: int | None = None
    target_level: int | None = Field(default=None, ge=1, le=5)
    hiring_manager_id: int | None = None
    team_id: int | None = Field(default=None, description="null removes the team.")
    description: str | None = None
    location: str | None = Field(default=None, max_length=150)
    headcount: int | None = Field(default=None, ge=1)


class OpeningStatusWrite(Schema):
    status: OpeningStatus


# Candidates ------------------------------------------------------------------------------------------


class CandidateRead(Schema):
    id: int
    full_name: str
    email: str
    phone: str
    user: UserRef | None = Field(description="The employee, for an internal candidate.")
    source: CandidateSource
    source_detail: str
    notes: str
    created_at: dt.datetime
    application_count: int = 0
    active_count: int = 0


class CandidateCreate(Schema):
    full_name: str = Field(default="", max_length=150, description="Default for an employee: their name.")
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    user_id: int | None = Field(default=None, description="An employee's id, for an internal candidate.")
    source: CandidateSource = CandidateSource.OTHER
    source_detail: str = Field(default="", max_length=200)
    notes: str = ""


class CandidateUpdate(Schema):
    full_name: str | None = Field(default=None, max_length=150)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    user_id: int | None = Field(default=None, description="null makes the candidate external.")
    source: CandidateSource | None = None
    source_detail: str | None = Field(default=None, max_length=200)
    notes: str | None = None


class CandidateAttachmentRead(Schema):
    id: int
    candidate_id: int
    kind: AttachmentKind
    original_name: str
    size: int
    content_type: str
    uploaded_by: UserRef | None
    uploaded_at: dt.datetime


# Applications and stages -------------------------------------------------------------------------------


class ApplicationRead(Schema):
    id: int
    candidate: CandidateRef
    opening: OpeningRef
    stage: Stage
    stage_changed_at: dt.datetime
    applied_on: dt.date


class ApplicationCreate(Schema):
    candidate_id: int
    opening_id: int
    note: str = ""


class StageChangeRead(Schema):
    id: int
    application_id: int
    from_stage: str = Field(description="Empty for the first entry (the application itself).")
    to_stage: Stage
    changed_at: dt.datetime
    changed_by: UserRef | None
    note: str
    reopened: bool


class StageChangeCreate(Schema):
    stage: Stage
    note: str = Field(default="", description="Needed when moving back or reopening.")
    reopen: bool = Field(default=False, description="Leave a final stage (hired, rejected, withdrawn).")


# Interview kits ----------------------------------------------------------------------------------------


class KitProbeRead(Schema):
    text: str
    star: str


class KitQuestionRead(Schema):
    id: int
    text: str
    order: int
    source: QuestionSource
    level: int | None
    probes: list[KitProbeRead]


class RatingAnchorRead(Schema):
    rating: int
    label: str
    text: str


class KitCompetencyRead(Schema):
    id: int
    competency_id: int | None
    name: str
    definition: str
    importance: int | None
    order: int
    included: bool
    level_below: int | None
    behaviours_below: list[str]
    level_at: int | None
    level_summary: str
    behaviours_at: list[str]
    level_above: int | None
    behaviours_above: list[str]
    note: str
    questions: list[KitQuestionRead]
    anchors: list[RatingAnchorRead]


class InterviewKitRead(Schema):
    id: int
    opening_id: int
    framework_id: int
    framework_name: str
    target_level: int
    generated_at: dt.datetime
    edited_at: dt.datetime | None
    stale: bool = Field(description="Built for another level or framework than the position now has.")
    in_use: bool = Field(description="Scoring started: no removals or rebuilds.")
    competencies: list[KitCompetencyRead]


class KitRebuildWrite(Schema):
    confirm: bool = Field(default=False, description="Must be true: edits made by hand are replaced.")


class RatingAnchorWrite(Schema):
    rating: int = Field(ge=1, le=5)
    text: str


class KitCompetencyUpdate(Schema):
    included: bool | None = Field(default=None, description="false drops the competency from rating.")
    anchors: list[RatingAnchorWrite] | None = Field(default=None, description="All five steps.")


class KitProbeWrite(Schema):
    text: str
    star: str = Field(default="other", description="situation, task, action, result or other")


class KitQuestionCreate(Schema):
    text: str
    probes: list[KitProbeWrite] = []


class KitQuestionUpdate(Schema):
    text: str
    probes: list[KitProbeWrite] = []


# Interviews and scorecards -----------------------------------------------------------------------------


class InterviewRead(Schema):
    id: int
    application_id: int
    candidate: CandidateRef
    opening: OpeningRef
    interviewer: UserRef
    scheduled_at: dt.datetime | None
    status: InterviewStatus
    submitted_at: dt.datetime | None
    reopened_at: dt.datetime | None = Field(description="When a submitted scorecard was last reopened.")
    reopened_by: UserRef | None
    reopen_reason: str

    @staticmethod
    def resolve_candidate(obj: Any) -> Any:
        return obj.application.candidate

    @staticmethod
    def resolve_opening(obj: Any) -> Any:
        return obj.application.opening


class InterviewCreate(Schema):
    interviewer_id: int
    scheduled_at: dt.datetime | None = None


class InterviewUpdate(Schema):
    scheduled_at: dt.datetime | None = None


class ScorecardReopenWrite(Schema):
    reason: str = Field(description="Why; required, kept in the interview's history (the panel reads it).")


class QuestionNoteWrite(Schema):
    question_id: int = Field(description="A question of the position's kit.")
    notes: str = ""
    situation: bool = False
    task: bool = False
    action: bool = False
    result: bool = False


class CompetencyRatingWrite(Schema):
    competency_id: int = Field(description="A competency of the position's kit.")
    rating: int | None = Field(default=None, description="1 to 5; null leaves it unrated.")
    evidence: str = ""


class InterviewScorecardWrite(Schema):
    notes: list[QuestionNoteWrite] = []
    ratings: list[CompetencyRatingWrite] = []
    recommendation: str = Field(default="", description="strong_no, no, yes or strong_yes")
    summary: str = ""


class QuestionNoteRead(Schema):
    question_id: int
    question: str
    notes: str
    covered: list[str]
    missing: list[str] = Field(description="STAR parts an answered question did not cover.")


class CompetencyRatingRead(Schema):
    competency_id: int
    competency: str
    rating: int | None
    evidence: str


class InterviewScorecardRead(Schema):
    interview_id: int
    interviewer: UserRef
    status: InterviewStatus
    draft_saved_at: dt.datetime | None
    submitted_at: dt.datetime | None
    reopened_at: dt.datetime | None
    reopen_reason: str
    recommendation: str
    summary: str
    notes: list[QuestionNoteRead]
    ratings: list[CompetencyRatingRead]
    star_flags: int = Field(description="Answered questions missing one or more STAR parts.")


# The panel and decisions -------------------------------------------------------------------------------


class PanelCompetencyRead(Schema):
    kit_competency_id: int
    name: str
    ratings: list[int | None] = Field(description="Per interviewer, in the order of 'interviewers'.")
    mean: float | None
    minimum: int | None
    maximum: int | None
    range: int | None
    sd: float | None = Field(description="Sample standard deviation (n - 1).")
    discuss: bool = Field(description="The ratings differ by two points or more.")
    score: float | None = Field(description="The mean on 0-100.")
    band_low: float | None
    band_high: float | None
    importance: int | None
    fit: float | None


class AgreementRead(Schema):
    method: str
    value: float | None
    meaning: str
    raters: int
    units: int
    ratings: int
    icc_2_1: float | None
    icc_meaning: str


class PanelGapRead(Schema):
    name: str
    distance: float
    direction: str
    importance: int


class HiringAssessmentScoreRead(Schema):
    name: str
    score: float | None
    basis: str | None
    fit: float | None


class HiringAssessmentRead(Schema):
    label: str
    assessment_id: int
    campaign: str
    withheld: bool
    overall_fit: float | None
    competencies: list[HiringAssessmentScoreRead]


class PanelRead(Schema):
    application_id: int
    blocked: bool = Field(description="You are on the panel and have not submitted: nothing is shown.")
    interviewers: list[UserRef]
    pending: list[UserRef]
    competencies: list[PanelCompetencyRead]
    agreement: AgreementRead
    overall_fit: float | None
    gaps: list[PanelGapRead]
    recommendations: dict[str, int]
    assessments: list[HiringAssessmentRead]


class DecisionRead(Schema):
    id: int
    application_id: int
    outcome: Outcome
    reason: str
    decided_by: UserRef | None
    decided_at: dt.datetime
    stage_before: Stage
    stage_after: Stage
    evidence: dict[str, Any] = Field(description="The panel's figures when decided; {} when withheld.")
    evidence_withheld: bool = Field(
        default=False, description="You are on the panel and have not submitted: the figures are not shown."
    )


class DecisionCreate(Schema):
    outcome: Outcome
    reason: str = Field(description="Why; required.")
