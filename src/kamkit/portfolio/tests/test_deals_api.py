"""Deals API: writing a deal needs the right to change its account; upserts by CRM id are idempotent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kamkit.accounts.models import Deal
from kamkit.accounts.tests.fixtures import Book
from kamkit.core.models import AuditEntry
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


def won(account_id: int, amount: str = "1000.00", **extra: Any) -> dict[str, Any]:
    return {"account_id": account_id, "stage": "won", "amount": amount, "closed_on": "2026-05-01", **extra}


def test_create_read_update_delete(org: Org, book: Book, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    created = api.post("/deals", won(book.alpha.pk, name="Laptops", margin="200.00"))
    assert created.status_code == 201
    deal = created.json()
    assert deal["status"] == "won" and deal["account"]["name"] == "Alpha Industries"
    assert api.get(f"/deals/{deal['id']}").json()["amount"] == "1000.00"
    changed = api.patch(f"/deals/{deal['id']}", {"amount": "1500.00"})
    assert changed.status_code == 200 and changed.json()["amount"] == "1500.00"
    assert changed.json()["name"] == "Laptops"  # not sent, kept
    reopened = api.patch(f"/deals/{deal['id']}", {"stage": "negotiation", "closed_on": None})
    assert reopened.json()["status"] == "open"
    assert AuditEntry.objects.filter(content_type__model="deal", object_id=str(deal["id"])).count() == 3
    assert api.delete(f"/deals/{deal['id']}").status_code == 204
    assert not Deal.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "kam_south", "interviewer", "south_manager"])
def test_writing_needs_the_right_to_change_the_account(org: Org, book: Book, api_as: ApiAs, who: str) -> None:
    deal = api_as(org.kam_a).post("/deals", won(book.alpha.pk)).json()
    api = api_as(getattr(org, who))
    created = api.post("/deals", won(book.alpha.pk))
    if who == "viewer":
        # viewers see every account but change none
        assert created.status_code == 403
        assert api.get(f"/deals/{deal['id']}").status_code == 200
        assert api.patch(f"/deals/{deal['id']}", {"amount": "1.00"}).status_code == 403
        assert api.delete(f"/deals/{deal['id']}").status_code == 403
    else:
        # the account is not theirs to see: an unknown account, and an unknown deal
        assert created.status_code == 400 and created.json()["errors"][0]["field"] == "account_id"
        assert api.get(f"/deals/{deal['id']}").status_code == 404
        assert api.patch(f"/deals/{deal['id']}", {"amount": "1.00"}).status_code == 404
        assert api.delete(f"/deals/{deal['id']}").status_code == 404
    assert Deal.objects.count() == 1


def test_the_management_line_and_backup_may_write(org: Org, book: Book, api_as: ApiAs) -> None:
    for user in (org.kam_b, org.north_manager, org.director, org.admin):
        assert api_as(user).post("/deals", won(book.alpha.pk)).status_code == 201, user


def test_moving_a_deal_needs_both_accounts(org: Org, book: Book, api_as: ApiAs) -> None:
    deal = api_as(org.kam_b).post("/deals", won(book.beta.pk)).json()
    # kam_b backs up alpha and owns beta: may move it
    assert api_as(org.kam_b).patch(f"/deals/{deal['id']}", {"account_id": book.alpha.pk}).status_code == 200
    # kam_a may change alpha but does not see the south account
    moved = api_as(org.kam_a).patch(f"/deals/{deal['id']}", {"account_id": book.south.pk})
    assert moved.status_code == 400


def test_list_shows_deals_of_visible_accounts(org: Org, book: Book, api_as: ApiAs) -> None:
    api_as(org.kam_a).post("/deals", won(book.alpha.pk, name="A"))
    api_as(org.kam_south).post("/deals", won(book.south.pk, name="S"))
    api_as(org.kam_south).post("/deals", {"account_id": book.south.pk, "stage": "proposal", "name": "S2"})
    assert {d["name"] for d in api_as(org.kam_a).get("/deals").json()["items"]} == {"A"}
    assert {d["name"] for d in api_as(org.director).get("/deals").json()["items"]} == {"A", "S", "S2"}
    opened = api_as(org.director).get("/deals", status="open").json()["items"]
    assert [d["name"] for d in opened] == ["S2"]
    assert api_as(org.director).get("/deals", status="maybe").status_code == 400


def test_business_rules_answer_400_with_fields(org: Org, book: Book, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    no_date = api.post("/deals", {"account_id": book.alpha.pk, "stage": "won", "amount": "5.00"})
    assert no_date.status_code == 400 and no_date.json()["errors"][0]["field"] == "closed_on"
    negative = api.post("/deals", won(book.alpha.pk, amount="-5.00"))
    assert negative.json()["errors"][0]["field"] == "amount"
    backwards = api.post("/deals", won(book.alpha.pk, engaged_on="2026-06-01"))
    assert backwards.json()["errors"][0]["field"] == "closed_on"
    assert (
        api.post("/deals", won(book.alpha.pk, product_id=999999)).json()["errors"][0]["field"] == "product_id"
    )
    assert api.post("/deals", {"account_id": book.alpha.pk, "stage": "sold"}).status_code == 422
    api.post("/deals", won(book.alpha.pk, external_id="CRM-1"))
    clash = api.post("/deals", won(book.alpha.pk, external_id="CRM-1"))
    assert clash.status_code == 409


def test_upsert_by_external_id_is_idempotent(org: Org, book: Book, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    body = {"account_id": book.alpha.pk, "stage": "proposal", "amount": "800.00", "name": "Renewal"}
    first = api.put("/deals/by-external-id/SF-0042", body)
    assert first.status_code == 201 and first.json()["external_id"] == "SF-0042"
    again = api.put("/deals/by-external-id/SF-0042", body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Deal.objects.count() == 1
    # the same audit trail: one create, no change for the repeat
    assert AuditEntry.objects.filter(content_type__model="deal").count() == 1
    won_now = api.put("/deals/by-external-id/SF-0042", {**body, "stage": "won", "closed_on": "2026-06-01"})
    assert won_now.json()["status"] == "won"
    # someone who may not change the deal's account cannot take it over through the upsert: the id
    # is taken, as on create (test_deal_external_ids.py)
    refused = api_as(org.kam_south).put(
        "/deals/by-external-id/SF-0042", {**body, "account_id": book.south.pk}
    )
    assert refused.status_code == 409
    assert Deal.objects.get().account_id == book.alpha.pk
