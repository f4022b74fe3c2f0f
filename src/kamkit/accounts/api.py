"""API for accounts and everything kamkit keeps about them."""

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.accounts import queries, services
from kamkit.accounts.choices import ProfileSectionKind
from kamkit.accounts.models import (
    Account,
    AccountCompetitor,
    Contact,
    CustomerIssue,
    Division,
    FeedbackRequest,
    Interaction,
    Product,
)
from kamkit.accounts.schemas import (
    AccountCompetitorRead,
    AccountCompetitorWrite,
    AccountRead,
    AccountWrite,
    ContactRead,
    ContactWrite,
    CoverageRead,
    DecisionMapRead,
    DivisionRead,
    DivisionWrite,
    FeedbackRead,
    FeedbackRequestRead,
    FeedbackRequestWrite,
    FeedbackWrite,
    FinancialYearRead,
    FinancialYearWrite,
    HealthRead,
    InteractionRead,
    InteractionWrite,
    IssueRead,
    IssueWrite,
    ProfileSectionRead,
    ResolutionWrite,
    SectionWrite,
    WhitespaceRead,
)
from kamkit.api.lookups import pick
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.users.models import Team, User

router = Router(tags=["accounts"])


class AccountListParams(Schema):
    q: str | None = None
    sort: str | None = None
    key: str | None = None
    tier: str | None = None
    industry: str | None = None
    owner: str | None = None
    team: str | None = None


def _account(request: HttpRequest, account_id: int) -> Account:
    return get_object_or_404(queries.accounts_for(request.user), pk=account_id)


def _changeable(request: HttpRequest, account_id: int) -> Account:
    """Work inside an account (contacts, profile, feedback...) needs the right to change it."""
    account = _account(request, account_id)
    permissions.require(request.user, Action.CHANGE, account)
    return account


def _user(pk: int | None, field: str) -> User | None:
    picked: User | None = pick(User.objects.filter(is_active=True), pk, field, "active user")
    return picked


def _account_input(request: HttpRequest, payload: AccountWrite) -> services.AccountInput:
    return services.AccountInput(
        name=payload.name,
        external_id=payload.external_id,
        parent=pick(queries.accounts_for(request.user), payload.parent_id, "parent_id", "account"),
        industry=payload.industry,
        employees=payload.employees,
        annual_revenue=payload.annual_revenue,
        city=payload.city,
        country=payload.country,
        website=payload.website,
        owner=_user(payload.owner_id, "owner_id"),
        backup_owner=_user(payload.backup_owner_id, "backup_owner_id"),
        team=pick(Team.objects.all(), payload.team_id, "team_id", "team"),
        is_key_account=payload.is_key_account,
        tier=payload.tier or "",
        customer_since=payload.customer_since,
        wallet_estimate=payload.wallet_estimate,
        notes=payload.notes,
    )


