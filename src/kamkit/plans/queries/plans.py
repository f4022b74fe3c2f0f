"""Plans as each user may see them, the facts a plan is written from, and the plan page's lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Lower

from kamkit.accounts import queries as account_queries
from kamkit.accounts.choices import DealStatus
from kamkit.accounts.models import Account, Deal
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.plans import clock
from kamkit.plans.choices import PlanStatus
from kamkit.plans.models import AccountPlan, ActionOccurrence, Objective, PlanAction

PLAN_LIST = ListSpec(
    search_fields=("account__name", "period", "account__owner__full_name"),
    filters=(
        ListFilter("status", "Status", "status", choices=lambda: list(PlanStatus.choices)),
        ListFilter("account", "Account", "account_id", convert=int),
        ListFilter("owner", "Owner", "account__owner_id", convert=int),
        ListFilter("period", "Period", "period__iexact"),
    ),
    sort_fields={
        "account": "account__name",
        "period": "starts_on",
        "version": "version",
        "status": "status",
        "owner": "account__owner__full_name",
        "updated": "updated_at",
    },
    default_sort="account",
)


def plans_for(user: Any) -> QuerySet[AccountPlan]:
    return permissions.visible_to(user, AccountPlan).select_related("account", "account__owner", "template")


def objectives_for(user: Any) -> QuerySet[Objective]:
    return permissions.visible_to(user, Objective).select_related("plan", "plan__account", "owner")


def actions_for(user: Any) -> QuerySet[PlanAction]:
    return permissions.visible_to(user, PlanAction).select_related(
        "objective", "objective__plan", "objective__plan__account", "owner"
    )


def occurrences_for(user: Any) -> QuerySet[ActionOccurrence]:
    return permissions.visible_to(user, ActionOccurrence).select_related(
        "action",
        "action__owner",
        "action__objective",
        "action__objective__plan",
        "action__objective__plan__account",
    )


def deals_for(user: Any) -> QuerySet[Deal]:
    return permissions.visible_to(user, Deal).select_related("account", "product", "owner")


# Facts from the account ------------------------------------------------------------------------------


def won_last_12_months(account: Account, *, on: dt.date | None = None) -> Decimal:
    """The account's won revenue in the 365 days up to ``on`` (today), one SQL sum."""
    since = (on or clock.today()) - dt.timedelta(days=365)
    total = Deal.objects.filter(account=account, status=DealStatus.WON, closed_on__gte=since).aggregate(
        total=Sum("amount")
    )["total"]
    return Decimal(total or 0)


def situation_from_profile(account: Account) -> str:
    """A plan's situation summary written from the account profile and the deal figures."""
    lines = []
    for view in account_queries.profile_of(account):
        section = view.section
        if view.missing or section is None:
            continue
        text = " ".join(section.text.split())
        if section.items:
            parts = [
                f"{part.capitalize()}: {'; '.join(items)}." for part, items in section.items.items() if items
            ]
            text = " ".join([text, *parts]).strip()
        if len(text) > 400:
            text = text[:397].rstrip() + "..."
        stale = " (not reviewed lately)" if view.stale else ""
        lines.append(f"{view.label}{stale}: {text}")
    totals = account_queries.deal_totals(account)
    lines.append(
        f"Won in the last 12 months: {totals['won_12m'] or 0:,.0f}; open pipeline: "
        f"{totals['pipeline'] or 0:,.0f} in {totals['open']} deals."
    )
    return "\n".join(lines)


# Plan pages ------------------------------------------------------------------------------------------


def opportunities_of(plan: AccountPlan) -> QuerySet[Deal]:
    """The account's open deals, each with the objectives of this plan it is linked to."""
    return (
        Deal.objects.filter(account_id=plan.account_id, status=DealStatus.OPEN)
        .select_related("product", "owner")
        .prefetch_related(Prefetch("objectives", queryset=Objective.objects.filter(plan=plan)))
        .annotate(scorecard_count=Count("scorecards"))
        .order_by("expected_close_on", "pk")
    )


