"""Account reviews: a dated record of who met, what changed, what was decided and revised."""

from __future__ import annotations

import datetime as dt

from kamkit.accounts.models import Contact
from kamkit.core.errors import ServiceError
from kamkit.plans import clock
from kamkit.plans.models import AccountPlan, AccountReview
from kamkit.plans.services.common import require_open, set_links
from kamkit.users.models import User

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
    """A review that took place: who was there, what changed, what was decided and revised.
    A closed plan (ended or superseded) is history: review the active one instead."""
    require_open(plan)
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Give the date of the review."]
    elif held_on > clock.today():
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
        set_links(review, "our_attendees", our_attendees)
    if customer_attendees:
        set_links(review, "customer_attendees", customer_attendees)
    return review
