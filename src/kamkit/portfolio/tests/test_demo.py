"""The demo portfolio: ratings of the key accounts and a first re-score, both from the demo's day."""

from __future__ import annotations

import datetime as dt
from random import Random

import pytest

from kamkit.accounts.models import Account
from kamkit.core import demo
from kamkit.portfolio import queries
from kamkit.portfolio.models import AccountRating, AccountScore, ScoringRun

pytestmark = pytest.mark.django_db


def test_the_demo_portfolio_is_rated_and_scored_as_of_the_demos_day() -> None:
    # given a demo made as of a day that is not today
    day = dt.date(2027, 6, 15)
    size = demo.DemoSize(people=12, accounts=30, deals=300)
    lines = demo.generate(size, seed=7, as_of=day)
    now = demo.DemoContext(size=size, seed=7, rng=Random(7), as_of=day).now
    # then every account is scored as of that day, and the scores are not stale
    line = next(line for line in lines if line.startswith("portfolio: "))
    assert "30 accounts scored as of 2027-06-15 in " in line
    assert list(ScoringRun.objects.values_list("as_of", flat=True)) == [day]
    assert AccountScore.objects.count() == Account.objects.count() == 30
    assert not queries.score_status().stale
    # and the key accounts' ratings carry the demo's moment
    ratings = AccountRating.objects.all()
    assert ratings.exists() and not ratings.filter(account__is_key_account=False).exists()
    assert set(ratings.values_list("updated_at", flat=True)) == {now}
