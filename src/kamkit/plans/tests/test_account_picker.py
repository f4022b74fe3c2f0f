"""Starting a plan picks the account by typing: search as you type (htmx) over the key accounts the
user may plan for, and without JavaScript a name or id typed is looked up, with a clear message
when it matches none or several."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kamkit.accounts.models import Account
from kamkit.accounts.tests.fixtures import Book, make_account
from kamkit.plans import queries
from kamkit.plans.models import AccountPlan
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]
HTMX = {"HX-Request": "true"}
PERIOD = {"period": "FY2031", "starts_on": "2031-01-01", "ends_on": "2031-12-31"}


def test_only_key_accounts_the_user_may_change_are_offered(org: Org, book: Book) -> None:
    # kam_a owns alpha (key) and backs nothing else; beta is kam_b's; deep is not a key account
    assert list(queries.plannable_accounts(org.kam_a)) == [book.alpha]
    assert list(queries.plannable_accounts(org.north_manager)) == [book.alpha, book.beta]
    assert queries.plannable_accounts(org.viewer).count() == 0  # sees everything, changes nothing
    assert set(queries.plannable_accounts(org.director)) == {book.alpha, book.beta}


def test_a_typed_name_or_id_resolves_to_one_account_or_says_why_not(org: Org, book: Book) -> None:
    make_account("Alpha Mining", owner=org.kam_b, is_key_account=True)
    user = org.north_manager
    # an id, with or without '#', and an exact name in any case
    assert queries.find_account(user, str(book.alpha.pk)).account == book.alpha
    assert queries.find_account(user, f"#{book.beta.pk}").account == book.beta
    assert queries.find_account(user, "  beta   LOGISTICS ").account == book.beta
    # the only name holding every word typed
    assert queries.find_account(user, "logis").account == book.beta
    # several partial matches
    several = queries.find_account(user, "alpha")
    assert several.account is None and several.problem.startswith("Several accounts match 'alpha'")
    assert f"Alpha Industries (id {book.alpha.pk})" in several.problem and len(several.candidates) == 2
    # nothing, not a key account, not theirs to change, nothing typed
    assert queries.find_account(user, "Zebra").problem == "No key account you may plan for matches 'Zebra'."
    assert "is not a key account" in queries.find_account(user, "Deep Foods").problem
    assert (
        "Southern Power is not a key account" in queries.find_account(org.director, "Southern Power").problem
    )
    assert queries.find_account(org.viewer, "Beta Logistics").problem.startswith("You may not change")
    # an account they cannot even see is not named to them
    assert queries.find_account(org.kam_a, "Beta Logistics").problem == (
        "No key account you may plan for matches 'Beta Logistics'."
    )
    assert queries.find_account(org.kam_south, str(book.alpha.pk)).problem == (
        f"No key account you may plan for matches id {book.alpha.pk}."
    )
    assert queries.find_account(user, "  ").problem == "Type the account's name or id and pick it."


def test_suggestions_as_the_user_types(org: Org, book: Book) -> None:
    client = signed_in(org.north_manager)
    page = client.get("/plans/new/").content.decode()
    assert 'hx-get="/plans/new/accounts/"' in page and 'id="account-options"' in page
    assert 'type="hidden" name="account_id"' in page
    fragment = client.get("/plans/new/accounts/", {"account": "lo"}, headers=HTMX).content.decode()
    assert "<html" not in fragment
    assert f'data-pick-account="{book.beta.pk}"' in fragment and "Beta Logistics" in fragment
    assert "Alpha Industries" not in fragment
    assert "Southern Power" not in client.get("/plans/new/accounts/", {"account": "power"}).content.decode()
    nothing = client.get("/plans/new/accounts/", {"account": "zebra"}).content.decode()
    assert "No key account you may plan for matches “zebra”." in nothing
    assert signed_in(org.viewer).get("/plans/new/accounts/", {"account": "a"}).status_code == 403


def test_suggestions_stay_ten_and_cost_the_same_with_thousands_of_accounts(org: Org, book: Book) -> None:
    client = signed_in(org.director)
    with CaptureQueriesContext(connection) as few:
        client.get("/plans/new/accounts/", {"account": "acme"}, headers=HTMX)
    Account.objects.bulk_create(
        [Account(name=f"Acme {n:04}", owner=org.kam_a, is_key_account=True) for n in range(1500)]
    )
    with CaptureQueriesContext(connection) as many:
        fragment = client.get("/plans/new/accounts/", {"account": "acme 00"}, headers=HTMX).content.decode()
    assert fragment.count("data-pick-account") == 10 and "Acme 0000" in fragment
    assert len(many) == len(few)


def test_starting_a_plan_with_a_picked_or_typed_account(org: Org, book: Book) -> None:
    client = signed_in(org.north_manager)
    # picked from the suggestions: the hidden id and the name shown
    picked = client.post("/plans/new/", {"account": "Beta Logistics", "account_id": book.beta.pk, **PERIOD})
    assert picked.status_code == 302 and AccountPlan.objects.get(period="FY2031").account == book.beta
    # typed without JavaScript: the name alone
    typed = client.post("/plans/new/", {"account": "alpha industries", "account_id": "", **PERIOD})
    assert typed.status_code == 302 and AccountPlan.objects.filter(account=book.alpha).exists()
    # a name edited after picking is looked up again rather than trusting the stale id
    edited = client.post("/plans/new/", {"account": "Zebra", "account_id": book.beta.pk, **PERIOD})
    assert "No key account you may plan for matches &#x27;Zebra&#x27;." in edited.content.decode()


def test_the_form_says_when_the_account_matches_none_or_several(org: Org, book: Book) -> None:
    make_account("Alpha Mining", owner=org.kam_a, is_key_account=True)
    client = signed_in(org.kam_a)
    several = client.post("/plans/new/", {"account": "alpha", **PERIOD}).content.decode()
    assert "Several accounts match &#x27;alpha&#x27;" in several and 'value="alpha"' in several
    assert 'data-pick-account="' in several  # the candidates, to pick from with JavaScript
    assert 'value="FY2031"' in several  # the rest of the input is kept
    none = client.post("/plans/new/", {"account": "Beta Logistics", **PERIOD}).content.decode()
    assert "No key account you may plan for matches &#x27;Beta Logistics&#x27;." in none
    forged = client.post("/plans/new/", {"account": "Beta Logistics", "account_id": book.beta.pk, **PERIOD})
    assert f"No key account you may plan for matches id {book.beta.pk}." in forged.content.decode()
    not_key = client.post("/plans/new/", {"account": "Deep Foods", **PERIOD}).content.decode()
    assert "No key account you may plan for matches" in not_key  # deep is kam_deep's: unseen
    assert not AccountPlan.objects.exists()


def test_the_account_tab_link_fills_the_account_in(org: Org, book: Book) -> None:
    page = signed_in(org.kam_a).get(f"/plans/new/?account={book.alpha.pk}").content.decode()
    assert 'value="Alpha Industries"' in page and f'value="{book.alpha.pk}"' in page
    other = signed_in(org.kam_a).get(f"/plans/new/?account={book.beta.pk}").content.decode()
    assert 'value="Beta Logistics"' not in other


def test_the_api_offers_the_same_suggestions(org: Org, book: Book, api_as: ApiAs) -> None:
    answer = api_as(org.north_manager).get("/plan-accounts", q="log")
    assert answer.status_code == 200 and answer.json() == [{"id": book.beta.pk, "name": "Beta Logistics"}]
    assert [a["name"] for a in api_as(org.kam_a).get("/plan-accounts").json()] == ["Alpha Industries"]
    assert api_as(org.viewer).get("/plan-accounts", q="a").status_code == 403
