"""Every list page and API list of plans costs the same number of queries for N and 2N rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kamkit.accounts import services as account_services
from kamkit.accounts.models import Deal
from kamkit.accounts.tests.fixtures import make_account
from kamkit.plans import builtin, services
from kamkit.plans.choices import PlanStatus, TeamSide
from kamkit.plans.models import AccountPlan, PlanTemplate, QuestionSet
from kamkit.plans.tests.fixtures import Plans, make_action, make_objective, make_plan
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


def queries_of(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert getattr(response, "status_code", 200) == 200
    return len(captured)


def grow(plan: AccountPlan, deal: Deal, question_set: QuestionSet, org: Org, rounds: int) -> None:
    """Add ``rounds`` of everything a plan lists: objectives with a marked action and a linked
    opportunity, customer contacts on the team, reviews with attendees, and scorecards of ``deal``."""
    today = timezone.localdate()
    first_objective = plan.objectives.order_by("pk").first()
    assert first_objective is not None
    for _ in range(rounds):
        n = plan.objectives.count()
        other = make_plan(
            make_account(f"Extra {n}", owner=org.kam_a, is_key_account=True), status=PlanStatus.ACTIVE
        )
        make_action(make_objective(other, title=f"Extra objective {n}"))
        make_action(first_objective, title=f"Another action {n}")
        services.copy_template(template=PlanTemplate.objects.order_by("pk")[0], name=f"Template {n}")
        services.copy_question_set(question_set=question_set, name=f"Question set {n}")
        objective = make_objective(plan, title=f"Objective {n}")
        action = make_action(objective, title=f"Action {n}", first_due_on=today - dt.timedelta(days=14))
        occurrence = action.occurrences.order_by("due_on").first()
        assert occurrence is not None
        services.mark_occurrence(
            occurrence=occurrence, status="done", note="ok", worth=3, marked_by=org.kam_a
        )
        services.create_opportunity(plan=plan, name=f"Opportunity {n}", objective=objective)
        contact = account_services.create_contact(
            account=plan.account, data=account_services.ContactInput(last_name=f"Contact {n}")
        )
        services.add_member(plan=plan, side=TeamSide.CUSTOMER, role="Sponsor", contact=contact)
        services.record_review(
            plan=plan,
            held_on=today - dt.timedelta(days=n + 1),
            decisions=f"Decision {n}",
            our_attendees=[org.kam_a, org.kam_b],
            customer_attendees=[contact],
        )
        scorecard = services.start_scorecard(deal=deal, question_set=question_set)
        first = question_set.questions.order_by("round", "order").first()
        assert first is not None
        services.save_answers(scorecard=scorecard, answers=[services.AnswerInput(question=first, score=4)])


@pytest.fixture
def scene(org: Org, plans: Plans) -> tuple[AccountPlan, Deal, QuestionSet]:
    builtin.load_plan_content()
    deal = services.create_opportunity(plan=plans.alpha, name="Qualified one")
    return plans.alpha, deal, QuestionSet.objects.get()


def test_plan_pages_cost_the_same_with_twice_the_rows(
    org: Org, plans: Plans, scene: tuple[AccountPlan, Deal, QuestionSet]
) -> None:
    plan, deal, question_set = scene
    client = signed_in(org.kam_a)
    pages = [
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/execution/?all=1",
        f"/plans/{plan.pk}/dashboard/",
        f"/plans/{plan.pk}/report/",
        f"/plans/opportunities/{deal.pk}/",
        "/plans/dashboard/",
        "/plans/question-sets/",
        "/plans/templates/",
        "/plans/",
    ]
    grow(plan, deal, question_set, org, 2)
    for url in pages:
        client.get(url)  # warm up (session, first-time lookups)
    few = {url: queries_of(lambda url=url: client.get(url)) for url in pages}
    grow(plan, deal, question_set, org, 2)
    many = {url: queries_of(lambda url=url: client.get(url)) for url in pages}
    assert many == few
    assert "Objective 3" in client.get(f"/plans/{plan.pk}/").content.decode()
    assert client.get(f"/plans/opportunities/{deal.pk}/").content.decode().count("/plans/scorecards/") == 4


def test_plan_api_lists_cost_the_same_with_twice_the_rows(
    org: Org, plans: Plans, scene: tuple[AccountPlan, Deal, QuestionSet], api_as: ApiAs
) -> None:
    plan, deal, question_set = scene
    api = api_as(org.kam_a)
    objective, action = plans.alpha_objective, plans.alpha_action
    lists = [
        "/plans",
        f"/plans/{plan.pk}/sections",
        f"/plans/{plan.pk}/objectives",
        f"/objectives/{objective.pk}/actions",
        f"/plan-actions/{action.pk}/occurrences",
        f"/plans/{plan.pk}/team",
        f"/plans/{plan.pk}/reviews",
        f"/plans/{plan.pk}/opportunities",
        f"/opportunities/{deal.pk}/scorecards",
        f"/plans/{plan.pk}/dashboard",
        "/plan-dashboard",
        "/question-sets",
        "/plan-templates",
    ]
    grow(plan, deal, question_set, org, 2)
    for path in lists:
        api.get(path)  # warm up (the token's first use)
    few = {path: queries_of(lambda path=path: api.get(path)) for path in lists}
    grow(plan, deal, question_set, org, 2)
    many = {path: queries_of(lambda path=path: api.get(path)) for path in lists}
    assert many == few
    assert len(api.get(f"/opportunities/{deal.pk}/scorecards").json()) == 4
    assert len(api.get(f"/plans/{plan.pk}/reviews").json()) == 4
