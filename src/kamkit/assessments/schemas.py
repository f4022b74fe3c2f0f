"""API shapes for assessments. The questionnaire document mirrors the JSON export (documents.to_dict)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from kamkit.assessments.choices import CampaignStatus, QuestionnaireSource, Relationship
from kamkit.core.schemas import ErrorRead
from kamkit.users.schemas import UserRef

LINK_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorRead,
    404: ErrorRead,
    410: ErrorRead,
    422: ErrorRead,
}


class NamedRef(Schema):
    id: int
    name: str


class QuestionnaireItemDoc(Schema):
    competency: str
    self_text: str = Field(description="First person: 'I ...'")
    others_text: str = Field(description="Third person: 'This person ...'")
    reverse: bool = False


class QuestionnaireDocument(Schema):
    name: str
    slug: str = ""
    description: str = ""
    framework: str = Field(default="", description="The framework family's slug.")
    version: int = 1
    scale: list[str] = Field(default=[], description="Five labels from 1 to 5 (default: disagree ... agree).")
    items: list[QuestionnaireItemDoc]


class QuestionnaireCreate(QuestionnaireDocument):
    framework_id: int | None = Field(
        default=None, description="The framework version; default: the newest published one of 'framework'."
    )


class QuestionnaireRead(Schema):
    id: int
    framework_id: int
    slug: str
    name: str
    description: str
    scale_labels: list[str]
    source: QuestionnaireSource
    item_count: int = 0


class QuestionnaireItemRead(Schema):
    id: int
    order: int
    competency_id: int
    competency: str
    self_text: str
    others_text: str
    reverse: bool

    @staticmethod
    def resolve_competency(obj: Any) -> str:
        return str(obj.competency.name)


class QuestionnaireItemCreate(Schema):
    competency_id: int
    self_text: str = Field(description="First person: 'I ...'")
    others_text: str = Field(description="Third person: 'This person ...'")
    reverse: bool = False
    order: int | None = Field(default=None, ge=0, description="Default: after the last statement.")


class QuestionnaireItemUpdate(Schema):
    """Wording and order may change at any time; keying and competency only before anyone answers."""

    competency_id: int | None = None
    self_text: str | None = None
    others_text: str | None = None
    reverse: bool | None = None
    order: int | None = Field(default=None, ge=0)


class QuestionnaireCopy(Schema):
    name: str = Field(min_length=1, max_length=200, description="The new questionnaire's name.")


class CampaignRead(Schema):
    id: int
    name: str
    description: str
    status: CampaignStatus
    due_date: dt.date
    questionnaire: NamedRef
    benchmark: NamedRef | None
    created_by: UserRef | None
    launched_at: dt.datetime | None
    closed_at: dt.datetime | None
    subject_count: int = 0
    invitation_count: int = 0
    answered_count: int = 0


class CampaignCreate(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    questionnaire_id: int
    benchmark_id: int | None = None
    due_date: dt.date


class CampaignUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    due_date: dt.date | None = None
    benchmark_id: int | None = Field(default=None, description="null removes the benchmark.")


class AssessmentRead(Schema):
    id: int
    campaign: NamedRef
    subject_user: UserRef | None
    candidate_name: str
    candidate_email: str
    subject_name: str
    invitation_count: int = 0
    answered_count: int = 0


class AssessmentCreate(Schema):
    subject_user_id: int | None = None
    candidate_name: str = ""
    candidate_email: str = ""
    default_raters: bool = Field(default=True, description="Invite self, manager and direct reports.")
    peer_ids: list[int] = Field(default=[], description="Colleagues to invite as peers.")


class InvitationRead(Schema):
    id: int
    assessment_id: int
    subject_name: str
    relationship: Relationship
    rater_user: UserRef | None
    rater_name: str
    rater_email: str
    invited_at: dt.datetime | None
    last_reminded_at: dt.datetime | None
    reminder_count: int
    draft_saved_at: dt.datetime | None
    submitted_at: dt.datetime | None
    answer_count: int

    @staticmethod
    def resolve_subject_name(obj: Any) -> str:
        return str(obj.assessment.subject_name)


class InvitationCreate(Schema):
    relationship: Relationship
    rater_user_id: int | None = None
    rater_name: str = ""
    rater_email: str = ""


class RaterResponseItem(Schema):
    id: int
    text: str
    answer: int | None


class RaterResponseRead(Schema):
    """What a rater sees through their personal link: no names of other raters, no scores."""

    subject_name: str
    relationship: Relationship
    campaign: str
    due_date: dt.date
    closes_at: dt.datetime
    scale_labels: list[str]
    items: list[RaterResponseItem]
    draft_saved_at: dt.datetime | None
    submitted: bool


class RaterAnswerWrite(Schema):
    item_id: int
    value: int | None = Field(default=None, ge=1, le=5, description="null: cannot judge")


class RaterAnswersWrite(Schema):
    answers: list[RaterAnswerWrite] = []


class GroupScoreRead(Schema):
    group: str
    score: float | None
    raters: int
    status: str = Field(description="ok, insufficient, hidden (too few answers) or pending (until closing)")


class CompetencyScoreRead(Schema):
    competency_id: int
    name: str
    band_low: float | None
    band_high: float | None
    importance: int | None
    basis_score: float | None
    basis_group: str | None
    fit: float | None
    scores: list[GroupScoreRead]


class BenchmarkGapRead(Schema):
    competency_id: int
    name: str
    distance: float
    direction: str
    importance: int


class SelfOtherRead(Schema):
    competency: str
    self_score: float
    others_score: float
    difference: float
    kind: str


class ResponseCountRead(Schema):
    relationship: str
    invited: int
    answered: int


class ScoresRead(Schema):
    assessment_id: int
    subject_name: str
    campaign_status: CampaignStatus
    withheld: bool = Field(description="Anonymous groups are pending until the campaign closes.")
    groups: list[str]
    overall_fit: float | None
    competencies: list[CompetencyScoreRead]
    gaps: list[BenchmarkGapRead]
    self_other: list[SelfOtherRead]
    counts: list[ResponseCountRead]


class AssessmentTeamCellRead(Schema):
    competency_id: int
    score: float | None = Field(description="The score compared with the benchmark (others, else self).")
    relation: str | None = Field(description="far, near (within 10 below), inside or above the band.")


class AssessmentTeamPersonRead(Schema):
    assessment_id: int
    subject_name: str
    overall_fit: float | None
    cells: list[AssessmentTeamCellRead]


class AssessmentTeamCompetencyRead(Schema):
    competency_id: int
    name: str
    band_low: float | None
    band_high: float | None
    below: int | None = Field(description="People below the band (bench strength); null without a band.")
    inside: int | None
    above: int | None
    ready_share: float | None = Field(description="Share (0-100) at or above the band's low end.")
    mean: float | None
    buckets: list[int] = Field(description="How many people score in each bucket of bucket_labels.")


class AssessmentTeamReportRead(Schema):
    """The team report of one campaign: only the people the caller may see (a manager: their team)."""

    campaign_id: int
    campaign_status: CampaignStatus
    bucket_labels: list[str]
    competencies: list[AssessmentTeamCompetencyRead]
    people: list[AssessmentTeamPersonRead]
