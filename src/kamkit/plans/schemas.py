"""API shapes for account plans, their execution, reviews, opportunities and qualification."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from kamkit.accounts.choices import DealStage
from kamkit.accounts.schemas import AccountRef
from kamkit.plans.choices import Cadence, Decision, MetricKind, OccurrenceStatus, PlanStatus, TeamSide
from kamkit.users.schemas import UserRef


class PlanRead(Schema):
    id: int
    account: AccountRef
    period: str
    starts_on: dt.date
    ends_on: dt.date
    version: int
    status: PlanStatus
    situation: str
    template_id: int | None
    based_on_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class PlanCreate(Schema):
    account_id: int
    period: str = Field(min_length=1, max_length=40)
    starts_on: dt.date
    ends_on: dt.date
    template_id: int | None = None


class PlanUpdate(Schema):
    period: str | None = Field(default=None, min_length=1, max_length=40)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    situation: str | None = None


class PlanStatusWrite(Schema):
    status: PlanStatus


class PlanPeriodWrite(Schema):
    period: str = Field(min_length=1, max_length=40)
    starts_on: dt.date
    ends_on: dt.date


class PlanSectionRead(Schema):
    key: str
    title: str
    prompt: str
    text: str


class PlanSectionWrite(Schema):
    text: str = ""


class CompletenessGapRead(Schema):
    part: str
    message: str


class CompletenessRead(Schema):
    score: int
    points: dict[str, float]
    gaps: list[CompletenessGapRead]


class PlanMemberRead(Schema):
    id: int
    side: TeamSide
    user: UserRef | None
    contact_id: int | None
    person: str
    role: str
    responsibilities: str


class PlanMemberCreate(Schema):
    side: TeamSide
    role: str = Field(min_length=1, max_length=150)
    user_id: int | None = None
    contact_id: int | None = None
    responsibilities: str = ""


class ObjectiveRead(Schema):
    id: int
    plan_id: int
    title: str
    description: str
    owner: UserRef | None
    metric_kind: MetricKind
    metric: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    current: Decimal | None
    current_on: dt.date | None
    due_on: dt.date | None
    confirmed_realistic: bool
    deal_ids: list[int]

    @staticmethod
    def resolve_deal_ids(obj: object) -> list[int]:
        return [deal.pk for deal in obj.deals.all()]  # type: ignore[attr-defined]


class ObjectiveCreate(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner_id: int | None = None
    metric_kind: MetricKind = MetricKind.OTHER
    metric: str = Field(default="", max_length=150)
    unit: str = Field(default="", max_length=20)
    baseline: Decimal | None = None
    target: Decimal | None = None
    current: Decimal | None = None
    due_on: dt.date | None = None
    confirmed_realistic: bool = False
    deal_ids: list[int] = []


class ObjectiveUpdate(Schema):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    owner_id: int | None = None
    metric_kind: MetricKind | None = None
    metric: str | None = Field(default=None, max_length=150)
    unit: str | None = Field(default=None, max_length=20)
    baseline: Decimal | None = None
    target: Decimal | None = None
    current: Decimal | None = None
    due_on: dt.date | None = None
    confirmed_realistic: bool | None = None
    deal_ids: list[int] | None = None


MINUTES = "Time planned for each occurrence, in minutes (0 to 1440; null: not estimated)."


class PlanActionRead(Schema):
    id: int
    objective_id: int
    title: str
    description: str
    owner: UserRef | None
    cadence: Cadence
    first_due_on: dt.date
    repeat_until: dt.date | None
    planned_minutes: int | None = Field(description=MINUTES)


class PlanActionCreate(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner_id: int | None = None
    cadence: Cadence = Cadence.ONCE
    first_due_on: dt.date | None = None
    repeat_until: dt.date | None = None
    planned_minutes: int | None = Field(default=None, description=MINUTES)


class PlanActionUpdate(Schema):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    owner_id: int | None = None
    cadence: Cadence | None = None
    first_due_on: dt.date | None = None
    repeat_until: dt.date | None = None
    planned_minutes: int | None = Field(default=None, description=MINUTES)


class ActionOccurrenceRead(Schema):
    id: int
    action_id: int
    due_on: dt.date
    status: OccurrenceStatus
    state: str = Field(description="The mark, or overdue / today / upcoming when not marked.")
    note: str
    worth: int | None
    marked_at: dt.datetime | None


class ActionOccurrenceMark(Schema):
    status: OccurrenceStatus
    note: str = ""
    worth: int | None = Field(default=None, ge=1, le=5)


class AccountReviewRead(Schema):
    id: int
    plan_id: int
    held_on: dt.date
    our_attendee_ids: list[int]
    customer_attendee_ids: list[int]
    other_attendees: str
    what_changed: str
    decisions: str
    revisions: str
    next_review_on: dt.date | None

    @staticmethod
    def resolve_our_attendee_ids(obj: object) -> list[int]:
        return [u.pk for u in obj.our_attendees.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_customer_attendee_ids(obj: object) -> list[int]:
        return [c.pk for c in obj.customer_attendees.all()]  # type: ignore[attr-defined]


class AccountReviewCreate(Schema):
    held_on: dt.date
    our_attendee_ids: list[int] = []
    customer_attendee_ids: list[int] = []
    other_attendees: str = Field(default="", max_length=300)
    what_changed: str = ""
    decisions: str = ""
    revisions: str = ""
    next_review_on: dt.date | None = None


class OpportunityRead(Schema):
    id: int
    account_id: int
    name: str
    amount: Decimal | None
    stage: str
    status: str
    expected_close_on: dt.date | None
    product_id: int | None
    owner: UserRef | None
    objective_ids: list[int]

    @staticmethod
    def resolve_objective_ids(obj: object) -> list[int]:
        return [o.pk for o in obj.objectives.all()]  # type: ignore[attr-defined]


class OpportunityCreate(Schema):
    name: str = Field(min_length=1, max_length=200)
    amount: Decimal | None = None
    stage: DealStage = DealStage.PROSPECTING
    expected_close_on: dt.date | None = None
    product_id: int | None = None
    owner_id: int | None = None
    objective_id: int | None = Field(default=None, description="One objective of this plan it serves.")
    objective_ids: list[int] = Field(default=[], description="Objectives of this plan it serves.")


class OpportunityUpdate(Schema):
    """What is sent changes; won or lost closes the opportunity (today, unless it was closed)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    amount: Decimal | None = None
    stage: DealStage | None = None
    expected_close_on: dt.date | None = None
    product_id: int | None = None
    owner_id: int | None = None
    objective_ids: list[int] | None = Field(
        default=None, description="All the objectives of this plan it serves (links to others stay)."
    )


