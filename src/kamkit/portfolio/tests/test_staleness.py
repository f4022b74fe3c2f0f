"""Scores follow their inputs: writes to deals, accounts, logged time, ratings and criteria mark the
scores stale and queue one background re-score (database task backend, as in production); running
the task brings them up to date. Pages and the API say when scores were computed and whether their
inputs changed since. CI runs no worker: these tests run the queued task themselves."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kamkit.accounts import importers
from kamkit.accounts import services as account_services
from kamkit.accounts.models import Account, Deal
from kamkit.portfolio import queries, services
from kamkit.portfolio.choices import Source
from kamkit.portfolio.models import AccountScore, PortfolioSettings, ScoringRun
from kamkit.portfolio.tasks import rescore_portfolio_task
from kamkit.portfolio.tests.fixtures import Portfolio, criterion, rescore
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]
TASK_PATH = f"{rescore_portfolio_task.module_path}"


@pytest.fixture
def task_queue(settings: Any) -> None:
    """The production task backend (a queue in the database) instead of the tests' immediate one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """A block whose on-commit callbacks run, as when its transaction commits in production."""

    def block() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return block


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=TASK_PATH, status=TaskResultStatus.READY))


def run_queued_tasks() -> list[Any]:
    """What ``kamkit worker`` does with the queue, for each waiting re-score: run it, mark it done."""
    results = []
    for row in queued():
        results.append(rescore_portfolio_task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))
        row.status = TaskResultStatus.SUCCESSFUL
        row.save(update_fields=["status"])
    return results


def deals_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Opportunity ID", "Account Name", "Stage", "Amount", "Close Date"])
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def scored(portfolio: Portfolio) -> Iterator[Portfolio]:
    rescore()
    assert not queries.score_status().inputs_changed
    yield portfolio


def test_a_deals_import_marks_scores_stale_and_queues_exactly_one_rescore(
    org: Org, scored: Portfolio, task_queue: None, committed: Callable[[], Any]
) -> None:
    # given scored accounts; when a CRM file brings two won deals for Deep Foods
    data = deals_csv(
        [
            ["CRM-1", "Deep Foods", "Won", "30000", "2026-05-01"],
            ["CRM-2", "Deep Foods", "Won", "10000", "2026-06-01"],
        ]
    )
    with committed():
        importers.import_file("deals", data, filename="deals.csv")
    # then the scores are stale and one re-score waits in the queue
    status = queries.score_status()
    assert status.stale and status.task == queries.TASK_QUEUED and status.changed_at is not None
    assert len(queued()) == 1
    assert "Inputs changed since" in status.text and "re-score queued" in status.text
    # and more changes while it waits queue nothing more (it will read them when it runs)
    with committed(), transaction.atomic():
        account_services.create_deal(
            data=account_services.DealInput(
                account=scored.book.south, stage="won", amount=Decimal(5), closed_on=scored.as_of
            )
        )
        services.rate_account(
            account=scored.book.deep, criterion=criterion(Source.FINANCIAL_SECURITY), score=4, rated_by=None
        )
    assert len(queued()) == 1
    before = AccountScore.objects.get(pk=scored.book.deep.pk).revenue_current

    # when the worker runs the task (CI has none: the test does)
    assert run_queued_tasks() == [True]

    # then the scores are up to date again: the imported deals count
    status = queries.score_status()
    assert not status.inputs_changed and not status.stale and status.task is None
    after = AccountScore.objects.get(pk=scored.book.deep.pk)
    assert after.revenue_current > before and after.n_financial_security == 0.75
    assert ScoringRun.objects.count() == 2
    assert ScoringRun.objects.first().inputs_version == PortfolioSettings.objects.get().inputs_version  # type: ignore[union-attr]


def test_a_queued_task_that_finds_the_scores_current_does_nothing(
    scored: Portfolio, task_queue: None, committed: Callable[[], Any]
) -> None:
    with committed(), transaction.atomic():
        account_services.create_deal(
            data=account_services.DealInput(account=scored.book.deep, stage="negotiation", amount=Decimal(9))
        )
    assert len(queued()) == 1
    rescore()  # someone pressed "Re-score now" before the worker came round
    assert run_queued_tasks() == [False]
    assert ScoringRun.objects.count() == 2


def test_a_running_rescore_does_not_hold_back_a_new_one(
    scored: Portfolio, task_queue: None, committed: Callable[[], Any]
) -> None:
    with committed(), transaction.atomic():
        account_services.create_deal(
            data=account_services.DealInput(account=scored.book.deep, stage="negotiation", amount=Decimal(9))
        )
    (first,) = queued()
    first.status = TaskResultStatus.RUNNING  # a worker took it; it may have read its inputs already
    first.save(update_fields=["status"])
    assert queries.score_status().task == queries.TASK_RUNNING
    with committed(), transaction.atomic():
        account_services.create_deal(
            data=account_services.DealInput(account=scored.book.deep, stage="proposal", amount=Decimal(3))
        )
    assert len(queued()) == 1 and queued()[0].pk != first.pk
    assert queries.score_status().task == queries.TASK_QUEUED


def test_a_write_that_rolls_back_queues_nothing(
    scored: Portfolio, task_queue: None, committed: Callable[[], Any]
) -> None:
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        account_services.create_deal(
            data=account_services.DealInput(account=scored.book.deep, stage="negotiation", amount=Decimal(9))
        )
        raise RuntimeError("refused later")
    assert queued() == [] and not queries.score_status().inputs_changed


