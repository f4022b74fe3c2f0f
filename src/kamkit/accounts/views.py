"""Account pages: list, overview, profile, decision-maker map, whitespace, activity, feedback,
the printable account file and the coverage report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kamkit.accounts import maps, queries, services
from kamkit.accounts.choices import IssueStatus, ProfileSectionKind
from kamkit.accounts.forms import (
    AccountForm,
    CompetitorForm,
    ContactForm,
    DivisionForm,
    FeedbackForm,
    FeedbackRequestForm,
    FinancialYearForm,
    InteractionForm,
    IssueForm,
    ResolutionForm,
    SectionForm,
    SwotForm,
)
from kamkit.accounts.models import Account, AccountCompetitor, CustomerIssue, Interaction, Product
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.forms import acting_user as _acting
from kamkit.core.forms import save_with_form as _save
from kamkit.core.views import ListPage, is_htmx


class AccountList(ListPage):
    model = Account
    spec = queries.ACCOUNT_LIST
    title = "Accounts"
    columns = [
        ("name", "Account"),
        ("owner", "Owner"),
        ("tier", "Tier"),
        ("industry", "Industry"),
        ("country", "Country"),
        ("revenue", "Their revenue"),
    ]
    add_url_name = "accounts:create"
    extra_links = [("accounts:coverage", "Coverage", "all"), ("accounts:import", "Import", "add")]

    def base_queryset(self) -> Any:
        return queries.accounts_for(self.request.user)


def _account(request: HttpRequest, pk: int) -> Account:
    return get_object_or_404(queries.accounts_for(request.user), pk=pk)


def _changeable(request: HttpRequest, pk: int) -> Account:
    account = _account(request, pk)
    permissions.require(request.user, Action.CHANGE, account)
    return account


def _can_change(request: HttpRequest, account: Account) -> bool:
    return permissions.can(request.user, Action.CHANGE, account)


def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    profile = queries.profile_of(account)
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "can_change": _can_change(request, account),
            "health": queries.health_of(account),
            "totals": queries.deal_totals(account),
            "profile": profile,
            "stale_count": sum(1 for s in profile if s.stale),
            "missing_count": sum(1 for s in profile if s.missing),
            "gaps": queries.map_gaps(account),
            "contact_count": account.contacts.filter(has_left=False).count(),
            "interactions": account.interactions.prefetch_related("contacts")[:5],
            "open_issues": account.issues.exclude(status=IssueStatus.CUSTOMER_INFORMED),
            "subsidiaries": queries.accounts_for(request.user).filter(parent=account),
        },
    )


def _account_data(form: AccountForm) -> services.AccountInput:
    data = form.cleaned_data
    return services.AccountInput(
        name=data["name"],
        industry=data["industry"],
        parent=data["parent"],
        employees=data["employees"],
        annual_revenue=data["annual_revenue"],
        city=data["city"],
        country=data["country"],
        website=data["website"],
        owner=data["owner"],
        backup_owner=data["backup_owner"],
        team=data["team"],
        is_key_account=data["is_key_account"],
        tier=data["tier"],
        customer_since=data["customer_since"],
        wallet_estimate=data["wallet_estimate"],
        notes=data["notes"],
        external_id=data["external_id"] or None,
    )


def account_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    account = _changeable(request, pk) if pk else None
    if account is None:
        permissions.require(request.user, Action.ADD, Account)
    visible = queries.accounts_for(request.user)
    if account is not None:
        visible = visible.exclude(pk=account.pk)
        initial: dict[str, Any] = {f: getattr(account, f) for f in AccountForm.base_fields}
    else:
        initial = {"owner": request.user}
    form = AccountForm(request.POST or None, initial=initial, accounts=visible)
    if request.method == "POST" and form.is_valid():
        data = _account_data(form)
        if not queries.may_hold(
            request.user, owner=data.owner, backup_owner=data.backup_owner, team=data.team
        ):
            form.add_error("owner", queries.HOLD_REFUSAL)
        else:
            saved = _save(
                form,
                lambda: (
                    services.update_account(account=account, data=data)
                    if account
                    else services.create_account(data=data)
                ),
            )
            if saved is not None:
                messages.success(request, f"{saved} saved.")
                return redirect("accounts:detail", pk=saved.pk)
    title = f"Edit {account}" if account else "Add an account"
    return render(request, "accounts/form.html", {"form": form, "title": title, "account": account})


# Profile -----------------------------------------------------------------------------------------


def account_profile(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    return render(
        request,
        "accounts/profile.html",
        {
            "account": account,
            "can_change": _can_change(request, account),
            "profile": queries.profile_of(account),
            "financial_years": account.financial_years.all(),
            "competitors": account.competitors.select_related("competitor"),
            "divisions": account.divisions.all(),
            "financial_form": FinancialYearForm(),
            "competitor_form": CompetitorForm(),
            "division_form": DivisionForm(),
        },
    )


def profile_section(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    account = _changeable(request, pk)
    if kind not in ProfileSectionKind.values:
        return render(request, "404.html", status=404)
    section = account.profile_sections.filter(kind=kind).first()
    is_swot = kind == ProfileSectionKind.SWOT
    initial: dict[str, Any] = {"text": section.text if section else ""}
    if is_swot and section:
        initial.update(
            {
                part: "\n".join(section.items.get(part, []))
                for part in ("strengths", "weaknesses", "opportunities", "threats")
            }
        )
    form: SwotForm | SectionForm = (SwotForm if is_swot else SectionForm)(
        request.POST or None, initial=initial
    )
    if request.method == "POST":
        if "reviewed" in request.POST and section is not None:
            with transaction.atomic():
                services.mark_section_reviewed(section=section, reviewer=_acting(request))
            messages.success(request, f"{section.get_kind_display()} marked as still current.")
            return redirect("accounts:profile", pk=account.pk)
        if form.is_valid():
            items = form.items() if isinstance(form, SwotForm) else None
            saved = _save(
                form,
                lambda: services.save_profile_section(
                    account=account,
                    kind=kind,
                    text=form.cleaned_data["text"],
                    items=items,
                    reviewer=_acting(request),
                ),
            )
            if saved is not None:
                messages.success(request, f"{saved.get_kind_display()} saved.")
                return redirect("accounts:profile", pk=account.pk)
    title = f"{ProfileSectionKind(kind).label} — {account}"
    return render(
        request, "accounts/form.html", {"form": form, "title": title, "account": account, "section": section}
    )


@require_POST
def profile_add(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """Add a financial year, a competitor or a division from the profile page."""
    account = _changeable(request, pk)
    forms_by_part: dict[str, Any] = {
        "financials": (FinancialYearForm, lambda d: services.save_financial_year(account=account, **d)),
        "competitors": (
            CompetitorForm,
            lambda d: services.save_account_competitor(
                account=account,
                competitor_name=d["competitor"],
                position=d["position"],
                wins=d["wins"],
                losses=d["losses"],
            ),
        ),
        "divisions": (DivisionForm, lambda d: services.add_division(account=account, **d)),
    }
    if part not in forms_by_part:
        return render(request, "404.html", status=404)
    form_class, action = forms_by_part[part]
    form = form_class(request.POST)
    if form.is_valid() and _save(form, lambda: action(form.cleaned_data)) is not None:
        messages.success(request, "Saved.")
        return redirect(reverse("accounts:profile", args=[account.pk]) + f"#{part}")
    title = {
        "financials": "Add a financial year",
        "competitors": "Add a competitor",
        "divisions": "Add a division",
    }[part]
    return render(request, "accounts/form.html", {"form": form, "title": title, "account": account})


@require_POST
def competitor_remove(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    account = _changeable(request, pk)
    row = get_object_or_404(AccountCompetitor, pk=row_pk, account=account)
    with transaction.atomic():
        services.remove_account_competitor(row=row)
    return redirect(reverse("accounts:profile", args=[account.pk]) + "#competitors")


# Decision-maker map ----------------------------------------------------------------------------


def _map_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    nodes = queries.contact_nodes(account)
    gaps = queries.map_gaps(account)
    chart = maps.layout_org_chart(
        [n for n in nodes if not n.has_left],
        url_for=lambda contact_pk: reverse("accounts:contact_edit", args=[account.pk, contact_pk]),
        gaps=gaps,
    )
    return {"account": account, "chart": chart, "gaps": gaps, "can_change": _can_change(request, account)}


def decision_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's org chart coloured by buying role and attitude, with the gaps in our coverage.

    The 'add a contact' form posts here through htmx and gets the refreshed map back.
    """
    account = _account(request, pk)
    form = ContactForm(account=account)
    if request.method == "POST":
        account = _changeable(request, pk)
        form = ContactForm(request.POST, account=account)
        if form.is_valid() and _save(
            form, lambda: services.create_contact(account=account, data=_contact_data(form))
        ):
            form = ContactForm(account=account)
            if not is_htmx(request):
                messages.success(request, "Contact added.")
                return redirect("accounts:map", pk=account.pk)
    context = {**_map_context(request, account), "form": form}
    if is_htmx(request):
        return render(request, "accounts/map.html#map-area", context)
    return render(request, "accounts/map.html", context)


