"""Plans API: who sees and changes which plan, SMART errors per field, execution, qualification;
every answer is checked against the OpenAPI document by ``api_as``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from kamkit.accounts.tests.fixtures import Book
from kamkit.plans import builtin
from kamkit.plans.models import AccountPlan, Objective, QuestionSet
from kamkit.plans.tests.fixtures import Plans
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


def _accounts(response: Any) -> set[str]:
    assert response.status_code == 200
    return {item["account"]["name"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("admin", {"Alpha Industries", "Southern Power"}),
        ("director", {"Alpha Industries", "Southern Power"}),
        ("viewer", {"Alpha Industries", "Southern Power"}),
        ("north_manager", {"Alpha Industries"}),
        ("south_manager", {"Southern Power"}),
        ("kam_a", {"Alpha Industries"}),
        ("kam_b", {"Alpha Industries"}),
        ("kam_south", {"Southern Power"}),
        ("interviewer", set()),
    ],
)
def test_each_role_lists_its_plans(
    org: Org, plans: Plans, api_as: ApiAs, who: str, visible: set[str]
) -> None:
    api = api_as(getattr(org, who))
    assert _accounts(api.get("/plans")) == visible
    assert api.get(f"/plans/{plans.alpha.pk}").status_code == (200 if "Alpha Industries" in visible else 404)


def test_anonymous_callers_get_401(plans: Plans, api_as: ApiAs) -> None:
    assert api_as(None).get("/plans").status_code == 401


def test_list_filters_and_errors(org: Org, plans: Plans, api_as: ApiAs) -> None:
    api = api_as(org.director)
    assert _accounts(api.get("/plans", owner=str(org.kam_south.pk))) == {"Southern Power"}
    assert _accounts(api.get("/plans", status="draft")) == set()
    bad = api.get("/plans", status="dreaming")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "status"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("kam_a", 201),
        ("kam_b", 201),
        ("north_manager", 201),
        ("director", 201),
        ("viewer", 403),
        ("kam_south", 400),  # an account it cannot see is unknown to it
    ],
)
def test_creating_a_plan_needs_the_right_to_change_the_account(
    org: Org, book: Book, api_as: ApiAs, who: str, status: int
) -> None:
    response = api_as(getattr(org, who)).post(
        "/plans",
        {"account_id": book.alpha.pk, "period": "FY2030", "starts_on": "2030-01-01", "ends_on": "2030-12-31"},
    )
    assert response.status_code == status
    assert AccountPlan.objects.filter(period="FY2030").exists() == (status == 201)


def test_plan_lifecycle_through_the_api(org: Org, book: Book, api_as: ApiAs) -> None:
    builtin.load_plan_content()
    api = api_as(org.kam_a)
    template = api.get("/plan-templates").json()[0]
    made = api.post(
        "/plans",
        {
            "account_id": book.alpha.pk,
            "period": "FY2030",
            "starts_on": "2030-01-01",
            "ends_on": "2030-12-31",
            "template_id": template["id"],
        },
    ).json()
    assert made["status"] == "draft" and made["version"] == 1
    sections = api.get(f"/plans/{made['id']}/sections").json()
    assert [s["key"] for s in sections] == ["goal", "opportunities", "risks", "key-players", "next-steps"]
    assert (
        api.put(f"/plans/{made['id']}/sections/goal", {"text": "Lead supplier"}).json()["text"]
        == "Lead supplier"
    )
    nope = api.put(f"/plans/{made['id']}/sections/nope", {"text": "x"})
    assert nope.status_code == 400  # refused by the service's rule, not a copy of it in the API
    assert nope.json()["detail"] == "The plan has no such section."
    assert nope.json()["errors"][0]["field"] == "key"
    assert api.patch(f"/plans/{made['id']}", {"situation": "Calm"}).json()["situation"] == "Calm"
    assert api.post(f"/plans/{made['id']}/status", {"status": "closed"}).status_code == 409
    assert api.post(f"/plans/{made['id']}/status", {"status": "active"}).json()["status"] == "active"
    version = api.post(f"/plans/{made['id']}/versions")
    assert version.status_code == 201 and version.json()["version"] == 2
    next_period = api.post(
        f"/plans/{made['id']}/next-period",
        {"period": "FY2031", "starts_on": "2031-01-01", "ends_on": "2031-12-31"},
    )
    assert next_period.status_code == 201
    completeness = api.get(f"/plans/{made['id']}/completeness").json()
    assert 0 <= completeness["score"] <= 100 and "No objectives yet." in [
        g["message"] for g in completeness["gaps"]
    ]
    assert api.delete(f"/plans/{made['id']}").status_code == 409  # active: close it instead
    assert api.delete(f"/plans/{version.json()['id']}").status_code == 204
    assert api_as(org.viewer).delete(f"/plans/{next_period.json()['id']}").status_code == 403


def test_smart_errors_name_each_field(org: Org, plans: Plans, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    refused = api.post(f"/plans/{plans.alpha.pk}/objectives", {"title": "Grow", "metric_kind": "revenue"})
    assert refused.status_code == 400
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"owner_id", "metric", "baseline", "target", "due_on"}
    made = api.post(
        f"/plans/{plans.alpha.pk}/objectives",
        {
            "title": "Grow",
            "metric_kind": "revenue",
            "owner_id": org.kam_a.pk,
            "metric": "Revenue",
            "baseline": "0",
            "target": "5000",
            "due_on": plans.alpha.ends_on.isoformat(),
        },
    )
    assert made.status_code == 400
    assert made.json()["errors"][0]["field"] == "confirmed_realistic"  # nothing won in the last 12 months
    confirmed = api.post(
        f"/plans/{plans.alpha.pk}/objectives",
        {
            "title": "Grow",
            "metric_kind": "revenue",
            "owner_id": org.kam_a.pk,
            "metric": "Revenue",
            "baseline": "0",
            "target": "5000",
            "due_on": plans.alpha.ends_on.isoformat(),
            "confirmed_realistic": True,
        },
    ).json()
    assert confirmed["confirmed_realistic"] is True
    late = api.patch(
        f"/objectives/{confirmed['id']}", {"due_on": (plans.alpha.ends_on + dt.timedelta(days=1)).isoformat()}
    )
    assert late.status_code == 400 and late.json()["errors"][0]["field"] == "due_on"
    progress = api.patch(f"/objectives/{confirmed['id']}", {"current": "1200"}).json()
    assert progress["current"] == "1200.00" and progress["current_on"] == timezone.localdate().isoformat()
    assert api_as(org.viewer).patch(f"/objectives/{confirmed['id']}", {"current": "1"}).status_code == 403
    assert api_as(org.kam_south).patch(f"/objectives/{confirmed['id']}", {"current": "1"}).status_code == 404


def test_actions_and_marking_occurrences(org: Org, plans: Plans, api_as: ApiAs) -> None:
    api = api_as(org.kam_b)  # the backup owner works in the plan too
    objective = plans.alpha_objective
    bad = api.post(f"/objectives/{objective.pk}/actions", {"title": "Visit", "cadence": "monthly"})
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {
        "owner_id",
        "first_due_on",
    }
    first = timezone.localdate()
    action = api.post(
        f"/objectives/{objective.pk}/actions",
        {"title": "Visit", "cadence": "monthly", "owner_id": org.kam_b.pk, "first_due_on": first.isoformat()},
    ).json()
    occurrences = api.get(f"/plan-actions/{action['id']}/occurrences").json()
    assert occurrences[0]["due_on"] == first.isoformat() and occurrences[0]["state"] == "today"
    marked = api.post(
        f"/occurrences/{occurrences[0]['id']}/mark", {"status": "done", "note": "Met the COO", "worth": 5}
    )
    assert marked.json()["state"] == "done" and marked.json()["worth"] == 5
    assert api.post(f"/occurrences/{occurrences[1]['id']}/mark", {"status": "missed"}).status_code == 400
    assert (
        api.post(f"/occurrences/{occurrences[1]['id']}/mark", {"status": "done", "worth": 9}).status_code
        == 422
    )
    weekly = api.patch(f"/plan-actions/{action['id']}", {"cadence": "weekly"}).json()
    assert weekly["cadence"] == "weekly"
    dates = [o["due_on"] for o in api.get(f"/plan-actions/{action['id']}/occurrences").json()]
    assert dates[:2] == [first.isoformat(), (first + dt.timedelta(days=7)).isoformat()]
    assert api.delete(f"/plan-actions/{action['id']}").status_code == 409  # one occurrence is marked
    assert (
        api_as(org.viewer).post(f"/occurrences/{occurrences[0]['id']}/mark", {"status": "done"}).status_code
        == 403
    )
    assert api_as(org.kam_south).get(f"/plan-actions/{action['id']}").status_code == 404


def test_team_reviews_and_opportunities(org: Org, plans: Plans, api_as: ApiAs, book: Book) -> None:
    api = api_as(org.kam_a)
    contact = api.post(f"/accounts/{book.alpha.pk}/contacts", {"last_name": "Sponsor"}).json()
    member = api.post(
        f"/plans/{plans.alpha.pk}/team", {"side": "customer", "contact_id": contact["id"], "role": "Sponsor"}
    )
    assert member.status_code == 201 and member.json()["person"] == "Sponsor"
    wrong = api.post(f"/plans/{plans.alpha.pk}/team", {"side": "ours", "role": "Lead"})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "user_id"
    assert len(api.get(f"/plans/{plans.alpha.pk}/team").json()) == 1
    assert api.delete(f"/plan-members/{member.json()['id']}").status_code == 204
    review = api.post(
        f"/plans/{plans.alpha.pk}/reviews",
        {
            "held_on": timezone.localdate().isoformat(),
            "customer_attendee_ids": [contact["id"]],
            "decisions": "Keep going",
        },
    )
    assert review.status_code == 201 and review.json()["customer_attendee_ids"] == [contact["id"]]
    opportunity = api.post(
        f"/plans/{plans.alpha.pk}/opportunities",
        {
            "name": "Second site",
            "amount": "25000",
            "stage": "proposal",
            "objective_id": plans.alpha_objective.pk,
        },
    )
    assert opportunity.status_code == 201 and opportunity.json()["objective_ids"] == [
        plans.alpha_objective.pk
    ]
    assert [o["name"] for o in api.get(f"/plans/{plans.alpha.pk}/opportunities").json()] == ["Second site"]
    assert api_as(org.viewer).post(f"/plans/{plans.alpha.pk}/opportunities", {"name": "x"}).status_code == 403
    assert api.get(f"/objectives/{plans.alpha_objective.pk}").json()["deal_ids"] == [opportunity.json()["id"]]


def test_qualification_through_the_api(org: Org, plans: Plans, api_as: ApiAs) -> None:
    builtin.load_plan_content()
    api = api_as(org.kam_a)
    question_set = api.get("/question-sets").json()[0]
    assert len(question_set["questions"]) == 20 and len(question_set["round_names"]) == 3
    deal = api.post(f"/plans/{plans.alpha.pk}/opportunities", {"name": "Upgrade"}).json()
    scorecard = api.post(f"/opportunities/{deal['id']}/scorecards", {"question_set_id": question_set["id"]})
    assert scorecard.status_code == 201 and scorecard.json()["total"] == 0
    answers = [
        {"question_id": q["id"], "score": q["round"] + 2} for q in question_set["questions"]
    ]  # 3, 4, 5
    scored = api.put(f"/scorecards/{scorecard.json()['id']}/answers", answers).json()
    assert scored["total"] == 7 * 3 + 7 * 4 + 6 * 5 and scored["maximum"] == 100
    assert [r["mean"] for r in scored["rounds"]] == [3.0, 4.0, 5.0]
    assert (
        api.put(f"/scorecards/{scorecard.json()['id']}/answers", [{"question_id": 0, "score": 3}]).status_code
        == 400
    )
    no_reason = api.post(f"/scorecards/{scorecard.json()['id']}/decision", {"decision": "go"})
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    decided = api.post(
        f"/scorecards/{scorecard.json()['id']}/decision", {"decision": "go", "reason": "Strong fit"}
    )
    assert decided.json()["decision"] == "go"
    assert len(api_as(org.viewer).get(f"/opportunities/{deal['id']}/scorecards").json()) == 1
    assert (
        api_as(org.viewer)
        .post(f"/scorecards/{scorecard.json()['id']}/decision", {"decision": "no_go", "reason": "x"})
        .status_code
        == 403
    )
    assert api_as(org.kam_south).get(f"/scorecards/{scorecard.json()['id']}").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [("admin", 201), ("director", 201), ("manager", 403), ("kam_a", 403)]
)
def test_question_sets_are_reference_data(org: Org, api_as: ApiAs, who: str, status: int) -> None:
    user = org.north_manager if who == "manager" else getattr(org, who)
    api = api_as(user)
    made = api.post("/question-sets", {"name": f"Set by {who}", "round_names": ["Fit"]})
    assert made.status_code == status
    if status == 201:
        question = api.post(f"/question-sets/{made.json()['id']}/questions", {"round": 1, "text": "Why now?"})
        assert question.status_code == 201
        assert (
            api.put(
                f"/qualification-questions/{question.json()['id']}", {"round": 1, "text": "Why this year?"}
            ).json()["text"]
            == "Why this year?"
        )
        assert (
            api.patch(f"/question-sets/{made.json()['id']}", {"is_active": False}).json()["is_active"]
            is False
        )
        assert api.delete(f"/qualification-questions/{question.json()['id']}").status_code == 204
    else:
        builtin.load_plan_content()
        existing = QuestionSet.objects.get()
        assert api.patch(f"/question-sets/{existing.pk}", {"name": "Mine now"}).status_code == 403


def test_calendar_token_through_the_api(org: Org, plans: Plans, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    made = api.post("/calendar-token")
    assert made.status_code == 201 and "/plans/calendar/cal_" in made.json()["url"]
    assert api.delete("/calendar-token").status_code == 204


def test_objectives_of_a_plan_out_of_scope_are_404(org: Org, plans: Plans, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    assert api.get(f"/plans/{plans.south.pk}/objectives").status_code == 404
    south_objective = Objective.objects.get(plan=plans.south)
    assert api.get(f"/objectives/{south_objective.pk}").status_code == 404
    assert api.delete(f"/objectives/{south_objective.pk}").status_code == 404
    assert [o["title"] for o in api.get(f"/plans/{plans.alpha.pk}/objectives").json()] == [
        "Sell into two more divisions"
    ]
