"""Every write to account plans, their execution and qualification. Callers own the transaction.

Rules that hold for the pages, the API, the command line and the demo alike live here once:
SMART objectives, occurrences kept in step with their action, closed plans read-only, one
active version per account and period, and a reason for every go/no-go.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet, TextChoices
from django.utils import timezone
from django.utils.text import slugify

from kamkit.accounts.choices import STAGE_STATUS, DealStage, DealStatus
from kamkit.accounts.models import Account, Contact, Deal, Product
from kamkit.core import audit
from kamkit.core.choices import AuditAction
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.plans import queries, recurrence, smart
from kamkit.plans.choices import (
    PLAN_TRANSITIONS,
    Cadence,
    Decision,
    MetricKind,
    OccurrenceStatus,
    PlanStatus,
    TeamSide,
)
from kamkit.plans.models import (
    AccountPlan,
    AccountReview,
    ActionOccurrence,
    CalendarFeed,
    DigestReceipt,
    Objective,
    PlanAction,
    PlanMember,
    PlanSection,
    PlanTemplate,
    QualificationQuestion,
    QuestionSet,
    Scorecard,
    ScorecardAnswer,
)
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


def _set_links(obj: Any, name: str, items: list[Any]) -> None:
    """Set a many-to-many field and record the change (m2m changes send no save signal)."""
    manager = getattr(obj, name)
    before = sorted(str(x) for x in manager.all())
    manager.set(items)
    after = sorted(str(x) for x in items)
    if before != after:
        audit.record(obj, AuditAction.UPDATE, {name: [before, after]})


def _refuse(detail: str, **errors: str) -> ServiceError:
    return ServiceError(detail, errors={name: [message] for name, message in errors.items()})


def _today() -> dt.date:
    return timezone.localdate()


def _require_open(plan: AccountPlan) -> None:
    if plan.status == PlanStatus.CLOSED:
        raise ConflictError(
            f"{plan} is closed and cannot change; start a new version or next period's plan.",
            errors={"status": ["Closed plans are kept as they were."]},
        )


def _check_choice(value: str, choices: type[TextChoices], name: str) -> None:
    if value not in choices.values:
        raise _refuse(f"{value!r} is not allowed.", **{name: f"Use one of: {', '.join(choices.values)}."})


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
        situation=queries.situation_from_profile(account),
    )
    sections = [(s.key, s.title, s.prompt) for s in template.sections.all()] if template else DEFAULT_SECTIONS
    for order, (key, title, prompt) in enumerate(sections):
        PlanSection.objects.create(plan=plan, key=key, title=title, prompt=prompt, order=order)
    return plan


def update_plan(
    *, plan: AccountPlan, period: str, starts_on: dt.date | None, ends_on: dt.date | None, situation: str
) -> AccountPlan:
    """Change the period or the situation; actions' future occurrences follow new dates."""
    _require_open(plan)
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
    _require_open(plan)
    plan.situation = queries.situation_from_profile(plan.account)
    plan.save()
    return plan


def save_section(*, plan: AccountPlan, key: str, text: str) -> PlanSection:
    _require_open(plan)
    section = plan.sections.filter(key=key).first()
    if section is None:
        raise _refuse("The plan has no such section.", key=f"No section {key!r} in {plan}.")
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
    _check_choice(status, PlanStatus, "status")
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
            _set_links(copy, "deals", deals)
        for action in objective.actions.all():
            new_action = PlanAction.objects.create(
                objective=copy,
                title=action.title,
                description=action.description,
                owner_id=action.owner_id,
                cadence=action.cadence,
                first_due_on=shift(action.first_due_on),
                repeat_until=shift(action.repeat_until) if action.repeat_until else None,
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
        situation=queries.situation_from_profile(plan.account),
        template=plan.template,
        based_on=plan,
        created_by=created_by,
    )
    _copy_into(
        plan, new, shift=lambda day: recurrence.shift_date(day, old_start, starts_on), next_period=True
    )
    return new


# Team ------------------------------------------------------------------------------------------------


