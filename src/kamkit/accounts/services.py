"""Every write to accounts and what hangs off them. Callers own the transaction.

Rules that need the database (unique names, reporting loops at the customer, an issue's
life cycle, 'last contact' kept in step with the interactions log) live here, once, for the
pages, the API, imports and the command line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from kamkit.accounts.choices import (
    STAGE_STATUS,
    SWOT_PARTS,
    Attitude,
    BuyingRole,
    DealStage,
    DealStatus,
    FeedbackChannel,
    InteractionKind,
    IssueStatus,
    ProfileSectionKind,
    RelationshipLevel,
    Severity,
    Tier,
)
from kamkit.accounts.models import (
    Account,
    AccountCompetitor,
    Competitor,
    Contact,
    CustomerIssue,
    Deal,
    Division,
    Feedback,
    FeedbackRequest,
    FinancialYear,
    Interaction,
    Product,
    ProfileSection,
)
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.users.models import Team, User


def _refuse(detail: str, **errors: str) -> ServiceError:
    return ServiceError(detail, errors={name: [message] for name, message in errors.items()})


def _check_choice(value: str, choices: Any, field_name: str, errors: dict[str, list[str]]) -> None:
    if value not in choices.values:
        allowed = ", ".join(str(v) for v in choices.values)
        errors.setdefault(field_name, []).append(f"{value!r} is not one of: {allowed}.")


def _check_range(
    value: int | None, low: int, high: int, field_name: str, errors: dict[str, list[str]]
) -> None:
    if value is not None and not low <= value <= high:
        errors.setdefault(field_name, []).append(f"Must be from {low} to {high}, not {value}.")


# Accounts ----------------------------------------------------------------------


@dataclass
class AccountInput:
    name: str
    industry: str = ""
    parent: Account | None = None
    employees: int | None = None
    annual_revenue: Decimal | None = None
    city: str = ""
    country: str = ""
    website: str = ""
    owner: User | None = None
    backup_owner: User | None = None
    team: Team | None = None
    is_key_account: bool = False
    tier: str = ""
    customer_since: dt.date | None = None
    wallet_estimate: Decimal | None = None
    notes: str = ""
    external_id: str | None = None


def account_errors(data: AccountInput, account: Account | None = None) -> dict[str, list[str]]:
    """Every problem with ``data``, by field (imports report them per row, forms per field)."""
    errors: dict[str, list[str]] = {}
    name = " ".join(data.name.split())
    if not name:
        errors["name"] = ["An account needs a name."]
    else:
        clash = Account.objects.filter(name__iexact=name)
        if account is not None:
            clash = clash.exclude(pk=account.pk)
        if clash.exists():
            errors["name"] = [f"An account called {name!r} already exists."]
    if data.owner is not None and data.backup_owner is not None and data.owner.pk == data.backup_owner.pk:
        errors["backup_owner"] = ["The backup must be someone other than the owner."]
    if data.backup_owner is not None and not data.backup_owner.is_active:
        errors["backup_owner"] = [f"{data.backup_owner} is no longer active."]
    if data.owner is not None and not data.owner.is_active:
        errors["owner"] = [f"{data.owner} is no longer active."]
    if data.tier:
        _check_choice(data.tier, Tier, "tier", errors)
    for name_, value in (("annual_revenue", data.annual_revenue), ("wallet_estimate", data.wallet_estimate)):
        if value is not None and value < 0:
            errors[name_] = ["Cannot be negative."]
    if data.parent is not None and account is not None:
        current: Account | None = data.parent
        seen: set[int] = set()
        while current is not None and current.pk not in seen:
            if current.pk == account.pk:
                errors["parent"] = [f"{data.parent} is already part of {account}; the hierarchy cannot loop."]
                break
            seen.add(current.pk)
            current = current.parent
    if data.external_id:
        clash_ext = Account.objects.filter(external_id=data.external_id)
        if account is not None:
            clash_ext = clash_ext.exclude(pk=account.pk)
        if clash_ext.exists():
            errors["external_id"] = [f"Another account has the external id {data.external_id!r}."]
    return errors


def _apply(account: Account, data: AccountInput) -> None:
    for item in fields(AccountInput):
        setattr(account, item.name, getattr(data, item.name))
    account.name = " ".join(data.name.split())
    account.external_id = data.external_id or None
    if account.team is None and data.owner is not None:
        account.team = data.owner.team
    if account.tier == Tier.KEY:
        account.is_key_account = True


def create_account(*, data: AccountInput) -> Account:
    errors = account_errors(data)
    if errors:
        raise ServiceError("The account was not saved.", errors=errors)
    account = Account()
    _apply(account, data)
    account.save()
    return account


def update_account(*, account: Account, data: AccountInput) -> Account:
    errors = account_errors(data, account)
    if errors:
        raise ServiceError("The account was not saved.", errors=errors)
    _apply(account, data)
    account.save()
    return account


def delete_account(*, account: Account) -> None:
    account.delete()


def add_division(*, account: Account, name: str, description: str = "") -> Division:
    name = " ".join(name.split())
    if not name:
        raise _refuse("A division needs a name.", name="Give the division a name.")
    if account.divisions.filter(name__iexact=name).exists():
        raise ConflictError(f"{account} already has a division {name!r}.", errors={"name": ["Taken."]})
    return Division.objects.create(account=account, name=name, description=description)


def delete_division(*, division: Division) -> None:
    division.delete()


# Profile ----------------------------------------------------------------------


def save_profile_section(
    *,
    account: Account,
    kind: str,
    text: str = "",
    items: dict[str, list[str]] | None = None,
    reviewer: User | None,
) -> ProfileSection:
    """Write a section and mark it reviewed now: saving it is the review."""
    errors: dict[str, list[str]] = {}
    _check_choice(kind, ProfileSectionKind, "kind", errors)
    clean_items: dict[str, list[str]] = {}
    if kind == ProfileSectionKind.SWOT:
        unknown = set(items or {}) - set(SWOT_PARTS)
        if unknown:
            errors["items"] = [f"A SWOT has {', '.join(SWOT_PARTS)}; not {', '.join(sorted(unknown))}."]
        clean_items = {
            part: [x.strip() for x in (items or {}).get(part, []) if x.strip()] for part in SWOT_PARTS
        }
    elif items:
        errors["items"] = ["Only the SWOT section has lists."]
    if errors:
        raise ServiceError("The profile section was not saved.", errors=errors)
    section, _ = ProfileSection.objects.get_or_create(account=account, kind=kind)
    section.text = text.strip()
    section.items = clean_items
    section.reviewed_at = timezone.now()
    section.reviewed_by = reviewer
    section.save()
    return section


def mark_section_reviewed(*, section: ProfileSection, reviewer: User | None) -> ProfileSection:
    """Still true as written: only the review date changes."""
    section.reviewed_at = timezone.now()
    section.reviewed_by = reviewer
    section.save()
    return section


def save_financial_year(
    *,
    account: Account,
    year: int,
    revenue: Decimal | None,
    margin_pct: Decimal | None = None,
    growth_pct: Decimal | None = None,
    notes: str = "",
) -> FinancialYear:
    errors: dict[str, list[str]] = {}
    _check_range(year, 1900, 2200, "year", errors)
    if margin_pct is not None and not Decimal(-1000) <= margin_pct <= Decimal(100):
        errors["margin_pct"] = ["A margin is a percentage of at most 100."]
    if errors:
        raise ServiceError("The financial year was not saved.", errors=errors)
    row, _ = FinancialYear.objects.get_or_create(account=account, year=year)
    row.revenue, row.margin_pct, row.growth_pct, row.notes = revenue, margin_pct, growth_pct, notes
    row.save()
    return row


def competitor_named(name: str) -> Competitor:
    """The competitor of that name (any case), created on first mention."""
    name = " ".join(name.split())
    if not name:
        raise _refuse("A competitor needs a name.", competitor="Name the competitor.")
    found = Competitor.objects.filter(name__iexact=name).first()
    return found or Competitor.objects.create(name=name)


def save_account_competitor(
    *, account: Account, competitor_name: str, position: str = "", wins: int = 0, losses: int = 0
) -> AccountCompetitor:
    if wins < 0 or losses < 0:
        raise _refuse("Wins and losses cannot be negative.", wins="Zero or more.")
    competitor = competitor_named(competitor_name)
    row, _ = AccountCompetitor.objects.get_or_create(account=account, competitor=competitor)
    row.position, row.wins, row.losses = position, wins, losses
    row.save()
    return row


def remove_account_competitor(*, row: AccountCompetitor) -> None:
    row.delete()


# Contacts and the decision-maker map ----------------------------------------------------------------------


@dataclass
class ContactInput:
    last_name: str
    first_name: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    division: Division | None = None
    reports_to: Contact | None = None
    buying_role: str = BuyingRole.UNKNOWN
    attitude: str = Attitude.NEUTRAL
    influence: int = 3
    relationship_strength: int = 1
    relationship_owner: User | None = None
    relationship_level: int = RelationshipLevel.VENDOR
    desired_relationship_level: int = RelationshipLevel.PROBLEM_SOLVER
    is_key_person: bool = False
    has_left: bool = False
    notes: str = ""
    external_id: str | None = None


def contact_errors(
    account: Account, data: ContactInput, contact: Contact | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.last_name.strip() and not data.first_name.strip():
        errors["last_name"] = ["A contact needs a name."]
    _check_choice(data.buying_role, BuyingRole, "buying_role", errors)
    _check_choice(data.attitude, Attitude, "attitude", errors)
    _check_range(data.influence, 1, 5, "influence", errors)
    _check_range(data.relationship_strength, 1, 5, "relationship_strength", errors)
    _check_range(data.relationship_level, 1, 5, "relationship_level", errors)
    _check_range(data.desired_relationship_level, 1, 5, "desired_relationship_level", errors)
    if data.email and ("@" not in data.email or " " in data.email.strip()):
        errors["email"] = [f"{data.email!r} is not an e-mail address."]
    if data.division is not None and data.division.account_id != account.pk:
        errors["division"] = [f"{data.division} is a division of another account."]
    boss = data.reports_to
    if boss is not None:
        if boss.account_id != account.pk:
            errors["reports_to"] = [f"{boss} works at another account."]
        elif contact is not None and contact.pk is not None:
            seen: set[int] = set()
            current: Contact | None = boss
            while current is not None and current.pk not in seen:
                if current.pk == contact.pk:
                    errors["reports_to"] = [f"{boss} already reports (directly or not) to {contact}."]
                    break
                seen.add(current.pk)
                current = current.reports_to
    if data.external_id:
        clash = Contact.objects.filter(external_id=data.external_id)
        if contact is not None:
            clash = clash.exclude(pk=contact.pk)
        if clash.exists():
            errors["external_id"] = [f"Another contact has the external id {data.external_id!r}."]
    return errors


def _apply_contact(contact: Contact, data: ContactInput) -> None:
    for item in fields(ContactInput):
        value = getattr(data, item.name)
        setattr(contact, item.name, value.strip() if isinstance(value, str) else value)
    contact.external_id = data.external_id or None


def create_contact(*, account: Account, data: ContactInput) -> Contact:
    errors = contact_errors(account, data)
    if errors:
        raise ServiceError("The contact was not saved.", errors=errors)
    contact = Contact(account=account)
    _apply_contact(contact, data)
    contact.save()
    return contact


def update_contact(*, contact: Contact, data: ContactInput) -> Contact:
    errors = contact_errors(contact.account, data, contact)
    if errors:
        raise ServiceError("The contact was not saved.", errors=errors)
    _apply_contact(contact, data)
    contact.save()
    return contact


def delete_contact(*, contact: Contact) -> None:
    contact.delete()


# Interactions ----------------------------------------------------------------------


def log_interaction(
    *,
    account: Account,
    subject: str,
    occurred_at: dt.datetime,
    kind: str = InteractionKind.MEETING,
    notes: str = "",
    duration_minutes: int | None = None,
    contacts: list[Contact] | None = None,
    our_people: list[User] | None = None,
    logged_by: User | None = None,
) -> Interaction:
    """Log a touch point; the contacts' 'last contact' moves forward with it."""
    errors: dict[str, list[str]] = {}
    if not subject.strip():
        errors["subject"] = ["Say in a few words what it was about."]
    _check_choice(kind, InteractionKind, "kind", errors)
    if occurred_at > timezone.now() + dt.timedelta(days=1):
        errors["occurred_at"] = ["An interaction is logged after it happened, not before."]
    if duration_minutes is not None and not 0 <= duration_minutes <= 24 * 60:
        errors["duration_minutes"] = ["From 0 to 1440 minutes."]
    strangers = [str(c) for c in contacts or [] if c.account_id != account.pk]
    if strangers:
        errors["contacts"] = [f"Not at {account}: {', '.join(strangers)}."]
    if errors:
        raise ServiceError("The interaction was not logged.", errors=errors)
    interaction = Interaction.objects.create(
        account=account,
        kind=kind,
        occurred_at=occurred_at,
        subject=subject.strip(),
        notes=notes,
        duration_minutes=duration_minutes,
        logged_by=logged_by,
    )
    if contacts:
        interaction.contacts.set(contacts)
        refresh_last_contact(contacts=contacts)
    if our_people:
        interaction.our_people.set(our_people)
    return interaction


