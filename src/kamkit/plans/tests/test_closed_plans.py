"""A closed plan (closed at its end, or superseded when a newer version was activated) is history:
every write to it is refused with the one closed-plan rule, reviews included, and nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kamkit.accounts import services as account_services
from kamkit.core.errors import ConflictError
from kamkit.plans import services
from kamkit.plans.choices import OccurrenceStatus, PlanStatus, TeamSide
from kamkit.plans.models import AccountPlan, AccountReview
from kamkit.plans.tests.fixtures import Plans
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


def _superseded(plans: Plans) -> AccountPlan:
    """The alpha plan after a new version of it was activated (which closes it)."""
    newer = services.start_new_version(plan=plans.alpha)
    assert services.set_plan_status(plan=newer, status=PlanStatus.ACTIVE) == [plans.alpha]
    plans.alpha.refresh_from_db()
    assert plans.alpha.status == PlanStatus.CLOSED
    return plans.alpha


def test_a_review_is_refused_on_a_closed_plan(org: Org, plans: Plans) -> None:
    # given the alpha plan, closed at its end
    services.set_plan_status(plan=plans.alpha, status=PlanStatus.CLOSED)
    # when a review is recorded on it, then it is refused as a conflict and nothing is written
    with pytest.raises(ConflictError, match="closed") as refused:
        services.record_review(
            plan=plans.alpha, held_on=timezone.localdate(), decisions="Keep going", our_attendees=[org.kam_a]
        )
    assert refused.value.errors == {"status": ["Closed plans are kept as they were."]}
    assert not AccountReview.objects.exists()


def test_a_review_is_refused_on_a_superseded_plan_and_taken_on_the_active_one(org: Org, plans: Plans) -> None:
    old = _superseded(plans)
    with pytest.raises(ConflictError, match="closed"):
        services.record_review(plan=old, held_on=timezone.localdate(), decisions="x", other_attendees="x")
    active = AccountPlan.objects.get(account=old.account, status=PlanStatus.ACTIVE)
    review = services.record_review(
        plan=active, held_on=timezone.localdate(), decisions="x", other_attendees="x"
    )
    assert list(AccountReview.objects.all()) == [review]


def _writes(org: Org, plans: Plans) -> dict[str, Callable[[], Any]]:
    """Every write to a plan and what hangs from it, made ready while the plan is still open."""
    plan, objective, action = plans.alpha, plans.alpha_objective, plans.alpha_action
    contact = account_services.create_contact(
        account=plan.account, data=account_services.ContactInput(last_name="Sponsor")
    )
    member = services.add_member(plan=plan, side=TeamSide.CUSTOMER, role="Sponsor", contact=contact)
    deal = services.create_opportunity(plan=plan, name="Upgrade")
    occurrence = action.occurrences.order_by("due_on").first()
    assert occurrence is not None
    today = timezone.localdate()
    objective_data = services.ObjectiveInput(
        title="Renamed",
        owner=org.kam_a,
        metric_kind="volume",
        metric="Divisions buying",
        unit="divisions",
        baseline=Decimal(2),
        target=Decimal(4),
        due_on=plan.ends_on,
    )
    action_data = services.ActionInput(title="Visit", owner=org.kam_a, first_due_on=today)
    opportunity = services.OpportunityInput(name="Bigger upgrade")
    return {
        "update plan": lambda: services.update_plan(
            plan=plan, period="Other", starts_on=plan.starts_on, ends_on=plan.ends_on, situation="x"
        ),
        "refresh situation": lambda: services.refresh_situation(plan=plan),
        "save section": lambda: services.save_section(plan=plan, key="goal", text="Taken over"),
        "create objective": lambda: services.create_objective(plan=plan, data=objective_data),
        "update objective": lambda: services.update_objective(objective=objective, data=objective_data),
        "record progress": lambda: services.record_progress(objective=objective, current=Decimal(3)),
        "link deal": lambda: services.link_deal(objective=objective, deal=deal),
        "delete objective": lambda: services.delete_objective(objective=objective),
        "create action": lambda: services.create_action(objective=objective, data=action_data),
        "update action": lambda: services.update_action(action=action, data=action_data),
        "delete action": lambda: services.delete_action(action=action),
        "mark occurrence": lambda: services.mark_occurrence(
            occurrence=occurrence, status=OccurrenceStatus.DONE
        ),
        "add member": lambda: services.add_member(plan=plan, side=TeamSide.OURS, role="Lead", user=org.kam_b),
        "remove member": lambda: services.remove_member(member=member),
        "add opportunity": lambda: services.add_opportunity(plan=plan, data=opportunity),
        "update opportunity": lambda: services.update_opportunity(plan=plan, deal=deal, data=opportunity),
        "record review": lambda: services.record_review(
            plan=plan, held_on=today - dt.timedelta(days=1), decisions="x", other_attendees="x"
        ),
    }


WRITES = [
    "update plan",
    "refresh situation",
    "save section",
    "create objective",
    "update objective",
    "record progress",
    "link deal",
    "delete objective",
    "create action",
    "update action",
    "delete action",
    "mark occurrence",
    "add member",
    "remove member",
    "add opportunity",
    "update opportunity",
    "record review",
]


@pytest.mark.parametrize("write", WRITES)
def test_every_write_to_a_superseded_plan_is_refused_by_the_one_rule(
    org: Org, plans: Plans, write: str
) -> None:
    # given every write made ready on the open plan, which is then superseded
    writes = _writes(org, plans)
    assert sorted(writes) == sorted(WRITES)
    _superseded(plans)
    # when one of them is tried, then the closed-plan rule refuses it
    with pytest.raises(ConflictError) as refused:
        writes[write]()
    assert refused.value.errors == {"status": ["Closed plans are kept as they were."]}


def test_the_api_answers_409_to_a_review_on_a_closed_plan(org: Org, plans: Plans, api_as: ApiAs) -> None:
    services.set_plan_status(plan=plans.alpha, status=PlanStatus.CLOSED)
    body = {"held_on": timezone.localdate().isoformat(), "decisions": "Keep going", "other_attendees": "Ann"}
    response = api_as(org.kam_a).post(f"/plans/{plans.alpha.pk}/reviews", body)
    assert response.status_code == 409
    assert "is closed and cannot change" in response.json()["detail"]
    assert response.json()["errors"] == [
        {"field": "status", "message": "Closed plans are kept as they were."}
    ]
    assert not AccountReview.objects.exists()
    # and the right to change the account is still checked first: a viewer gets 403, a stranger 404
    assert api_as(org.viewer).post(f"/plans/{plans.alpha.pk}/reviews", body).status_code == 403
    assert api_as(org.kam_south).post(f"/plans/{plans.alpha.pk}/reviews", body).status_code == 404


def test_the_review_page_shows_the_refusal_on_the_form(org: Org, plans: Plans) -> None:
    _superseded(plans)
    response = signed_in(org.kam_a).post(
        f"/plans/{plans.alpha.pk}/reviews/new/",
        {"held_on": timezone.localdate().isoformat(), "decisions": "Keep going", "other_attendees": "Ann"},
    )
    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert "Closed plans are kept as they were." in page and 'name="decisions"' in page
    assert not AccountReview.objects.exists()
