"""The re-score in SQL against figures worked out by hand (see the table in fixtures.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kamkit.accounts.choices import Tier
from kamkit.core.audit import acting_as
from kamkit.core.models import AuditEntry
from kamkit.portfolio import queries, scoring, services
from kamkit.portfolio.choices import Normalisation, Source
from kamkit.portfolio.models import AccountMetrics, AccountScore, ScoringRun, SelectionCriterion
from kamkit.portfolio.tests.fixtures import Portfolio, criterion, rescore

pytestmark = pytest.mark.django_db


def score(account: object) -> AccountScore:
    return AccountScore.objects.get(account=account)


def facts(account: object) -> AccountMetrics:
    return AccountMetrics.objects.get(account=account)


def test_facts_are_summed_per_period(portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    # given no app providing planned hours (the plans app registers one: see the planned hours test)
    monkeypatch.setattr(queries, "PLANNED_HOURS", [])
    # when the portfolio is scored on 30 June 2026
    rescore()
    book = portfolio.book
    alpha, beta, deep, south = (facts(a) for a in (book.alpha, book.beta, book.deep, book.south))
    # then current revenue counts won deals closed 1 Jul 2025 - 30 Jun 2026 only
    assert [m.revenue_current for m in (alpha, beta, deep, south)] == [100_000, 60_000, 20_000, 0]
    assert [m.revenue_previous for m in (alpha, beta, deep, south)] == [50_000, 60_000, 0, 10_000]
    assert [m.profit_current for m in (alpha, beta, deep, south)] == [20_000, 30_000, 0, 0]
    assert [m.pipeline for m in (alpha, beta, deep, south)] == [30_000, 90_000, 0, 10_000]
    assert [m.historical_value for m in (alpha, beta, deep, south)] == [150_000, 120_000, 20_000, 15_000]
    # growth: (100 - 50) / 50; (60 - 60) / 60; nothing before for deep; (0 - 10) / 10
    assert [m.revenue_growth for m in (alpha, beta, deep, south)] == [1.0, 0.0, None, -1.0]
    # share of wallet: 100,000 / 400,000; no estimate for beta; 20/40; 0/50
    assert [m.share_of_wallet for m in (alpha, beta, deep, south)] == [0.25, None, 0.5, 0.0]
    assert [m.wallet_estimate for m in (alpha, beta, deep, south)] == [400_000, None, 40_000, 50_000]
    # years: alpha since 30 Jun 2020 (2,191 days); the others from their first won deal
    assert alpha.years_as_customer == pytest.approx(2191 / 365.25)
    assert beta.years_as_customer == pytest.approx(
        (dt.date(2026, 6, 30) - dt.date(2024, 12, 1)).days / 365.25
    )
    assert deep.years_as_customer == pytest.approx(364 / 365.25)
    assert south.years_as_customer == pytest.approx(
        (dt.date(2026, 6, 30) - dt.date(2023, 1, 10)).days / 365.25
    )
    # hours: minutes logged in the current period / 60
    assert [m.hours_logged for m in (alpha, beta, deep, south)] == [10.0, 20.0, 0.0, 5.0]
    assert alpha.hours_planned is None
    # ratings are copied as they were when scored
    assert [m.rating_financial_security for m in (alpha, beta, deep, south)] == [5, 3, None, 1]
    assert alpha.rating_cultural_fit == 4


def test_min_max_scores_totals_ranks_tiers_and_return_on_time(portfolio: Portfolio) -> None:
    rescore()
    book = portfolio.book
    alpha, beta, deep, south = (score(a) for a in (book.alpha, book.beta, book.deep, book.south))
    # revenue (0 .. 100,000): 1, 0.6, 0.2, 0
    assert [s.n_revenue_current for s in (alpha, beta, deep, south)] == pytest.approx([1, 0.6, 0.2, 0])
    # pipeline (0 .. 90,000)
    assert [s.n_pipeline for s in (alpha, beta, deep, south)] == pytest.approx([1 / 3, 1, 0, 1 / 9])
    # financial security on its 1-5 scale; deep is not rated: the middle
    assert [s.n_financial_security for s in (alpha, beta, deep, south)] == pytest.approx([1, 0.5, 0.5, 0])
    # share of wallet (0 .. 0.5); beta has no wallet estimate: the middle
    assert [s.n_share_of_wallet for s in (alpha, beta, deep, south)] == pytest.approx([0.5, 0.5, 1, 0])
    # totals: (40 x revenue + 20 x pipeline + 20 x security + 20 x share) / 100 x 100
    assert alpha.total == pytest.approx(40 + 20 / 3 + 20 + 10)  # 76.67
    assert beta.total == pytest.approx(24 + 20 + 10 + 10)  # 64
    assert deep.total == pytest.approx(8 + 0 + 10 + 20)  # 38
    assert south.total == pytest.approx(20 / 9)  # 2.22
    # attractiveness: the first three over 80; strength: share of wallet alone
    assert alpha.attractiveness == pytest.approx((40 + 20 / 3 + 20) / 80 * 100)
    assert deep.attractiveness == pytest.approx(18 / 80 * 100)
    assert [s.strength for s in (alpha, beta, deep, south)] == pytest.approx([50, 50, 100, 0])
    # ranks and tiers: 0, 25, 50 and 75 % of the accounts rank above
    assert [s.rank for s in (alpha, beta, deep, south)] == [1, 2, 3, 4]
    assert [s.share_above for s in (alpha, beta, deep, south)] == pytest.approx([0, 25, 50, 75])
    assert [s.tier_suggestion for s in (alpha, beta, deep, south)] == [
        Tier.KEY,
        Tier.DEVELOP,
        Tier.MAINTAIN,
        Tier.SERVE,
    ]
    # return on time: current revenue per hour logged; none without hours
    assert [s.return_on_time for s in (alpha, beta, deep, south)] == [10_000, 3_000, None, 0]


def test_percentile_normalisation(portfolio: Portfolio) -> None:
    # given percentile normalisation
    services.update_settings(
        normalisation=Normalisation.PERCENTILE,
        period_months=12,
        key_share=10,
        develop_share=20,
        maintain_share=40,
        value_basis="revenue",
    )
    rescore()
    book = portfolio.book
    alpha, beta, deep, south = (score(a) for a in (book.alpha, book.beta, book.deep, book.south))
    # then each value is the share of the other accounts below it
    assert [s.n_revenue_current for s in (alpha, beta, deep, south)] == pytest.approx([1, 2 / 3, 1 / 3, 0])
    assert [s.n_pipeline for s in (alpha, beta, deep, south)] == pytest.approx([2 / 3, 1, 0, 1 / 3])
    # only the three accounts with a wallet estimate are ranked; beta sits in the middle
    assert [s.n_share_of_wallet for s in (alpha, beta, deep, south)] == pytest.approx([0.5, 0.5, 1, 0])
    # rated criteria stay on their own scale
    assert [s.n_financial_security for s in (alpha, beta, deep, south)] == pytest.approx([1, 0.5, 0.5, 0])
    assert alpha.total == pytest.approx(40 + 40 / 3 + 20 + 10)
    assert beta.total == pytest.approx(80 / 3 + 20 + 10 + 10)
    assert deep.total == pytest.approx(40 / 3 + 0 + 10 + 20)
    assert south.total == pytest.approx(20 / 3)


def test_new_weights_change_the_ranking_as_worked_out_by_hand(portfolio: Portfolio) -> None:
    rescore()
    # when revenue stops counting and the pipeline weighs 60
    services.set_weights(weights={Source.REVENUE_CURRENT: 0, Source.PIPELINE: 60})
    rescore()
    book = portfolio.book
    alpha, beta, deep, south = (score(a) for a in (book.alpha, book.beta, book.deep, book.south))
    # then (60 x pipeline + 20 x security + 20 x share) / 100 x 100 puts beta first
    assert beta.total == pytest.approx(60 + 10 + 10)
    assert alpha.total == pytest.approx(20 + 20 + 10)
    assert deep.total == pytest.approx(0 + 10 + 20)
    assert south.total == pytest.approx(60 / 9)
    assert [s.rank for s in (beta, alpha, deep, south)] == [1, 2, 3, 4]


def test_equal_totals_share_a_rank_and_a_tier(portfolio: Portfolio) -> None:
    # given one criterion on which alpha and beta are equal (both have a share-of-wallet score of 0.5)
    services.set_weights(
        weights={Source.REVENUE_CURRENT: 0, Source.PIPELINE: 0, Source.FINANCIAL_SECURITY: 0}
    )
    rescore()
    book = portfolio.book
    ranks = {s.account_id: (s.rank, s.tier_suggestion) for s in AccountScore.objects.all()}
    assert ranks[book.deep.pk] == (1, Tier.KEY)
    assert ranks[book.alpha.pk] == ranks[book.beta.pk] == (2, Tier.DEVELOP)
    assert ranks[book.south.pk] == (4, Tier.SERVE)


def test_profit_basis_and_shorter_period(portfolio: Portfolio) -> None:
    services.update_settings(
        normalisation=Normalisation.MIN_MAX,
        period_months=6,
        key_share=25,
        develop_share=25,
        maintain_share=25,
        value_basis="profit",
    )
    rescore()
    book = portfolio.book
    # six months: 1 Jan - 30 Jun 2026 holds alpha's March and beta's January deals, not deep's July one
    assert facts(book.deep).revenue_current == 0
    assert facts(book.alpha).revenue_current == 100_000
    # share of wallet compares with half a year of the yearly wallet: 100,000 / 200,000
    assert facts(book.alpha).share_of_wallet == pytest.approx(0.5)
    # return on time on profit: alpha 20,000 / 10 h, beta 30,000 / 20 h
    assert score(book.alpha).return_on_time == pytest.approx(2_000)
    assert score(book.beta).return_on_time == pytest.approx(1_500)
    # 25 % bands: one account per tier
    tiers = [score(a).tier_suggestion for a in (book.alpha, book.beta, book.deep, book.south)]
    assert sorted(tiers) == sorted([Tier.KEY, Tier.DEVELOP, Tier.MAINTAIN, Tier.SERVE])


def test_rescore_replaces_everything_and_leaves_one_audit_summary(portfolio: Portfolio) -> None:
    rescore()
    with acting_as(label="cli:portfolio"):
        run = services.rescore_portfolio(as_of=portfolio.as_of)
    assert AccountScore.objects.count() == AccountMetrics.objects.count() == 4
    assert run.account_count == 4
    assert ScoringRun.objects.count() == 2
    entry = AuditEntry.objects.filter(object_id=str(run.pk), content_type__model="scoringrun").get()
    assert entry.actor_label == "cli:portfolio"
    assert entry.changes["account_count"] == [None, 4]
    # the snapshot says which weights produced these scores
    weights = {c["source"]: c["weight"] for c in run.criteria_snapshot}
    assert weights[Source.REVENUE_CURRENT] == 40 and weights[Source.CULTURAL_FIT] == 0


def test_explanations_recompute_the_stored_numbers(portfolio: Portfolio) -> None:
    for method in (Normalisation.MIN_MAX, Normalisation.PERCENTILE):
        services.update_settings(
            normalisation=method,
            period_months=12,
            key_share=10,
            develop_share=20,
            maintain_share=40,
            value_basis="revenue",
        )
        rescore()
        for stored in AccountScore.objects.all():
            explained = queries.explanation_for(stored)
            assert explained is not None
            e = explained.explanation
            for line in e.criteria:
                assert line.normalised == pytest.approx(stored.normalised(line.source)), (method, line.source)
            assert e.total == pytest.approx(stored.total)
            assert e.attractiveness == pytest.approx(stored.attractiveness)
            assert e.strength == pytest.approx(stored.strength)
            assert e.tier == stored.tier_suggestion
            assert e.share_above == pytest.approx(stored.share_above)
            if stored.return_on_time is None:
                assert e.return_on_time is None
            else:
                assert e.return_on_time == pytest.approx(stored.return_on_time)


def test_explanation_text_shows_each_step(portfolio: Portfolio) -> None:
    rescore()
    explained = queries.explanation_for(score(portfolio.book.alpha))
    assert explained is not None
    text = "\n".join(explained.explanation.lines())
    assert "won deals closed 01 Jul 2025 to 30 Jun 2026: 100,000" in text
    assert "min-max: (x - lowest) / (highest - lowest) = (100,000 - 0) / (100,000 - 0) = 1.000" in text
    assert "rated 5 of 5" in text and "on its scale: (5 - 1) / (5 - 1) = 1.000" in text
    assert "100 x (40 x 1.000 + 20 x 0.333 + 20 x 0.500 + 20 x 1.000) / 100 = 76.7" in text
    assert "rank 1 of 4" in text and "Key account" in text
    assert "current revenue / hours = 100,000 / 10.0 h" in text and "10,000 per hour" in text
    deep = queries.explanation_for(score(portfolio.book.deep))
    assert deep is not None
    deep_text = "\n".join(deep.explanation.lines())
    assert "not rated yet" in deep_text and "counted as the middle, 0.5" in deep_text
    assert "no time logged or planned in the period: not computed" in deep_text


def test_accounts_without_any_deal_are_scored_too(portfolio: Portfolio) -> None:
    from kamkit.accounts.tests.fixtures import make_account

    make_account("Newcomer Ltd", owner=portfolio.book.alpha.owner)
    rescore()
    newcomer = AccountScore.objects.get(account__name="Newcomer Ltd")
    # nothing known about its security or wallet: both count as the middle, (20 x 0.5 + 20 x 0.5)
    assert newcomer.total == pytest.approx(20)
    assert newcomer.rank == 4 and score(portfolio.book.south).rank == 5
    assert AccountMetrics.objects.get(account__name="Newcomer Ltd").revenue_current == Decimal(0)


def test_weights_and_settings_are_validated(portfolio: Portfolio) -> None:
    from kamkit.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        services.set_weights(weights={s: 0 for s in Source.values})
    assert "" in refused.value.errors
    with pytest.raises(ServiceError) as refused:
        services.set_weights(weights={"shoe_size": 5, Source.PIPELINE: 101})
    assert set(refused.value.errors) == {"shoe_size", Source.PIPELINE}
    with pytest.raises(ServiceError) as refused:
        services.update_settings(
            normalisation="median",
            period_months=0,
            key_share=50,
            develop_share=40,
            maintain_share=20,
            value_basis="revenue",
        )
    assert set(refused.value.errors) == {"normalisation", "period_months"}
    with pytest.raises(ServiceError) as refused:
        services.update_settings(
            normalisation="min_max",
            period_months=12,
            key_share=50,
            develop_share=40,
            maintain_share=20,
            value_basis="revenue",
        )
    assert "maintain_share" in refused.value.errors
    security = criterion(Source.FINANCIAL_SECURITY)
    with pytest.raises(ServiceError) as refused:
        services.update_criterion(criterion=security, scale=4)  # alpha is rated 5
    assert "scale" in refused.value.errors
    assert SelectionCriterion.objects.get(pk=security.pk).scale == 5


def test_pure_helpers() -> None:
    assert scoring.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert scoring.months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)
    assert scoring.min_max(5, 5, 5) == 0.5
    assert scoring.percent_rank(3.0, 0, 1) == 0.0
    settings = scoring.ScoringSettings()
    # 100 accounts: ranks 1-10 key, 11-30 develop, 31-70 maintain, 71-100 serve
    assert [scoring.tier_for(r, 100, settings) for r in (10, 11, 30, 31, 70, 71)] == [
        Tier.KEY,
        Tier.DEVELOP,
        Tier.DEVELOP,
        Tier.MAINTAIN,
        Tier.MAINTAIN,
        Tier.SERVE,
    ]
    assert scoring.return_on_time(1000, 0, None) is None
    assert scoring.return_on_time(1000, 2, 3) == 200


def test_ratings_are_audited_with_their_author(org: object, portfolio: Portfolio) -> None:
    from kamkit.core.queries import history_of
    from kamkit.portfolio.models import AccountRating

    user = portfolio.book.beta.owner
    with acting_as(user):
        services.rate_account(
            account=portfolio.book.beta, criterion=criterion(Source.VALUES_US), score=4, rated_by=user
        )
    rating = AccountRating.objects.get(account=portfolio.book.beta, criterion__source=Source.VALUES_US)
    entry = history_of(rating).first()
    assert entry is not None and entry.actor_id == user.pk
    assert entry.changes["score"] == [None, 4]


def test_planned_hours_from_another_app_feed_return_on_time(
    portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an app that provides planned hours (here: 10 h planned for alpha, made up from its calls)
    from django.db.models import F, FloatField, Value
    from django.db.models.functions import Cast

    from kamkit.accounts.models import Interaction

    def planned(start: dt.date, end: dt.date) -> object:
        return Interaction.objects.filter(account=portfolio.book.alpha, duration_minutes=600).annotate(
            hours=Cast(F("duration_minutes"), FloatField()) / Value(60.0)
        )

    monkeypatch.setattr(queries, "PLANNED_HOURS", [planned])
    rescore()
    # then alpha's time is 10 h logged + 10 h planned: 100,000 / 20 h
    assert facts(portfolio.book.alpha).hours_planned == 10.0
    assert facts(portfolio.book.beta).hours_planned == 0.0
    assert score(portfolio.book.alpha).return_on_time == pytest.approx(5_000)
    explained = queries.explanation_for(score(portfolio.book.alpha))
    assert explained is not None
    assert "(10.0 h logged + 10.0 h planned)" in explained.explanation.return_on_time_text


def test_a_source_on_which_every_account_is_equal_counts_as_the_middle(portfolio: Portfolio) -> None:
    from kamkit.accounts.models import Deal

    # given no deals at all: every account's revenue and pipeline are 0 (lowest = highest)
    Deal.objects.all().delete()
    rescore()
    scores = list(AccountScore.objects.all())
    assert scores and {s.n_revenue_current for s in scores} == {scoring.UNKNOWN}
    assert {s.n_pipeline for s in scores} == {scoring.UNKNOWN}
    # ratings still tell the accounts apart
    assert score(portfolio.book.alpha).n_financial_security == pytest.approx(1)


def test_an_empty_portfolio_scores_nothing_without_failing(portfolio: Portfolio) -> None:
    from kamkit.accounts.models import Account

    Account.objects.all().delete()
    run = services.rescore_portfolio(as_of=dt.date(2026, 11, 1))
    assert run.account_count == 0 and not AccountScore.objects.exists()


def test_on_postgresql_the_derived_tables_skip_the_write_ahead_log(portfolio: Portfolio) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("UNLOGGED is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpersistence FROM pg_class WHERE relname IN (%s, %s) ORDER BY relname",
            [AccountMetrics._meta.db_table, AccountScore._meta.db_table],
        )
        assert cursor.fetchall() == [("portfolio_accountmetrics", "u"), ("portfolio_accountscore", "u")]
    # and a re-score twice in one transaction leaves no temporary table in the way
    rescore()
    rescore()
    assert AccountScore.objects.count() == AccountMetrics.objects.count() > 0
