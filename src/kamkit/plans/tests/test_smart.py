"""SMART checks: every missing element named on its own field, and the realism warning."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from kamkit.accounts.choices import DealStage, DealStatus
from kamkit.accounts.models import Deal
from kamkit.accounts.tests.fixtures import Book
from kamkit.core.errors import ServiceError
from kamkit.plans import queries, services, smart
from kamkit.plans.choices import MetricKind
from kamkit.plans.tests.fixtures import make_plan
from kamkit.users.tests.fixtures import Org, signed_in

D = dt.date


def facts(**changes: object) -> smart.ObjectiveFacts:
    values: dict[str, object] = {
        "has_owner": True,
        "metric": "Revenue",
        "metric_kind": "revenue",
        "baseline": Decimal(100),
        "target": Decimal(140),
        "due_on": D(2027, 12, 31),
        "period_start": D(2027, 1, 1),
        "period_end": D(2027, 12, 31),
        "won_last_12_months": Decimal(100),
        "realism_factor": Decimal("1.5"),
    }
    values.update(changes)
    return smart.ObjectiveFacts(**values)  # type: ignore[arg-type]


def test_a_complete_objective_is_smart() -> None:
    assert smart.check_smart(facts()) == []


def test_each_missing_element_is_named_on_its_field() -> None:
    problems = smart.check_smart(
        facts(has_owner=False, metric=" ", baseline=None, target=None, due_on=None, metric_kind="volume")
    )
    assert smart.errors_by_field(problems) == {
        "owner": ["Specific: name the person who owns this objective."],
        "metric": ["Measurable: say what is measured (e.g. revenue from EMEA)."],
        "baseline": ["Measurable: give the baseline, where it starts."],
        "target": ["Measurable: give the target value to reach."],
        "due_on": ["Time-bound: give the date it is due."],
    }
    assert smart.missing_elements(problems) == ["specific", "measurable", "time-bound"]


def test_due_date_outside_the_period_and_a_target_that_changes_nothing() -> None:
    problems = smart.check_smart(facts(due_on=D(2028, 1, 15), target=Decimal(100)))
    assert smart.errors_by_field(problems) == {
        "target": ["Measurable: the target equals the baseline; say what should change."],
        "due_on": ["Time-bound: 15 Jan 2028 is outside the plan period (01 Jan 2027 to 31 Dec 2027)."],
    }


@pytest.mark.parametrize(
    ("target", "history", "flagged"),
    [
        (Decimal(150), Decimal(100), False),  # exactly 1.5 times last year's
        (Decimal(151), Decimal(100), True),
        (Decimal(10), Decimal(0), True),  # nothing won to compare with
        (Decimal(10), None, False),  # history not looked up (not a revenue objective)
    ],
)
def test_realism_against_last_year(target: Decimal, history: Decimal | None, flagged: bool) -> None:
    problems = smart.check_smart(facts(target=target, won_last_12_months=history))
    assert [p.element for p in problems] == (["realistic"] if flagged else [])
    if flagged:
        assert problems[0].field == "confirmed_realistic" and not problems[0].blocking
        assert (
            smart.check_smart(facts(target=target, won_last_12_months=history, confirmed_realistic=True))
            == []
        )


def test_realism_is_only_checked_for_revenue() -> None:
    assert smart.check_smart(facts(metric_kind="score", target=Decimal(1000))) == []


def _won(book: Book, amount: int, days_ago: int) -> None:
    Deal.objects.create(
        account=book.alpha,
        name=f"Won {days_ago}",
        amount=Decimal(amount),
        stage=DealStage.WON,
        status=DealStatus.WON,
        closed_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )


@pytest.mark.django_db
def test_service_refuses_with_every_missing_element(org: Org, book: Book) -> None:
    plan = make_plan(book.alpha)
    with pytest.raises(ServiceError) as refused:
        services.create_objective(plan=plan, data=services.ObjectiveInput(title="Grow"))
    assert set(refused.value.errors) == {"owner", "metric", "baseline", "target", "due_on"}
    assert not plan.objectives.exists()


@pytest.mark.django_db
def test_service_realism_uses_won_revenue_of_the_last_12_months(org: Org, book: Book) -> None:
    # given 1,000 won in the last 12 months (and 50,000 won long ago, which does not count)
    _won(book, 1000, days_ago=30)
    _won(book, 50000, days_ago=400)
    plan = make_plan(book.alpha)
    data = services.ObjectiveInput(
        title="Grow revenue",
        owner=org.kam_a,
        metric_kind=MetricKind.REVENUE,
        metric="Revenue",
        baseline=Decimal(1000),
        target=Decimal(2000),
        due_on=plan.ends_on,
    )
    # when the target is twice that, then it must be confirmed
    with pytest.raises(ServiceError) as refused:
        services.create_objective(plan=plan, data=data)
    assert refused.value.errors == {
        "confirmed_realistic": [
            "Realistic? The target 2,000 is more than 1.5 times the 1,000 won in the last 12 months; "
            "confirm it is realistic to save it."
        ]
    }
    data.confirmed_realistic = True
    objective = services.create_objective(plan=plan, data=data)
    assert objective.confirmed_realistic
    # and with a factor of 3 configured it passes without confirmation (and none is kept on record)
    with override_settings(KAMKIT_PLAN_REALISM_FACTOR=3.0):
        data.confirmed_realistic = True
        services.update_objective(objective=objective, data=data)
    objective.refresh_from_db()
    assert not objective.confirmed_realistic


@pytest.mark.django_db
def test_the_plan_pages_and_the_service_judge_smart_with_the_same_facts(org: Org, book: Book) -> None:
    # given 1,000 won in the last 12 months and a revenue target of 2,000 saved under a factor of 3
    _won(book, 1000, days_ago=30)
    plan = make_plan(book.alpha)
    data = services.ObjectiveInput(
        title="Grow revenue",
        owner=org.kam_a,
        metric_kind=MetricKind.REVENUE,
        metric="Revenue",
        baseline=Decimal(1000),
        target=Decimal(2000),
        due_on=plan.ends_on,
    )
    with override_settings(KAMKIT_PLAN_REALISM_FACTOR=3.0):
        objective = services.create_objective(plan=plan, data=data)
        assert queries.smart_missing([objective], plan) == {objective.pk: []}
    # when the factor is lowered, then the plan page flags it and the service refuses it alike
    with override_settings(KAMKIT_PLAN_REALISM_FACTOR=1.5):
        assert queries.smart_missing([objective], plan) == {objective.pk: ["realistic"]}
        with pytest.raises(ServiceError) as refused:
            services.update_objective(objective=objective, data=data)
        assert set(refused.value.errors) == {"confirmed_realistic"}
        page = signed_in(org.kam_a).get(f"/plans/{plan.pk}/").content.decode()
        assert "Not SMART yet: realistic missing" in page
