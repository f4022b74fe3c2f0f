"""Portfolio fixtures: the `book` accounts with deals, time and ratings whose scores are worked out
by hand in test_rescore.py.

Scoring date 30 June 2026, 12-month periods: current = 1 Jul 2025 - 30 Jun 2026, previous = 1 Jul
2024 - 30 Jun 2025. Four criteria carry weight: current revenue 40, pipeline 20 and financial
security 20 (attractiveness), share of wallet 20 (our strength); the other eight weigh 0.

            won now   won before  open     wallet   fin. security  minutes logged
    alpha   100,000   50,000      30,000   400,000  5              600 (10 h)
    beta     60,000   60,000      90,000   -        3              1,200 (20 h)
    deep     20,000   -           -        40,000   -              -
    south    -        10,000      10,000   50,000   1              300 (5 h)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from kamkit.accounts import services as account_services
from kamkit.accounts.models import Account
from kamkit.accounts.tests.fixtures import Book
from kamkit.portfolio import services
from kamkit.portfolio.builtin import load_criteria
from kamkit.portfolio.choices import Source
from kamkit.portfolio.models import SelectionCriterion
from kamkit.users.tests.fixtures import Org

AS_OF = dt.date(2026, 6, 30)
WEIGHTS = {
    Source.REVENUE_CURRENT: 40,
    Source.PIPELINE: 20,
    Source.FINANCIAL_SECURITY: 20,
    Source.SHARE_OF_WALLET: 20,
}


def deal(
    account: Account, stage: str, amount: int | None, closed_on: dt.date | None = None, **extra: object
) -> None:
    account_services.create_deal(
        data=account_services.DealInput(
            account=account,
            stage=stage,
            amount=Decimal(amount) if amount is not None else None,
            closed_on=closed_on,
            **extra,  # type: ignore[arg-type]
        )
    )


def log_minutes(account: Account, minutes: int, day: dt.date) -> None:
    account_services.log_interaction(
        account=account,
        subject="Account review",
        occurred_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
        duration_minutes=minutes,
    )


def criterion(source: str) -> SelectionCriterion:
    return SelectionCriterion.objects.get(source=source)


def rate(account: Account, source: str, score: int, by: object = None) -> None:
    services.rate_account(account=account, criterion=criterion(source), score=score, rated_by=by)  # type: ignore[arg-type]


@dataclass
class Portfolio:
    book: Book
    as_of: dt.date


@pytest.fixture
def portfolio(org: Org, book: Book) -> Portfolio:
    load_criteria()
    for item in SelectionCriterion.objects.all():
        services.update_criterion(criterion=item, weight=WEIGHTS.get(Source(item.source), 0))
    Account.objects.filter(pk=book.alpha.pk).update(
        wallet_estimate=Decimal(400_000), customer_since=dt.date(2020, 6, 30)
    )
    Account.objects.filter(pk=book.deep.pk).update(wallet_estimate=Decimal(40_000))
    Account.objects.filter(pk=book.south.pk).update(wallet_estimate=Decimal(50_000))

    deal(book.alpha, "won", 100_000, dt.date(2026, 3, 1), margin=Decimal(20_000))
    deal(book.alpha, "won", 50_000, dt.date(2025, 3, 1))
    deal(book.alpha, "negotiation", 30_000)
    deal(book.alpha, "lost", 500_000, dt.date(2026, 2, 1))  # lost deals count for nothing
    deal(book.alpha, "won", 70_000, dt.date(2026, 7, 15))  # after the scoring date: not yet
    deal(book.beta, "won", 60_000, dt.date(2026, 1, 15), margin=Decimal(30_000))
    deal(book.beta, "won", 60_000, dt.date(2024, 12, 1))
    deal(book.beta, "proposal", 90_000)
    deal(book.beta, "prospecting", None)  # an open deal without an amount adds nothing
    deal(book.deep, "won", 20_000, dt.date(2025, 7, 1))  # the first day of the current period
    deal(book.south, "won", 10_000, dt.date(2025, 1, 10))
    deal(book.south, "won", 5_000, dt.date(2023, 1, 10))  # only in the historical value
    deal(book.south, "engaging", 10_000)

    log_minutes(book.alpha, 600, dt.date(2026, 3, 2))
    log_minutes(book.alpha, 240, dt.date(2025, 5, 2))  # before the current period
    log_minutes(book.beta, 1200, dt.date(2026, 4, 2))
    log_minutes(book.south, 300, dt.date(2025, 10, 2))

    rate(book.alpha, Source.FINANCIAL_SECURITY, 5)
    rate(book.beta, Source.FINANCIAL_SECURITY, 3)
    rate(book.south, Source.FINANCIAL_SECURITY, 1)
    rate(book.alpha, Source.CULTURAL_FIT, 4)  # weighs 0: stored, not counted
    return Portfolio(book=book, as_of=AS_OF)


def rescore(as_of: dt.date = AS_OF) -> None:
    services.rescore_portfolio(as_of=as_of)
