"""The plan's team on both sides: our colleagues and the customer's contacts, with roles."""

from __future__ import annotations

from kamkit.accounts.models import Contact
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.plans.choices import TeamSide
from kamkit.plans.models import AccountPlan, PlanMember
from kamkit.plans.services.common import require_open
from kamkit.users.models import User

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
    require_open(plan)
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
    require_open(member.plan)
    member.delete()
