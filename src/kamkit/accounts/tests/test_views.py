"""Account pages: what each role may open, forms that keep input on errors, the map via htmx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kamkit.accounts import services
from kamkit.accounts.models import Contact
from kamkit.accounts.tests.fixtures import Book, make_account
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db

PAGES = ("", "profile/", "map/", "whitespace/", "activity/", "feedback/", "file/")


def test_every_account_page_opens_for_the_owner(org: Org, book: Book) -> None:
    client = signed_in(org.kam_a)
    for page in PAGES:
        response = client.get(f"/accounts/{book.alpha.pk}/{page}")
        assert response.status_code == 200, page
        assert "Alpha Industries" in response.content.decode(), page


def test_pages_of_accounts_out_of_scope_are_404(org: Org, book: Book) -> None:
    client = signed_in(org.kam_a)
    for page in PAGES:
        assert client.get(f"/accounts/{book.south.pk}/{page}").status_code == 404, page
    assert "Southern Power" not in client.get("/accounts/").content.decode()


def test_viewer_reads_but_cannot_change(org: Org, book: Book) -> None:
    client = signed_in(org.viewer)
    assert client.get(f"/accounts/{book.alpha.pk}/").status_code == 200
    assert client.get(f"/accounts/{book.alpha.pk}/edit/").status_code == 403
    assert client.get(f"/accounts/{book.alpha.pk}/profile/goals/").status_code == 403
    assert client.post(f"/accounts/{book.alpha.pk}/map/", {"last_name": "Spy"}).status_code == 403
    assert (
        client.post(
            f"/accounts/{book.alpha.pk}/feedback/", {"fb-severity": "low", "fb-score": "3"}
        ).status_code
        == 403
    )
    assert client.get("/accounts/new/").status_code == 403
    assert not Contact.objects.exists()


def test_account_list_filters_and_keeps_query_count_flat(org: Org, book: Book) -> None:
    client = signed_in(org.director)
    page = client.get("/accounts/?key=yes").content.decode()
    assert "Alpha Industries" in page and "Deep Foods" not in page
    assert "is not a valid value" in client.get("/accounts/?key=maybe").content.decode()
    with CaptureQueriesContext(connection) as few:
        client.get("/accounts/")
    for n in range(10):
        make_account(f"Extra {n}", owner=org.kam_b, backup_owner=org.kam_a)
    with CaptureQueriesContext(connection) as many:
        client.get("/accounts/")
    assert len(many) == len(few)


def test_account_form_keeps_input_and_names_each_problem(org: Org, book: Book) -> None:
    client = signed_in(org.kam_a)
    response = client.post(
        "/accounts/new/",
        {"name": "Beta Logistics", "owner": org.kam_a.pk, "backup_owner": org.kam_a.pk, "city": "Lyon"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "already exists" in page and "someone other than the owner" in page
    assert 'value="Lyon"' in page
    refused = client.post("/accounts/new/", {"name": "Someone else's", "owner": org.kam_south.pk})
    assert "You may add accounts that you or your people own" in refused.content.decode()
    created = client.post(
        "/accounts/new/", {"name": "Gamma Retail", "owner": org.kam_a.pk, "tier": "develop"}
    )
    assert created.status_code == 302


def test_adding_a_contact_through_htmx_returns_the_updated_map(org: Org, book: Book) -> None:
    client = signed_in(org.kam_a)
    before = client.get(f"/accounts/{book.alpha.pk}/map/").content.decode()
    assert 'data-code="no_economic_buyer"' in before
    response = client.post(
        f"/accounts/{book.alpha.pk}/map/",
        {
            "first_name": "Bea",
            "last_name": "Budget",
            "title": "CFO",
            "buying_role": "economic_buyer",
            "attitude": "supporter",
            "influence": "5",
            "relationship_strength": "3",
            "relationship_level": "2",
            "desired_relationship_level": "4",
        },
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment  # only the map area
    assert "Bea Budget" in fragment and "<svg" in fragment
    assert 'data-code="no_economic_buyer"' not in fragment
    bad = client.post(f"/accounts/{book.alpha.pk}/map/", {"last_name": ""}, headers={"HX-Request": "true"})
    assert "This field is required." in bad.content.decode()


def test_issue_steps_from_the_feedback_page(org: Org, book: Book) -> None:
    client = signed_in(org.kam_b)  # the backup owner
    issue = services.raise_issue(account=book.alpha, title="Damaged pallets")
    url = f"/accounts/{book.alpha.pk}/issues/{issue.pk}"
    client.post(f"{url}/inform/")
    issue.refresh_from_db()
    assert issue.status == "open"
    client.post(f"{url}/resolve/", {"resolution": "Better wrapping"})
    client.post(f"{url}/inform/")
    issue.refresh_from_db()
    assert issue.status == "customer_informed"
    page = client.get(f"/accounts/{book.alpha.pk}/feedback/").content.decode()
    assert "Customer told it is solved" in page


def test_profile_section_save_marks_it_reviewed(org: Org, book: Book) -> None:
    client = signed_in(org.kam_a)
    url = f"/accounts/{book.alpha.pk}/profile/swot/"
    response = client.post(url, {"strengths": "Loyal users\nGood brand", "threats": "Imports", "text": ""})
    assert response.status_code == 302
    page = client.get(f"/accounts/{book.alpha.pk}/profile/").content.decode()
    assert "Loyal users" in page and "Good brand" in page
    assert client.get(f"/accounts/{book.alpha.pk}/profile/luck/").status_code == 404


def test_activity_log_and_coverage_report(org: Org, book: Book) -> None:
    client = signed_in(org.kam_a)
    when = (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/accounts/{book.alpha.pk}/activity/",
        {"kind": "call", "occurred_at": when, "subject": "Renewal call"},
    )
    assert response.status_code == 302
    assert "Renewal call" in client.get(f"/accounts/{book.alpha.pk}/activity/").content.decode()
    coverage = signed_in(org.north_manager).get("/accounts/coverage/").content.decode()
    assert "Beta Logistics" in coverage and "no backup" in coverage


def test_ask_for_feedback_then_record_the_answer(org: Org, book: Book) -> None:
    client = signed_in(org.kam_a)
    buyer = services.create_contact(account=book.alpha, data=services.ContactInput(last_name="Buyer"))
    url = f"/accounts/{book.alpha.pk}/feedback/"
    assert client.post(url, {"ask-contact": buyer.pk, "ask-topic": "Spring delivery"}).status_code == 302
    request = book.alpha.feedback_requests.get()
    assert "no answer yet" in client.get(url).content.decode()
    answered = client.post(
        url, {"fb-score": "7", "fb-severity": "low", "fb-channel": "requested", "fb-request": request.pk}
    )
    assert answered.status_code == 302
    feedback = book.alpha.feedback.get()
    assert (feedback.request, feedback.contact, feedback.score) == (request, buyer, 7)
    assert "no answer yet" not in client.get(url).content.decode()


def test_apps_built_on_accounts_add_their_tabs(org: Org, book: Book) -> None:
    page = signed_in(org.kam_a).get(f"/accounts/{book.alpha.pk}/").content.decode()
    assert f'href="/plans/?account={book.alpha.pk}"' in page


def test_edit_form_refuses_handing_the_account_to_someone_out_of_scope(org: Org, book: Book) -> None:
    client = signed_in(org.kam_a)
    response = client.post(
        f"/accounts/{book.alpha.pk}/edit/", {"name": "Alpha Industries", "owner": org.kam_south.pk}
    )
    assert response.status_code == 200
    assert "You may add accounts that you or your people own" in response.content.decode()
    book.alpha.refresh_from_db()
    assert book.alpha.owner == org.kam_a
