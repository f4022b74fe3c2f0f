"""Positions: opening one (its kit is built at once), changing it, its status, deleting it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import queries
from kamkit.hiring.choices import OPENING_TRANSITIONS, OpeningStatus
from kamkit.hiring.models import InterviewKit, ManagedOpening, Opening
from kamkit.hiring.services.common import NotPermitted, refuse, tidy
from kamkit.hiring.services.kits import build_kit
from kamkit.users.models import Team, User


def _check_opening(
    *,
    title: str,
    benchmark: BenchmarkProfile,
    target_level: int,
    hiring_manager: User | None,
    headcount: int,
    errors: dict[str, list[str]],
) -> None:
    if not title:
        errors["title"] = ["Give the position a title, e.g. Key Account Manager, Retail."]
    if benchmark.framework.status == FrameworkStatus.DRAFT:
        errors["benchmark"] = [
            f"{benchmark} belongs to {benchmark.framework}, a draft; choose a benchmark of a "
            "published framework."
        ]
    if not 1 <= target_level <= 5:
        errors["target_level"] = [f"The target level is 1 to 5, not {target_level}."]
    if hiring_manager is None:
        errors["hiring_manager"] = ["Choose the hiring manager."]
    elif not hiring_manager.is_active:
        errors["hiring_manager"] = [f"{hiring_manager} is no longer active."]
    if headcount < 1:
        errors["headcount"] = ["Hire at least one person."]


def create_opening(
    *,
    title: str,
    benchmark: BenchmarkProfile,
    target_level: int,
    hiring_manager: User,
    created_by: User | None,
    team: Team | None = None,
    description: str = "",
    location: str = "",
    headcount: int = 1,
    opened_on: dt.date | None = None,
) -> Opening:
    """A new position, with its interview kit built from the benchmark's framework. Its hiring manager
    and team need ``created_by``'s rights there, as when a position is handed on (None: the system)."""
    if created_by is not None:
        _check_hands(created_by, hiring_manager, team)
    title = tidy(title)
    errors: dict[str, list[str]] = {}
    _check_opening(
        title=title,
        benchmark=benchmark,
        target_level=target_level,
        hiring_manager=hiring_manager,
        headcount=headcount,
        errors=errors,
    )
    if errors:
        raise ServiceError("The position was not opened.", errors=errors)
    opening = Opening.objects.create(
        title=title,
        benchmark=benchmark,
        target_level=target_level,
        hiring_manager=hiring_manager,
        team=team,
        description=description.strip(),
        location=tidy(location),
        headcount=headcount,
        opened_on=opened_on or timezone.localdate(),
        created_by=created_by,
    )
    build_kit(opening=opening, by=created_by)
    return opening


@dataclass(frozen=True)
class OpeningChanges:
    """What to change; None leaves a field as it is (``clear_team`` removes the team)."""

    title: str | None = None
    benchmark: BenchmarkProfile | None = None
    target_level: int | None = None
    hiring_manager: User | None = None
    team: Team | None = None
    clear_team: bool = False
    description: str | None = None
    location: str | None = None
    headcount: int | None = None


def _check_hands(by: User, hiring_manager: User | None, team: Team | None) -> None:
    """A position's hiring manager and team decide who runs it, so handing it on needs the rights
    there: a manager names themself or someone below them, and a team they lead."""
    if hiring_manager is not None and not permissions.can(
        by, Action.ADD, ManagedOpening(hiring_manager=hiring_manager)
    ):
        raise NotPermitted(
            "You may not hand this position to that hiring manager.",
            hiring_manager=f"You may name yourself or the people below you; {hiring_manager} is neither.",
        )
    if team is not None and not permissions.can(by, Action.ADD, ManagedOpening(team=team)):
        raise NotPermitted(
            "You may not move this position to that team.",
            team=f"You may put positions only under a team you lead; {team} is not one.",
        )


def update_opening(*, opening: Opening, changes: OpeningChanges, by: User | None) -> Opening:
    """Change a position. A new benchmark or level rebuilds the kit while it is untouched and unused;
    once interviewers have started scoring, neither may change (their scorecards would lose meaning).
    A new hiring manager or team needs ``by``'s rights there (None: the system, e.g. the demo)."""
    if by is not None:
        _check_hands(
            by,
            changes.hiring_manager if changes.hiring_manager not in (None, opening.hiring_manager) else None,
            changes.team if changes.team is not None and changes.team.pk != opening.team_id else None,
        )
    title = tidy(changes.title) if changes.title is not None else opening.title
    benchmark = changes.benchmark or opening.benchmark
    target_level = changes.target_level if changes.target_level is not None else opening.target_level
    hiring_manager = changes.hiring_manager or opening.hiring_manager
    headcount = changes.headcount if changes.headcount is not None else opening.headcount
    errors: dict[str, list[str]] = {}
    _check_opening(
        title=title,
        benchmark=benchmark,
        target_level=target_level,
        hiring_manager=hiring_manager,
        headcount=headcount,
        errors=errors,
    )
    if changes.hiring_manager is None and hiring_manager is not None:
        errors.pop("hiring_manager", None)  # an unchanged manager who left is not this change's fault
    reshaped = benchmark.pk != opening.benchmark_id or target_level != opening.target_level
    if reshaped and queries.scoring_started(opening):
        errors["target_level" if benchmark.pk == opening.benchmark_id else "benchmark"] = [
            "Interviewers have started scoring against the current kit; open a new position instead."
        ]
    if errors:
        raise ServiceError("The position was not saved.", errors=errors)
    opening.title, opening.benchmark, opening.target_level = title, benchmark, target_level
    opening.hiring_manager, opening.headcount = hiring_manager, headcount
    if changes.clear_team:
        opening.team = None
    elif changes.team is not None:
        opening.team = changes.team
    if changes.description is not None:
        opening.description = changes.description.strip()
    if changes.location is not None:
        opening.location = tidy(changes.location)
    opening.save()
    kit = InterviewKit.objects.filter(opening=opening).first()
    if reshaped and (kit is None or kit.edited_at is None):
        build_kit(opening=opening, by=by)
    return opening


def set_opening_status(*, opening: Opening, status: str) -> Opening:
    """Put on hold, fill, close or reopen a position (see choices.OPENING_TRANSITIONS)."""
    if status not in OpeningStatus.values:
        raise refuse(
            f"{status!r} is not a status of a position.", status="Choose open, on hold, filled or closed."
        )
    if status == opening.status:
        return opening
    if status not in OPENING_TRANSITIONS[opening.status]:
        raise ConflictError(
            f"A position that is {opening.get_status_display().lower()} cannot become "
            f"{OpeningStatus(status).label.lower()}.",
            errors={"status": [f"From {opening.get_status_display().lower()} it can only be reopened."]},
        )
    opening.status = status
    opening.closed_on = (
        timezone.localdate() if status in (OpeningStatus.FILLED, OpeningStatus.CLOSED) else None
    )
    opening.save()
    return opening


def delete_opening(*, opening: Opening) -> None:
    if opening.applications.exists():
        raise ConflictError(
            "Candidates were considered for this position; close it instead so their records keep it.",
            errors={"applications": [f"{opening.applications.count()} candidates."]},
        )
    opening.delete()