def refresh_last_contact(*, contacts: list[Contact]) -> None:
    """'Last contact' is always the newest interaction, also after one is deleted."""
    for contact in contacts:
        newest = contact.interactions.aggregate(newest=Max("occurred_at"))["newest"]
        if contact.last_contact_at != newest:
            contact.last_contact_at = newest
            contact.save()


def delete_interaction(*, interaction: Interaction) -> None:
    contacts = list(interaction.contacts.all())
    interaction.delete()
    refresh_last_contact(contacts=contacts)


# Feedback and issues ----------------------------------------------------------------------


def request_feedback(
    *, account: Account, asked_by: User | None, contact: Contact | None = None, topic: str = ""
) -> FeedbackRequest:
    if contact is not None and contact.account_id != account.pk:
        raise _refuse("That contact works at another account.", contact=f"{contact} is not at {account}.")
    return FeedbackRequest.objects.create(
        account=account, contact=contact, asked_by=asked_by, topic=topic.strip(), asked_at=timezone.now()
    )


@dataclass
class FeedbackInput:
    score: int | None
    comment: str = ""
    topic: str = ""
    severity: str = Severity.LOW
    channel: str = FeedbackChannel.REQUESTED
    contact: Contact | None = None
    request: FeedbackRequest | None = None
    received_at: dt.datetime | None = None
    raise_issue: bool = field(default=False)