def versions_of(plan: AccountPlan) -> QuerySet[AccountPlan]:
    return AccountPlan.objects.filter(account_id=plan.account_id).order_by("-starts_on", "-version")


def action_occurrences(plan: AccountPlan) -> QuerySet[PlanAction]:
    """The plan's actions with their occurrences (for the execution page), in two queries."""
    return (
        PlanAction.objects.filter(objective__plan=plan)
        .select_related("owner", "objective")
        .prefetch_related(
            Prefetch(
                "occurrences",
                queryset=ActionOccurrence.objects.select_related("marked_by").order_by("due_on"),
            )
        )
        .order_by("objective__order", "objective_id", "first_due_on", "pk")
    )


# The account picker ------------------------------------------------------------------------------------

PICKER_LIMIT = 10


def plannable_accounts(user: Any) -> QuerySet[Account]:
    """Key accounts the user may plan for: visible to them and theirs to change."""
    visible = account_queries.accounts_for(user).filter(is_key_account=True)
    return permissions.permitted(user, visible, Action.CHANGE).order_by(Lower("name"), "pk")


def search_accounts(accounts: QuerySet[Account], text: str, *, limit: int = PICKER_LIMIT) -> list[Account]:
    """Accounts whose name (or external id) holds every word typed, names starting with it first."""
    words = text.split()
    if not words:
        return list(accounts[:limit])
    matching = accounts
    for word in words:
        matching = matching.filter(Q(name__icontains=word) | Q(external_id__iexact=word))
    starts = Q(name__istartswith=text.strip())
    return list(
        matching.annotate(starts=Case(When(starts, then=Value(0)), default=Value(1))).order_by(
            "starts", Lower("name"), "pk"
        )[:limit]
    )


@dataclass(frozen=True)
class AccountMatch:
    """What a typed account name or id resolved to: one account, or why not (with candidates)."""

    account: Account | None
    problem: str = ""
    candidates: tuple[Account, ...] = ()


def _named(accounts: Sequence[Account]) -> str:
    return "; ".join(f"{a.name} (id {a.pk})" for a in accounts)


def find_account(user: Any, text: str) -> AccountMatch:
    """The one key account the user may plan for that ``text`` names: its id, its name (any case),
    or the only one whose name holds every word typed. Otherwise says why, naming the candidates."""
    text = " ".join(text.split())
    accounts = plannable_accounts(user)
    if not text:
        return AccountMatch(None, "Type the account's name or id and pick it.")
    if text.lstrip("#").isdigit():
        found = accounts.filter(pk=int(text.lstrip("#"))).first()
        if found is not None:
            return AccountMatch(found)
        return AccountMatch(None, _why_not(user, Q(pk=int(text.lstrip("#"))), f"id {text.lstrip('#')}"))
    exact = accounts.filter(name__iexact=text).first()  # names are unique whatever their case
    if exact is not None:
        return AccountMatch(exact)
    partial = search_accounts(accounts, text, limit=PICKER_LIMIT + 1)
    if len(partial) == 1:
        return AccountMatch(partial[0])
    if partial:
        more = " and more" if len(partial) > PICKER_LIMIT else ""
        return AccountMatch(
            None,
            f"Several accounts match {text!r}: {_named(partial[:PICKER_LIMIT])}{more}. "
            "Type more of the name, or the id.",
            tuple(partial[:PICKER_LIMIT]),
        )
    return AccountMatch(None, _why_not(user, Q(name__iexact=text), repr(text)))


def _why_not(user: Any, condition: Q, what: str) -> str:
    """Why no plannable account matched: unknown to the user, not a key account, or not theirs."""
    seen = account_queries.accounts_for(user).filter(condition).first()
    if seen is None:
        return f"No key account you may plan for matches {what}."
    if not seen.is_key_account:
        return f"{seen.name} is not a key account; plans are for key accounts (mark it as one first)."
    return f"You may not change {seen.name}, so you cannot plan for it; ask its owner or their manager."