@router.get("/accounts", response={200: list[AccountRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_accounts(request: HttpRequest, params: Query[AccountListParams]) -> Any:
    return queries.ACCOUNT_LIST.apply(
        queries.accounts_for(request.user).select_related("parent"), params.dict()
    )


def _require_may_hold(request: HttpRequest, data: services.AccountInput) -> None:
    queries.require_may_hold(request.user, owner=data.owner, backup_owner=data.backup_owner, team=data.team)


@router.post("/accounts", response={201: AccountRead, **ERROR_RESPONSES})
def create_account(request: HttpRequest, payload: AccountWrite) -> Any:
    """Account managers may add accounts they own or back up; managers for their people."""
    data = _account_input(request, payload)
    _require_may_hold(request, data)
    with transaction.atomic():
        account = services.create_account(data=data)
    return Status(201, account)


@router.get("/accounts/{account_id}", response={200: AccountRead, **ERROR_RESPONSES})
def get_account(request: HttpRequest, account_id: int) -> Any:
    return _account(request, account_id)


@router.put("/accounts/{account_id}", response={200: AccountRead, **ERROR_RESPONSES})
def update_account(request: HttpRequest, account_id: int, payload: AccountWrite) -> Any:
    account = _changeable(request, account_id)
    data = _account_input(request, payload)
    _require_may_hold(request, data)
    with transaction.atomic():
        return services.update_account(account=account, data=data)


@router.delete("/accounts/{account_id}", response={204: None, **ERROR_RESPONSES})
def delete_account(request: HttpRequest, account_id: int) -> Any:
    account = _account(request, account_id)
    permissions.require(request.user, Action.DELETE, account)
    with transaction.atomic():
        services.delete_account(account=account)
    return Status(204, None)


# Profile ------------------------------------------------------------------------------------


def _section_read(view: queries.SectionView) -> dict[str, Any]:
    section = view.section
    return {
        "kind": view.kind,
        "label": view.label,
        "text": section.text if section else "",
        "items": section.items if section else {},
        "reviewed_at": section.reviewed_at if section else None,
        "stale": view.stale,
        "missing": view.missing,
    }


@router.get("/accounts/{account_id}/profile", response={200: list[ProfileSectionRead], **ERROR_RESPONSES})
def get_profile(request: HttpRequest, account_id: int) -> Any:
    return [_section_read(view) for view in queries.profile_of(_account(request, account_id))]


@router.put("/accounts/{account_id}/profile/{kind}", response={200: ProfileSectionRead, **ERROR_RESPONSES})
def save_profile_section(
    request: HttpRequest, account_id: int, kind: ProfileSectionKind, payload: SectionWrite
) -> Any:
    """Writing a section counts as reviewing it."""
    account = _changeable(request, account_id)
    with transaction.atomic():
        services.save_profile_section(
            account=account,
            kind=kind,
            text=payload.text,
            items=payload.items,
            reviewer=request.user,  # type: ignore[arg-type]
        )
    return next(_section_read(v) for v in queries.profile_of(account) if v.kind == kind)


@router.post(
    "/accounts/{account_id}/profile/{kind}/reviewed", response={200: ProfileSectionRead, **ERROR_RESPONSES}
)
def mark_reviewed(request: HttpRequest, account_id: int, kind: ProfileSectionKind) -> Any:
    account = _changeable(request, account_id)
    section = get_object_or_404(account.profile_sections, kind=kind)
    with transaction.atomic():
        services.mark_section_reviewed(section=section, reviewer=request.user)  # type: ignore[arg-type]
    return next(_section_read(v) for v in queries.profile_of(account) if v.kind == kind)


@router.get("/accounts/{account_id}/financials", response={200: list[FinancialYearRead], **ERROR_RESPONSES})
def list_financials(request: HttpRequest, account_id: int) -> Any:
    return _account(request, account_id).financial_years.all()


@router.post("/accounts/{account_id}/financials", response={200: FinancialYearRead, **ERROR_RESPONSES})
def save_financial_year(request: HttpRequest, account_id: int, payload: FinancialYearWrite) -> Any:
    account = _changeable(request, account_id)
    with transaction.atomic():
        return services.save_financial_year(account=account, **payload.dict())


@router.get(
    "/accounts/{account_id}/competitors", response={200: list[AccountCompetitorRead], **ERROR_RESPONSES}
)
def list_competitors(request: HttpRequest, account_id: int) -> Any:
    return _account(request, account_id).competitors.select_related("competitor")


@router.post("/accounts/{account_id}/competitors", response={200: AccountCompetitorRead, **ERROR_RESPONSES})
def save_competitor(request: HttpRequest, account_id: int, payload: AccountCompetitorWrite) -> Any:
    account = _changeable(request, account_id)
    with transaction.atomic():
        return services.save_account_competitor(
            account=account,
            competitor_name=payload.competitor,
            position=payload.position,
            wins=payload.wins,
            losses=payload.losses,
        )


def _inside(request: HttpRequest, model: type[Model], pk: int) -> Any:
    """An object inside an account the user may change (404 when they may not even see it)."""
    obj = get_object_or_404(permissions.visible_to(request.user, model).select_related("account"), pk=pk)
    permissions.require(request.user, Action.CHANGE, obj.account)
    return obj


@router.delete("/account-competitors/{row_id}", response={204: None, **ERROR_RESPONSES})
def remove_competitor(request: HttpRequest, row_id: int) -> Any:
    row = _inside(request, AccountCompetitor, row_id)
    with transaction.atomic():
        services.remove_account_competitor(row=row)
    return Status(204, None)


@router.get("/accounts/{account_id}/divisions", response={200: list[DivisionRead], **ERROR_RESPONSES})
def list_divisions(request: HttpRequest, account_id: int) -> Any:
    return _account(request, account_id).divisions.all()


@router.post("/accounts/{account_id}/divisions", response={201: DivisionRead, **ERROR_RESPONSES})
def add_division(request: HttpRequest, account_id: int, payload: DivisionWrite) -> Any:
    account = _changeable(request, account_id)
    with transaction.atomic():
        return Status(
            201, services.add_division(account=account, name=payload.name, description=payload.description)
        )


@router.delete("/divisions/{division_id}", response={204: None, **ERROR_RESPONSES})
def delete_division(request: HttpRequest, division_id: int) -> Any:
    division = _inside(request, Division, division_id)
    with transaction.atomic():
        services.delete_division(division=division)
    return Status(204, None)


# Contacts -------------------------------------------------------------------------------------


def _contact_input(account: Account, payload: ContactWrite) -> services.ContactInput:
    return services.ContactInput(
        last_name=payload.last_name,
        first_name=payload.first_name,
        external_id=payload.external_id,
        title=payload.title,
        email=payload.email,
        phone=payload.phone,
        division=pick(
            account.divisions.all(), payload.division_id, "division_id", "division of this account"
        ),
        reports_to=pick(
            account.contacts.all(), payload.reports_to_id, "reports_to_id", "contact at this account"
        ),
        buying_role=payload.buying_role,
        attitude=payload.attitude,
        influence=payload.influence,
        relationship_strength=payload.relationship_strength,
        relationship_owner=_user(payload.relationship_owner_id, "relationship_owner_id"),
        relationship_level=payload.relationship_level,
        desired_relationship_level=payload.desired_relationship_level,
        is_key_person=payload.is_key_person,
        has_left=payload.has_left,
        notes=payload.notes,
    )


@router.get("/contacts", response={200: list[ContactRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_contacts(
    request: HttpRequest, q: str | None = None, account: str | None = None, sort: str | None = None
) -> Any:
    return queries.CONTACT_LIST.apply(
        queries.contacts_for(request.user), {"q": q, "account": account, "sort": sort}
    )


@router.get("/accounts/{account_id}/contacts", response={200: list[ContactRead], **ERROR_RESPONSES})
def list_account_contacts(request: HttpRequest, account_id: int) -> Any:
    return _account(request, account_id).contacts.select_related("account", "relationship_owner")


@router.post("/accounts/{account_id}/contacts", response={201: ContactRead, **ERROR_RESPONSES})
def create_contact(request: HttpRequest, account_id: int, payload: ContactWrite) -> Any:
    account = _changeable(request, account_id)
    with transaction.atomic():
        return Status(201, services.create_contact(account=account, data=_contact_input(account, payload)))


@router.get("/contacts/{contact_id}", response={200: ContactRead, **ERROR_RESPONSES})
def get_contact(request: HttpRequest, contact_id: int) -> Any:
    return get_object_or_404(queries.contacts_for(request.user), pk=contact_id)


@router.put("/contacts/{contact_id}", response={200: ContactRead, **ERROR_RESPONSES})
def update_contact(request: HttpRequest, contact_id: int, payload: ContactWrite) -> Any:
    contact = _inside(request, Contact, contact_id)
    with transaction.atomic():
        return services.update_contact(contact=contact, data=_contact_input(contact.account, payload))


@router.delete("/contacts/{contact_id}", response={204: None, **ERROR_RESPONSES})
def delete_contact(request: HttpRequest, contact_id: int) -> Any:
    contact = _inside(request, Contact, contact_id)
    with transaction.atomic():
        services.delete_contact(contact=contact)
    return Status(204, None)


@router.get("/accounts/{account_id}/map", response={200: DecisionMapRead, **ERROR_RESPONSES})
def decision_map(request: HttpRequest, account_id: int) -> Any:
    """The contacts and the gaps in our coverage of the buying group."""
    account = _account(request, account_id)
    return {
        "contacts": account.contacts.select_related("account", "relationship_owner"),
        "gaps": [
            {"code": g.code, "severity": g.severity, "message": g.message, "contact_ids": list(g.contact_ids)}
            for g in queries.map_gaps(account)
        ],
    }


@router.get("/accounts/{account_id}/whitespace", response={200: WhitespaceRead, **ERROR_RESPONSES})
def whitespace_map(request: HttpRequest, account_id: int) -> Any:
    grid = queries.whitespace_of(_account(request, account_id))
    return {
        "product_lines": [column.name for column in grid.columns],
        "rows": [
            {
                "division_id": row.division_id,
                "division": row.name,
                "cells": [
                    {"state": c.state, "amount": c.won if c.is_sold else None, "open_deals": c.open_deals}
                    for c in row.cells
                ],
                "total": row.total,
            }
            for row in grid.rows
        ],
        "whitespace_count": grid.whitespace_count,
        "sold_share": grid.sold_share,
    }


@router.get("/accounts/{account_id}/health", response={200: HealthRead, **ERROR_RESPONSES})
def account_health(request: HttpRequest, account_id: int) -> Any:
    health = queries.health_of(_account(request, account_id))
    return {
        "score": health.score,
        "band": health.band,
        "reason": health.reason,
        "formula": health.formula,
        "components": [
            {"name": c.name, "weight": c.weight, "value": c.value, "explanation": c.explanation}
            for c in health.components
        ],
    }


# Interactions, feedback, issues -------------------------------------------------------------------


@router.get("/accounts/{account_id}/interactions", response={200: list[InteractionRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_interactions(request: HttpRequest, account_id: int) -> Any:
    """Newest first; the page is cut in SQL, then its contacts and people are fetched in one go each."""
    return _account(request, account_id).interactions.prefetch_related("contacts", "our_people")


@router.post("/accounts/{account_id}/interactions", response={201: InteractionRead, **ERROR_RESPONSES})
def log_interaction(request: HttpRequest, account_id: int, payload: InteractionWrite) -> Any:
    account = _changeable(request, account_id)
    contacts = list(account.contacts.filter(pk__in=payload.contact_ids))
    if len(contacts) != len(set(payload.contact_ids)):
        raise ServiceError("Unknown contact.", errors={"contact_ids": [f"Not all of them are at {account}."]})
    people = list(User.objects.filter(pk__in=payload.our_people_ids))
    if len(people) != len(set(payload.our_people_ids)):
        raise ServiceError("Unknown person.", errors={"our_people_ids": ["Some ids are not people of ours."]})
    with transaction.atomic():
        interaction = services.log_interaction(
            account=account,
            subject=payload.subject,
            occurred_at=payload.occurred_at,
            kind=payload.kind,
            notes=payload.notes,
            duration_minutes=payload.duration_minutes,
            contacts=contacts,
            our_people=people,
            logged_by=request.user,  # type: ignore[arg-type]
        )
    return Status(201, interaction)


@router.delete("/interactions/{interaction_id}", response={204: None, **ERROR_RESPONSES})
def delete_interaction(request: HttpRequest, interaction_id: int) -> Any:
    interaction = _inside(request, Interaction, interaction_id)
    with transaction.atomic():
        services.delete_interaction(interaction=interaction)
    return Status(204, None)


@router.get("/accounts/{account_id}/feedback", response={200: list[FeedbackRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_feedback(request: HttpRequest, account_id: int) -> Any:
    return _account(request, account_id).feedback.all()


@router.post("/accounts/{account_id}/feedback", response={201: FeedbackRead, **ERROR_RESPONSES})
def record_feedback(request: HttpRequest, account_id: int, payload: FeedbackWrite) -> Any:
    account = _changeable(request, account_id)
    data = services.FeedbackInput(
        score=payload.score,
        comment=payload.comment,
        topic=payload.topic,
        severity=payload.severity,
        channel=payload.channel,
        contact=pick(account.contacts.all(), payload.contact_id, "contact_id", "contact at this account"),
        request=pick(account.feedback_requests.all(), payload.request_id, "request_id", "feedback request"),
        received_at=payload.received_at,
        raise_issue=payload.raise_issue,
    )
    with transaction.atomic():
        return Status(201, services.record_feedback(account=account, data=data))


@router.post(
    "/accounts/{account_id}/feedback-requests", response={201: FeedbackRequestRead, **ERROR_RESPONSES}
)
def request_feedback(request: HttpRequest, account_id: int, payload: FeedbackRequestWrite) -> Any:
    account = _changeable(request, account_id)
    contact = pick(account.contacts.all(), payload.contact_id, "contact_id", "contact at this account")
    with transaction.atomic():
        made: FeedbackRequest = services.request_feedback(
            account=account,
            asked_by=request.user,  # type: ignore[arg-type]
            contact=contact,
            topic=payload.topic,
        )
    return Status(201, made)


@router.get("/accounts/{account_id}/issues", response={200: list[IssueRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_issues(request: HttpRequest, account_id: int) -> Any:
    return _account(request, account_id).issues.all()


@router.post("/accounts/{account_id}/issues", response={201: IssueRead, **ERROR_RESPONSES})
def raise_issue(request: HttpRequest, account_id: int, payload: IssueWrite) -> Any:
    account = _changeable(request, account_id)
    with transaction.atomic():
        issue = services.raise_issue(
            account=account,
            title=payload.title,
            description=payload.description,
            severity=payload.severity,
            raised_by=pick(
                account.contacts.all(), payload.raised_by_id, "raised_by_id", "contact at this account"
            ),
            owner=_user(payload.owner_id, "owner_id"),
        )
    return Status(201, issue)


@router.post("/issues/{issue_id}/resolve", response={200: IssueRead, **ERROR_RESPONSES})
def resolve_issue(request: HttpRequest, issue_id: int, payload: ResolutionWrite) -> Any:
    issue = _inside(request, CustomerIssue, issue_id)
    with transaction.atomic():
        return services.resolve_issue(issue=issue, resolution=payload.resolution)


@router.post("/issues/{issue_id}/inform-customer", response={200: IssueRead, **ERROR_RESPONSES})
def inform_customer(request: HttpRequest, issue_id: int) -> Any:
    """Record that the customer was told it is solved: what closes an issue."""
    issue = _inside(request, CustomerIssue, issue_id)
    with transaction.atomic():
        return services.inform_customer(issue=issue)


@router.post("/issues/{issue_id}/reopen", response={200: IssueRead, **ERROR_RESPONSES})
def reopen_issue(request: HttpRequest, issue_id: int) -> Any:
    issue = _inside(request, CustomerIssue, issue_id)
    with transaction.atomic():
        return services.reopen_issue(issue=issue)


@router.get("/coverage", response={200: list[CoverageRead], **ERROR_RESPONSES})
def coverage(request: HttpRequest) -> Any:
    """Key accounts not covered in an absence: no backup, or owner (and backup) away."""
    return [
        {
            "account": row.account,
            "owner": row.account.owner,
            "backup_owner": row.account.backup_owner,
            "problems": row.problems,
        }
        for row in queries.coverage_report(request.user)
    ]


# CRM files: imports and exports -----------------------------------------------------------------
# (imported here, not at the top, to keep this section in one piece)

import json  # noqa: E402
import tempfile  # noqa: E402
from datetime import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402
from typing import Literal  # noqa: E402

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse  # noqa: E402
from ninja import File, Form  # noqa: E402
from ninja.files import UploadedFile  # noqa: E402

from kamkit.accounts import importers  # noqa: E402
from kamkit.accounts.importers import uploads  # noqa: E402
from kamkit.accounts.importers.run import queue_import  # noqa: E402
from kamkit.core.imports import ImportRefused  # noqa: E402
from kamkit.core.models import ImportRun  # noqa: E402

CrmKind = Literal["accounts", "contacts", "deals", "products"]


class CrmImportRead(Schema):
    run_id: int
    kind: str
    status: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    also_created: list[str]


class ImportRunRead(Schema):
    """One import run, as queued by ``background=true`` and then carried out by the worker."""

    run_id: int
    kind: str
    filename: str
    status: str  # queued, running, done, dry_run, refused or failed
    finished: bool
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    error_count: int
    problems: list[str]  # a refusal's bad rows by line ("line 3, revenue: ..."), or why it failed
    also_created: list[str]
    started_at: datetime
    finished_at: datetime | None
    url: str


def _run_read(run: ImportRun) -> dict[str, Any]:
    return {
        "run_id": run.pk,
        "kind": run.kind,
        "filename": run.filename,
        "status": run.status,
        "finished": run.finished,
        "dry_run": run.dry_run,
        "rows": run.row_count,
        "created": run.created_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "skipped": run.skipped_count,
        "error_count": run.error_count,
        "problems": run.errors_report.splitlines() if run.finished else [],
        "also_created": list(run.also_created or []),
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "url": f"/api/v1/imports/runs/{run.pk}",
    }


def _crm_overrides(text: str) -> dict[str, str]:
    if not text.strip():
        return {}
    try:
        overrides = json.loads(text)
    except ValueError:
        overrides = None
    if not isinstance(overrides, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in overrides.items()
    ):
        raise ServiceError(
            "The column mapping is not understood.",
            errors={"overrides": ['Send a JSON object of column key to file header, e.g. {"owner": "Rep"}.']},
        )
    return overrides


def import_refusal(exc: ImportRefused) -> ServiceError:
    """A refused file as the house error body: one item per row error, the field naming the line."""
    errors: dict[str, list[str]] = {}
    for error in exc.row_errors:
        place = f"line {error.line}, {error.column}" if error.column else f"line {error.line}"
        errors.setdefault(place, []).append(error.message)
    if exc.error_count > len(exc.row_errors):
        errors.setdefault("", []).append(f"… and {exc.error_count - len(exc.row_errors):,} more errors.")
    return ServiceError(exc.detail, errors=errors)


@router.post(
    "/imports/{kind}",
    response={200: CrmImportRead, 201: CrmImportRead, 202: ImportRunRead, **ERROR_RESPONSES},
)
def import_crm_file(
    request: HttpRequest,
    kind: CrmKind,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    overrides: Form[str] = "",
    revenue_scale: Form[Decimal] = Decimal(1),
    unknown_owner: Form[Literal["error", "empty"]] = "error",
    missing_account: Form[Literal["error", "skip"]] = "error",
    create_missing_products: Form[bool] = False,
    background: Form[bool] = False,
) -> Any:
    """Import a CSV or XLSX file of accounts, contacts, deals or products, all or nothing.

    Columns are found by their Salesforce, HubSpot or snake_case names; ``overrides`` (a JSON object
    of column key to file header, '' to leave a column out) corrects the mapping. Rows with a
    stored external id update it. A file with any bad row is refused whole (400): each error's
    ``field`` is "line N, column". 201 when written, 200 for a dry run. Products (reference data)
    need the right to add products; deals may create the products they name that are not here yet
    (``create_missing_products``).

    ``background=true`` (for big files) queues the import, or the dry run, for the worker and
    answers 202 at once with the run; poll ``url`` (GET /imports/runs/{run_id}) until ``finished``:
    then it has the counts, or ``status`` refused with the bad rows by line in ``problems``.
    """
    permissions.require(request.user, Action.ADD, Product if kind == importers.PRODUCTS else Account)
    mapping = _crm_overrides(overrides)
    if not revenue_scale.is_finite() or revenue_scale <= 0:
        raise ServiceError("The revenue scale must be a positive number.", errors={"revenue_scale": ["> 0"]})
    options = importers.ImportOptions(
        revenue_scale=revenue_scale,
        unknown_owner=unknown_owner,
        missing_account=missing_account,
        create_missing_products=create_missing_products,
    )
    if background:
        upload = uploads.keep(file.chunks(), file.name or "", queued=True)
        with transaction.atomic():
            run = queue_import(
                kind,
                upload,
                filename=file.name or "",
                overrides=mapping,
                dry_run=dry_run,
                options=options,
                actor=request.user,  # type: ignore[arg-type]
            )
        return Status(202, _run_read(run))
    try:
        result = importers.import_file(
            kind,
            file,
            filename=file.name or "",
            overrides=mapping,
            dry_run=dry_run,
            options=options,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ImportRefused as exc:
        raise import_refusal(exc) from None
    body = {
        "run_id": result.run.pk,
        "kind": kind,
        "status": result.run.status,
        "dry_run": dry_run,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
        "also_created": result.also_created,
    }
    return Status(200 if dry_run else 201, body)


@router.get("/imports/runs/{run_id}", response={200: ImportRunRead, **ERROR_RESPONSES})
def get_import_run(request: HttpRequest, run_id: int) -> Any:
    """An import run you may see (the runs the import page lists for you: your own at least; others'
    give 404): poll it after ``background=true`` until ``finished``."""
    return _run_read(get_object_or_404(permissions.visible_to(request.user, ImportRun), pk=run_id))


@router.get(
    "/exports/{kind}",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra={
        "responses": {
            200: {
                "description": "The accounts, contacts, deals or products you may see, with the columns "
                "the import reads (streamed).",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    importers.CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_crm_file(request: HttpRequest, kind: CrmKind, format: Literal["csv", "xlsx"] = "csv") -> Any:
    """Accounts, contacts, deals or products you may see, as CSV (streamed) or XLSX."""
    queryset = importers.visible_for_export(kind, request.user)
    response: HttpResponseBase
    if format == "csv":
        response = StreamingHttpResponse(
            importers.csv_lines(kind, queryset), content_type=importers.CONTENT_TYPES["csv"]
        )
    else:
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        importers.export(kind, queryset, handle, "xlsx")
        handle.seek(0)
        response = FileResponse(handle, content_type=importers.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="kamkit-{kind}.{format}"'
    return response
