"""The demo organisation's plans: about half of the key accounts, with execution history."""

from __future__ import annotations

import pytest

from kamkit.accounts.models import Account
from kamkit.core import demo
from kamkit.plans import builtin, queries
from kamkit.plans.choices import OccurrenceStatus, PlanStatus
from kamkit.plans.models import AccountPlan, ActionOccurrence, Objective, PlanAction
from kamkit.users.models import User

pytestmark = pytest.mark.django_db


def test_demo_gives_half_the_key_accounts_an_active_plan() -> None:
    builtin.load_plan_content()
    lines = demo.generate(demo.DemoSize(people=15, accounts=60, deals=400), seed=5)
    line = next(line for line in lines if line.startswith("plans:"))
    key_accounts = Account.objects.filter(is_key_account=True).count()
    plans = AccountPlan.objects.all()
    assert 0.25 * key_accounts <= plans.count() <= 0.75 * key_accounts
    assert f"{plans.count():,} active plans" in line
    assert set(plans.values_list("status", flat=True)) == {PlanStatus.ACTIVE}
    assert all(2 <= p.objectives.count() <= 3 for p in plans)
    assert Objective.objects.filter(plan__in=plans, actions__isnull=True).count() == 0
    statuses = set(ActionOccurrence.objects.values_list("status", flat=True))
    assert {OccurrenceStatus.DONE, OccurrenceStatus.SKIPPED, OccurrenceStatus.PENDING} <= statuses
    director = User.objects.get(role="director")
    board = queries.team_dashboard(director)
    assert len(board.rows) == plans.count() and board.completion.rate is not None
    assert sum(board.tracks.values()) == Objective.objects.count()
    assert set(PlanAction.objects.values_list("planned_minutes", flat=True)) <= {20, 60, 120}
    assert queries.planned_minutes_of(plans.first()) > 0  # return on time has planned hours to count
    first = plans.first()
    assert first is not None and first.sections.count() == 5 and first.members.exists()