def record_feedback(*, account: Account, data: FeedbackInput) -> Feedback:
    """Log what the customer said; with ``raise_issue`` it also opens an issue to resolve.

    An answer to a request comes from the contact who was asked, unless another one is named."""
    errors: dict[str, list[str]] = {}
    _check_range(data.score, 0, 10, "score", errors)
    _check_choice(data.severity, Severity, "severity", errors)
    _check_choice(data.channel, FeedbackChannel, "channel", errors)
    if data.score is None and not data.comment.strip():
        errors["score"] = ["Give a score, a comment, or both."]
    if data.contact is not None and data.contact.account_id != account.pk:
        errors["contact"] = [f"{data.contact} is not at {account}."]
    if data.request is not None and data.request.account_id != account.pk:
        errors["request"] = ["That request was made at another account."]
    if errors:
        raise ServiceError("The feedback was not saved.", errors=errors)
    contact = data.contact or (data.request.contact if data.request is not None else None)
    feedback = Feedback.objects.create(
        account=account,
        contact=contact,
        request=data.request,
        received_at=data.received_at or timezone.now(),
        channel=data.channel,
        score=data.score,
        topic=data.topic.strip(),
        severity=data.severity,
        comment=data.comment.strip(),
    )
    if data.raise_issue:
        raise_issue(
            account=account,
            title=(data.topic or data.comment or "Customer feedback")[:200],
            description=data.comment,
            severity=data.severity,
            raised_by=contact,
            feedback=feedback,
        )
    return feedback


