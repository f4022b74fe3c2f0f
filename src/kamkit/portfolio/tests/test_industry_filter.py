"""The portfolio pages' industry filter offers only the industries of accounts the user may see."""

from __future__ import annotations

import pytest

from kamkit.accounts.models import Account
from kamkit.portfolio.tests.fixtures import Portfolio, rescore
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db


def _offered(html: str) -> set[str]:
    return {name for name in ("Chemicals", "Utilities") if f'<option value="{name}"' in html}


@pytest.mark.parametrize("page", ["/portfolio/", "/portfolio/ranking/"])
def test_portfolio_filters_offer_only_visible_industries(org: Org, portfolio: Portfolio, page: str) -> None:
    # given Alpha (kam_a's) in Chemicals and Southern Power (kam_south's) alone in Utilities
    Account.objects.filter(pk=portfolio.book.alpha.pk).update(industry="Chemicals")
    Account.objects.filter(pk=portfolio.book.south.pk).update(industry="Utilities")
    rescore()
    # then kam_a is offered only Chemicals, a director both
    mine = signed_in(org.kam_a).get(page)
    assert mine.status_code == 200 and _offered(mine.content.decode()) == {"Chemicals"}
    assert _offered(signed_in(org.director).get(page).content.decode()) == {"Chemicals", "Utilities"}
