"""The hiring manager's decision: it moves the stage through the stage service and keeps the
panel's figures as they were when it was taken.
"""

from __future__ import annotations

from kamkit.core.errors import ConflictError, ServiceError
from kamkit.hiring import queries
from kamkit.hiring.choices import FINAL_STAGES, OUTCOME_STAGE, Outcome
from kamkit.hiring.models import Application, Decision
from kamkit.hiring.services.stages import EVIDENCED_STAGES, move_stage, require_evidence
from kamkit.users.models import User


def record_decision(
    *, application: Application, outcome: str, reason: str, decided_by: User | None
) -> Decision:
    """The hiring manager's decision and why. Offer, hire and reject move the stage (through
    ``move_stage``, so the history shows it); hold keeps it. The panel's figures are kept with it."""
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [f"{outcome!r} is not an outcome; choose offer, hire, hold or reject."]
    if not reason:
        errors["reason"] = ["Say why: the decision is kept with its reason."]
    if errors:
        raise ServiceError("The decision was not recorded.", errors=errors)
    if application.stage in FINAL_STAGES:
        raise ConflictError(
            f"{application.candidate} is already {application.get_stage_display().lower()}; reopen the "
            "application to decide again.",
            errors={"outcome": ["The application is in a final stage."]},
        )
    target = OUTCOME_STAGE[outcome]
    if target in EVIDENCED_STAGES:
        # checked here too (move_stage would refuse it), so the refusal names the outcome field
        require_evidence(application, field="outcome", advice="Wait for a submitted scorecard, or hold.")
    stage_before = application.stage
    if target is not None and target != application.stage:
        move_stage(
            application=application,
            to_stage=target,
            changed_by=decided_by,
            note=f"Decision: {Outcome(outcome).label.lower()}. {reason}",
        )
    return Decision.objects.create(
        application=application,
        outcome=outcome,
        reason=reason,
        decided_by=decided_by,
        stage_before=stage_before,
        stage_after=application.stage,
        evidence=queries.panel_snapshot(application),
    )