def raise_issue(
    *,
    account: Account,
    title: str,
    description: str = "",
    severity: str = Severity.MEDIUM,
    raised_by: Contact | None = None,
    owner: User | None = None,
    feedback: Feedback | None = None,
    raised_at: dt.datetime | None = None,
) -> CustomerIssue:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Say what the problem is."]
    _check_choice(severity, Severity, "severity", errors)
    if raised_by is not None and raised_by.account_id != account.pk:
        errors["raised_by"] = [f"{raised_by} is not at {account}."]
    if errors:
        raise ServiceError("The issue was not saved.", errors=errors)
    return CustomerIssue.objects.create(
        account=account,
        title=title.strip(),
        description=description,
        severity=severity,
        raised_by=raised_by,
        owner=owner or account.owner,
        feedback=feedback,
        raised_at=raised_at or timezone.now(),
    )


def resolve_issue(*, issue: CustomerIssue, resolution: str) -> CustomerIssue:
    if issue.status != IssueStatus.OPEN:
        raise ConflictError(
            "Only an open issue can be resolved.", errors={"status": [issue.get_status_display()]}
        )
    if not resolution.strip():
        raise _refuse("Say how it was resolved.", resolution="Describe the resolution.")
    issue.status, issue.resolution, issue.resolved_at = (
        IssueStatus.RESOLVED,
        resolution.strip(),
        timezone.now(),
    )
    issue.save()
    return issue


