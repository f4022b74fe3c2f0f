"""The permission service, role by role: who sees and who may change, allowed and refused."""

from __future__ import annotations

import pytest

from kamkit.core import permissions
from kamkit.core.choices import Action, Role
from kamkit.core.models import AuditEntry
from kamkit.core.permissions import AccessPolicy
from kamkit.users import services
from kamkit.users.models import ApiToken, Team, User
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db


def emails(queryset: object) -> set[str]:
    return {u.email.split("@")[0] for u in queryset}  # type: ignore[attr-defined]


EVERYONE = {
    "admin",
    "director",
    "viewer",
    "interviewer",
    "north.manager",
    "south.manager",
    "sub.manager",
    "kam.a",
    "kam.b",
    "kam.deep",
    "kam.south",
}
NORTH_LINE = {"north.manager", "sub.manager", "kam.a", "kam.b", "kam.deep"}


@pytest.fixture
def business_users(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat users as if they were business objects owned by themselves, to test the engine on rows."""
    monkeypatch.setattr(User, "access_policy", AccessPolicy(kind="business", owners=("id",), teams=("team",)))


@pytest.fixture
def people_users(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(User, "access_policy", AccessPolicy(kind="people", owners=("id",)))


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("admin", EVERYONE),
        ("director", EVERYONE),
        ("viewer", EVERYONE),
        ("north_manager", NORTH_LINE),  # own line, two levels deep, and the team they lead
        ("sub_manager", {"sub.manager", "kam.deep"}),  # own line only: does not lead North
        ("south_manager", {"south.manager", "kam.south"}),
        ("kam_a", {"kam.a"}),
        ("interviewer", {"interviewer"}),
    ],
)
def test_business_objects_are_visible_by_scope(
    org: Org, business_users: None, who: str, sees: set[str]
) -> None:
    assert emails(permissions.visible_to(getattr(org, who), User)) == sees


@pytest.mark.parametrize(
    ("who", "changes"),
    [
        ("admin", EVERYONE),
        ("director", EVERYONE),
        ("viewer", set()),  # read-only
        ("north_manager", NORTH_LINE),
        ("kam_a", {"kam.a"}),
        ("interviewer", {"interviewer"}),
    ],
)
def test_business_objects_change_scope(org: Org, business_users: None, who: str, changes: set[str]) -> None:
    assert emails(permissions.permitted(getattr(org, who), User, Action.CHANGE)) == changes
    outsider = org.kam_south
    assert permissions.can(getattr(org, who), Action.CHANGE, outsider) == ("kam.south" in changes)


def test_team_lead_sees_members_who_report_elsewhere(org: Org, business_users: None) -> None:
    # given a North member who reports to the south manager
    stray = services.create_user(
        email="stray@example.test", full_name="Stray", team=org.north, manager=org.south_manager
    )
    # then the North lead sees them through the team, and so does their own manager
    assert permissions.can(org.north_manager, Action.VIEW, stray)
    assert permissions.can(org.south_manager, Action.VIEW, stray)
    assert not permissions.can(org.sub_manager, Action.VIEW, stray)


def test_people_data_is_hidden_from_viewers(org: Org, people_users: None) -> None:
    assert emails(permissions.visible_to(org.viewer, User)) == {"viewer"}
    assert emails(permissions.visible_to(org.north_manager, User)) == NORTH_LINE
    assert emails(permissions.visible_to(org.director, User)) == EVERYONE


def test_never_hides_an_object_from_its_named_users_whatever_their_role(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given people data that its own subject must never see (as a candidate their candidacy)
    monkeypatch.setattr(
        User, "access_policy", AccessPolicy(kind="people", owners=("id",), teams=("team",), never=("id",))
    )
    # then a manager sees their line but not themself, and an admin everyone but themself
    assert emails(permissions.visible_to(org.north_manager, User)) == NORTH_LINE - {"north.manager"}
    assert emails(permissions.visible_to(org.admin, User)) == EVERYONE - {"admin"}
    assert not permissions.can(org.north_manager, Action.CHANGE, org.north_manager)
    assert permissions.can(org.north_manager, Action.CHANGE, org.kam_a)
    # and an object not saved yet is judged the same way
    mirror = User(email="new@example.test")
    mirror.pk = org.director.pk
    assert not permissions.can(org.director, Action.ADD, mirror)
    assert permissions.can(org.director, Action.ADD, User(email="other@example.test"))


def test_add_rights_by_kind(org: Org, business_users: None) -> None:
    for role in (Role.ADMIN, Role.DIRECTOR, Role.MANAGER, Role.ACCOUNT_MANAGER):
        assert permissions.can(org.by_role(role), Action.ADD, User)
    assert not permissions.can(org.viewer, Action.ADD, User)
    assert not permissions.can(org.interviewer, Action.ADD, User)
    # an account manager may add an object they own, not one owned by a colleague
    assert permissions.can(org.kam_a, Action.ADD, User(id=org.kam_a.pk))
    assert not permissions.can(org.kam_a, Action.ADD, User(id=org.kam_b.pk))
    # a manager may add one owned inside their line, not outside it
    assert permissions.can(org.north_manager, Action.ADD, User(id=org.kam_deep.pk))
    assert not permissions.can(org.north_manager, Action.ADD, User(id=org.kam_south.pk))


def test_teams_are_read_by_all_and_changed_by_admins_and_directors(org: Org) -> None:
    for user in (
        org.admin,
        org.director,
        org.viewer,
        org.kam_a,
        org.interviewer,
        org.north_manager,
    ):
        assert permissions.can(user, Action.VIEW, org.north)
    assert permissions.can(org.admin, Action.CHANGE, org.north)
    assert permissions.can(org.director, Action.CHANGE, org.north)
    for refused in (org.north_manager, org.kam_a, org.viewer, org.interviewer):
        assert not permissions.can(refused, Action.CHANGE, org.north)
        assert not permissions.can(refused, Action.ADD, Team)
        assert not permissions.can(refused, Action.DELETE, org.north)


def test_directory_is_read_by_all_changed_by_admins_or_oneself(org: Org) -> None:
    assert permissions.visible_to(org.kam_a, User).count() == len(EVERYONE)
    assert permissions.can(org.admin, Action.CHANGE, org.kam_b)
    assert permissions.can(org.kam_b, Action.CHANGE, org.kam_b)
    for refused in (org.kam_a, org.north_manager, org.director, org.viewer):
        assert not permissions.can(refused, Action.CHANGE, org.kam_b)
    assert not permissions.can(org.director, Action.ADD, User)
    assert permissions.can(org.admin, Action.ADD, User)


def test_tokens_belong_to_their_owner(org: Org) -> None:
    token = services.create_token(user=org.kam_a, name="mine").token
    assert permissions.can(org.kam_a, Action.VIEW, token)
    assert permissions.can(org.kam_a, Action.CHANGE, token)
    assert permissions.can(org.admin, Action.CHANGE, token)  # admins may revoke
    for refused in (org.kam_b, org.north_manager, org.director, org.viewer):
        assert not permissions.can(refused, Action.VIEW, token)
        assert not permissions.can(refused, Action.CHANGE, token)
    assert list(permissions.visible_to(org.director, ApiToken)) == []


def test_audit_trail_is_for_admins_and_directors(org: Org) -> None:
    assert AuditEntry.objects.exists()
    assert permissions.visible_to(org.admin, AuditEntry).exists()
    assert permissions.visible_to(org.director, AuditEntry).exists()
    for refused in (org.north_manager, org.kam_a, org.viewer, org.interviewer):
        assert not permissions.visible_to(refused, AuditEntry).exists()
        assert not permissions.can(refused, Action.VIEW, AuditEntry)


def test_inactive_and_anonymous_users_get_nothing(org: Org) -> None:
    from django.contrib.auth.models import AnonymousUser

    services.update_user(actor=None, user=org.director, changes=services.UserChanges(is_active=False))
    assert not permissions.visible_to(org.director, Team).exists()
    assert not permissions.can(org.director, Action.VIEW, org.north)
    assert not permissions.visible_to(AnonymousUser(), User).exists()


def test_models_without_a_policy_are_refused() -> None:
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(TypeError, match="declares no access_policy"):
        permissions.visible_to(None, ContentType)


def test_require_raises_permission_denied(org: Org) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        permissions.require(org.kam_a, Action.CHANGE, org.north)
    permissions.require(org.director, Action.CHANGE, org.north)
