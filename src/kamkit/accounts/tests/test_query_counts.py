"""Every list of the accounts area (pages, API lists, exports) costs the same number of queries for
N rows as for 2N: whatever a row shows of its relations is joined or prefetched, never fetched per row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kamkit.accounts import queries, services
from kamkit.accounts.choices import BuyingRole, DealStage
from kamkit.accounts.models import Account, Product, ProductLine
from kamkit.accounts.tests.fixtures import Book, make_account
from kamkit.core.models import ImportRun
from kamkit.core.tests.fixtures import ApiClient
from kamkit.users import services as user_services
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], ApiClient]


class Grower:
    """Adds ``n`` more of everything a list of the accounts area shows, each with its relations."""

    def __init__(self, org: Org, book: Book) -> None:
        self.org, self.book, self.added = org, book, 0
        line = ProductLine.objects.create(name="Line")
        self.product = Product.objects.create(name="Product", line=line)

    def grow(self, n: int) -> None:
        org, alpha = self.org, self.book.alpha
        now = timezone.now()
        for _ in range(n):
            i = self.added = self.added + 1
            division = services.add_division(account=alpha, name=f"Division {i}")
            boss = alpha.contacts.order_by("-pk").first()
            contact = services.create_contact(
                account=alpha,
                data=services.ContactInput(
                    last_name=f"Person {i}",
                    email=f"person{i}@alpha.example",
                    buying_role=BuyingRole.INFLUENCER,
                    relationship_owner=org.kam_a if i % 2 else org.kam_b,
                    reports_to=boss,
                    division=division,
                    is_key_person=True,
                ),
            )
            services.log_interaction(
                account=alpha,
                subject=f"Call {i}",
                occurred_at=now - dt.timedelta(days=i),
                contacts=[contact],
                our_people=[org.kam_a, org.kam_b],
                logged_by=org.kam_a,
            )
            asked = services.request_feedback(account=alpha, asked_by=org.kam_a, contact=contact)
            services.record_feedback(
                account=alpha,
                data=services.FeedbackInput(score=i % 11, request=asked, comment="ok", raise_issue=True),
            )
            services.save_account_competitor(account=alpha, competitor_name=f"Rival {i}", wins=i)
            services.save_financial_year(account=alpha, year=2000 + i, revenue=None)
            services.create_deal(
                data=services.DealInput(
                    account=alpha,
                    name=f"Deal {i}",
                    product=self.product,
                    division=division,
                    owner=org.kam_a,
                    stage=DealStage.WON if i % 2 else DealStage.PROSPECTING,
                    amount=None,
                    closed_on=now.date() if i % 2 else None,
                )
            )
            # key accounts nobody would cover (coverage), in the north team (the manager sees them)
            make_account(f"Uncovered {i}", owner=org.kam_b, is_key_account=True)


@pytest.fixture
def grower(org: Org, book: Book) -> Grower:
    return Grower(org, book)


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _flat(grower: Grower, call: Callable[[], Any]) -> None:
    """Same number of queries with 3 and with 6 of everything (after a first call warms caches)."""
    grower.grow(3)
    call()
    few = _queries(call)
    grower.grow(3)
    many = _queries(call)
    assert many == few, f"{few} queries with 3 rows, {many} with 6"


def _page(client: Any, url: str, expected: str) -> Callable[[], Any]:
    def call() -> None:
        response = client.get(url)
        assert response.status_code == 200, url
        assert expected in response.content.decode(), url

    return call


ACCOUNT_PAGES = [
    ("", "Call 3"),
    ("profile/", "Rival 3"),
    ("map/", "Person 3"),
    ("whitespace/", "Division 3"),
    ("activity/", "Person 3"),
    ("feedback/", "Person 3"),
    ("file/", "Person 3"),
]


@pytest.mark.parametrize(("page", "expected"), ACCOUNT_PAGES)
def test_account_pages_cost_the_same_for_more_rows(
    org: Org, book: Book, grower: Grower, page: str, expected: str
) -> None:
    _flat(grower, _page(signed_in(org.kam_a), f"/accounts/{book.alpha.pk}/{page}", expected))


def test_the_contact_page_costs_the_same_for_more_interactions(org: Org, book: Book, grower: Grower) -> None:
    grower.grow(1)
    contact = book.alpha.contacts.get()
    _flat(grower, _page(signed_in(org.kam_a), f"/accounts/{book.alpha.pk}/contacts/{contact.pk}/", "Call 1"))


@pytest.mark.parametrize(
    ("url", "expected"), [("/accounts/", "Uncovered 3"), ("/accounts/coverage/", "Uncovered 3")]
)
def test_account_list_and_coverage_cost_the_same_for_more_accounts(
    org: Org, grower: Grower, url: str, expected: str
) -> None:
    _flat(grower, _page(signed_in(org.north_manager), url, expected))


def test_the_import_page_lists_recent_runs_at_a_flat_cost(org: Org, grower: Grower) -> None:
    client = signed_in(org.kam_a)

    def call() -> None:
        ImportRun.objects.create(kind="accounts", filename="a.csv", status="done", started_by=org.kam_a)
        _page(client, "/accounts/import/", "a.csv")()

    _flat(grower, call)


API_LISTS = [
    "/accounts",
    "/contacts",
    "/accounts/{pk}/contacts",
    "/accounts/{pk}/map",
    "/accounts/{pk}/interactions",
    "/accounts/{pk}/feedback",
    "/accounts/{pk}/issues",
    "/accounts/{pk}/competitors",
    "/accounts/{pk}/financials",
    "/accounts/{pk}/divisions",
    "/accounts/{pk}/profile",
    "/accounts/{pk}/whitespace",
    "/accounts/{pk}/health",
    "/coverage",
]


@pytest.mark.parametrize("path", API_LISTS)
def test_api_lists_cost_the_same_for_more_rows(
    org: Org, book: Book, grower: Grower, api_as: ApiAs, path: str
) -> None:
    api = api_as(org.north_manager)
    url = path.format(pk=book.alpha.pk)

    def call() -> None:
        response = api.get(url)
        assert response.status_code == 200, url

    _flat(grower, call)


def test_api_interactions_are_paged_in_sql_with_their_people(
    org: Org, book: Book, grower: Grower, api_as: ApiAs
) -> None:
    grower.grow(4)
    page = api_as(org.kam_a).get(f"/accounts/{book.alpha.pk}/interactions?limit=2&offset=1").json()
    assert page["count"] == 4
    assert [item["subject"] for item in page["items"]] == ["Call 2", "Call 3"]
    contact = book.alpha.contacts.get(last_name="Person 2")
    assert page["items"][0]["contact_ids"] == [contact.pk]
    assert sorted(page["items"][0]["our_people_ids"]) == sorted([org.kam_a.pk, org.kam_b.pk])


@pytest.mark.parametrize("kind", ["accounts", "contacts", "deals", "products"])
def test_exports_cost_the_same_for_more_rows(org: Org, grower: Grower, kind: str) -> None:
    token = user_services.create_token(user=org.north_manager, name="export").key
    client = Client(headers={"Authorization": f"Bearer {token}"})

    def call() -> None:
        response = client.get(f"/api/v1/exports/{kind}")
        assert response.status_code == 200
        b"".join(response.streaming_content)  # the queries run while the file streams

    _flat(grower, call)
    assert Account.objects.filter(name="Uncovered 6").exists()


def test_the_home_card_counts_uncovered_accounts_at_a_flat_cost(org: Org, book: Book, grower: Grower) -> None:
    _flat(grower, _page(signed_in(org.north_manager), "/", "Key accounts without cover"))
    card = next(c for c in queries.home_cards(org.north_manager) if c.url_name == "accounts:coverage")
    assert card.figure == len(queries.coverage_report(org.north_manager)) == 7  # Beta and 6 grown
