"""The demo organisation: deterministic for a seed, with a believable structure."""

from __future__ import annotations

import pytest
from django.db.models import F

from kamkit.core import demo, setup
from kamkit.core.choices import Role
from kamkit.core.models import AuditEntry
from kamkit.users.models import Team, User

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