def add_member(
    *,
    plan: AccountPlan,
    side: str,
    role: str,
    user: User | None = None,
    contact: Contact | None = None,
    responsibilities: str = "",
) -> PlanMember:
    _require_open(plan)
    errors: dict[str, list[str]] = {}
    if side not in TeamSide.values:
        errors["side"] = [f"Use one of: {', '.join(TeamSide.values)}."]
    elif side == TeamSide.OURS:
        if user is None:
            errors["user"] = ["Pick the colleague on our side."]
        if contact is not None:
            errors["contact"] = ["A customer contact belongs on the customer's side."]
    else:
        if contact is None:
            errors["contact"] = ["Pick the person at the customer."]
        elif contact.account_id != plan.account_id:
            errors["contact"] = [f"{contact} does not work at {plan.account}."]
        if user is not None:
            errors["user"] = ["Our colleagues belong on our side."]
    if not role.strip():
        errors["role"] = ["Say what their role in the plan is."]
    if errors:
        raise ServiceError("The team member was not added.", errors=errors)
    duplicate = plan.members.filter(user=user) if user else plan.members.filter(contact=contact)
    if duplicate.exists():
        raise ConflictError(
            "Already on the team.", errors={"user" if user else "contact": [f"{user or contact} is on it."]}
        )
    return PlanMember.objects.create(
        plan=plan,
        side=side,
        user=user,
        contact=contact,
        role=role.strip(),
        responsibilities=responsibilities.strip(),
    )


def remove_member(*, member: PlanMember) -> None:
    _require_open(member.plan)
    member.delete()


# Objectives ------------------------------------------------------------------------------------------


@dataclass
class ObjectiveInput:
    title: str
    owner: User | None = None
    metric_kind: str = MetricKind.OTHER
    metric: str = ""
    unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    current: Decimal | None = None
    current_on: dt.date | None = None
    due_on: dt.date | None = None
    description: str = ""
    confirmed_realistic: bool = False
    deals: list[Deal] | None = None  # None: leave the links as they are


def realism_factor() -> Decimal:
    return Decimal(str(settings.KAMKIT_PLAN_REALISM_FACTOR))


def _facts(plan: AccountPlan, data: ObjectiveInput) -> smart.ObjectiveFacts:
    """The objective as the SMART check sees it, with the account's won revenue looked up when needed."""
    won = (
        queries.won_last_12_months(plan.account)
        if data.metric_kind == MetricKind.REVENUE and data.target is not None
        else None
    )
    return smart.ObjectiveFacts(
        has_owner=data.owner is not None,
        metric=data.metric,
        metric_kind=data.metric_kind,
        baseline=data.baseline,
        target=data.target,
        due_on=data.due_on,
        period_start=plan.starts_on,
        period_end=plan.ends_on,
        won_last_12_months=won,
        realism_factor=realism_factor(),
        confirmed_realistic=data.confirmed_realistic,
    )


