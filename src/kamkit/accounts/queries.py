"""Reading accounts: lists, the decision-maker map, whitespace, health and coverage.

Every query starts from the permission service; the numbers come from SQL aggregates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Lower
from django.utils import timezone

from kamkit.accounts import health as health_rules
from kamkit.accounts import maps, whitespace
from kamkit.accounts.choices import DealStatus, IssueStatus, ProfileSectionKind, Tier
from kamkit.accounts.models import Account, Contact, Deal, Feedback, ProductLine, ProfileSection
from kamkit.core import permissions
from kamkit.core.lists import ListFilter, ListSpec


def _yes_no(value: str) -> bool:
    if value not in ("yes", "no"):
        raise ValueError(value)
    return value == "yes"


ACCOUNT_LIST = ListSpec(
    search_fields=("name", "industry", "city", "country", "owner__full_name", "external_id"),
    filters=(
        ListFilter(
            "key",
            "Key account",
            "is_key_account",
            choices=lambda: [("yes", "Yes"), ("no", "No")],
            convert=_yes_no,
        ),
        ListFilter("tier", "Tier", "tier", choices=lambda: list(Tier.choices)),
        ListFilter("industry", "Industry", "industry__iexact", choices_for=lambda user: industries(user)),
        ListFilter("owner", "Owner", "owner_id", convert=int),
        ListFilter("team", "Team", "team_id", convert=int),
    ),
    sort_fields={
        "name": "name__lower",
        "owner": "owner__full_name",
        "tier": "tier",
        "industry": "industry",
        "revenue": "annual_revenue",
        "country": "country",
    },
    default_sort="name",
)

CONTACT_LIST = ListSpec(
    search_fields=("first_name", "last_name", "title", "email", "account__name"),
    filters=(ListFilter("account", "Account", "account_id", convert=int),),
    sort_fields={"name": "last_name", "account": "account__name__lower", "title": "title"},
    default_sort="name",
)


def industries(user: Any) -> list[tuple[str, str]]:
    """The industries of the accounts ``user`` may see (others' would tell who else is a customer)."""
    names = (
        permissions.visible_to(user, Account)
        .exclude(industry="")
        .values_list("industry", flat=True)
        .distinct()
        .order_by("industry")
    )
    return [(name, name) for name in names]


def accounts_for(user: Any) -> QuerySet[Account]:
    return permissions.visible_to(user, Account).select_related("owner", "backup_owner", "team")


HOLD_REFUSAL = (
    "You may add accounts that you or your people own or back up, and give them only to those people."
)


def may_hold(user: Any, *, owner: Any, backup_owner: Any, team: Any) -> bool:
    """May ``user`` leave an account with these people? An account manager may not hand an account
    to someone outside their own scope (on creation or by changing its owner, backup or team).
    Pages show ``HOLD_REFUSAL`` on the form; the API answers 403 with it (``require_may_hold``)."""
    from kamkit.core.choices import Action

    return permissions.can(user, Action.ADD, Account(owner=owner, backup_owner=backup_owner, team=team))


def require_may_hold(user: Any, *, owner: Any, backup_owner: Any, team: Any) -> None:
    if not may_hold(user, owner=owner, backup_owner=backup_owner, team=team):
        raise PermissionDenied(HOLD_REFUSAL)


def contacts_for(user: Any) -> QuerySet[Contact]:
    return permissions.visible_to(user, Contact).select_related("account", "relationship_owner")


# Profile ----------------------------------------------------------------------


@dataclass
class SectionView:
    kind: str
    label: str
    section: ProfileSection | None
    stale: bool
    has_rows: bool = False  # financial years or competitors recorded beside the section's text

    @property
    def missing(self) -> bool:
        if self.has_rows:
            return False
        return self.section is None or not (self.section.text or any(self.section.items.values()))


def profile_of(account: Account, *, now: dt.datetime | None = None) -> list[SectionView]:
    """All profile sections in a fixed order; missing ones and stale ones are marked."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=settings.KAMKIT_PROFILE_STALE_DAYS)
    stored = {s.kind: s for s in account.profile_sections.select_related("reviewed_by")}
    rows: dict[str, bool] = {
        ProfileSectionKind.FINANCIALS: account.financial_years.exists(),
        ProfileSectionKind.COMPETITORS: account.competitors.exists(),
    }
    views = []
    for kind, label in ProfileSectionKind.choices:
        section = stored.get(kind)
        stale = section is not None and (section.reviewed_at is None or section.reviewed_at < limit)
        views.append(
            SectionView(
                kind=kind, label=str(label), section=section, stale=stale, has_rows=rows.get(kind, False)
            )
        )
    return views


# Decision-maker map ----------------------------------------------------------------------


def contact_nodes(account: Account) -> list[maps.ContactNode]:
    return [
        maps.ContactNode(
            id=c.pk,
            name=c.full_name,
            title=c.title,
            reports_to_id=c.reports_to_id,
            buying_role=c.buying_role,
            attitude=c.attitude,
            influence=c.influence,
            relationship_strength=c.relationship_strength,
            relationship_owner_id=c.relationship_owner_id,
            last_contact_at=c.last_contact_at,
            is_key_person=c.is_key_person,
            has_left=c.has_left,
        )
        for c in account.contacts.all()
    ]


def map_gaps(account: Account, *, now: dt.datetime | None = None) -> list[maps.Gap]:
    return maps.find_gaps(
        contact_nodes(account), now=now or timezone.now(), stale_after_days=settings.KAMKIT_CONTACT_STALE_DAYS
    )


# Whitespace ----------------------------------------------------------------------


def whitespace_of(account: Account) -> whitespace.WhitespaceGrid:
    """Divisions x product lines: won revenue and open deals per cell, from two aggregates."""
    deals = Deal.objects.filter(account=account, product__isnull=False)
    won: dict[tuple[int | None, int], Decimal] = {
        (row["division_id"], row["product__line_id"]): row["total"]
        for row in deals.filter(status=DealStatus.WON)
        .values("division_id", "product__line_id")
        .annotate(total=Sum("amount"))
        if row["total"]
    }
    open_deals: dict[tuple[int | None, int], int] = {
        (row["division_id"], row["product__line_id"]): row["n"]
        for row in deals.filter(status=DealStatus.OPEN)
        .values("division_id", "product__line_id")
        .annotate(n=Count("id"))
    }
    divisions: list[tuple[int | None, str]] = [(d.pk, d.name) for d in account.divisions.all()]
    divisions.append((None, "Whole company / no division"))
    lines = [(line.pk, line.name) for line in ProductLine.objects.all()]
    return whitespace.whitespace_grid(divisions, lines, won, open_deals)


# Health ----------------------------------------------------------------------


def health_inputs(
    account: Account, *, now: dt.datetime | None = None, plan_progress: float | None = None
) -> Any:
    now = now or timezone.now()
    year_ago = now - dt.timedelta(days=365)
    feedback = Feedback.objects.filter(
        account=account, received_at__gte=year_ago, score__isnull=False
    ).aggregate(mean=Avg("score"), n=Count("id"))
    last = account.interactions.aggregate(last=Max("occurred_at"))["last"]
    open_issues = dict(
        account.issues.filter(status=IssueStatus.OPEN)
        .values_list("severity")
        .annotate(n=Count("id"))
        .order_by()
    )
    return health_rules.HealthInputs(
        feedback_scores_mean=float(feedback["mean"]) if feedback["mean"] is not None else None,
        feedback_count=feedback["n"],
        days_since_contact=(now - last).days if last else None,
        open_issues=open_issues,
        plan_progress=plan_progress,
    )


# Set by the plans app (PlansConfig.ready), so accounts need not import plans: the share of due
# actions done in the account's active plan, None without one.
PLAN_PROGRESS: Callable[[Account], float | None] | None = None


def health_of(account: Account, *, now: dt.datetime | None = None) -> health_rules.Health:
    progress = PLAN_PROGRESS(account) if PLAN_PROGRESS is not None else None
    return health_rules.compute_health(health_inputs(account, now=now, plan_progress=progress))


# Coverage ----------------------------------------------------------------------


@dataclass
class CoverageRow:
    account: Account
    problems: list[str]


def uncovered_accounts(user: Any) -> QuerySet[Account]:
    """The key accounts ``user`` sees that nobody would cover tomorrow (each has a problem below)."""
    return accounts_for(user).filter(
        Q(is_key_account=True)
        & (
            Q(backup_owner__isnull=True)
            | Q(owner__isnull=True)
            | Q(owner__on_leave=True)
            | Q(owner__is_active=False)
            | Q(backup_owner__on_leave=True)
            | Q(backup_owner__is_active=False)
        )
    )


def coverage_report(user: Any) -> list[CoverageRow]:
    """Key accounts nobody would cover tomorrow: no backup, owner away, or backup away too."""
    rows = []
    for account in uncovered_accounts(user).order_by(Lower("name")):
        problems = []
        if account.owner is None:
            problems.append("no owner")
        elif not account.owner.is_active:
            problems.append(f"owner {account.owner} has left")
        elif account.owner.on_leave:
            problems.append(f"owner {account.owner} is on leave")
        if account.backup_owner is None:
            problems.append("no backup")
        elif not account.backup_owner.is_active:
            problems.append(f"backup {account.backup_owner} has left")
        elif account.backup_owner.on_leave:
            problems.append(f"backup {account.backup_owner} is on leave too")
        rows.append(CoverageRow(account=account, problems=problems))
    return rows


def deal_totals(account: Account) -> dict[str, Decimal | int | None]:
    """Won revenue (all time and last 12 months), open pipeline, win rate: one aggregate."""
    year_ago = timezone.localdate() - dt.timedelta(days=365)
    totals = Deal.objects.filter(account=account).aggregate(
        won=Sum("amount", filter=Q(status=DealStatus.WON)),
        won_12m=Sum("amount", filter=Q(status=DealStatus.WON, closed_on__gte=year_ago)),
        pipeline=Sum("amount", filter=Q(status=DealStatus.OPEN)),
        open=Count("id", filter=Q(status=DealStatus.OPEN)),
        won_n=Count("id", filter=Q(status=DealStatus.WON)),
        lost_n=Count("id", filter=Q(status=DealStatus.LOST)),
    )
    decided = totals["won_n"] + totals["lost_n"]
    totals["win_rate"] = round(100 * totals["won_n"] / decided) if decided else None
    return totals


def home_cards(user: Any) -> list[Any]:
    """The start page: your accounts and the key accounts nobody would cover tomorrow."""
    from kamkit.core.home import HomeCard

    accounts = accounts_for(user)
    uncovered = uncovered_accounts(user).count()  # a count, not the report's rows
    return [
        HomeCard(
            "Accounts",
            accounts.count(),
            "Open the accounts",
            "accounts:list",
            note=f"{accounts.filter(is_key_account=True).count()} key accounts",
        ),
        HomeCard(
            "Key accounts without cover",
            uncovered,
            "See the coverage report",
            "accounts:coverage",
            note="no backup, or owner away",
        ),
    ]
