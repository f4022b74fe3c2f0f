"""People fixtures: a small organisation with every role and a two-level reporting line."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from kamkit.core.choices import Role
from kamkit.users import services
from kamkit.users.models import Team, User

PASSWORD = "correct-horse-battery-staple-42"


@dataclass
class Org:
    """
    admin, director (top), viewer, interviewer
    director -> north_manager (leads team North) -> kam_a, kam_b, sub_manager -> kam_deep
    director -> south_manager (leads team South) -> kam_south
    """

    north: Team
    south: Team
    admin: User
    director: User
    viewer: User
    interviewer: User
    north_manager: User
    south_manager: User
    sub_manager: User
    kam_a: User
    kam_b: User
    kam_deep: User
    kam_south: User

    def by_role(self, role: str) -> User:
        return {
            Role.ADMIN: self.admin,
            Role.DIRECTOR: self.director,
            Role.MANAGER: self.north_manager,
            Role.ACCOUNT_MANAGER: self.kam_a,
            Role.INTERVIEWER: self.interviewer,
            Role.VIEWER: self.viewer,
        }[Role(role)]


def make_user(email: str, role: str, *, team: Team | None = None, manager: User | None = None) -> User:
    return services.create_user(
        email=email,
        full_name=email.split("@")[0].replace(".", " ").title(),
        role=role,
        team=team,
        manager=manager,
        password=PASSWORD,
    )


def signed_in(user: User) -> Client:
    """A test client with ``user`` signed in through the real sign-in."""
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def org(db: None) -> Org:
    north = services.create_team(name="North")
    south = services.create_team(name="South")
    admin = make_user("admin@example.test", Role.ADMIN)
    director = make_user("director@example.test", Role.DIRECTOR)
    north_manager = make_user("north.manager@example.test", Role.MANAGER, team=north, manager=director)
    south_manager = make_user("south.manager@example.test", Role.MANAGER, team=south, manager=director)
    sub_manager = make_user("sub.manager@example.test", Role.MANAGER, team=north, manager=north_manager)
    services.update_team(team=north, lead=north_manager)
    services.update_team(team=south, lead=south_manager)
    return Org(
        north=north,
        south=south,
        admin=admin,
        director=director,
        viewer=make_user("viewer@example.test", Role.VIEWER),
        interviewer=make_user("interviewer@example.test", Role.INTERVIEWER),
        north_manager=north_manager,
        south_manager=south_manager,
        sub_manager=sub_manager,
        kam_a=make_user("kam.a@example.test", Role.ACCOUNT_MANAGER, team=north, manager=north_manager),
        kam_b=make_user("kam.b@example.test", Role.ACCOUNT_MANAGER, team=north, manager=north_manager),
        kam_deep=make_user("kam.deep@example.test", Role.ACCOUNT_MANAGER, team=north, manager=sub_manager),
        kam_south=make_user(
            "kam.south@example.test", Role.ACCOUNT_MANAGER, team=south, manager=south_manager
        ),
    )
