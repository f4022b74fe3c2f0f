"""Account reviews of a plan."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Status

from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import services
from kamkit.plans.api.base import acting, changeable_plan, plan_or_404, router
from kamkit.plans.schemas import AccountReviewCreate, AccountReviewRead
from kamkit.users.models import User

# Reviews and opportunities ---------------------------------------------------------------------------


@router.get("/plans/{plan_id}/reviews", response={200: list[AccountReviewRead], **ERROR_RESPONSES})
def list_reviews(request: HttpRequest, plan_id: int) -> Any:
    return plan_or_404(request, plan_id).reviews.prefetch_related("our_attendees", "customer_attendees")


@router.post("/plans/{plan_id}/reviews", response={201: AccountReviewRead, **ERROR_RESPONSES})
def record_review(request: HttpRequest, plan_id: int, payload: AccountReviewCreate) -> Any:
    plan = changeable_plan(request, plan_id)
    ours = list(User.objects.filter(pk__in=payload.our_attendee_ids))
    if len(ours) != len(set(payload.our_attendee_ids)):
        raise ServiceError(
            "Unknown person.", errors={"our_attendee_ids": ["Some ids are not people of ours."]}
        )
    theirs = list(plan.account.contacts.filter(pk__in=payload.customer_attendee_ids))
    if len(theirs) != len(set(payload.customer_attendee_ids)):
        raise ServiceError(
            "Unknown contact.", errors={"customer_attendee_ids": [f"Not all of them are at {plan.account}."]}
        )
    with transaction.atomic():
        review = services.record_review(
            plan=plan,
            held_on=payload.held_on,
            what_changed=payload.what_changed,
            decisions=payload.decisions,
            revisions=payload.revisions,
            our_attendees=ours,
            customer_attendees=theirs,
            other_attendees=payload.other_attendees,
            next_review_on=payload.next_review_on,
            recorded_by=acting(request),
        )
    return Status(201, review)
