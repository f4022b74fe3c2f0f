"""Every write to a plan, on the pages and through the API, is refused to those who may not change
the plan's account: 403 for a viewer (who may see it), 404 for an account manager of another
account (who may not even see it), and nothing is written either way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from kamkit.accounts import services as account_services
from kamkit.core.models import AuditEntry
from kamkit.plans import builtin, services
from kamkit.plans.choices import TeamSide
from kamkit.plans.models import QuestionSet
from kamkit.plans.tests.fixtures import Plans
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


@dataclass
class Ids:
    plan: int
    objective: int
    action: int
    occurrence: int
    member: int
    deal: int
    scorecard: int
    question_set: int
    question: int


@pytest.fixture
def ids(org: Org, plans: Plans) -> Ids:
    builtin.load_plan_content()
    plan = plans.alpha
    contact = account_services.create_contact(
        account=plan.account, data=account_services.ContactInput(last_name="Sponsor")
    )
    member = services.add_member(plan=plan, side=TeamSide.CUSTOMER, role="Sponsor", contact=contact)
    deal = services.create_opportunity(plan=plan, name="Upgrade", objective=plans.alpha_objective)
    question_set = QuestionSet.objects.get()
    scorecard = services.start_scorecard(deal=deal, question_set=question_set)
    occurrence = plans.alpha_action.occurrences.order_by("due_on").first()
    question = question_set.questions.first()
    assert occurrence is not None and question is not None
    return Ids(
        plan=plan.pk,
        objective=plans.alpha_objective.pk,
        action=plans.alpha_action.pk,
        occurrence=occurrence.pk,
        member=member.pk,
        deal=deal.pk,
        scorecard=scorecard.pk,
        question_set=question_set.pk,
        question=question.pk,
    )


def page_writes(i: Ids, org: Org) -> list[tuple[str, dict[str, Any]]]:
    today = timezone.localdate().isoformat()
    return [
        (f"/plans/{i.plan}/edit/", {"period": "X", "starts_on": today, "ends_on": today}),
        (f"/plans/{i.plan}/edit/", {"refresh": "1"}),
        (f"/plans/{i.plan}/status/", {"status": "closed"}),
        (f"/plans/{i.plan}/new-version/", {}),
        (
            f"/plans/{i.plan}/next-period/",
            {"period": "Next", "starts_on": "2099-01-01", "ends_on": "2099-12-31"},
        ),
        (f"/plans/{i.plan}/sections/goal/", {"text": "Taken over"}),
        (f"/plans/{i.plan}/objectives/new/", {"title": "Sneaky", "metric_kind": "other"}),
        (f"/plans/objectives/{i.objective}/", {"title": "Renamed", "metric_kind": "other"}),
        (f"/plans/objectives/{i.objective}/", {"delete": "1"}),
        (f"/plans/objectives/{i.objective}/actions/new/", {"title": "Sneaky", "cadence": "once"}),
        (f"/plans/actions/{i.action}/", {"title": "Renamed", "cadence": "once"}),
        (f"/plans/actions/{i.action}/", {"delete": "1"}),
        (f"/plans/occurrences/{i.occurrence}/mark/", {"status": "done"}),
        (f"/plans/{i.plan}/team/", {"side": "ours", "user": org.viewer.pk, "role": "Spy"}),
        (f"/plans/{i.plan}/team/{i.member}/remove/", {}),
        (f"/plans/{i.plan}/reviews/new/", {"held_on": today, "decisions": "x", "other_attendees": "x"}),
        (f"/plans/{i.plan}/opportunities/new/", {"name": "Sneaky", "stage": "prospecting"}),
        (f"/plans/{i.plan}/opportunities/{i.deal}/", {"name": "Renamed", "stage": "won"}),
        (f"/plans/opportunities/{i.deal}/", {"question_set": i.question_set}),
        (f"/plans/scorecards/{i.scorecard}/", {f"score_{i.question}": "5"}),
        (f"/plans/scorecards/{i.scorecard}/", {"decision": "go", "reason": "Mine"}),
        (f"/plans/{i.plan}/delete/", {}),
    ]


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("kam_south", 404)])
def test_plan_pages_refuse_writes_to_those_who_may_not_change_the_account(
    org: Org, ids: Ids, who: str, status: int
) -> None:
    client = signed_in(getattr(org, who))
    before = AuditEntry.objects.count()
    for url, data in page_writes(ids, org):
        assert client.post(url, data).status_code == status, url
    assert client.get(f"/plans/{ids.plan}/opportunities/{ids.deal}/").status_code == status
    assert AuditEntry.objects.count() == before


def api_writes(i: Ids, org: Org) -> list[tuple[str, str, Any]]:
    today = timezone.localdate().isoformat()
    return [
        ("patch", f"/plans/{i.plan}", {"situation": "Taken over"}),
        ("post", f"/plans/{i.plan}/status", {"status": "closed"}),
        ("post", f"/plans/{i.plan}/versions", {}),
        (
            "post",
            f"/plans/{i.plan}/next-period",
            {"period": "N", "starts_on": "2099-01-01", "ends_on": "2099-12-31"},
        ),
        ("put", f"/plans/{i.plan}/sections/goal", {"text": "Taken over"}),
        ("post", f"/plans/{i.plan}/objectives", {"title": "Sneaky"}),
        ("patch", f"/objectives/{i.objective}", {"title": "Renamed"}),
        ("post", f"/objectives/{i.objective}/actions", {"title": "Sneaky", "cadence": "once"}),
        ("patch", f"/plan-actions/{i.action}", {"title": "Renamed"}),
        ("post", f"/occurrences/{i.occurrence}/mark", {"status": "done"}),
        ("post", f"/plans/{i.plan}/team", {"side": "ours", "user_id": org.viewer.pk, "role": "Spy"}),
        ("post", f"/plans/{i.plan}/reviews", {"held_on": today, "decisions": "x", "other_attendees": "x"}),
        ("post", f"/plans/{i.plan}/opportunities", {"name": "Sneaky"}),
        ("patch", f"/plans/{i.plan}/opportunities/{i.deal}", {"stage": "won"}),
        ("post", f"/opportunities/{i.deal}/scorecards", {"question_set_id": i.question_set}),
        ("put", f"/scorecards/{i.scorecard}/answers", [{"question_id": i.question, "score": 5}]),
        ("post", f"/scorecards/{i.scorecard}/decision", {"decision": "go", "reason": "Mine"}),
        ("delete", f"/plan-members/{i.member}", None),
        ("delete", f"/plan-actions/{i.action}", None),
        ("delete", f"/objectives/{i.objective}", None),
        ("delete", f"/plans/{i.plan}", None),
    ]


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("kam_south", 404)])
def test_plan_api_refuses_writes_to_those_who_may_not_change_the_account(
    org: Org, ids: Ids, api_as: ApiAs, who: str, status: int
) -> None:
    api = api_as(getattr(org, who))
    before = AuditEntry.objects.count()
    for method, path, body in api_writes(ids, org):
        response = api.delete(path) if method == "delete" else getattr(api, method)(path, body)
        assert response.status_code == status, (method, path)
    assert AuditEntry.objects.count() == before