def _contact_data(form: ContactForm) -> services.ContactInput:
    data = form.cleaned_data
    return services.ContactInput(
        first_name=data["first_name"],
        last_name=data["last_name"],
        title=data["title"],
        email=data["email"],
        phone=data["phone"],
        reports_to=data["reports_to"],
        division=data["division"],
        buying_role=data["buying_role"],
        attitude=data["attitude"],
        influence=data["influence"],
        relationship_strength=data["relationship_strength"],
        relationship_owner=data["relationship_owner"],
        relationship_level=data["relationship_level"],
        desired_relationship_level=data["desired_relationship_level"],
        is_key_person=data["is_key_person"],
        has_left=data["has_left"],
        notes=data["notes"],
    )


def contact_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    account = _account(request, pk)
    contact = get_object_or_404(account.contacts, pk=contact_pk)
    can_change = _can_change(request, account)
    if request.method == "POST" and not can_change:
        permissions.require(request.user, Action.CHANGE, account)
    initial = {f: getattr(contact, f) for f in ContactForm.base_fields}
    form = ContactForm(request.POST or None, initial=initial, account=account, contact=contact)
    if request.method == "POST":
        if "delete" in request.POST:
            with transaction.atomic():
                services.delete_contact(contact=contact)
            messages.success(request, f"{contact} removed.")
            return redirect("accounts:map", pk=account.pk)
        if form.is_valid() and _save(
            form, lambda: services.update_contact(contact=contact, data=_contact_data(form))
        ):
            messages.success(request, f"{contact} saved.")
            return redirect("accounts:map", pk=account.pk)
    return render(
        request,
        "accounts/contact_form.html",
        {
            "form": form,
            "account": account,
            "contact": contact,
            "can_change": can_change,
            "interactions": contact.interactions.all()[:10],
        },
    )