def inform_customer(*, issue: CustomerIssue) -> CustomerIssue:
    """The customer has been told it is solved: a step of its own, the one that closes the issue."""
    if issue.status != IssueStatus.RESOLVED:
        raise ConflictError(
            "Tell the customer once the issue is resolved.",
            errors={"status": [f"The issue is {issue.get_status_display().lower()}."]},
        )
    issue.status, issue.customer_informed_at = IssueStatus.CUSTOMER_INFORMED, timezone.now()
    issue.save()
    return issue


def reopen_issue(*, issue: CustomerIssue) -> CustomerIssue:
    issue.status, issue.resolved_at, issue.customer_informed_at = IssueStatus.OPEN, None, None
    issue.save()
    return issue


# Deals: the facts behind portfolio scores and plan opportunities ---------------------------------------


@dataclass
class DealInput:
    account: Account
    name: str = ""
    external_id: str | None = None
    product: Product | None = None
    division: Division | None = None
    owner: User | None = None
    stage: str = DealStage.PROSPECTING
    amount: Decimal | None = None
    margin: Decimal | None = None
    engaged_on: dt.date | None = None
    expected_close_on: dt.date | None = None
    closed_on: dt.date | None = None


def deal_errors(data: DealInput, deal: Deal | None = None) -> dict[str, list[str]]:
    """Every rule a deal breaks, per field (pages, API, plans and CRM sync share them)."""
    errors: dict[str, list[str]] = {}
    if data.stage not in DealStage.values:
        errors["stage"] = [f"{data.stage!r} is not one of: {', '.join(DealStage.values)}."]
    elif STAGE_STATUS[DealStage(data.stage)] != DealStatus.OPEN and data.closed_on is None:
        errors["closed_on"] = ["A won or lost deal needs the date it closed."]
    if data.amount is not None and data.amount < 0:
        errors["amount"] = ["Cannot be negative."]
    if data.division is not None and data.division.account_id != data.account.pk:
        errors["division"] = [f"{data.division} is a division of another account."]
    if data.owner is not None and not data.owner.is_active:
        errors["owner"] = [f"{data.owner} is no longer active."]
    if data.engaged_on and data.closed_on and data.closed_on < data.engaged_on:
        errors["closed_on"] = ["A deal closes after it was engaged."]
    if len(data.name) > 200:
        errors["name"] = ["At most 200 characters."]
    return errors


def _external_id_taken(external_id: str) -> ConflictError:
    """The one answer to a clash: uniqueness cannot be hidden, the other deal's details can."""
    return ConflictError(
        f"Another deal has the external id {external_id!r}.", errors={"external_id": ["Taken."]}
    )


def _check_external_id(external_id: str | None, deal: Deal | None) -> None:
    if not external_id:
        return
    clash = Deal.objects.filter(external_id=external_id)
    if deal is not None:
        clash = clash.exclude(pk=deal.pk)
    if clash.exists():
        raise _external_id_taken(external_id)


def _apply_deal(deal: Deal, data: DealInput) -> None:
    for item in fields(DealInput):
        setattr(deal, item.name, getattr(data, item.name))
    deal.name = " ".join(data.name.split())
    deal.external_id = data.external_id or None
    deal.status = STAGE_STATUS[DealStage(data.stage)]


def create_deal(*, data: DealInput) -> Deal:
    errors = deal_errors(data)
    if errors:
        raise ServiceError("The deal was not saved.", errors=errors)
    _check_external_id(data.external_id, None)
    deal = Deal()
    _apply_deal(deal, data)
    deal.save()
    return deal


def update_deal(*, deal: Deal, data: DealInput) -> Deal:
    errors = deal_errors(data, deal)
    if errors:
        raise ServiceError("The deal was not saved.", errors=errors)
    _check_external_id(data.external_id, deal)
    _apply_deal(deal, data)
    deal.save()
    return deal


def delete_deal(*, deal: Deal) -> None:
    deal.delete()


def upsert_deal(*, data: DealInput, by: User | None = None) -> tuple[Deal, bool]:
    """Create or update the deal with ``data.external_id``: a CRM sync may send it again and again.
    A deal in an account ``by`` may not change is not theirs to update: the id is taken, as on create."""
    if not data.external_id:
        raise ServiceError(
            "The deal was not saved.", errors={"external_id": ["An upsert needs an external id."]}
        )
    existing = Deal.objects.select_related("account").filter(external_id=data.external_id).first()
    if existing is None:
        return create_deal(data=data), True
    if by is not None and not permissions.can(by, Action.CHANGE, existing.account):
        raise _external_id_taken(data.external_id)
    return update_deal(deal=existing, data=data), False