@pytest.mark.parametrize(
    ("change", "counts"),
    [
        ("deal amount", True),
        ("deal product", False),
        ("wallet estimate", True),
        ("account notes", False),
        ("new account", True),
        ("interaction with time", True),
        ("interaction without time", False),
        ("accounts import", True),
        ("contacts import", False),
        ("settings", True),
        ("same deal sent again", False),
    ],
)
def test_only_what_the_scores_read_makes_them_stale(
    org: Org, scored: Portfolio, task_queue: None, committed: Callable[[], Any], change: str, counts: bool
) -> None:
    book = scored.book
    deal = Deal.objects.filter(account=book.alpha, status="open").get()
    with committed():
        if change == "accounts import":
            importers.import_file(
                "accounts", b"Account Name,Customer Since\nDeep Foods,2019-01-31\n", filename="a.csv"
            )
        elif change == "contacts import":
            importers.import_file("contacts", b"Account Name,Last Name\nDeep Foods,Doe\n", filename="c.csv")
        else:
            with transaction.atomic():
                _change(change, book, deal)
    assert queries.score_status().inputs_changed is counts
    assert len(queued()) == (1 if counts else 0)


def _change(change: str, book: Any, deal: Deal) -> None:
    if change in ("deal amount", "deal product", "same deal sent again"):
        data = account_services.DealInput(
            account=deal.account, name=deal.name, stage=deal.stage, amount=deal.amount, external_id="X-1"
        )
        if change == "deal amount":
            data.amount = Decimal(31_000)
        elif change == "deal product":
            from kamkit.accounts.models import Product, ProductLine

            data.product = Product.objects.create(name="GTX Pro", line=ProductLine.objects.create(name="GTX"))
        # a first save gives it its CRM id: not a score input
        account_services.update_deal(deal=deal, data=data)
        if change == "same deal sent again":
            account_services.upsert_deal(data=data)
    elif change in ("wallet estimate", "account notes"):
        account = Account.objects.get(pk=book.beta.pk)
        if change == "wallet estimate":
            account.wallet_estimate = Decimal(1_000_000)
        else:
            account.notes = "Met the new CFO."
        account.save()
    elif change == "new account":
        account_services.create_account(data=account_services.AccountInput(name="Zenith Retail"))
    elif change.startswith("interaction"):
        account_services.log_interaction(
            account=book.beta,
            subject="Call",
            occurred_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
            duration_minutes=30 if change == "interaction with time" else None,
        )
    elif change == "settings":
        services.update_settings(
            normalisation="percentile",
            period_months=12,
            key_share=10,
            develop_share=20,
            maintain_share=40,
            value_basis="revenue",
        )


def test_pages_and_api_say_when_scores_were_computed_and_that_inputs_changed(
    org: Org, scored: Portfolio, task_queue: None, committed: Callable[[], Any], api_as: ApiAs
) -> None:
    alpha = scored.book.alpha.pk
    pages = (
        "/portfolio/",
        "/portfolio/ranking/",
        "/portfolio/what-if/",
        f"/portfolio/accounts/{alpha}/",
        f"/portfolio/accounts/{alpha}/explain/",
    )
    client = signed_in(org.kam_a)
    for url in pages:
        text = client.get(url).content.decode()
        assert "Scored at" in text and "Inputs changed since" not in text, url
    fresh = api_as(org.kam_a).get("/portfolio/status").json()
    assert fresh["inputs_changed"] is False and fresh["rescore"] is None and fresh["scored_at"]

    # when a rating changes (through the page, as a person does)
    with committed():
        response = client.post(f"/portfolio/accounts/{alpha}/", {f"rate_{Source.FINANCIAL_SECURITY}": "2"})
    assert response.status_code == 302

    for url in pages:
        text = client.get(url).content.decode()
        assert "Scored at" in text and "Inputs changed since" in text and "re-score queued" in text, url
    api = api_as(org.kam_a)
    for body in (
        api.get("/portfolio/status").json(),
        api.get("/portfolio/scores").json()["freshness"],
        api.get(f"/portfolio/accounts/{alpha}/score").json()["freshness"],
        api.get(f"/portfolio/accounts/{alpha}/explain").json()["freshness"],
        api.get("/portfolio/matrix").json()["freshness"],
        api.post("/portfolio/what-if", {"weights": {"pipeline": 10}}).json()["freshness"],
    ):
        assert body["inputs_changed"] is True and body["rescore"] == "queued" and body["inputs_changed_at"]
        assert "re-score queued" in body["text"]

    # and once the task ran, the warning is gone
    run_queued_tasks()
    assert "Inputs changed since" not in client.get("/portfolio/").content.decode()
    assert api.get("/portfolio/status").json()["inputs_changed"] is False


def test_the_status_before_any_rescore(org: Org, api_as: ApiAs) -> None:
    body = api_as(org.viewer).get("/portfolio/status").json()
    assert body == {
        "scored_at": None,
        "as_of": None,
        "inputs_changed": True,
        "inputs_changed_at": None,
        "rescore": None,
        "text": "Not scored yet.",
    }
    assert api_as(None).get("/portfolio/status").status_code == 401


def test_scores_lost_since_their_run_read_as_not_scored(portfolio: Portfolio) -> None:
    # given a re-score whose rows are gone since (PostgreSQL empties UNLOGGED tables after a crash)
    services.rescore_portfolio(as_of=dt.date(2026, 6, 30))
    assert queries.score_status().run is not None
    AccountScore.objects.all().delete()
    # then the status says not scored, so the background re-score runs again
    status = queries.score_status()
    assert status.run is None and status.inputs_changed and status.text.startswith("Not scored yet")
