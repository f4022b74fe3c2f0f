"""People services: the rules that hold whichever door (page, API, command line) a change comes through."""

from __future__ import annotations

import pytest

from kamkit.core.errors import ServiceError
from kamkit.users import services
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (services.UserChanges(role="admin"), "role"),
        (services.UserChanges(clear_team=True), "team"),
        (services.UserChanges(clear_manager=True), "manager"),
        (services.UserChanges(on_leave=True), "on_leave"),
        (services.UserChanges(is_active=False), "is_active"),
    ],
)
def test_only_admins_change_role_team_line_leave_and_status(
    org: Org, change: services.UserChanges, field: str
) -> None:
    for refused in (org.kam_a, org.north_manager, org.director):
        with pytest.raises(ServiceError) as refusal:
            services.update_user(actor=refused, user=org.kam_a, changes=change)
        assert refusal.value.errors == {field: ["Admins only."]}
    org.kam_a.refresh_from_db()
    assert (org.kam_a.role, org.kam_a.team, org.kam_a.manager, org.kam_a.on_leave, org.kam_a.is_active) == (
        "account_manager",
        org.north,
        org.north_manager,
        False,
        True,
    )
    services.update_user(actor=org.admin, user=org.kam_a, changes=change)  # an admin may
    services.update_user(actor=None, user=org.kam_b, changes=change)  # so may the command line


def test_people_change_their_own_name_title_and_phone(org: Org) -> None:
    changes = services.UserChanges(full_name="Kam Alpha", title="Senior KAM", phone="+44 20 0000")
    services.update_user(actor=org.kam_a, user=org.kam_a, changes=changes)
    org.kam_a.refresh_from_db()
    assert (org.kam_a.full_name, org.kam_a.title, org.kam_a.phone) == (
        "Kam Alpha",
        "Senior KAM",
        "+44 20 0000",
    )
