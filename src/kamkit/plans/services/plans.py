"""Plans: periods, versions, status, sections and the situation written from the profile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from kamkit.accounts.choices import DealStatus
from kamkit.accounts.models import Account
from kamkit.core import audit
from kamkit.core.choices import AuditAction
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.plans import recurrence
from kamkit.plans.choices import PLAN_TRANSITIONS, PlanStatus
from kamkit.plans.models import (
    AccountPlan,
    ActionOccurrence,
    Objective,
    PlanAction,
    PlanMember,
    PlanSection,
    PlanTemplate,
)
from kamkit.plans.queries.plans import situation_from_profile
from kamkit.plans.services.actions import regenerate_occurrences
from kamkit.plans.services.common import check_choice, refuse, require_open, set_links
from kamkit.users.models import User

# A plan runs for at most three years: long enough for a multi-year deal, short enough to plan.
MAX_PERIOD_DAYS = 3 * 366

# Sections of a plan started without a template.
DEFAULT_SECTIONS: list[tuple[str, str, str]] = [
    ("goal", "Goal", "Where we want to be with this customer at the end of the period."),
    ("opportunities", "Opportunities", "Where the customer could buy more from us, and why now."),
    ("risks", "Risks", "What could cost us revenue or standing here, and what we do about it."),
    ("next-steps", "Next steps", "The few things that happen next, with names and dates."),
]


# Plans -----------------------------------------------------------------------------------------------


def _period_errors(period: str, starts_on: dt.date | None, ends_on: dt.date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not period.strip():
        errors["period"] = ["Name the period, e.g. FY2027."]
    if starts_on is None:
        errors["starts_on"] = ["Give the first day of the period."]
    if ends_on is None:
        errors["ends_on"] = ["Give the last day of the period."]
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = ["The period cannot end before it starts."]
        elif (ends_on - starts_on).days > MAX_PERIOD_DAYS:
            errors["ends_on"] = ["A plan covers at most three years; split longer ones into periods."]
    return errors


def _plan_clash(account: Account, period: str, exclude: AccountPlan | None = None) -> AccountPlan | None:
    others = AccountPlan.objects.filter(account=account, period__iexact=period)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.order_by("-version").first()


def create_plan(
    *,
    account: Account,
    period: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    template: PlanTemplate | None = None,
    created_by: User | None = None,
) -> AccountPlan:
    """A first draft for a key account and period, its situation written from the account profile."""
    period = " ".join(period.split())
    errors = _period_errors(period, starts_on, ends_on)
    if not account.is_key_account:
        errors["account"] = [f"Plans are for key accounts; mark {account} as a key account first."]
    if template is not None and not template.is_active:
        errors["template"] = [f"{template} is retired; pick another template."]
    if errors:
        raise ServiceError("The plan was not created.", errors=errors)
    clash = _plan_clash(account, period)
    if clash is not None:
        raise ConflictError(
            f"{account} already has a plan for {clash.period}.",
            errors={"period": [f"{clash} exists; start a new version of it instead."]},
        )
    assert starts_on is not None and ends_on is not None
    plan = AccountPlan.objects.create(
        account=account,
        period=period,
        starts_on=starts_on,
        ends_on=ends_on,
        template=template,
        created_by=created_by,
        situation=situation_from_profile(account),
    )
    sections = [(s.key, s.title, s.prompt) for s in template.sections.all()] if template else DEFAULT_SECTIONS
    for order, (key, title, prompt) in enumerate(sections):
        PlanSection.objects.create(plan=plan, key=key, title=title, prompt=prompt, order=order)
    return plan


def update_plan(
    *, plan: AccountPlan, period: str, starts_on: dt.date | None, ends_on: dt.date | None, situation: str
) -> AccountPlan:
    """Change the period or the situation; actions' future occurrences follow new dates."""
    require_open(plan)
    period = " ".join(period.split())
    errors = _period_errors(period, starts_on, ends_on)
    if errors:
        raise ServiceError("The plan was not saved.", errors=errors)
    if period.casefold() != plan.period.casefold():
        clash = _plan_clash(plan.account, period, exclude=plan)
        if clash is not None:
            raise ConflictError(
                f"{plan.account} already has a plan for {period}.", errors={"period": [f"{clash} exists."]}
            )
    assert starts_on is not None and ends_on is not None
    dates_changed = (starts_on, ends_on) != (plan.starts_on, plan.ends_on)
    plan.period, plan.starts_on, plan.ends_on, plan.situation = period, starts_on, ends_on, situation.strip()
    plan.save()
    if dates_changed:
        for action in PlanAction.objects.filter(objective__plan=plan).select_related("objective__plan"):
            regenerate_occurrences(action=action)
    return plan


