"""Deleting a customer account takes its contacts, deals and plans with it: a director's or an
admin's act, decided once by the Account policy and the same through the API and the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kamkit.accounts.models import Account
from kamkit.accounts.tests.fixtures import Book
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]

# role -> what DELETE /accounts/{alpha} answers. Alpha is owned by kam_a, backed up by kam_b and sits
# in north_manager's line; viewers see it but change nothing; the others do not see it at all.
ANSWERS = {
    "admin": 204,
    "director": 204,
    "north_manager": 403,
    "kam_a": 403,
    "kam_b": 403,
    "viewer": 403,
    "kam_south": 404,
    "south_manager": 404,
    "interviewer": 404,
}


@pytest.mark.parametrize(("who", "status"), ANSWERS.items())
def test_only_directors_and_admins_delete_an_account_through_the_api(
    org: Org, book: Book, api_as: ApiAs, who: str, status: int
) -> None:
    response = api_as(getattr(org, who)).delete(f"/accounts/{book.alpha.pk}")
    assert response.status_code == status
    assert Account.objects.filter(pk=book.alpha.pk).exists() == (status != 204)
    if status == 403:
        assert response.json()["detail"] == "You may not delete this account."


@pytest.mark.parametrize("who", ANSWERS)
def test_the_permission_service_gives_the_same_answer(org: Org, book: Book, who: str) -> None:
    user = getattr(org, who)
    allowed = ANSWERS[who] == 204
    assert permissions.can(user, Action.DELETE, book.alpha) == allowed
    assert permissions.can(user, Action.DELETE, Account) == allowed
    deletable = set(permissions.permitted(user, Account, Action.DELETE).values_list("name", flat=True))
    assert deletable == (
        {"Alpha Industries", "Beta Logistics", "Deep Foods", "Southern Power"} if allowed else set()
    )


def test_the_owner_still_changes_the_account_they_may_not_delete(org: Org, book: Book) -> None:
    for user in (org.kam_a, org.kam_b, org.north_manager):
        assert permissions.can(user, Action.CHANGE, book.alpha)
        assert not permissions.can(user, Action.DELETE, book.alpha)


@pytest.mark.parametrize("who", ANSWERS)
def test_the_pages_delete_no_account_for_anyone(org: Org, book: Book, who: str) -> None:
    # the pages have no way to delete an account: the edit form ignores a 'delete' button
    client = signed_in(getattr(org, who))
    response = client.post(f"/accounts/{book.alpha.pk}/edit/", {"delete": "1"})
    assert response.status_code in (200, 403, 404)
    assert Account.objects.filter(pk=book.alpha.pk).exists()
    page = client.get(f"/accounts/{book.alpha.pk}/")
    if page.status_code == 200:
        html = page.content.decode()
        assert 'name="delete"' not in html and f"/accounts/{book.alpha.pk}/delete" not in html
