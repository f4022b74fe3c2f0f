"""A deal's external id is unique, so a clash cannot be hidden; but the answer to one is the same
neutral 409 whichever way the deal is written, and says nothing of a deal the writer may not see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kamkit.accounts import services as account_services
from kamkit.accounts.models import Deal
from kamkit.accounts.tests.fixtures import Book
from kamkit.core.errors import ConflictError
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]

TAKEN = {
    "detail": "Another deal has the external id 'CRM-7'.",
    "errors": [{"field": "external_id", "message": "Taken."}],
}


@pytest.fixture
def alphas_deal(org: Org, book: Book) -> Deal:
    """kam_a's deal at Alpha Industries, CRM id CRM-7: kam_south may not see it."""
    return account_services.create_deal(
        data=account_services.DealInput(
            account=book.alpha, name="Secret expansion", external_id="CRM-7", owner=org.kam_a
        )
    )


def _tells_nothing(body: dict[str, Any], deal: Deal) -> None:
    text = str(body)
    for secret in ("Alpha", "Kam A", "kam.a@", "Secret expansion", "may not change", str(deal.pk)):
        assert secret not in text


def test_every_write_with_anothers_external_id_gets_the_same_neutral_409(
    org: Org, book: Book, api_as: ApiAs, alphas_deal: Deal
) -> None:
    api = api_as(org.kam_south)
    body = {"account_id": book.south.pk, "name": "Turbines"}
    created = api.post("/deals", {**body, "external_id": "CRM-7"})
    mine = api.post("/deals", body).json()
    renamed = api.patch(f"/deals/{mine['id']}", {"external_id": "CRM-7"})
    upserted = api.put("/deals/by-external-id/CRM-7", body)
    for answer in (created, renamed, upserted):
        assert answer.status_code == 409
        assert answer.json() == TAKEN
        _tells_nothing(answer.json(), alphas_deal)
    # and nothing of the other deal changed hands
    alphas_deal.refresh_from_db()
    assert (alphas_deal.account_id, alphas_deal.name) == (book.alpha.pk, "Secret expansion")
    assert Deal.objects.get(pk=mine["id"]).external_id is None


def test_the_owner_gets_the_same_answer_for_their_own_clash_and_still_upserts(
    org: Org, book: Book, api_as: ApiAs, alphas_deal: Deal
) -> None:
    api = api_as(org.kam_a)
    clash = api.post("/deals", {"account_id": book.alpha.pk, "external_id": "CRM-7"})
    assert (clash.status_code, clash.json()) == (409, TAKEN)
    again = api.put("/deals/by-external-id/CRM-7", {"account_id": book.alpha.pk, "name": "Expansion"})
    assert again.status_code == 200 and again.json()["id"] == alphas_deal.pk


def test_the_upsert_service_refuses_a_deal_the_writer_may_not_change(
    org: Org, book: Book, alphas_deal: Deal
) -> None:
    data = account_services.DealInput(account=book.south, name="Turbines", external_id="CRM-7")
    with pytest.raises(ConflictError) as refused:
        account_services.upsert_deal(data=data, by=org.kam_south)
    assert refused.value.detail == TAKEN["detail"]
    # while a director, who may change both accounts, moves it
    deal, created = account_services.upsert_deal(data=data, by=org.director)
    assert (deal.pk, created, deal.account_id) == (alphas_deal.pk, False, book.south.pk)
