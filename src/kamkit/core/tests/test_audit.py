"""The audit trail records creates, updates and deletes with before/after values and the actor."""

from __future__ import annotations

import pytest
from django.test import Client

from kamkit.core import audit
from kamkit.core.choices import AuditAction
from kamkit.core.models import AuditEntry
from kamkit.core.queries import history_of
from kamkit.users import services
from kamkit.users.models import Team
from kamkit.users.tests.fixtures import PASSWORD, Org

pytestmark = pytest.mark.django_db


def test_create_update_delete_are_recorded_with_values_and_actor(org: Org) -> None:
    # given a team created and changed by the director from the command line
    with audit.acting_as(org.director, label="director@example.test"):
        team = services.create_team(name="Key Partners", description="first")
        services.update_team(team=team, description="second")
    team_id = team.pk
    with audit.acting_as(label="cli:cleanup"):
        team.delete()
    # then three entries tell the story, newest first
    entries = list(AuditEntry.objects.filter(object_id=str(team_id), content_type__model="team"))
    assert [e.action for e in entries] == [
        AuditAction.DELETE,
        AuditAction.UPDATE,
        AuditAction.CREATE,
    ]
    deleted, updated, created = entries
    assert created.actor_id == org.director.pk
    assert created.changes["name"] == [None, "Key Partners"]
    assert updated.changes == {"description": ["first", "second"]}
    assert deleted.actor_id is None and deleted.actor_label == "cli:cleanup"
    assert deleted.changes["description"] == ["second", None]


def test_saving_without_changes_writes_nothing(org: Org) -> None:
    before = AuditEntry.objects.count()
    team = Team.objects.get(pk=org.north.pk)
    team.save()
    assert AuditEntry.objects.count() == before


def test_update_of_an_instance_not_loaded_from_the_database_is_compared_with_the_stored_row(
    org: Org,
) -> None:
    detached = Team(pk=org.north.pk, name="North", description="renamed region", lead=org.north_manager)
    detached.created_at = org.north.created_at
    detached.save()
    entry = history_of(org.north).first()
    assert entry is not None
    assert entry.action == AuditAction.UPDATE
    assert entry.changes == {"description": ["", "renamed region"]}


def test_passwords_and_token_hashes_are_never_copied(org: Org) -> None:
    services.set_password(user=org.kam_a, password="another-long-secret-99")
    entry = history_of(org.kam_a).first()
    assert entry is not None and entry.changes == {"password": ["(hidden)", "(changed)"]}
    token = services.create_token(user=org.kam_a, name="sync").token
    created = history_of(token).get()
    assert created.changes["key_hash"] == ["(hidden)", "(changed)"]
    assert token.key_hash not in str(created.changes)


def test_writes_through_a_request_are_attributed_to_the_signed_in_user(org: Org, client: Client) -> None:
    client.login(username=org.admin.email, password=PASSWORD)
    response = client.post(
        f"/people/teams/{org.south.pk}/edit/",
        {"name": "South", "description": "coast", "lead": org.south_manager.pk},  # the lead as shown
    )
    assert response.status_code == 302
    entry = history_of(org.south).first()
    assert entry is not None
    assert entry.actor_id == org.admin.pk and entry.actor_label == org.admin.email
    assert entry.changes == {"description": ["", "coast"]}


def test_history_page_and_export(org: Org, client: Client) -> None:
    client.login(username=org.kam_a.email, password=PASSWORD)
    services.update_team(team=org.north, description="changed")
    from kamkit.core.templatetags.kamkit_history import history_url

    page = client.get(history_url(org.north))
    assert page.status_code == 200
    assert b"changed" in page.content
    export = client.get(history_url(org.north) + "?format=csv")
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0].startswith("timestamp,actor,action")
    assert any("changed" in row for row in rows[1:])


def test_history_of_an_object_one_may_not_see_is_not_found(org: Org, client: Client) -> None:
    token = services.create_token(user=org.kam_b, name="theirs").token
    client.login(username=org.kam_a.email, password=PASSWORD)
    from kamkit.core.templatetags.kamkit_history import history_url

    assert client.get(history_url(token)).status_code == 404


def test_whole_trail_is_for_admins_and_directors(org: Org, client: Client) -> None:
    client.login(username=org.north_manager.email, password=PASSWORD)
    assert client.get("/core/audit/").status_code == 403
    assert client.get("/core/audit/?format=csv").status_code == 403
    client.login(username=org.director.email, password=PASSWORD)
    assert client.get("/core/audit/").status_code == 200
    export = client.get("/core/audit/?format=csv")
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode()
    assert "north.manager@example.test" in body


def test_only_audited_models_are_listened_to() -> None:
    from django.contrib.sessions.models import Session
    from django.db.models.signals import post_delete

    from kamkit.users.models import LoginFailure

    assert post_delete.has_listeners(Team)
    assert not post_delete.has_listeners(Session)  # bulk deletes of sessions stay fast
    assert not post_delete.has_listeners(LoginFailure)


def test_exports_neutralise_spreadsheet_formulas(org: Org, client: Client) -> None:
    services.create_team(name='=HYPERLINK("http://evil.example","x")')
    client.login(username=org.admin.email, password=PASSWORD)
    body = b"".join(client.get("/core/audit/?format=csv").streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body and ',"=HYPERLINK' not in body


def test_the_spreadsheet_guard_is_importable_before_django_is_set_up() -> None:
    # the command line builds its help (import columns) before Django starts; those modules must be
    # able to share core.queries.FORMULA_STARTS instead of keeping a copy
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    code = "from kamkit.core.queries import FORMULA_STARTS, spreadsheet_safe; print(spreadsheet_safe('=1'))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "'=1"
