"""The demo organisation: deterministic for a seed and day, with a believable structure, dated from
the day it is made."""

from __future__ import annotations

import datetime as dt
from random import Random
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kamkit.core import demo, setup
from kamkit.core.choices import Role
from kamkit.core.models import AuditEntry
from kamkit.users.models import Team, User

# The whole demo at a size that still has plans, a 360 and a hiring round.
SMALL = demo.DemoSize(people=15, accounts=30, deals=200)

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple[str, str, str | None, str | None]]:
    return list(User.objects.order_by("email").values_list("email", "role", "team__name", "manager__email"))


def test_same_seed_same_organisation_other_seed_other_people() -> None:
    demo.generate(demo.DemoSize(people=30), seed=11)
    first = snapshot()
    User.objects.all().delete()
    Team.objects.all().delete()
    demo.generate(demo.DemoSize(people=30), seed=11)
    assert snapshot() == first
    User.objects.all().delete()
    Team.objects.all().delete()
    demo.generate(demo.DemoSize(people=30), seed=12)
    assert snapshot() != first


def test_structure_has_every_role_and_reporting_lines() -> None:
    demo.generate(demo.DemoSize(people=40), seed=7)
    assert User.objects.count() == 40
    director = User.objects.get(role=Role.DIRECTOR)
    managers = User.objects.filter(role=Role.MANAGER)
    assert managers.count() == Team.objects.count() == 5
    assert all(m.manager_id == director.pk for m in managers)
    assert all(team.lead is not None for team in Team.objects.all())
    kams = User.objects.filter(role=Role.ACCOUNT_MANAGER)
    assert kams.count() == 40 - 1 - 5 - 2
    assert not kams.filter(manager__isnull=True).exists()
    # each key account manager reports to the manager of their own team
    assert not kams.exclude(manager__team=F("team")).exists()


def test_loading_twice_is_refused() -> None:
    demo.generate(demo.DemoSize(people=10), seed=1)
    with pytest.raises(demo.DemoRefused, match="already loaded"):
        demo.generate(demo.DemoSize(people=10), seed=1)


def test_sizes_are_checked() -> None:
    with pytest.raises(demo.DemoRefused, match="--people"):
        demo.generate(demo.DemoSize(people=2), seed=1)
    with pytest.raises(demo.DemoRefused, match="--deals must be zero or more"):
        demo.generate(demo.DemoSize(deals=-1), seed=1)


def test_prepare_on_an_empty_database_makes_demo_and_admin_then_keeps_data() -> None:
    report = setup.prepare(load_demo=True, seed=7)
    assert report.admin_password
    admin = User.objects.get(email=setup.DEMO_ADMIN_EMAIL)
    assert admin.role == Role.ADMIN and admin.check_password(report.admin_password)
    assert User.objects.get(role=Role.DIRECTOR).manager == admin
    assert AuditEntry.objects.filter(object_id=str(admin.pk), content_type__model="user").exists()
    again = setup.prepare(load_demo=True, seed=7)
    assert again.admin_password is None and "existing data kept" in again.lines


def test_the_demo_is_dated_from_today_by_default() -> None:
    from kamkit.accounts.choices import DealStatus
    from kamkit.accounts.models import Deal
    from kamkit.assessments.models import Campaign
    from kamkit.portfolio.models import ScoringRun

    # given no day
    before = timezone.localdate()
    demo.generate(SMALL, seed=3)
    after = timezone.localdate()
    # then the portfolio is scored as of today, and the newest deals and the 360 lie just before it
    day = ScoringRun.objects.get().as_of
    assert day in {before, after}
    latest = max(Deal.objects.filter(status=DealStatus.WON).values_list("closed_on", flat=True))
    assert day - dt.timedelta(days=30) <= latest < day
    assert timezone.localdate(Campaign.objects.get().launched_at) == day - dt.timedelta(days=45)


def test_the_demos_moment_is_the_end_of_its_day_in_local_time() -> None:
    context = demo.DemoContext(size=SMALL, seed=1, rng=Random(1), as_of=dt.date(2027, 3, 15))
    with timezone.override("Asia/Tokyo"):
        now = context.now
    assert now.isoformat() == "2027-03-15T17:00:00+09:00"
    assert now.astimezone(dt.UTC) == dt.datetime(2027, 3, 15, 8, tzinfo=dt.UTC)


@pytest.mark.parametrize("day", [dt.date(1999, 12, 31), dt.date(3000, 1, 1)])
def test_a_day_too_far_away_is_refused(day: dt.date) -> None:
    with pytest.raises(
        demo.DemoRefused, match=f"--as-of must be between 2000-01-01 and 2999-12-31, not {day}"
    ):
        demo.generate(SMALL, seed=1, as_of=day)
    assert not User.objects.exists()


def everything_dated_from(day: dt.date) -> dict[str, Any]:
    """What every builder made as of ``day``, dates as their distance to it; rolled back."""
    from kamkit.accounts.models import Deal
    from kamkit.assessments.models import Answer, Campaign
    from kamkit.hiring.models import Decision, Interview, Opening
    from kamkit.portfolio.models import AccountRating, ScoringRun

    now = demo.DemoContext(size=SMALL, seed=0, rng=Random(0), as_of=day).now
    with transaction.atomic():
        lines = demo.generate(SMALL, seed=3, as_of=day)
        campaign = Campaign.objects.get()
        taken = {
            # the plans follow the calendar (another test checks them); the portfolio's line has a timing
            "lines": [line for line in lines if not line.startswith(("plans: ", "portfolio: "))],
            "deals": sorted(
                (d.external_id, d.amount, d.status, (day - d.closed_on).days if d.closed_on else None)
                for d in Deal.objects.all()
            ),
            "360": (now - campaign.launched_at, now - campaign.closed_at, day - campaign.due_date),
            "answers": sorted(
                Answer.objects.values_list(
                    "invitation__assessment__subject_user__email",
                    "invitation__rater_user__email",
                    "item__order",
                    "value",
                )
            ),
            "positions": sorted((o.title, (day - o.opened_on).days) for o in Opening.objects.all()),
            "scorecards": sorted(
                (i.interviewer.email, i.status, i.recommendation, now - i.draft_saved_at)
                for i in Interview.objects.select_related("interviewer")
            ),
            "decision": now - Decision.objects.get().decided_at,
            "ratings": sorted(
                AccountRating.objects.values_list("account__name", "criterion__source", "score")
            ),
            "scored": [(day - run.as_of).days for run in ScoringRun.objects.all()],
        }
        transaction.set_rollback(True)
    return taken


def test_another_day_gives_the_same_organisation_moved_in_time() -> None:
    # given the same seed as of two days whose plan years differ in length so far
    first = everything_dated_from(dt.date(2026, 11, 1))
    later = everything_dated_from(dt.date(2027, 6, 15))
    # then deals, the 360, hiring and the ratings are the same and as far from their day (each builder
    # draws from its own stream, so the plans' calendar does not change what follows them)
    assert first["deals"] and first["answers"] and first["scorecards"] and first["ratings"]
    assert first["scored"] == [0]
    assert later == first
