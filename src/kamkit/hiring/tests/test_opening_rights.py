"""Changing a position's team or hiring manager is checked again: a manager may put a position only
under a team they lead and only in the hands of themself or the people below them (directors and
admins anywhere), on the pages and through the API alike, decided once in the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kamkit.core.errors import ServiceError
from kamkit.hiring import services
from kamkit.hiring.models import Opening
from kamkit.hiring.tests.fixtures import Hiring
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


def _unchanged(opening: Opening, org: Org) -> None:
    opening.refresh_from_db()
    assert (opening.team, opening.hiring_manager) == (org.north, org.north_manager)


def test_a_manager_cannot_move_a_position_to_a_team_they_do_not_lead(org: Org, hiring: Hiring) -> None:
    # given KAM North, run by north_manager (its hiring manager, and lead of team North)
    with pytest.raises(ServiceError) as refused:
        services.update_opening(
            opening=hiring.opening, changes=services.OpeningChanges(team=org.south), by=org.north_manager
        )
    assert refused.value.status_code == 403
    assert refused.value.errors == {
        "team": ["You may put positions only under a team you lead; South is not one."]
    }
    _unchanged(hiring.opening, org)


def test_a_manager_cannot_hand_a_position_to_someone_outside_their_line(org: Org, hiring: Hiring) -> None:
    with pytest.raises(ServiceError) as refused:
        services.update_opening(
            opening=hiring.opening,
            changes=services.OpeningChanges(hiring_manager=org.south_manager),
            by=org.north_manager,
        )
    assert refused.value.status_code == 403 and set(refused.value.errors) == {"hiring_manager"}
    assert "South Manager" in refused.value.errors["hiring_manager"][0]
    _unchanged(hiring.opening, org)


def test_within_their_rights_the_change_goes_through(org: Org, hiring: Hiring) -> None:
    # a manager hands it to someone below them and keeps it under the team they lead
    services.update_opening(
        opening=hiring.opening,
        changes=services.OpeningChanges(hiring_manager=org.sub_manager, team=org.north),
        by=org.north_manager,
    )
    hiring.opening.refresh_from_db()
    assert hiring.opening.hiring_manager == org.sub_manager
    # and a director moves it anywhere
    services.update_opening(
        opening=hiring.opening,
        changes=services.OpeningChanges(hiring_manager=org.south_manager, team=org.south),
        by=org.director,
    )
    hiring.opening.refresh_from_db()
    assert (hiring.opening.team, hiring.opening.hiring_manager) == (org.south, org.south_manager)


def test_the_api_answers_403_with_the_reason(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    api = api_as(org.north_manager)
    url = f"/hiring/openings/{hiring.opening.pk}"
    moved = api.patch(url, {"team_id": org.south.pk})
    assert moved.status_code == 403
    assert moved.json()["errors"] == [
        {"field": "team", "message": "You may put positions only under a team you lead; South is not one."}
    ]
    handed = api.patch(url, {"hiring_manager_id": org.south_manager.pk, "location": "Leeds"})
    assert handed.status_code == 403 and handed.json()["errors"][0]["field"] == "hiring_manager"
    _unchanged(hiring.opening, org)
    assert hiring.opening.location == ""
    # the director's move is taken
    assert api_as(org.director).patch(url, {"team_id": org.south.pk}).json()["team_id"] == org.south.pk


def test_the_page_shows_the_refusal_on_the_form(org: Org, hiring: Hiring) -> None:
    opening = hiring.opening
    form = {
        "title": opening.title,
        "benchmark": opening.benchmark_id,
        "target_level": opening.target_level,
        "hiring_manager": org.north_manager.pk,
        "team": org.south.pk,
        "location": "Leeds",
        "headcount": 1,
        "description": "",
    }
    response = signed_in(org.north_manager).post(f"/hiring/positions/{opening.pk}/edit/", form)
    assert response.status_code == 200  # the form again, not a redirect
    assert "You may put positions only under a team you lead; South is not one." in response.content.decode()
    _unchanged(opening, org)
    assert opening.location == ""


def test_a_new_position_follows_the_same_rule(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    # given north_manager opening a position of their own under team South, which they do not lead
    before = Opening.objects.count()
    created = api_as(org.north_manager).post(
        "/hiring/openings",
        {"title": "KAM South", "benchmark_id": hiring.benchmark.pk, "team_id": org.south.pk},
    )
    # then it is refused on the team, and nothing is opened
    assert created.status_code == 403
    assert created.json()["errors"][0]["field"] == "team"
    assert Opening.objects.count() == before
    # under their own team it opens
    mine = api_as(org.north_manager).post(
        "/hiring/openings",
        {"title": "KAM North 2", "benchmark_id": hiring.benchmark.pk, "team_id": org.north.pk},
    )
    assert mine.status_code == 201
