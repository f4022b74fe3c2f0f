"""People pages: sign-in and its rate limit, forms, lists, and refusals for each missing right."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kamkit.users import services
from kamkit.users.models import ApiToken, Team, User
from kamkit.users.tests.fixtures import PASSWORD, Org, signed_in

pytestmark = pytest.mark.django_db


def test_pages_need_a_signed_in_user(org: Org, client: Client) -> None:
    for url in ("/", "/people/", f"/people/{org.kam_a.pk}/", "/people/teams/", "/people/tokens/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert client.get("/login/").status_code == 200
    assert client.get("/health").content == b"ok"


def test_sign_in_with_email_in_any_case(org: Org, client: Client) -> None:
    response = client.post("/login/", {"username": "KAM.A@example.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_repeated_failures_block_sign_in_even_with_the_right_password(
    org: Org, client: Client, settings: object
) -> None:
    for _ in range(5):
        response = client.post("/login/", {"username": org.kam_a.email, "password": "wrong"})
        assert response.status_code == 200
        assert b"enter a correct" in response.content.lower()
    blocked = client.post("/login/", {"username": org.kam_a.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert b"Too many failed sign-ins" in blocked.content
    # another account from another address is not affected
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post("/login/", {"username": org.kam_b.email, "password": PASSWORD}).status_code == 302


def test_inactive_users_cannot_sign_in(org: Org, client: Client) -> None:
    services.update_user(actor=None, user=org.kam_b, changes=services.UserChanges(is_active=False))
    response = client.post("/login/", {"username": org.kam_b.email, "password": PASSWORD})
    assert response.status_code == 200


def test_password_reset_sends_a_working_link(org: Org, client: Client) -> None:
    response = client.post("/password/reset/", {"email": org.kam_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret-77", "new_password2": "a-brand-new-secret-77"},
    )
    assert done.status_code == 302
    assert Client().login(username=org.kam_a.email, password="a-brand-new-secret-77")


def test_people_list_searches_filters_sorts_and_paginates(org: Org) -> None:
    client = signed_in(org.kam_a)
    page = client.get("/people/", {"q": "kam", "team": org.north.pk, "sort": "-name"})
    assert page.status_code == 200
    names = [u.email for u in page.context["objects"]]
    assert names == ["kam.deep@example.test", "kam.b@example.test", "kam.a@example.test"]
    bad = client.get("/people/", {"sort": "salary"})
    assert bad.status_code == 200 and b"Cannot sort by" in bad.content


def test_htmx_list_request_gets_only_the_results(org: Org) -> None:
    client = signed_in(org.kam_a)
    partial = client.get("/people/", {"q": "south"}, headers={"HX-Request": "true", "HX-Target": "results"})
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b"kam.south@example.test" in partial.content


def test_people_list_query_count_does_not_grow_with_rows(org: Org) -> None:
    client = signed_in(org.admin)
    with CaptureQueriesContext(connection) as few:
        client.get("/people/")
    for n in range(15):
        services.create_user(
            email=f"extra{n}@example.test",
            full_name=f"Extra {n}",
            team=org.south,
            manager=org.south_manager,
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/people/")
    assert len(many) == len(few)


def test_only_admins_add_people(org: Org) -> None:
    for role_user in (org.director, org.north_manager, org.kam_a, org.viewer, org.interviewer):
        client = signed_in(role_user)
        assert client.get("/people/new/").status_code == 403
        response = client.post(
            "/people/new/", {"email": "x@example.test", "full_name": "X", "role": "viewer"}
        )
        assert response.status_code == 403
    assert not User.objects.filter(email="x@example.test").exists()
    admin = signed_in(org.admin)
    response = admin.post(
        "/people/new/", {"email": "new@example.test", "full_name": "New Person", "role": "viewer"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="new@example.test").role == "viewer"


def test_forms_redisplay_with_errors_and_keep_the_input(org: Org) -> None:
    admin = signed_in(org.admin)
    response = admin.post(
        "/people/new/",
        {
            "email": org.kam_a.email,
            "full_name": "Someone Typed This",
            "role": "viewer",
            "password": "short",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "is already taken" in str(form.errors["email"])
    assert b"Someone Typed This" in response.content
    weak = admin.post(
        "/people/new/",
        {
            "email": "weak@example.test",
            "full_name": "Weak",
            "role": "viewer",
            "password": "12345678",
        },
    )
    assert "password" in weak.context["form"].errors
    assert not User.objects.filter(email="weak@example.test").exists()


def test_a_person_edits_themself_but_not_others(org: Org) -> None:
    client = signed_in(org.kam_a)
    assert client.get(f"/people/{org.kam_b.pk}/edit/").status_code == 403
    response = client.post(f"/people/{org.kam_b.pk}/edit/", {"full_name": "Hacked"})
    assert response.status_code == 403
    org.kam_b.refresh_from_db()
    assert org.kam_b.full_name != "Hacked"
    # own profile: name changes, role cannot be smuggled in
    response = client.post(f"/people/{org.kam_a.pk}/edit/", {"full_name": "Kam Alpha", "role": "admin"})
    assert response.status_code == 302
    org.kam_a.refresh_from_db()
    assert org.kam_a.full_name == "Kam Alpha" and org.kam_a.role == "account_manager"


def test_admin_cannot_make_a_reporting_loop(org: Org) -> None:
    client = signed_in(org.admin)
    response = client.post(
        f"/people/{org.director.pk}/edit/",
        {
            "full_name": "Director",
            "role": "director",
            "manager": org.kam_deep.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["manager"] == [
        f"{org.kam_deep} already reports (directly or not) to {org.director}."
    ]
    org.director.refresh_from_db()
    assert org.director.manager is None


def test_teams_are_managed_by_admins_and_directors_only(org: Org) -> None:
    for refused in (org.north_manager, org.kam_a, org.viewer):
        client = signed_in(refused)
        assert client.get("/people/teams/new/").status_code == 403
        assert client.post(f"/people/teams/{org.north.pk}/edit/", {"name": "Renamed"}).status_code == 403
    org.north.refresh_from_db()
    assert org.north.name == "North"
    director = signed_in(org.director)
    assert director.post("/people/teams/new/", {"name": "Enterprise"}).status_code == 302
    assert Team.objects.filter(name="Enterprise").exists()
    duplicate = director.post("/people/teams/new/", {"name": "enterprise"})
    assert duplicate.status_code == 200 and "taken" in str(duplicate.context["form"].errors)


def test_tokens_page_shows_a_new_key_once_and_revokes(org: Org) -> None:
    client = signed_in(org.kam_a)
    response = client.post("/people/tokens/", {"name": "laptop"})
    key = response.context["new_key"]
    assert key.startswith("kk_") and key.encode() in response.content
    again = client.get("/people/tokens/")
    assert key.encode() not in again.content
    token = ApiToken.objects.get(user=org.kam_a)
    other = signed_in(org.kam_b)
    assert other.post(f"/people/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(f"/people/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_area_is_for_admins(org: Org) -> None:
    for refused in (org.director, org.north_manager, org.kam_a, org.viewer, org.interviewer):
        assert signed_in(refused).get("/people/admin/").status_code == 403
    assert signed_in(org.admin).get("/people/admin/").status_code == 200


def test_navigation_shows_admin_only_to_admins(org: Org) -> None:
    kam_nav = [a["key"] for a in signed_in(org.kam_a).get("/").context["nav_areas"]]
    admin_nav = [a["key"] for a in signed_in(org.admin).get("/").context["nav_areas"]]
    assert "admin" not in kam_nav and "admin" in admin_nav
    assert "people" in kam_nav


def test_a_person_added_without_password_is_invited_by_email(
    org: Org, django_capture_on_commit_callbacks: object
) -> None:
    admin = signed_in(org.admin)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = admin.post(
            "/people/new/", {"email": "invitee@example.test", "full_name": "In Vitee", "role": "viewer"}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["invitee@example.test"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = Client().get("/" + path, follow=True)
    assert page.status_code == 200 and b"new_password1" in page.content


def test_a_person_added_with_a_password_gets_no_invitation(
    org: Org, django_capture_on_commit_callbacks: object
) -> None:
    admin = signed_in(org.admin)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        admin.post(
            "/people/new/",
            {
                "email": "has.pw@example.test",
                "full_name": "Has Pw",
                "role": "viewer",
                "password": "a-long-secret-phrase-1",
            },
        )
    assert mail.outbox == []


def test_behind_the_proxy_the_limit_counts_the_forwarded_address(org: Org, settings: object) -> None:
    settings.KAMKIT_BEHIND_TLS_PROXY = True  # type: ignore[attr-defined]
    # twenty failures from one office address on various accounts block that address only
    office = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    for n in range(20):
        office.post("/login/", {"username": f"guess{n}@example.test", "password": "x"})
    assert office.post("/login/", {"username": org.kam_a.email, "password": PASSWORD}).status_code == 429
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert colleague.post("/login/", {"username": org.kam_b.email, "password": PASSWORD}).status_code == 302


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_team_list_query_count_does_not_grow_with_rows(org: Org) -> None:
    client = signed_in(org.kam_a)
    few = _count_queries(client, "/people/teams/")
    for n in range(12):
        team = services.create_team(name=f"Extra {n}", lead=org.south_manager)
        services.create_user(email=f"member{n}@example.test", full_name=f"Member {n}", team=team)
    assert _count_queries(client, "/people/teams/") == few


def test_clearing_the_lead_in_the_team_form_leaves_the_team_without_one(org: Org) -> None:
    director = signed_in(org.director)
    response = director.post(f"/people/teams/{org.north.pk}/edit/", {"name": "North", "lead": ""})
    assert response.status_code == 302
    org.north.refresh_from_db()
    assert org.north.lead is None


def test_edit_link_shows_only_for_those_who_may_change_the_person(org: Org) -> None:
    edit_url = f'href="/people/{org.kam_b.pk}/edit/"'.encode()
    assert edit_url in signed_in(org.admin).get(f"/people/{org.kam_b.pk}/").content
    assert edit_url in signed_in(org.kam_b).get(f"/people/{org.kam_b.pk}/").content
    for refused in (org.director, org.north_manager, org.kam_a, org.viewer):
        assert edit_url not in signed_in(refused).get(f"/people/{org.kam_b.pk}/").content
        assert signed_in(refused).get(f"/people/{org.kam_b.pk}/edit/").status_code == 403


def test_navigation_offers_every_area_that_exists(org: Org) -> None:
    from django.urls import NoReverseMatch, reverse

    from kamkit.core.navigation import AREAS

    def exists(url_name: str) -> bool:
        try:
            reverse(url_name)
        except NoReverseMatch:
            return False
        return True

    # an area whose page name is mistyped would vanish silently from the menu: every area but the
    # ones not built yet must resolve, and the admin sees them all
    missing = {area.key for area in AREAS if not exists(area.url_name)}
    assert missing == {"performance"}
    admin_nav = [a["key"] for a in signed_in(org.admin).get("/").context["nav_areas"]]
    assert admin_nav == [area.key for area in AREAS if area.key not in missing]
