"""Hiring API: the panel's figures and the decisions."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Status

from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.hiring import queries, services
from kamkit.hiring.api.base import managed_application, router
from kamkit.hiring.models import Application, Decision
from kamkit.hiring.schemas import DecisionCreate, DecisionRead, PanelRead


def _panel_read(request: HttpRequest, application: Application) -> dict[str, Any]:
    summary = queries.panel_summary(request.user, application)
    views = queries.assessment_views(application.candidate, application.opening)
    agreement = summary.agreement
    return {
        "application_id": application.pk,
        "blocked": summary.blocked,
        "interviewers": [column.interviewer for column in summary.columns],
        "pending": [interview.interviewer for interview in summary.pending],
        "competencies": [
            {
                "kit_competency_id": row.competency.pk,
                "name": row.competency.name,
                "ratings": row.ratings,
                "mean": row.spread.mean,
                "minimum": row.spread.minimum,
                "maximum": row.spread.maximum,
                "range": row.spread.range,
                "sd": row.spread.sd,
                "discuss": row.spread.discuss,
                "score": row.spread.percent,
                "band_low": row.band.low if row.band else None,
                "band_high": row.band.high if row.band else None,
                "importance": row.band.importance if row.band else None,
                "fit": row.fit,
            }
            for row in summary.rows
        ],
        "agreement": {
            "method": agreement.method,
            "value": agreement.value,
            "meaning": agreement.meaning,
            "raters": agreement.raters,
            "units": agreement.units,
            "ratings": agreement.ratings,
            "icc_2_1": agreement.icc,
            "icc_meaning": agreement.icc_meaning,
        },
        "overall_fit": summary.fit.overall,
        "gaps": [
            {
                "name": name,
                "distance": gap.distance,
                "direction": gap.direction,
                "importance": gap.band.importance,
            }
            for gap, name in summary.gaps
        ],
        "recommendations": dict(summary.recommendations),
        "assessments": [
            {
                "label": view.label,
                "assessment_id": view.assessment.pk,
                "campaign": str(view.assessment.campaign),
                "withheld": view.result.withheld,
                "overall_fit": view.result.fit.overall,
                "competencies": [
                    {"name": row.name, "score": row.basis.score, "basis": row.basis.group, "fit": row.fit}
                    for row in view.result.competencies
                ],
            }
            for view in views
        ],
    }


@router.get("/hiring/applications/{application_id}/panel", response={200: PanelRead, **ERROR_RESPONSES})
def get_panel(request: HttpRequest, application_id: int) -> Any:
    """For the people running the position: per competency the panel's ratings, mean, range and
    standard deviation, the agreement between interviewers (Krippendorff's alpha, and ICC(2,1) when
    complete), the fit with the benchmark, and the candidate's assessment results."""
    return _panel_read(request, managed_application(request, application_id))


@router.get(
    "/hiring/applications/{application_id}/decisions", response={200: list[DecisionRead], **ERROR_RESPONSES}
)
def list_decisions(request: HttpRequest, application_id: int) -> Any:
    application = managed_application(request, application_id)
    shown = queries.shows_evidence(request.user, application)
    return [_decision_read(d, shown) for d in queries.decisions_for(request.user, application)]


def _decision_read(decision: Decision, shown: bool) -> dict[str, Any]:
    """A decision; its evidence (the panel's figures) only for someone not still scoring on the panel."""
    fields = ["id", "application_id", "outcome", "reason", "decided_by", "decided_at", "stage_before"]
    return {
        **{name: getattr(decision, name) for name in fields},
        "stage_after": decision.stage_after,
        "evidence": decision.evidence if shown else {},
        "evidence_withheld": not shown,
    }


@router.post(
    "/hiring/applications/{application_id}/decisions", response={201: DecisionRead, **ERROR_RESPONSES}
)
def record_decision(request: HttpRequest, application_id: int, payload: DecisionCreate) -> Any:
    """Offer, hire, hold or reject, with the reason; the stage moves accordingly (not on hold)."""
    application = managed_application(request, application_id)
    with transaction.atomic():
        decision = services.record_decision(
            application=application,
            outcome=payload.outcome,
            reason=payload.reason,
            decided_by=request.user,  # type: ignore[arg-type]
        )
    return Status(201, _decision_read(decision, queries.shows_evidence(request.user, application)))