class CompletionMonthRead(Schema):
    month: dt.date
    planned: int
    due: int
    done: int
    skipped: int
    missed: int
    rate: float | None


class ObjectiveTrackRead(Schema):
    objective_id: int
    title: str
    track: str
    progress: float | None
    elapsed: float


class SlippedRead(Schema):
    day: dt.date
    what: str
    detail: str
    kind: str


class PlanDashboardRead(Schema):
    plan_id: int
    due: int
    done: int
    skipped: int
    missed: int
    rate: float | None
    mean_worth: float | None
    months: list[CompletionMonthRead]
    objectives: list[ObjectiveTrackRead]
    tracks: dict[str, int]
    slipped: list[SlippedRead]


class TeamDashboardPlanRead(Schema):
    plan_id: int
    account: str
    owner: str
    period: str
    due: int
    done: int
    rate: float | None
    overdue: int
    tracks: dict[str, int]


class TeamDashboardRead(Schema):
    due: int
    done: int
    rate: float | None
    tracks: dict[str, int]
    months: list[CompletionMonthRead]
    plans: list[TeamDashboardPlanRead]


class PlanTemplateSectionRead(Schema):
    id: int
    key: str
    title: str
    prompt: str
    order: int


class PlanTemplateRead(Schema):
    id: int
    slug: str
    name: str
    description: str
    is_active: bool = Field(description="Offered for new plans (false: retired).")
    is_builtin: bool = Field(description="Ships with kamkit: read-only; copy it to change it.")
    sections: list[PlanTemplateSectionRead]


class PlanTemplateCreate(Schema):
    name: str = Field(min_length=1, max_length=150)
    description: str = ""


class PlanTemplateUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=150)
    description: str | None = None
    is_active: bool | None = Field(default=None, description="False retires it, true offers it again.")


class PlanTemplateCopy(Schema):
    name: str = Field(default="", max_length=150, description="Default: the name with “(copy)”.")


class PlanTemplateSectionCreate(Schema):
    key: str = Field(min_length=1, max_length=40, description="Lower case with hyphens, e.g. key-players.")
    title: str = Field(min_length=1, max_length=150)
    prompt: str = ""


class PlanTemplateSectionUpdate(Schema):
    key: str | None = Field(default=None, min_length=1, max_length=40)
    title: str | None = Field(default=None, min_length=1, max_length=150)
    prompt: str | None = None


class PlanTemplateSectionOrder(Schema):
    keys: list[str] = Field(description="Every section's key once, in the new order.")


# Qualification ---------------------------------------------------------------------------------------


class QualificationQuestionRead(Schema):
    id: int
    round: int
    text: str
    guidance: str
    order: int


class QualificationQuestionWrite(Schema):
    round: int = Field(ge=1)
    text: str = Field(min_length=1, max_length=300)
    guidance: str = ""


class QuestionSetRead(Schema):
    id: int
    slug: str
    name: str
    description: str
    round_names: list[str]
    is_active: bool
    is_builtin: bool = Field(description="Ships with kamkit: read-only; copy it to change it.")
    questions: list[QualificationQuestionRead]


class QuestionSetCopy(Schema):
    name: str = Field(default="", max_length=150, description="Default: the name with “(copy)”.")


class QualificationQuestionOrder(Schema):
    question_ids: list[int] = Field(
        description="Every question's id once, in the new order (each keeps its round)."
    )


class QuestionSetCreate(Schema):
    name: str = Field(min_length=1, max_length=150)
    description: str = ""
    round_names: list[str] = Field(min_length=1)


class QuestionSetUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=150)
    description: str | None = None
    round_names: list[str] | None = None
    is_active: bool | None = None


class ScorecardAnswerRead(Schema):
    question_id: int
    round: int
    question: str
    answer: str
    score: int | None


class ScorecardRoundRead(Schema):
    number: int
    name: str
    questions: int
    scored: int
    total: int
    mean: float | None


class ScorecardRead(Schema):
    id: int
    deal_id: int
    question_set_id: int
    decision: Decision
    decision_reason: str
    decided_at: dt.datetime | None
    total: int
    maximum: int
    scored: int
    questions: int
    rounds: list[ScorecardRoundRead]
    answers: list[ScorecardAnswerRead]


class ScorecardCreate(Schema):
    question_set_id: int


class ScorecardAnswerWrite(Schema):
    question_id: int
    answer: str = ""
    score: int | None = Field(default=None, ge=1, le=5)


class ScorecardDecisionWrite(Schema):
    decision: Decision
    reason: str = ""


class CalendarTokenCreated(Schema):
    url: str = Field(description="The secret calendar address; shown once.")
    hint: str
