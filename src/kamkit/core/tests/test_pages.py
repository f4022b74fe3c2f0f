"""Core pages and the audit API: refusals, odd addresses, and query counts that do not grow with rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kamkit.core.templatetags.kamkit_history import history_url
from kamkit.core.tests.fixtures import ApiClient
from kamkit.users import services
from kamkit.users.models import Team, User
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[User | None], ApiClient]


def queries_for(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def add_teams(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        services.create_team(name=f"Extra team {n}", description=f"number {n}")


def test_history_with_a_key_of_the_wrong_kind_is_not_found(org: Org) -> None:
    team_type = ContentType.objects.get_for_model(Team)
    client = signed_in(org.kam_a)
    assert client.get(f"/core/history/{team_type.pk}/not-a-number/").status_code == 404
    assert client.get(f"/core/history/{team_type.pk}/not-a-number/?format=csv").status_code == 404
    assert client.get(f"/core/history/{team_type.pk}/{org.north.pk}/").status_code == 200


def test_history_of_a_model_without_a_policy_is_not_found(org: Org) -> None:
    session_type = ContentType.objects.get(app_label="sessions", model="session")
    assert signed_in(org.admin).get(f"/core/history/{session_type.pk}/x/").status_code == 404


def test_core_pages_need_a_signed_in_user(org: Org, client: Client) -> None:
    for url in ("/core/audit/", "/core/audit/?format=csv", history_url(org.north)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_audit_page_and_export_query_counts_do_not_grow_with_entries(org: Org) -> None:
    client = signed_in(org.director)
    add_teams(10)
    few_page = queries_for(lambda: client.get("/core/audit/"))
    few_csv = queries_for(lambda: b"".join(client.get("/core/audit/?format=csv").streaming_content))
    add_teams(20, start=10)
    assert queries_for(lambda: client.get("/core/audit/")) == few_page
    many_csv = queries_for(lambda: b"".join(client.get("/core/audit/?format=csv").streaming_content))
    assert many_csv == few_csv


def test_history_page_query_count_does_not_grow_with_entries(org: Org) -> None:
    client = signed_in(org.kam_a)
    for n in range(5):
        services.update_team(team=org.north, description=f"change {n}")
    few = queries_for(lambda: client.get(history_url(org.north)))
    for n in range(5, 20):
        services.update_team(team=org.north, description=f"change {n}")
    assert queries_for(lambda: client.get(history_url(org.north))) == few


def test_audit_api_query_count_does_not_grow_with_entries(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.director)
    api.get("/me")  # the token's first use is recorded once; keep it out of the counts
    add_teams(10)
    few = queries_for(lambda: api.get("/audit", limit=100))
    add_teams(20, start=10)
    many = queries_for(lambda: api.get("/audit", limit=100))
    assert many == few
    assert api.get("/audit", limit=100).json()["count"] > 30