def _objective_errors(
    plan: AccountPlan, data: ObjectiveInput, facts: smart.ObjectiveFacts
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = ["Say in a few words what the objective is."]
    if data.metric_kind not in MetricKind.values:
        errors["metric_kind"] = [f"Use one of: {', '.join(MetricKind.values)}."]
    if data.owner is not None and not data.owner.is_active:
        errors["owner"] = [f"{data.owner} is no longer active."]
    strangers = [str(d) for d in data.deals or [] if d.account_id != plan.account_id]
    if strangers:
        errors["deals"] = [f"Not opportunities of {plan.account}: {', '.join(strangers)}."]
    for name, messages in smart.errors_by_field(smart.check_smart(facts)).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def _apply_objective(objective: Objective, data: ObjectiveInput, facts: smart.ObjectiveFacts) -> None:
    objective.title = data.title.strip()
    objective.description = data.description.strip()
    objective.owner = data.owner
    objective.metric_kind = data.metric_kind
    objective.metric = data.metric.strip()
    objective.unit = data.unit.strip()
    objective.baseline, objective.target = data.baseline, data.target
    if data.current != objective.current:
        objective.current_on = data.current_on or (_today() if data.current is not None else None)
    elif data.current_on is not None:
        objective.current_on = data.current_on
    objective.current = data.current
    objective.due_on = data.due_on
    # only a target that needed confirming keeps the confirmation on record
    objective.confirmed_realistic = data.confirmed_realistic and bool(smart.realism_warning(facts))


def create_objective(*, plan: AccountPlan, data: ObjectiveInput) -> Objective:
    """A SMART objective; each missing element is refused by name, and a revenue target far above
    the account's history needs ``confirmed_realistic``."""
    _require_open(plan)
    facts = _facts(plan, data)
    errors = _objective_errors(plan, data, facts)
    if errors:
        raise ServiceError("The objective is not SMART yet.", errors=errors)
    objective = Objective(plan=plan, order=plan.objectives.count())
    _apply_objective(objective, data, facts)
    objective.save()
    if data.deals:
        _set_links(objective, "deals", data.deals)
    return objective


def update_objective(*, objective: Objective, data: ObjectiveInput) -> Objective:
    plan = objective.plan
    _require_open(plan)
    facts = _facts(plan, data)
    errors = _objective_errors(plan, data, facts)
    if errors:
        raise ServiceError("The objective is not SMART yet.", errors=errors)
    _apply_objective(objective, data, facts)
    objective.save()
    if data.deals is not None:
        _set_links(objective, "deals", data.deals)
    return objective


def record_progress(
    *, objective: Objective, current: Decimal, measured_on: dt.date | None = None
) -> Objective:
    """The metric's latest value (what the on track / at risk / off track call is made from)."""
    _require_open(objective.plan)
    objective.current = current
    objective.current_on = measured_on or _today()
    objective.save()
    return objective


def _refuse_if_marked(occurrences: QuerySet[ActionOccurrence], what: str) -> None:
    marked = occurrences.exclude(status=OccurrenceStatus.PENDING).count()
    if marked:
        raise ConflictError(
            f"{what} has {marked} marked occurrence{'s' if marked != 1 else ''}, part of the plan's history.",
            errors={"": ["End its actions instead (set 'repeat until'), or start a new version."]},
        )


def delete_objective(*, objective: Objective) -> None:
    _require_open(objective.plan)
    _refuse_if_marked(ActionOccurrence.objects.filter(action__objective=objective), str(objective))
    objective.delete()


def link_deal(*, objective: Objective, deal: Deal) -> None:
    _require_open(objective.plan)
    if deal.account_id != objective.plan.account_id:
        raise _refuse(
            "That opportunity is at another account.", deal=f"{deal} is not at {objective.plan.account}."
        )
    _set_links(objective, "deals", [*objective.deals.all(), deal])


def create_opportunity(
    *,
    plan: AccountPlan,
    name: str,
    amount: Decimal | None = None,
    stage: str = DealStage.PROSPECTING,
    expected_close_on: dt.date | None = None,
    product: Product | None = None,
    owner: User | None = None,
    objective: Objective | None = None,
) -> Deal:
    """An opportunity in the plan's account (an open deal), linked to an objective when given."""
    _require_open(plan)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Say what the opportunity is."]
    if stage not in DealStage.values or STAGE_STATUS[DealStage(stage)] != DealStatus.OPEN:
        open_stages = [s for s in DealStage.values if STAGE_STATUS[DealStage(s)] == DealStatus.OPEN]
        errors["stage"] = [f"An opportunity is open: use one of {', '.join(open_stages)}."]
    if amount is not None and amount < 0:
        errors["amount"] = ["Cannot be negative."]
    if objective is not None and objective.plan_id != plan.pk:
        errors["objective"] = ["That objective belongs to another plan."]
    if errors:
        raise ServiceError("The opportunity was not added.", errors=errors)
    deal = Deal.objects.create(
        account=plan.account,
        name=name.strip(),
        amount=amount,
        stage=stage,
        status=DealStatus.OPEN,
        expected_close_on=expected_close_on,
        product=product,
        owner=owner or plan.account.owner,
        engaged_on=_today(),
    )
    if objective is not None:
        link_deal(objective=objective, deal=deal)
    return deal


# Actions and their occurrences -----------------------------------------------------------------------


@dataclass
class ActionInput:
    title: str
    owner: User | None
    first_due_on: dt.date | None
    cadence: str = Cadence.ONCE
    repeat_until: dt.date | None = None
    description: str = ""


def _action_errors(plan: AccountPlan, data: ActionInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = ["Say what will be done."]
    if data.owner is None:
        errors["owner"] = ["Name who does it."]
    elif not data.owner.is_active:
        errors["owner"] = [f"{data.owner} is no longer active."]
    if data.cadence not in Cadence.values:
        errors["cadence"] = [f"Use one of: {', '.join(Cadence.values)}."]
    period = f"{plan.starts_on:%d %b %Y} to {plan.ends_on:%d %b %Y}"
    if data.first_due_on is None:
        errors["first_due_on"] = ["Give the date it is due (the first date, if it repeats)."]
    elif not plan.starts_on <= data.first_due_on <= plan.ends_on:
        errors["first_due_on"] = [f"{data.first_due_on:%d %b %Y} is outside the plan period ({period})."]
    if data.repeat_until is not None:
        if data.cadence == Cadence.ONCE:
            errors["repeat_until"] = ["An action done once does not repeat; leave this empty."]
        elif data.first_due_on is not None and data.repeat_until < data.first_due_on:
            errors["repeat_until"] = ["It cannot stop repeating before it first falls due."]
        elif data.repeat_until > plan.ends_on:
            errors["repeat_until"] = [f"The plan ends on {plan.ends_on:%d %b %Y}."]
    return errors


def _apply_action(action: PlanAction, data: ActionInput) -> None:
    action.title = data.title.strip()
    action.description = data.description.strip()
    action.owner = data.owner
    action.cadence = data.cadence
    assert data.first_due_on is not None
    action.first_due_on = data.first_due_on
    action.repeat_until = data.repeat_until


def create_action(*, objective: Objective, data: ActionInput) -> PlanAction:
    """An action with its dated occurrences for the plan period."""
    plan = objective.plan
    _require_open(plan)
    errors = _action_errors(plan, data)
    if errors:
        raise ServiceError("The action was not saved.", errors=errors)
    action = PlanAction(objective=objective)
    _apply_action(action, data)
    action.save()
    regenerate_occurrences(action=action, from_day=action.first_due_on)
    return action


def update_action(*, action: PlanAction, data: ActionInput) -> PlanAction:
    """Change an action; its future unmarked occurrences follow, marked ones never change."""
    plan = action.objective.plan
    _require_open(plan)
    errors = _action_errors(plan, data)
    if errors:
        raise ServiceError("The action was not saved.", errors=errors)
    _apply_action(action, data)
    action.save()
    regenerate_occurrences(action=action)
    return action


def delete_action(*, action: PlanAction) -> None:
    _require_open(action.objective.plan)
    _refuse_if_marked(action.occurrences.all(), str(action))
    action.delete()


@dataclass
class Regenerated:
    added: int = 0
    removed: int = 0
    dates: list[dt.date] = field(default_factory=list)


def regenerate_occurrences(*, action: PlanAction, from_day: dt.date | None = None) -> Regenerated:
    """Make the unmarked occurrences from ``from_day`` (default: today) match the action's cadence
    and dates. Marked occurrences are never touched, nor unmarked ones in the past (they were due).

    Occurrences are written in bulk; one audit entry on the action says how many came and went.
    """
    plan = action.objective.plan
    start = from_day or _today()
    until = min(action.repeat_until or plan.ends_on, plan.ends_on)
    wanted = {
        day
        for day in recurrence.occurrence_dates(action.cadence, action.first_due_on, until)
        if day >= start and day >= plan.starts_on
    }
    existing = {o.due_on: o for o in action.occurrences.all()}
    stale = [
        o.pk
        for day, o in existing.items()
        if day >= start and o.status == OccurrenceStatus.PENDING and day not in wanted
    ]
    new = sorted(day for day in wanted if day not in existing)
    if stale:
        ActionOccurrence.objects.filter(pk__in=stale)._raw_delete(ActionOccurrence.objects.db)
    ActionOccurrence.objects.bulk_create([ActionOccurrence(action=action, due_on=day) for day in new])
    if stale or new:
        audit.record(
            action,
            AuditAction.UPDATE,
            {"occurrences": [len(existing), len(existing) - len(stale) + len(new)]},
        )
    return Regenerated(added=len(new), removed=len(stale), dates=new)


MARKS = (OccurrenceStatus.DONE, OccurrenceStatus.SKIPPED, OccurrenceStatus.MISSED, OccurrenceStatus.PENDING)


def mark_occurrence(
    *,
    occurrence: ActionOccurrence,
    status: str,
    note: str = "",
    worth: int | None = None,
    marked_by: User | None = None,
) -> ActionOccurrence:
    """Record what happened: done, skipped or missed, with a note and its worth to the plan (1-5).
    Marking it 'pending' again clears the mark."""
    _require_open(occurrence.action.objective.plan)
    errors: dict[str, list[str]] = {}
    if status not in MARKS:
        errors["status"] = [f"Use one of: {', '.join(MARKS)}."]
    if worth is not None and not 1 <= worth <= 5:
        errors["worth"] = ["From 1 (little) to 5 (a lot)."]
    if status == OccurrenceStatus.MISSED and occurrence.due_on > _today():
        errors["status"] = ["It is not due yet, so it cannot be missed; skip it if it will not happen."]
    if status == OccurrenceStatus.PENDING and (note.strip() or worth is not None):
        errors["status"] = ["Clearing the mark clears the note and worth too."]
    if errors:
        raise ServiceError("The occurrence was not marked.", errors=errors)
    occurrence.status = status
    occurrence.note = note.strip()
    occurrence.worth = worth
    cleared = status == OccurrenceStatus.PENDING
    occurrence.marked_at = None if cleared else timezone.now()
    occurrence.marked_by = None if cleared else marked_by
    occurrence.save()
    return occurrence


# Reviews ---------------------------------------------------------------------------------------------


def record_review(
    *,
    plan: AccountPlan,
    held_on: dt.date | None,
    what_changed: str = "",
    decisions: str = "",
    revisions: str = "",
    our_attendees: list[User] | None = None,
    customer_attendees: list[Contact] | None = None,
    other_attendees: str = "",
    next_review_on: dt.date | None = None,
    recorded_by: User | None = None,
) -> AccountReview:
    """A review that took place: who was there, what changed, what was decided and revised."""
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Give the date of the review."]
    elif held_on > _today():
        errors["held_on"] = ["Record a review once it has taken place."]
    if not (what_changed.strip() or decisions.strip() or revisions.strip()):
        errors["decisions"] = ["Write what changed, what was decided, or what was revised."]
    strangers = [str(c) for c in customer_attendees or [] if c.account_id != plan.account_id]
    if strangers:
        errors["customer_attendees"] = [f"Not at {plan.account}: {', '.join(strangers)}."]
    if next_review_on is not None and held_on is not None and next_review_on <= held_on:
        errors["next_review_on"] = ["The next review comes after this one."]
    if not our_attendees and not customer_attendees and not other_attendees.strip():
        errors["our_attendees"] = ["Say who attended."]
    if errors or held_on is None:
        raise ServiceError("The review was not recorded.", errors=errors)
    review = AccountReview.objects.create(
        plan=plan,
        held_on=held_on,
        what_changed=what_changed.strip(),
        decisions=decisions.strip(),
        revisions=revisions.strip(),
        other_attendees=other_attendees.strip(),
        next_review_on=next_review_on,
        recorded_by=recorded_by,
    )
    if our_attendees:
        _set_links(review, "our_attendees", our_attendees)
    if customer_attendees:
        _set_links(review, "customer_attendees", customer_attendees)
    return review


# Qualification ---------------------------------------------------------------------------------------


def create_question_set(
    *, name: str, round_names: list[str], description: str = "", slug: str = ""
) -> QuestionSet:
    name = " ".join(name.split())
    rounds = [" ".join(r.split()) for r in round_names if r.strip()]
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the question set a name."]
    if not rounds:
        errors["round_names"] = ["Name at least one round."]
    slug = slugify(slug or name)[:80]
    if name and QuestionSet.objects.filter(slug=slug).exists():
        errors["name"] = [f"A question set {slug!r} exists already."]
    if errors:
        raise ServiceError("The question set was not created.", errors=errors)
    return QuestionSet.objects.create(
        slug=slug, name=name, description=description.strip(), round_names=rounds
    )


def update_question_set(
    *, question_set: QuestionSet, name: str, round_names: list[str], description: str, is_active: bool
) -> QuestionSet:
    rounds = [" ".join(r.split()) for r in round_names if r.strip()]
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Give the question set a name."]
    used = max(question_set.questions.values_list("round", flat=True), default=0)
    if len(rounds) < used:
        errors["round_names"] = [f"Questions are filed under {used} rounds; name each of them."]
    if errors:
        raise ServiceError("The question set was not saved.", errors=errors)
    question_set.name = " ".join(name.split())
    question_set.round_names = rounds
    question_set.description = description.strip()
    question_set.is_active = is_active
    question_set.save()
    return question_set


def _question_errors(question_set: QuestionSet, round_number: int, text: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["Write the question."]
    rounds = len(question_set.round_names or [])
    if not 1 <= round_number <= rounds:
        errors["round"] = [f"{question_set} has rounds 1 to {rounds}."]
    return errors


def add_question(
    *, question_set: QuestionSet, round: int, text: str, guidance: str = ""
) -> QualificationQuestion:
    errors = _question_errors(question_set, round, text)
    if errors:
        raise ServiceError("The question was not added.", errors=errors)
    order = question_set.questions.filter(round=round).count()
    return QualificationQuestion.objects.create(
        question_set=question_set, round=round, text=text.strip(), guidance=guidance.strip(), order=order
    )


def update_question(
    *, question: QualificationQuestion, round: int, text: str, guidance: str = ""
) -> QualificationQuestion:
    errors = _question_errors(question.question_set, round, text)
    if errors:
        raise ServiceError("The question was not saved.", errors=errors)
    question.round, question.text, question.guidance = round, text.strip(), guidance.strip()
    question.save()
    return question


def remove_question(*, question: QualificationQuestion) -> None:
    if question.answers.exists():
        raise ConflictError(
            "Scorecards have answered this question; reword it rather than remove it.",
            errors={"": ["Answered questions are kept."]},
        )
    question.delete()


def start_scorecard(*, deal: Deal, question_set: QuestionSet, created_by: User | None = None) -> Scorecard:
    errors: dict[str, list[str]] = {}
    if deal.status != DealStatus.OPEN:
        errors["deal"] = [f"{deal} is {deal.get_status_display().lower()}; qualify open opportunities."]
    if not question_set.is_active:
        errors["question_set"] = [f"{question_set} is no longer offered."]
    elif not question_set.questions.exists():
        errors["question_set"] = [f"{question_set} has no questions yet."]
    if errors:
        raise ServiceError("The scorecard was not started.", errors=errors)
    return Scorecard.objects.create(deal=deal, question_set=question_set, created_by=created_by)


@dataclass
class AnswerInput:
    question: QualificationQuestion
    answer: str = ""
    score: int | None = None


def save_answers(*, scorecard: Scorecard, answers: list[AnswerInput]) -> Scorecard:
    """Write the answers given (others stay as they were); each score is 1 to 5."""
    errors: dict[str, list[str]] = {}
    for item in answers:
        if item.question.question_set_id != scorecard.question_set_id:
            errors.setdefault("question", []).append(f"{item.question} is from another question set.")
        if item.score is not None and not 1 <= item.score <= 5:
            errors.setdefault(f"score_{item.question.pk}", []).append(
                f"Score from 1 (poor fit) to 5 (strong fit), not {item.score}."
            )
    if errors:
        raise ServiceError("The answers were not saved.", errors=errors)
    stored = {a.question_id: a for a in scorecard.answers.all()}
    for item in answers:
        row = stored.get(item.question.pk) or ScorecardAnswer(scorecard=scorecard, question=item.question)
        row.answer, row.score = item.answer.strip(), item.score
        if row.pk is None and not row.answer and row.score is None:
            continue
        row.save()
    return scorecard


def decide(*, scorecard: Scorecard, decision: str, reason: str, decided_by: User | None = None) -> Scorecard:
    """Go or no-go, always with the reason (a judgement call, not only the total)."""
    errors: dict[str, list[str]] = {}
    if decision not in (Decision.GO, Decision.NO_GO):
        errors["decision"] = ["Decide go or no go."]
    if not reason.strip():
        errors["reason"] = ["Give the reason for the decision."]
    if errors:
        raise ServiceError("The decision was not recorded.", errors=errors)
    scorecard.decision, scorecard.decision_reason = decision, reason.strip()
    scorecard.decided_at, scorecard.decided_by = timezone.now(), decided_by
    scorecard.save()
    return scorecard


# Calendar feed and digest ----------------------------------------------------------------------------


def rotate_calendar_token(*, user: User) -> str:
    """A new secret calendar address for ``user`` (the old one stops working). Returned once."""
    token = CalendarFeed.new_token()
    feed = CalendarFeed.objects.filter(user=user).first() or CalendarFeed(user=user)
    feed.token_hash = CalendarFeed.hash_token(token)
    feed.token_hint = token[:10]
    feed.save()
    return token


def revoke_calendar_token(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def claim_digest(*, user: User, today: dt.date) -> bool:
    """True once per person and day: the right to send today's digest (safe if two workers race)."""
    DigestReceipt.objects.get_or_create(user=user)
    claimed = DigestReceipt.objects.filter(user=user).exclude(last_sent_on=today).update(last_sent_on=today)
    return claimed == 1