def refresh_situation(*, plan: AccountPlan) -> AccountPlan:
    """Write the situation again from the account profile as it is now."""
    require_open(plan)
    plan.situation = situation_from_profile(plan.account)
    plan.save()
    return plan


def save_section(*, plan: AccountPlan, key: str, text: str) -> PlanSection:
    require_open(plan)
    section = plan.sections.filter(key=key).first()
    if section is None:
        raise refuse("The plan has no such section.", key=f"No section {key!r} in {plan}.")
    section.text = text.strip()
    section.save()
    return section


def delete_plan(*, plan: AccountPlan) -> None:
    """Only drafts go; a plan that was agreed or run is history and is closed instead."""
    if plan.status != PlanStatus.DRAFT:
        raise ConflictError(
            f"{plan} is {plan.get_status_display().lower()}; only drafts can be deleted.",
            errors={"status": ["Close it instead."]},
        )
    plan.delete()


def set_plan_status(*, plan: AccountPlan, status: str) -> list[AccountPlan]:
    """Move the plan on (draft, agreed, active, closed). Activating it closes the version that was
    active for the same account and period; the plans closed that way are returned."""
    check_choice(status, PlanStatus, "status")
    if status == plan.status:
        return []
    if status not in PLAN_TRANSITIONS[plan.status]:
        raise ConflictError(
            f"A {plan.get_status_display().lower()} plan cannot become {PlanStatus(status).label.lower()}.",
            errors={
                "status": [
                    f"From {plan.status}: {', '.join(sorted(PLAN_TRANSITIONS[plan.status])) or 'none'}."
                ]
            },
        )
    now = timezone.now()
    closed: list[AccountPlan] = []
    if status == PlanStatus.ACTIVE:
        for other in AccountPlan.objects.filter(
            account_id=plan.account_id, period__iexact=plan.period, status=PlanStatus.ACTIVE
        ).exclude(pk=plan.pk):
            other.status, other.closed_at = PlanStatus.CLOSED, now
            other.save()
            closed.append(other)
        plan.activated_at = now
    elif status == PlanStatus.AGREED:
        plan.agreed_at = now
    elif status == PlanStatus.CLOSED:
        plan.closed_at = now
    plan.status = status
    plan.save()
    return closed