# Whitespace, activity, feedback -------------------------------------------------------------------


def whitespace_map(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    return render(
        request,
        "accounts/whitespace.html",
        {
            "account": account,
            "grid": queries.whitespace_of(account),
            "can_change": _can_change(request, account),
        },
    )


def activity(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    form = InteractionForm(account=account)
    if request.method == "POST":
        account = _changeable(request, pk)
        form = InteractionForm(request.POST, account=account)
        if form.is_valid():
            data = form.cleaned_data
            saved = _save(
                form,
                lambda: services.log_interaction(
                    account=account,
                    subject=data["subject"],
                    occurred_at=data["occurred_at"],
                    kind=data["kind"],
                    notes=data["notes"],
                    duration_minutes=data["duration_minutes"],
                    contacts=list(data["contacts"]),
                    our_people=list(data["our_people"]),
                    logged_by=_acting(request),
                ),
            )
            if saved is not None:
                messages.success(request, "Interaction logged.")
                return redirect("accounts:activity", pk=account.pk)
    return render(
        request,
        "accounts/activity.html",
        {
            "account": account,
            "form": form,
            "can_change": _can_change(request, account),
            "interactions": account.interactions.prefetch_related("contacts", "our_people")[:100],
        },
    )


@require_POST
def interaction_delete(request: HttpRequest, pk: int, interaction_pk: int) -> HttpResponse:
    account = _changeable(request, pk)
    interaction = get_object_or_404(Interaction, pk=interaction_pk, account=account)
    with transaction.atomic():
        services.delete_interaction(interaction=interaction)
    messages.success(request, "Interaction removed.")
    return redirect("accounts:activity", pk=account.pk)


def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    feedback_form = FeedbackForm(account=account, prefix="fb")
    issue_form = IssueForm(account=account, prefix="issue")
    ask_form = FeedbackRequestForm(account=account, prefix="ask")
    if request.method == "POST":
        account = _changeable(request, pk)
        if "ask-topic" in request.POST:
            ask_form = FeedbackRequestForm(request.POST, account=account, prefix="ask")
            if ask_form.is_valid():
                d = ask_form.cleaned_data
                if _save(
                    ask_form,
                    lambda: services.request_feedback(
                        account=account, asked_by=_acting(request), contact=d["contact"], topic=d["topic"]
                    ),
                ):
                    messages.success(request, "Feedback request noted: record the answer when it comes.")
                    return redirect("accounts:feedback", pk=account.pk)
        elif "fb-severity" in request.POST:
            feedback_form = FeedbackForm(request.POST, account=account, prefix="fb")
            if feedback_form.is_valid():
                d = feedback_form.cleaned_data
                data = services.FeedbackInput(
                    score=d["score"],
                    comment=d["comment"],
                    topic=d["topic"],
                    severity=d["severity"],
                    channel=d["channel"],
                    contact=d["contact"],
                    request=d["request"],
                    raise_issue=d["raise_issue"],
                )
                if _save(feedback_form, lambda: services.record_feedback(account=account, data=data)):
                    messages.success(request, "Feedback recorded.")
                    return redirect("accounts:feedback", pk=account.pk)
        else:
            issue_form = IssueForm(request.POST, account=account, prefix="issue")
            if issue_form.is_valid():
                d = issue_form.cleaned_data
                if _save(
                    issue_form,
                    lambda: services.raise_issue(
                        account=account,
                        title=d["title"],
                        description=d["description"],
                        severity=d["severity"],
                        raised_by=d["raised_by"],
                    ),
                ):
                    messages.success(request, "Issue opened.")
                    return redirect("accounts:feedback", pk=account.pk)
    return render(
        request,
        "accounts/feedback.html",
        {
            "account": account,
            "can_change": _can_change(request, account),
            "feedback_form": feedback_form,
            "issue_form": issue_form,
            "ask_form": ask_form,
            "requests": account.feedback_requests.select_related("contact", "asked_by").annotate(
                answer_count=Count("answers")
            )[:20],
            "resolution_form": ResolutionForm(),
            "feedback_list": account.feedback.select_related("contact")[:50],
            "issues": account.issues.select_related("raised_by", "owner"),
            "health": queries.health_of(account),
        },
    )


@require_POST
def issue_step(request: HttpRequest, pk: int, issue_pk: int, step: str) -> HttpResponse:
    """Resolve, tell the customer, or reopen an issue."""
    account = _changeable(request, pk)
    issue = get_object_or_404(CustomerIssue, pk=issue_pk, account=account)
    try:
        with transaction.atomic():
            if step == "resolve":
                services.resolve_issue(issue=issue, resolution=request.POST.get("resolution", ""))
            elif step == "inform":
                services.inform_customer(issue=issue)
            elif step == "reopen":
                services.reopen_issue(issue=issue)
            else:
                return render(request, "404.html", status=404)
    except ServiceError as exc:
        details = "; ".join(m for messages_ in exc.errors.values() for m in messages_)
        messages.error(request, f"{exc.detail} {details}".strip())
    else:
        messages.success(request, f"{issue}: {issue.get_status_display().lower()}.")
    return redirect("accounts:feedback", pk=account.pk)


# Coverage and the account file ----------------------------------------------------------------------


def account_file(request: HttpRequest, pk: int) -> HttpResponse:
    """One printable page a colleague can pick the account up from."""
    account = _account(request, pk)
    return render(
        request,
        "accounts/account_file.html",
        {
            "account": account,
            "can_change": _can_change(request, account),
            "profile": queries.profile_of(account),
            "contacts": account.contacts.filter(has_left=False)
            .select_related("relationship_owner")
            .order_by("-influence", "last_name"),
            "gaps": queries.map_gaps(account),
            "health": queries.health_of(account),
            "totals": queries.deal_totals(account),
            "open_issues": account.issues.exclude(status=IssueStatus.CUSTOMER_INFORMED),
            "interactions": account.interactions.all()[:5],
            "competitors": account.competitors.select_related("competitor"),
        },
    )


def coverage(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/coverage.html", {"rows": queries.coverage_report(request.user)})


def contact_list_redirect(request: HttpRequest, contact_pk: int) -> HttpResponse:
    """Links to a contact by its id alone (API, search) land on its account's page."""
    contact = get_object_or_404(queries.contacts_for(request.user), pk=contact_pk)
    return redirect("accounts:contact_edit", pk=contact.account_id, contact_pk=contact.pk)


# CRM file imports: upload, check the column mapping, import -----------------------------------------
# (imported here, not at the top, to keep this section in one piece)

import time  # noqa: E402
from pathlib import Path  # noqa: E402

from django.http import Http404  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.cache import patch_vary_headers  # noqa: E402

from kamkit.accounts import importers  # noqa: E402
from kamkit.accounts.import_forms import ImportMappingForm, ImportUploadForm, chosen_initial  # noqa: E402
from kamkit.accounts.importers import uploads  # noqa: E402
from kamkit.accounts.importers.run import options_as_json, queue_import  # noqa: E402
from kamkit.core.choices import ImportStatus  # noqa: E402
from kamkit.core.imports import ImportRefused  # noqa: E402
from kamkit.core.models import ImportRun  # noqa: E402

IMPORT_SESSION_KEY = "kamkit_imports"
IMPORT_TTL_SECONDS = uploads.UPLOAD_TTL_SECONDS
IMPORT_ERRORS_SHOWN = 200
# A check of a bigger file goes to the worker: reading and checking a million deals takes many seconds.
# Excel files are zipped, so fewer bytes hold as many rows.
CHECK_IN_REQUEST_BYTES = 5 * 1024 * 1024
CHECK_IN_REQUEST_BYTES_EXCEL = 1024 * 1024
WORKER_LATE_SECONDS = 60  # a run queued longer than this: say that a worker may not be running


def _sweep_uploads(request: HttpRequest) -> None:
    """Forget this session's expired uploads and delete anyone's left too long in the folder."""
    cutoff = time.time() - IMPORT_TTL_SECONDS
    pending = request.session.get(IMPORT_SESSION_KEY, {})
    fresh = {token: item for token, item in pending.items() if item["at"] >= cutoff}
    if fresh != pending:
        request.session[IMPORT_SESSION_KEY] = fresh
    uploads.sweep()


def _remember(request: HttpRequest, token: str, **facts: Any) -> None:
    pending = dict(request.session.get(IMPORT_SESSION_KEY, {}))
    if token in pending:
        pending[token] = {**pending[token], **facts}
        request.session[IMPORT_SESSION_KEY] = pending


def _forget_upload(request: HttpRequest, token: str, name: str | None) -> None:
    if name is not None:
        uploads.remove(name)
    pending = dict(request.session.get(IMPORT_SESSION_KEY, {}))
    if pending.pop(token, None) is not None:
        request.session[IMPORT_SESSION_KEY] = pending


def _may_import(request: HttpRequest, kind: str, form: ImportUploadForm) -> bool:
    """Products are reference data: only those who may add products import them."""
    if kind == importers.PRODUCTS and not permissions.can(request.user, Action.ADD, Product):
        form.add_error(
            "kind", "Products are kept by directors and admins: ask one of them to import this file."
        )
        return False
    return True


def _checked_in_request(path: Path) -> bool:
    """Small files are checked while the person waits; bigger ones by the worker."""
    limit = CHECK_IN_REQUEST_BYTES_EXCEL if path.suffix in (".xlsx", ".xlsm") else CHECK_IN_REQUEST_BYTES
    return path.stat().st_size <= limit


def import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: choose what the file holds and upload it; it waits under a token for the next steps."""
    permissions.require(request.user, Action.ADD, Account)
    initial_kind = request.GET.get("kind") if request.GET.get("kind") in importers.KINDS else "accounts"
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial={"kind": initial_kind})
    if request.method == "POST" and form.is_valid() and _may_import(request, form.cleaned_data["kind"], form):
        _sweep_uploads(request)
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        name = uploads.keep(upload.chunks(), upload.name)
        path = uploads.path_of(name)
        try:
            importers.preview(kind, path, filename=upload.name)
        except ImportRefused as exc:
            uploads.remove(name)
            form.add_error("file", " ".join([exc.detail, *exc.report(limit=3).splitlines()]))
        else:
            token = name.partition(".")[0]
            pending = dict(request.session.get(IMPORT_SESSION_KEY, {}))
            pending[token] = {
                "kind": kind,
                "filename": upload.name,
                "extension": path.suffix,
                "at": time.time(),
            }
            request.session[IMPORT_SESSION_KEY] = pending
            return redirect("accounts:import_mapping", token=token)
    runs = permissions.visible_to(request.user, ImportRun).select_related("started_by")[:10]
    return render(
        request, "accounts/import_upload.html", {"form": form, "runs": runs, "kinds": importers.KINDS}
    )


def import_mapping(request: HttpRequest, token: str) -> HttpResponse:
    """Steps 2 and 3: check how the file's columns map (correct it), check the whole file (a dry
    run), then import it. The import is queued for the worker and this page sends the person to
    its run page at once; so is the check of a big file. A refusal lists every bad row."""
    permissions.require(request.user, Action.ADD, Account)
    known = request.session.get(IMPORT_SESSION_KEY, {})
    pending = known.get(token) if uploads.is_token(token) else None
    if pending is None:
        raise Http404("No such upload: it was imported already, or it belongs to another session.")
    name = f"{token}{pending['extension']}"
    try:
        path = uploads.path_of(name)
    except uploads.UnknownUpload:  # a session from before uploads were checked by name
        _forget_upload(request, token, None)
        raise Http404("No such upload: upload the file again.") from None
    if time.time() - pending["at"] > IMPORT_TTL_SECONDS or not path.exists():
        _forget_upload(request, token, name)
        messages.error(request, f"The upload of {pending['filename']} has expired; upload the file again.")
        return redirect("accounts:import")
    kind, filename = pending["kind"], pending["filename"]
    if kind == importers.PRODUCTS:
        permissions.require(request.user, Action.ADD, Product)
    chosen = pending.get("chosen")  # the columns and options of the last check, when coming back to it
    preview = importers.preview(kind, path, chosen["overrides"] if chosen else None, filename=filename)
    form = ImportMappingForm(
        request.POST or None, preview=preview, initial=chosen_initial(chosen["options"]) if chosen else None
    )
    result: importers.ImportResult | None = None
    refusal: ImportRefused | None = None
    if request.method == "POST" and form.is_valid():
        overrides, options = form.overrides(), form.options()
        if request.POST.get("action") == "import":
            checking = ImportRun.objects.filter(pk=pending.get("check_run"), status__in=ImportRun.UNFINISHED)
            if checking.exists():
                messages.error(request, "The file is still being checked; import it when the check is done.")
                return redirect("accounts:import_run", run_pk=pending["check_run"])
            queued_name = uploads.hand_to_queue(name)
            with transaction.atomic():
                run = queue_import(
                    kind,
                    queued_name,
                    filename=filename,
                    overrides=overrides,
                    options=options,
                    actor=_acting(request),
                )
            _forget_upload(request, token, None)  # the file is the worker's now; it deletes it
            messages.success(request, f"The import of {filename} is queued; this page shows how it goes.")
            return redirect("accounts:import_run", run_pk=run.pk)
        _remember(request, token, chosen={"overrides": overrides, "options": options_as_json(options)})
        if not _checked_in_request(path):
            with transaction.atomic():
                run = queue_import(
                    kind,
                    name,
                    filename=filename,
                    overrides=overrides,
                    dry_run=True,
                    options=options,
                    actor=_acting(request),
                    keep_upload=True,
                )
            _remember(request, token, check_run=run.pk)
            messages.info(
                request,
                f"{filename} is big, so the whole file is checked in the background; this page shows the "
                "result when it is ready. Nothing is written.",
            )
            return redirect("accounts:import_run", run_pk=run.pk)
        try:
            result = importers.import_file(
                kind,
                path,
                filename=filename,
                overrides=overrides,
                dry_run=True,
                options=options,
                actor=_acting(request),
            )
        except ImportRefused as exc:
            refusal = exc
        preview = importers.preview(kind, path, overrides, filename=filename)
    return render(
        request,
        "accounts/import_mapping.html",
        {
            "form": form,
            "preview": preview,
            "kind_label": importers.IMPORT_KIND_LABELS.get(kind, kind),
            "filename": filename,
            "result": result,
            "refusal": refusal,
            "refusal_errors": refusal.row_errors[:IMPORT_ERRORS_SHOWN] if refusal else [],
            "more_errors": max(0, refusal.error_count - IMPORT_ERRORS_SHOWN) if refusal else 0,
            "last_check": None if result or refusal else _last_check(request, pending),
        },
    )


def _last_check(request: HttpRequest, pending: dict[str, Any]) -> ImportRun | None:
    """The background check of this upload, shown when the person comes back to import it."""
    if not pending.get("check_run"):
        return None
    return permissions.visible_to(request.user, ImportRun).filter(pk=pending["check_run"]).first()


def _upload_checked_by(request: HttpRequest, run: ImportRun) -> str | None:
    """The token of this session's upload that ``run`` checked, while it still waits to be imported."""
    if not run.dry_run:
        return None
    cutoff = time.time() - IMPORT_TTL_SECONDS
    for token, item in request.session.get(IMPORT_SESSION_KEY, {}).items():
        if item.get("check_run") == run.pk and item["at"] >= cutoff:
            return str(token)
    return None


def _waiting_note(run: ImportRun) -> str:
    if run.status == ImportStatus.QUEUED:
        if (timezone.now() - run.started_at).total_seconds() > WORKER_LATE_SECONDS:
            return (
                "No background worker has taken it yet. Imports run in kamkit's worker "
                "('kamkit worker', which 'kamkit up' also starts): ask whoever runs kamkit whether it is on."
            )
        return "Waiting for the background worker to take it."
    if run.status == ImportStatus.RUNNING:
        return "Reading, checking and writing the file; a million deals take about half a minute."
    return ""


def import_run(request: HttpRequest, run_pk: int) -> HttpResponse:
    """What an import did: its counts, or the rows that refused it. While it is queued or running the
    page follows it: htmx asks this view for the status part again every 2 seconds."""
    runs = permissions.visible_to(request.user, ImportRun).select_related("started_by")
    run = get_object_or_404(runs, pk=run_pk)
    context = {
        "run": run,
        "error_lines": run.errors_report.splitlines() if run.finished else [],
        "upload_token": _upload_checked_by(request, run),
        "waiting_note": _waiting_note(run),
    }
    if is_htmx(request):
        response = render(request, "accounts/partials/import_run_status.html", context)
    else:
        response = render(request, "accounts/import_run.html", context)
    patch_vary_headers(response, ["HX-Request"])  # the page and its part share a URL: keep them apart
    return response
