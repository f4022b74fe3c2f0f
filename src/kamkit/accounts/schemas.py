"""API shapes for accounts, profiles, contacts, interactions, feedback and issues."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from kamkit.accounts.choices import (
    Attitude,
    BuyingRole,
    FeedbackChannel,
    InteractionKind,
    IssueStatus,
    ProfileSectionKind,
    Severity,
    Tier,
)
from kamkit.users.schemas import TeamRef, UserRef


class AccountRef(Schema):
    id: int
    name: str


class AccountRead(Schema):
    id: int
    name: str
    external_id: str | None
    parent: AccountRef | None
    industry: str
    employees: int | None
    annual_revenue: Decimal | None
    city: str
    country: str
    website: str
    owner: UserRef | None
    backup_owner: UserRef | None
    team: TeamRef | None
    is_key_account: bool
    tier: Tier | str
    customer_since: dt.date | None
    wallet_estimate: Decimal | None
    notes: str


class AccountWrite(Schema):
    name: str = Field(min_length=1, max_length=200)
    external_id: str | None = None
    parent_id: int | None = None
    industry: str = ""
    employees: int | None = Field(default=None, ge=0)
    annual_revenue: Decimal | None = None
    city: str = ""
    country: str = ""
    website: str = ""
    owner_id: int | None = None
    backup_owner_id: int | None = None
    team_id: int | None = None
    is_key_account: bool = False
    tier: Tier | None = None
    customer_since: dt.date | None = None
    wallet_estimate: Decimal | None = None
    notes: str = ""


class ProfileSectionRead(Schema):
    kind: ProfileSectionKind
    label: str
    text: str
    items: dict[str, list[str]]
    reviewed_at: dt.datetime | None
    stale: bool
    missing: bool


class SectionWrite(Schema):
    text: str = ""
    items: dict[str, list[str]] | None = None


class FinancialYearRead(Schema):
    id: int
    year: int
    revenue: Decimal | None
    margin_pct: Decimal | None
    growth_pct: Decimal | None
    notes: str


class FinancialYearWrite(Schema):
    year: int
    revenue: Decimal | None = None
    margin_pct: Decimal | None = None
    growth_pct: Decimal | None = None
    notes: str = ""


class AccountCompetitorRead(Schema):
    id: int
    competitor: str = Field(alias="competitor.name")
    position: str
    wins: int
    losses: int


class AccountCompetitorWrite(Schema):
    competitor: str = Field(min_length=1, max_length=150)
    position: str = ""
    wins: int = Field(default=0, ge=0)
    losses: int = Field(default=0, ge=0)


class DivisionRead(Schema):
    id: int
    name: str
    description: str


class DivisionWrite(Schema):
    name: str = Field(min_length=1, max_length=150)
    description: str = ""


class ContactRead(Schema):
    id: int
    account: AccountRef
    external_id: str | None
    first_name: str
    last_name: str
    title: str
    email: str
    phone: str
    division_id: int | None
    reports_to_id: int | None
    buying_role: BuyingRole
    attitude: Attitude
    influence: int
    relationship_strength: int
    relationship_owner: UserRef | None
    relationship_level: int
    desired_relationship_level: int
    is_key_person: bool
    has_left: bool
    last_contact_at: dt.datetime | None
    notes: str


class ContactWrite(Schema):
    last_name: str = Field(default="", max_length=100)
    first_name: str = Field(default="", max_length=100)
    external_id: str | None = None
    title: str = ""
    email: str = ""
    phone: str = ""
    division_id: int | None = None
    reports_to_id: int | None = None
    buying_role: BuyingRole = BuyingRole.UNKNOWN
    attitude: Attitude = Attitude.NEUTRAL
    influence: int = Field(default=3, ge=1, le=5)
    relationship_strength: int = Field(default=1, ge=1, le=5)
    relationship_owner_id: int | None = None
    relationship_level: int = Field(default=1, ge=1, le=5)
    desired_relationship_level: int = Field(default=3, ge=1, le=5)
    is_key_person: bool = False
    has_left: bool = False
    notes: str = ""


class MapGapRead(Schema):
    code: str
    severity: str
    message: str
    contact_ids: list[int]


class DecisionMapRead(Schema):
    contacts: list[ContactRead]
    gaps: list[MapGapRead]


class WhitespaceCellRead(Schema):
    state: str
    amount: Decimal | None
    open_deals: int


class WhitespaceRowRead(Schema):
    division_id: int | None
    division: str
    cells: list[WhitespaceCellRead]
    total: Decimal


class WhitespaceRead(Schema):
    product_lines: list[str]
    rows: list[WhitespaceRowRead]
    whitespace_count: int
    sold_share: float


class HealthComponentRead(Schema):
    name: str
    weight: float
    value: float | None
    explanation: str


class HealthRead(Schema):
    score: int | None = Field(description="0-100; none when there is not enough data (see reason).")
    band: str
    reason: str = Field(description="Why the score is unknown; empty when there is a score.")
    formula: str
    components: list[HealthComponentRead]


class InteractionRead(Schema):
    id: int
    kind: InteractionKind
    occurred_at: dt.datetime
    subject: str
    notes: str
    duration_minutes: int | None
    contact_ids: list[int]
    our_people_ids: list[int]

    # From the model (lists prefetch both relations, so a page costs the same whatever its length).
    @staticmethod
    def resolve_contact_ids(obj: Any) -> list[int]:
        return [contact.pk for contact in obj.contacts.all()]

    @staticmethod
    def resolve_our_people_ids(obj: Any) -> list[int]:
        return [person.pk for person in obj.our_people.all()]


class InteractionWrite(Schema):
    subject: str = Field(min_length=1, max_length=200)
    occurred_at: dt.datetime
    kind: InteractionKind = InteractionKind.MEETING
    notes: str = ""
    duration_minutes: int | None = None
    contact_ids: list[int] = []
    our_people_ids: list[int] = []


class FeedbackRead(Schema):
    id: int
    contact_id: int | None
    request_id: int | None
    received_at: dt.datetime
    channel: FeedbackChannel
    score: int | None
    topic: str
    severity: Severity
    comment: str


class FeedbackWrite(Schema):
    score: int | None = Field(default=None, ge=0, le=10)
    comment: str = ""
    topic: str = ""
    severity: Severity = Severity.LOW
    channel: FeedbackChannel = FeedbackChannel.REQUESTED
    contact_id: int | None = None
    request_id: int | None = None
    received_at: dt.datetime | None = None
    raise_issue: bool = False


class FeedbackRequestRead(Schema):
    id: int
    contact_id: int | None
    asked_at: dt.datetime
    topic: str


class FeedbackRequestWrite(Schema):
    contact_id: int | None = None
    topic: str = ""


class IssueRead(Schema):
    id: int
    account_id: int
    title: str
    description: str
    severity: Severity
    status: IssueStatus
    raised_at: dt.datetime
    raised_by_id: int | None
    owner_id: int | None
    resolution: str
    resolved_at: dt.datetime | None
    customer_informed_at: dt.datetime | None


class IssueWrite(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    severity: Severity = Severity.MEDIUM
    raised_by_id: int | None = None
    owner_id: int | None = None


class ResolutionWrite(Schema):
    resolution: str = Field(min_length=1)


class CoverageRead(Schema):
    account: AccountRef
    owner: UserRef | None
    backup_owner: UserRef | None
    problems: list[str]
