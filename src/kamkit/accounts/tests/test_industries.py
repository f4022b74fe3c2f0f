"""The industry filter offers only the industries of accounts the user may see: another manager's
customers' industries are not shown, on the pages or through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kamkit.accounts import queries
from kamkit.accounts.models import Account
from kamkit.accounts.tests.fixtures import Book
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


@pytest.fixture
def industries(book: Book) -> None:
    """Alpha (kam_a's) is in Chemicals, Southern Power (kam_south's, team South) alone in Utilities."""
    Account.objects.filter(pk=book.alpha.pk).update(industry="Chemicals")
    Account.objects.filter(pk=book.south.pk).update(industry="Utilities")


def _offered(html: str) -> set[str]:
    return {name for name in ("Chemicals", "Utilities") if f'<option value="{name}"' in html}


def test_industries_are_those_of_the_accounts_the_user_may_see(org: Org, industries: None) -> None:
    assert queries.industries(org.kam_a) == [("Chemicals", "Chemicals")]
    assert queries.industries(org.kam_south) == [("Utilities", "Utilities")]
    assert queries.industries(org.director) == [("Chemicals", "Chemicals"), ("Utilities", "Utilities")]
    assert queries.industries(org.viewer) == queries.industries(org.director)  # viewers read every account
    assert queries.industries(org.interviewer) == []


def test_the_account_list_page_offers_only_visible_industries(org: Org, industries: None) -> None:
    assert _offered(signed_in(org.kam_a).get("/accounts/").content.decode()) == {"Chemicals"}
    assert _offered(signed_in(org.director).get("/accounts/").content.decode()) == {"Chemicals", "Utilities"}


def test_the_api_filter_does_not_tell_another_managers_industry_from_none(
    org: Org, industries: None, api_as: ApiAs
) -> None:
    api = api_as(org.kam_a)
    mine = api.get("/accounts?industry=chemicals")
    assert mine.status_code == 200 and [a["name"] for a in mine.json()["items"]] == ["Alpha Industries"]
    theirs = api.get("/accounts?industry=Utilities")
    nowhere = api.get("/accounts?industry=Basket%20weaving")
    assert (theirs.status_code, theirs.json()) == (nowhere.status_code, nowhere.json())
    assert theirs.status_code == 200 and theirs.json()["items"] == []
