"""Account names sort without case everywhere (lists, API, exports, pickers, the portfolio ranking),
and an account nobody has been in touch with has no health number, only the reason."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from kamkit.accounts import importers
from kamkit.accounts.models import Account
from kamkit.accounts.tests.fixtures import make_account
from kamkit.portfolio import services as portfolio_services
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]
EXPECTED = ["aardvark Ltd", "Bravo", "dambase", "Zoom"]


@pytest.fixture
def names(org: Org) -> None:
    for name in ("Zoom", "dambase", "Bravo", "aardvark Ltd"):
        make_account(name, owner=org.kam_a)


def _rows(html: str) -> list[str]:
    return [name for name in EXPECTED if name in html]


def test_account_lists_exports_and_pickers_sort_names_without_case(
    org: Org, names: None, api_as: ApiAs
) -> None:
    # the default order (pickers and every list that does not choose one)
    assert list(Account.objects.values_list("name", flat=True)) == EXPECTED
    client = signed_in(org.kam_a)
    html = client.get("/accounts/").content.decode()
    assert sorted(_rows(html), key=html.index) == EXPECTED
    html = client.get("/accounts/?sort=-name").content.decode()
    assert sorted(_rows(html), key=html.index) == EXPECTED[::-1]
    # the API
    listed = api_as(org.kam_a).get("/accounts?sort=name").json()["items"]
    assert [item["name"] for item in listed] == EXPECTED
    # the export
    out = io.BytesIO()
    importers.export("accounts", Account.objects.all(), out)
    lines = out.getvalue().decode("utf-8-sig").splitlines()[1:]
    assert [line.split(",")[0] for line in lines] == EXPECTED
    # the parent picker of the account form
    form = client.get("/accounts/new/").context["form"]
    assert [label for _, label in form.fields["parent"].choices][1:] == EXPECTED


def test_the_portfolio_ranking_sorts_names_without_case(org: Org, names: None, api_as: ApiAs) -> None:
    portfolio_services.rescore_portfolio()
    listed = api_as(org.kam_a).get("/portfolio/scores?sort=name").json()["items"]
    assert [item["account"]["name"] for item in listed] == EXPECTED


def test_a_new_account_shows_not_enough_data_instead_of_a_health_number(
    org: Org, names: None, api_as: ApiAs
) -> None:
    account = Account.objects.get(name="Zoom")
    html = signed_in(org.kam_a).get(f"/accounts/{account.pk}/").content.decode()
    assert "Unknown: not enough data" in html and "never contacted" in html
    assert "Watch" not in html
    body = api_as(org.kam_a).get(f"/accounts/{account.pk}/health").json()
    assert (body["score"], body["band"]) == (None, "unknown")
    assert body["reason"].startswith("Not enough data: 1 of 4 parts known, at least 2 needed.")