def _copy_into(
    source: AccountPlan, target: AccountPlan, *, shift: Callable[[dt.date], dt.date], next_period: bool
) -> None:
    """Sections, team, objectives, their deals and actions. A new version of the same period keeps
    the occurrences and their marks (execution goes on); the next period's are generated afresh."""
    for section in source.sections.all():
        PlanSection.objects.create(
            plan=target,
            key=section.key,
            title=section.title,
            prompt=section.prompt,
            text=section.text,
            order=section.order,
        )
    for member in source.members.all():
        PlanMember.objects.create(
            plan=target,
            side=member.side,
            user_id=member.user_id,
            contact_id=member.contact_id,
            role=member.role,
            responsibilities=member.responsibilities,
        )
    for objective in source.objectives.prefetch_related("actions", "actions__occurrences", "deals"):
        # carried into the next period, last period's measured value is where the new one starts
        baseline = objective.baseline
        if next_period and objective.current is not None:
            baseline = objective.current
        copy = Objective.objects.create(
            plan=target,
            title=objective.title,
            description=objective.description,
            owner_id=objective.owner_id,
            metric_kind=objective.metric_kind,
            metric=objective.metric,
            unit=objective.unit,
            baseline=baseline,
            target=objective.target,
            current=None if next_period else objective.current,
            current_on=None if next_period else objective.current_on,
            due_on=shift(objective.due_on) if objective.due_on else None,
            confirmed_realistic=False if next_period else objective.confirmed_realistic,
            order=objective.order,
        )
        deals = [d for d in objective.deals.all() if not next_period or d.status == DealStatus.OPEN]
        if deals:
            set_links(copy, "deals", deals)
        for action in objective.actions.all():
            new_action = PlanAction.objects.create(
                objective=copy,
                title=action.title,
                description=action.description,
                owner_id=action.owner_id,
                cadence=action.cadence,
                first_due_on=shift(action.first_due_on),
                repeat_until=shift(action.repeat_until) if action.repeat_until else None,
                planned_minutes=action.planned_minutes,
            )
            if next_period:
                regenerate_occurrences(action=new_action, from_day=new_action.first_due_on)
            else:
                copied = ActionOccurrence.objects.bulk_create(
                    [
                        ActionOccurrence(
                            action=new_action,
                            due_on=o.due_on,
                            status=o.status,
                            note=o.note,
                            worth=o.worth,
                            marked_at=o.marked_at,
                            marked_by_id=o.marked_by_id,
                        )
                        for o in action.occurrences.all()
                    ]
                )
                audit.record(new_action, AuditAction.UPDATE, {"occurrences": [0, len(copied)]})


def start_new_version(*, plan: AccountPlan, created_by: User | None = None) -> AccountPlan:
    """A draft copy of ``plan`` as the next version for the same period (one open draft at a time)."""
    draft = AccountPlan.objects.filter(
        account_id=plan.account_id, period__iexact=plan.period, status=PlanStatus.DRAFT
    ).first()
    if draft is not None:
        raise ConflictError(
            f"{draft} is already a draft; change that one or delete it first.",
            errors={"version": ["One open draft per account and period."]},
        )
    latest = (
        AccountPlan.objects.filter(account_id=plan.account_id, period__iexact=plan.period)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    copy = AccountPlan.objects.create(
        account=plan.account,
        period=plan.period,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        version=(latest or plan.version) + 1,
        situation=plan.situation,
        template=plan.template,
        based_on=plan,
        created_by=created_by,
    )
    _copy_into(plan, copy, shift=lambda day: day, next_period=False)
    return copy


def start_next_period(
    *,
    plan: AccountPlan,
    period: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    created_by: User | None = None,
) -> AccountPlan:
    """Next period's first draft from this plan: objectives and actions with their dates moved on by
    the distance between the two periods' starts, baselines set to where the objectives ended."""
    period = " ".join(period.split())
    errors = _period_errors(period, starts_on, ends_on)
    if not errors and starts_on is not None and starts_on <= plan.starts_on:
        errors["starts_on"] = [f"The next period starts after this one ({plan.starts_on:%d %b %Y})."]
    if errors:
        raise ServiceError("The next period's plan was not created.", errors=errors)
    clash = _plan_clash(plan.account, period)
    if clash is not None:
        raise ConflictError(
            f"{plan.account} already has a plan for {period}.", errors={"period": [f"{clash} exists."]}
        )
    assert starts_on is not None and ends_on is not None
    old_start = plan.starts_on
    new = AccountPlan.objects.create(
        account=plan.account,
        period=period,
        starts_on=starts_on,
        ends_on=ends_on,
        situation=situation_from_profile(plan.account),
        template=plan.template,
        based_on=plan,
        created_by=created_by,
    )
    _copy_into(
        plan, new, shift=lambda day: recurrence.shift_date(day, old_start, starts_on), next_period=True
    )
    return new
