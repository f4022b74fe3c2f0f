"""Execution dashboards of a plan and of every plan the caller may see."""

from typing import Any

from django.http import HttpRequest

from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import queries
from kamkit.plans.api.base import plan_or_404, router
from kamkit.plans.schemas import PlanDashboardRead, TeamDashboardRead


def _month(row: queries.MonthRow) -> dict[str, Any]:
    c = row.completion
    return {
        "month": row.month,
        "planned": row.planned,
        "due": c.due,
        "done": c.done,
        "skipped": c.skipped,
        "missed": c.missed,
        "rate": c.rate,
    }


@router.get("/plans/{plan_id}/dashboard", response={200: PlanDashboardRead, **ERROR_RESPONSES})
def plan_dashboard(request: HttpRequest, plan_id: int) -> Any:
    """Completion by month, objectives on track / at risk / off track, and what slipped."""
    board = queries.plan_dashboard(plan_or_404(request, plan_id))
    c = board.completion
    return {
        "plan_id": board.plan.pk,
        "due": c.due,
        "done": c.done,
        "skipped": c.skipped,
        "missed": c.missed,
        "rate": c.rate,
        "mean_worth": board.mean_worth,
        "months": [_month(m) for m in board.months],
        "objectives": [
            {
                "objective_id": r.objective.pk,
                "title": r.objective.title,
                "track": r.track.value,
                "progress": r.progress,
                "elapsed": r.elapsed,
            }
            for r in board.objectives
        ],
        "tracks": board.tracks,
        "slipped": [
            {"day": s.day, "what": s.what, "detail": s.detail, "kind": s.kind} for s in board.slipped
        ],
    }


@router.get("/plan-dashboard", response={200: TeamDashboardRead, **ERROR_RESPONSES})
def team_dashboard(request: HttpRequest, team: int | None = None) -> Any:
    """Every active plan the caller may see (a manager: their people's accounts); ``team`` keeps
    the plans of that team's accounts."""
    board = queries.team_dashboard(request.user, team_id=team)
    return {
        "due": board.completion.due,
        "done": board.completion.done,
        "rate": board.completion.rate,
        "tracks": board.tracks,
        "months": [_month(m) for m in board.months],
        "plans": [
            {
                "plan_id": r.plan.pk,
                "account": str(r.plan.account),
                "owner": str(r.plan.account.owner or ""),
                "period": r.plan.period,
                "due": r.completion.due,
                "done": r.completion.done,
                "rate": r.completion.rate,
                "overdue": r.overdue,
                "tracks": r.tracks,
            }
            for r in board.rows
        ],
    }
