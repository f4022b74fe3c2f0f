"""Every list page, export and API list of the portfolio reads a fixed number of queries, however many
accounts, deals and ratings it shows: the count for N rows equals the count for 2N rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kamkit.accounts.tests.fixtures import make_account
from kamkit.portfolio.choices import Source
from kamkit.portfolio.tests.fixtures import AS_OF, Portfolio, deal, rate, rescore
from kamkit.users.models import User
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


def grow(owner: User, count: int) -> None:
    """``count`` more accounts of ``owner``, each with deals, a rating and (after the re-score) a score."""
    start = owner.owned_accounts.count()
    for number in range(start, start + count):
        account = make_account(f"Grown {owner.pk}-{number}", owner=owner, industry="Food")
        deal(
            account,
            "won",
            1_000 + number,
            AS_OF - dt.timedelta(days=30),
            external_id=f"G-{owner.pk}-{number}",
        )
        deal(account, "proposal", 500 + number)
        rate(account, Source.FINANCIAL_SECURITY, 3)
    rescore()


def counted(call: Callable[[], Any]) -> int:
    """Queries of one request, after a first one that warms what is done once (token use, caches)."""
    call()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, getattr(response, "content", response)
    if hasattr(response, "streaming_content"):
        with CaptureQueriesContext(connection) as streamed:
            b"".join(response.streaming_content)
        return len(captured) + len(streamed)
    return len(captured)


def same_for_n_and_2n(owner: User, call: Callable[[], Any]) -> None:
    grow(owner, 3)
    few = counted(call)
    grow(owner, 6)
    many = counted(call)
    assert many == few, f"{few} queries for fewer rows, {many} for more"


PAGES = [
    "/portfolio/",
    "/portfolio/?format=svg",
    "/portfolio/ranking/",
    "/portfolio/what-if/",
    "/portfolio/export.csv",
]


@pytest.mark.parametrize("who", ["director", "north_manager"])
@pytest.mark.parametrize("url", PAGES)
def test_pages_and_exports_read_a_fixed_number_of_queries(
    org: Org, portfolio: Portfolio, who: str, url: str
) -> None:
    client = signed_in(getattr(org, who))
    same_for_n_and_2n(org.kam_b, lambda: client.get(url))


API_LISTS = [
    ("get", "/portfolio/scores", None),
    ("get", "/portfolio/matrix", None),
    ("post", "/portfolio/what-if", {"weights": {"pipeline": 50, "revenue_current": 10}, "limit": 200}),
    ("get", "/deals", None),
]


@pytest.mark.parametrize("who", ["director", "north_manager"])
@pytest.mark.parametrize(("method", "path", "body"), API_LISTS)
def test_api_lists_read_a_fixed_number_of_queries(
    org: Org, portfolio: Portfolio, api_as: ApiAs, who: str, method: str, path: str, body: Any
) -> None:
    api = api_as(getattr(org, who))

    def call() -> Any:
        return api.post(path, body) if method == "post" else api.get(path, limit=100)

    same_for_n_and_2n(org.kam_b, call)


def test_the_ratings_of_an_account_read_a_fixed_number_of_queries(
    org: Org, portfolio: Portfolio, api_as: ApiAs
) -> None:
    beta = portfolio.book.beta
    api = api_as(org.kam_b)
    path = f"/portfolio/accounts/{beta.pk}/ratings"
    few = counted(lambda: api.get(path))
    for source, people in ((Source.VALUES_US, org.kam_a), (Source.CULTURAL_FIT, org.north_manager)):
        rate(beta, source, 4, by=people)
    many = counted(lambda: api.get(path))
    assert len(api.get(path).json()) == 3
    assert many == few
