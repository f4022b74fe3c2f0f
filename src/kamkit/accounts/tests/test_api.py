"""Accounts API: who sees and changes which account, and 4xx bodies for bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from kamkit.accounts import queries
from kamkit.accounts.models import Account, Contact
from kamkit.accounts.tests.fixtures import Book
from kamkit.users.tests.fixtures import Org

ApiAs = Callable[[Any], Any]


def _names(response: Any) -> set[str]:
    assert response.status_code == 200
    return {item["name"] for item in response.json()["items"]}


def test_each_role_sees_its_accounts(org: Org, book: Book, api_as: ApiAs) -> None:
    everything = {"Alpha Industries", "Beta Logistics", "Deep Foods", "Southern Power"}
    assert _names(api_as(org.director).get("/accounts")) == everything
    assert _names(api_as(org.viewer).get("/accounts")) == everything
    assert _names(api_as(org.kam_a).get("/accounts")) == {"Alpha Industries"}
    assert _names(api_as(org.kam_b).get("/accounts")) == {"Alpha Industries", "Beta Logistics"}  # backup
    assert _names(api_as(org.north_manager).get("/accounts")) == {
        "Alpha Industries",
        "Beta Logistics",
        "Deep Foods",
    }
    assert _names(api_as(org.south_manager).get("/accounts")) == {"Southern Power"}
    assert _names(api_as(org.interviewer).get("/accounts")) == set()
    assert api_as(org.kam_a).get(f"/accounts/{book.south.pk}").status_code == 404
    assert api_as(None).get("/accounts").status_code == 401


def test_account_managers_add_only_accounts_they_own(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    refused = api.post("/accounts", {"name": "Not mine", "owner_id": org.kam_south.pk})
    assert refused.status_code == 403
    created = api.post("/accounts", {"name": "Mine", "owner_id": org.kam_a.pk, "tier": "develop"})
    assert created.status_code == 201
    assert created.json()["team"]["name"] == "North"
    assert (
        api_as(org.viewer).post("/accounts", {"name": "Viewer's", "owner_id": org.viewer.pk}).status_code
        == 403
    )
    assert not Account.objects.filter(name__in=["Not mine", "Viewer's"]).exists()


@pytest.mark.parametrize("who", ["kam_south", "viewer", "south_manager"])
def test_writes_inside_an_account_need_the_right_to_change_it(
    org: Org, book: Book, api_as: ApiAs, who: str
) -> None:
    api = api_as(getattr(org, who))
    account = book.alpha.pk
    expected = 403 if who == "viewer" else 404  # viewers see every account but change none
    assert api.put(f"/accounts/{account}", {"name": "Renamed"}).status_code == expected
    assert api.post(f"/accounts/{account}/contacts", {"last_name": "Spy"}).status_code == expected
    assert api.put(f"/accounts/{account}/profile/goals", {"text": "x"}).status_code == expected
    assert api.post(f"/accounts/{account}/feedback", {"score": 5}).status_code == expected
    assert api.post(f"/accounts/{account}/issues", {"title": "x"}).status_code == expected
    assert api.delete(f"/accounts/{account}").status_code == expected
    assert not Contact.objects.exists()


def test_backup_owner_and_manager_line_can_work_in_the_account(org: Org, book: Book, api_as: ApiAs) -> None:
    for user in (org.kam_b, org.north_manager, org.director):
        response = api_as(user).post(
            f"/accounts/{book.alpha.pk}/contacts", {"last_name": f"By {user.full_name}"}
        )
        assert response.status_code == 201, user


def test_decision_map_reports_gaps_and_updates(org: Org, book: Book, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    before = api.get(f"/accounts/{book.alpha.pk}/map").json()
    assert "no_economic_buyer" in {g["code"] for g in before["gaps"]}
    boss = api.post(
        f"/accounts/{book.alpha.pk}/contacts",
        {"last_name": "Budget", "first_name": "Bea", "buying_role": "economic_buyer", "influence": 5},
    ).json()
    api.post(
        f"/accounts/{book.alpha.pk}/contacts",
        {
            "last_name": "Inside",
            "buying_role": "coach",
            "reports_to_id": boss["id"],
            "relationship_strength": 4,
        },
    )
    after = api.get(f"/accounts/{book.alpha.pk}/map").json()
    codes = {g["code"] for g in after["gaps"]}
    assert "no_economic_buyer" not in codes and "no_coach" not in codes
    assert "not_contacted" in codes  # Bea has never been contacted
    assert {c["last_name"] for c in after["contacts"]} == {"Budget", "Inside"}


def test_contact_errors_are_400_with_fields(org: Org, book: Book, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    other = api_as(org.kam_b).post(f"/accounts/{book.beta.pk}/contacts", {"last_name": "Other"}).json()
    response = api.post(
        f"/accounts/{book.alpha.pk}/contacts", {"last_name": "X", "reports_to_id": other["id"]}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "reports_to_id"
    assert (
        api.post(f"/accounts/{book.alpha.pk}/contacts", {"last_name": "X", "influence": 7}).status_code == 422
    )


def test_interactions_feedback_issue_flow_and_health(org: Org, book: Book, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    contact = api.post(f"/accounts/{book.alpha.pk}/contacts", {"last_name": "Buyer"}).json()
    when = (timezone.now() - dt.timedelta(days=1)).isoformat()
    logged = api.post(
        f"/accounts/{book.alpha.pk}/interactions",
        {
            "subject": "Quarterly review",
            "occurred_at": when,
            "contact_ids": [contact["id"]],
            "duration_minutes": 90,
        },
    )
    assert logged.status_code == 201
    assert api.get(f"/contacts/{contact['id']}").json()["last_contact_at"] is not None
    assert (
        api.post(f"/accounts/{book.alpha.pk}/feedback", {"score": 9, "comment": "Great"}).status_code == 201
    )
    issue = api.post(
        f"/accounts/{book.alpha.pk}/issues", {"title": "Invoice errors", "severity": "high"}
    ).json()
    assert api.post(f"/issues/{issue['id']}/inform-customer").status_code == 409
    assert (
        api.post(f"/issues/{issue['id']}/resolve", {"resolution": "Fixed the template"}).json()["status"]
        == "resolved"
    )
    assert api.post(f"/issues/{issue['id']}/inform-customer").json()["status"] == "customer_informed"
    health = api.get(f"/accounts/{book.alpha.pk}/health").json()
    assert health["score"] is not None and health["formula"]
    assert api_as(org.kam_south).post(f"/issues/{issue['id']}/reopen").status_code == 404


def test_whitespace_and_coverage_endpoints(org: Org, book: Book, api_as: ApiAs) -> None:
    api = api_as(org.director)
    grid = api.get(f"/accounts/{book.alpha.pk}/whitespace")
    assert grid.status_code == 200
    assert grid.json()["rows"][-1]["division"] == "Whole company / no division"
    coverage = api.get("/coverage").json()
    assert [row["account"]["name"] for row in coverage] == ["Beta Logistics"]
    assert api_as(org.kam_a).get("/coverage").json() == []


def test_an_account_manager_cannot_hand_an_account_outside_their_scope(
    org: Org, book: Book, api_as: ApiAs
) -> None:
    api = api_as(org.kam_a)
    moved = api.put(f"/accounts/{book.alpha.pk}", {"name": "Alpha Industries", "owner_id": org.kam_south.pk})
    assert moved.status_code == 403
    assert moved.json()["detail"] == queries.HOLD_REFUSAL  # the words of the page's form error
    book.alpha.refresh_from_db()
    assert book.alpha.owner == org.kam_a
    manager = api_as(org.north_manager)
    assert (
        manager.put(
            f"/accounts/{book.alpha.pk}", {"name": "Alpha Industries", "owner_id": org.kam_b.pk}
        ).status_code
        == 200
    )


def test_an_answer_to_a_feedback_request_comes_from_the_contact_asked(
    org: Org, book: Book, api_as: ApiAs
) -> None:
    """The same rule as on the feedback page: the service fills in the contact from the request."""
    api = api_as(org.kam_a)
    buyer = api.post(f"/accounts/{book.alpha.pk}/contacts", {"last_name": "Buyer"}).json()
    asked = api.post(
        f"/accounts/{book.alpha.pk}/feedback-requests", {"contact_id": buyer["id"], "topic": "Delivery"}
    ).json()
    answer = api.post(
        f"/accounts/{book.alpha.pk}/feedback", {"score": 4, "request_id": asked["id"], "raise_issue": True}
    )
    assert answer.status_code == 201
    assert answer.json()["contact_id"] == buyer["id"]
    issues = api.get(f"/accounts/{book.alpha.pk}/issues").json()["items"]
    assert [issue["raised_by_id"] for issue in issues] == [buyer["id"]]
