"""Actions under objectives, their dated occurrences kept in step, and marking what happened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from kamkit.core import audit
from kamkit.core.choices import AuditAction
from kamkit.core.errors import ServiceError
from kamkit.plans import clock, recurrence
from kamkit.plans.choices import Cadence, OccurrenceStatus
from kamkit.plans.models import AccountPlan, ActionOccurrence, Objective, PlanAction
from kamkit.plans.services.common import refuse_if_marked, require_open
from kamkit.users.models import User

# Time planned for one occurrence: at most a working day and a bit, so a typo (600 for 60) is caught.
MAX_PLANNED_MINUTES = 24 * 60


@dataclass
class ActionInput:
    title: str
    owner: User | None
    first_due_on: dt.date | None
    cadence: str = Cadence.ONCE
    repeat_until: dt.date | None = None
    description: str = ""
    planned_minutes: int | None = None  # per occurrence; None: not estimated


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
    if data.planned_minutes is not None and not 0 <= data.planned_minutes <= MAX_PLANNED_MINUTES:
        errors["planned_minutes"] = [
            f"Minutes planned for each occurrence: from 0 to {MAX_PLANNED_MINUTES} (a whole day)."
        ]
    return errors


def _apply_action(action: PlanAction, data: ActionInput) -> None:
    action.title = data.title.strip()
    action.description = data.description.strip()
    action.owner = data.owner
    action.cadence = data.cadence
    assert data.first_due_on is not None
    action.first_due_on = data.first_due_on
    action.repeat_until = data.repeat_until
    action.planned_minutes = data.planned_minutes


def create_action(*, objective: Objective, data: ActionInput) -> PlanAction:
    """An action with its dated occurrences for the plan period."""
    plan = objective.plan
    require_open(plan)
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
    require_open(plan)
    errors = _action_errors(plan, data)
    if errors:
        raise ServiceError("The action was not saved.", errors=errors)
    _apply_action(action, data)
    action.save()
    regenerate_occurrences(action=action)
    return action


def delete_action(*, action: PlanAction) -> None:
    require_open(action.objective.plan)
    refuse_if_marked(action.occurrences.all(), str(action))
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
    start = from_day or clock.today()
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
    require_open(occurrence.action.objective.plan)
    errors: dict[str, list[str]] = {}
    if status not in MARKS:
        errors["status"] = [f"Use one of: {', '.join(MARKS)}."]
    if worth is not None and not 1 <= worth <= 5:
        errors["worth"] = ["From 1 (little) to 5 (a lot)."]
    if status == OccurrenceStatus.MISSED and occurrence.due_on > clock.today():
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
