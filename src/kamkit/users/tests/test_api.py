"""The people API: token auth, error bodies, permissions; every answer checked against OpenAPI."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from openapi_spec_validator import validate

from kamkit.core.tests.fixtures import ApiClient
from kamkit.users import services
from kamkit.users.models import ApiToken, User
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db
ApiAs = Callable[[User | None], ApiClient]


def test_openapi_document_is_valid(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    validate(document)
    assert "/api/v1/users" in document["paths"]


def test_interactive_docs_are_served(client: Client) -> None:
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer kk_not-a-real-token", "Token abc"])
def test_requests_without_a_valid_token_are_refused(org: Org, client: Client, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/users", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert "Authorization" in body["detail"] and body["errors"] == []


def test_revoked_token_and_inactive_user_are_refused(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    assert api.get("/me").status_code == 200
    token = ApiToken.objects.get(user=org.kam_a)
    services.revoke_token(token=token)
    assert api.get("/me").status_code == 401
    other = api_as(org.kam_b)
    services.update_user(actor=None, user=org.kam_b, changes=services.UserChanges(is_active=False))
    assert other.get("/me").status_code == 401


def test_token_use_is_recorded(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    api.get("/me")
    assert ApiToken.objects.get(user=org.kam_a).last_used_at is not None


def test_list_users_paginates_filters_and_sorts(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.viewer)
    page = api.get("/users", limit=3, offset=0, sort="name").json()
    assert page["count"] == 11 and len(page["items"]) == 3
    assert [u["full_name"] for u in page["items"]] == ["Admin", "Director", "Interviewer"]
    north = api.get("/users", team=str(org.north.pk), role="account_manager").json()
    assert {u["email"] for u in north["items"]} == {
        "kam.a@example.test",
        "kam.b@example.test",
        "kam.deep@example.test",
    }


def test_bad_list_parameters_give_field_errors(org: Org, api_as: ApiAs) -> None:
    response = api_as(org.viewer).get("/users", sort="salary", role="king")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"sort", "role"}


def test_only_admins_create_users(org: Org, api_as: ApiAs) -> None:
    body = {"email": "api.new@example.test", "full_name": "Api New", "role": "viewer"}
    for refused in (org.director, org.north_manager, org.kam_a, org.viewer, org.interviewer):
        response = api_as(refused).post("/users", body)
        assert response.status_code == 403
        assert response.json()["detail"]
    assert not User.objects.filter(email="api.new@example.test").exists()
    created = api_as(org.admin).post(
        "/users", {**body, "team_id": org.south.pk, "manager_id": org.south_manager.pk}
    )
    assert created.status_code == 201
    assert created.json()["team"]["name"] == "South"


def test_create_user_errors(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.admin)
    duplicate = api.post("/users", {"email": org.kam_a.email.upper(), "full_name": "Dup"})
    assert duplicate.status_code == 409
    assert duplicate.json()["errors"][0]["field"] == "email"
    bad_email = api.post("/users", {"email": "not-an-address", "full_name": "X"})
    assert bad_email.status_code == 400 and bad_email.json()["errors"][0]["field"] == "email"
    missing = api.post("/users", {"email": "ok@example.test"})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "full_name"
    unknown_team = api.post("/users", {"email": "ok@example.test", "full_name": "Ok", "team_id": 999999})
    assert unknown_team.status_code == 400 and unknown_team.json()["errors"][0]["field"] == "team_id"
    assert not User.objects.filter(email="ok@example.test").exists()


def test_users_update_themselves_but_only_admins_change_roles(org: Org, api_as: ApiAs) -> None:
    kam = api_as(org.kam_a)
    assert kam.patch(f"/users/{org.kam_a.pk}", {"title": "Senior KAM"}).json()["title"] == "Senior KAM"
    smuggled = kam.patch(f"/users/{org.kam_a.pk}", {"role": "admin"})
    assert smuggled.status_code == 400 and smuggled.json()["errors"][0]["field"] == "role"
    assert kam.patch(f"/users/{org.kam_b.pk}", {"title": "x"}).status_code == 403
    org.kam_a.refresh_from_db()
    assert org.kam_a.role == "account_manager"
    admin = api_as(org.admin)
    assert admin.patch(f"/users/{org.kam_a.pk}", {"role": "manager", "team_id": None}).json()["team"] is None
    loop = admin.patch(f"/users/{org.director.pk}", {"manager_id": org.kam_deep.pk})
    assert loop.status_code == 400 and loop.json()["errors"][0]["field"] == "manager"


def test_unknown_user_is_404_with_a_json_body(org: Org, api_as: ApiAs) -> None:
    response = api_as(org.kam_a).get("/users/987654")
    assert response.status_code == 404 and "detail" in response.json()


def test_teams_are_changed_by_admins_and_directors(org: Org, api_as: ApiAs) -> None:
    for refused in (org.north_manager, org.kam_a, org.viewer, org.interviewer):
        assert api_as(refused).post("/teams", {"name": "Nope"}).status_code == 403
        assert api_as(refused).patch(f"/teams/{org.north.pk}", {"name": "Nope"}).status_code == 403
    director = api_as(org.director)
    assert (
        director.post("/teams", {"name": "Key Partners", "lead_id": org.north_manager.pk}).status_code == 201
    )
    assert director.post("/teams", {"name": "key partners"}).status_code == 409
    assert director.patch(f"/teams/{org.north.pk}", {"description": "cold"}).json()["description"] == "cold"
    assert {t["name"] for t in api_as(org.kam_a).get("/teams").json()["items"]} == {
        "North",
        "South",
        "Key Partners",
    }


def test_tokens_through_the_api(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    created = api.post("/tokens", {"name": "nightly sync"})
    assert created.status_code == 201
    key = created.json()["key"]
    new_api = ApiClient(Client(), key)
    assert new_api.get("/me").json()["email"] == org.kam_a.email
    listed = api.get("/tokens").json()["items"]
    assert {t["name"] for t in listed} == {"test", "nightly sync"} and all("key" not in t for t in listed)
    someone_else = api_as(org.kam_b)
    assert someone_else.post(f"/tokens/{created.json()['id']}/revoke").status_code == 404
    assert api.post(f"/tokens/{created.json()['id']}/revoke").json()["revoked_at"] is not None
    assert new_api.get("/me").status_code == 401


def test_audit_api_is_for_admins_and_directors(org: Org, api_as: ApiAs) -> None:
    for refused in (org.north_manager, org.kam_a, org.viewer):
        assert api_as(refused).get("/audit").status_code == 403
    entries = api_as(org.director).get("/audit", object_type="users.team", object_id=str(org.north.pk)).json()
    assert entries["count"] >= 1
    assert entries["items"][-1]["action"] == "create"


def test_session_auth_works_for_the_browser(org: Org, client: Client) -> None:
    from kamkit.users.tests.fixtures import PASSWORD

    client.login(username=org.kam_a.email, password=PASSWORD)
    assert client.get("/api/v1/me").json()["email"] == org.kam_a.email


def test_writes_through_a_token_are_attributed_to_its_owner(org: Org, api_as: ApiAs) -> None:
    from kamkit.core.queries import history_of

    api_as(org.director).patch(f"/teams/{org.north.pk}", {"description": "by token"})
    entry = history_of(org.north).first()
    assert entry is not None and entry.changes == {"description": ["", "by token"]}
    assert entry.actor_id == org.director.pk and entry.actor_label == org.director.email


def _count_queries(api: ApiClient, path: str, **params: object) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert api.get(path, **params).status_code == 200
    return len(captured)


def test_list_query_counts_do_not_grow_with_rows(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    api.get("/me")  # the token's first use is recorded once; keep it out of the counts
    few = {path: _count_queries(api, path, limit=100) for path in ("/users", "/teams", "/tokens")}
    for n in range(12):
        team = services.create_team(name=f"Extra {n}", lead=org.south_manager)
        services.create_user(
            email=f"extra{n}@example.test", full_name=f"Extra {n}", team=team, manager=org.south_manager
        )
        services.create_token(user=org.kam_a, name=f"script {n}")
    many = {path: _count_queries(api, path, limit=100) for path in ("/users", "/teams", "/tokens")}
    assert many == few


def test_a_team_lead_is_cleared_by_sending_null_and_kept_when_left_out(org: Org, api_as: ApiAs) -> None:
    director = api_as(org.director)
    kept = director.patch(f"/teams/{org.north.pk}", {"description": "cold"})
    assert kept.json()["lead"]["id"] == org.north_manager.pk
    cleared = director.patch(f"/teams/{org.north.pk}", {"lead_id": None})
    assert cleared.status_code == 200 and cleared.json()["lead"] is None
    org.north.refresh_from_db()
    assert org.north.lead is None
