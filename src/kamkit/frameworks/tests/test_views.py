"""Framework pages: reading for everyone, editing drafts for admins and directors, imports, compare."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kamkit.frameworks import queries, services
from kamkit.frameworks.documents import write
from kamkit.frameworks.models import Framework
from kamkit.frameworks.tests.fixtures import small_doc
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db


def test_list_and_competency_page_for_an_account_manager(org: Org, builtin_frameworks: dict) -> None:
    client = signed_in(org.kam_a)
    listing = client.get("/frameworks/")
    assert listing.status_code == 200
    assert b"Key Account Management" in listing.content and b"Account Planning" in listing.content
    kam = builtin_frameworks["key-account-management"]
    detail = client.get(f"/frameworks/{kam.pk}/")
    assert b"Systematic account management" in detail.content
    assert b"Start a new version" not in detail.content  # no write rights, no write buttons
    planning = builtin_frameworks["account-planning"].competencies.get()
    page = client.get(f"/frameworks/competencies/{planning.pk}/").content.decode()
    assert "Low score" in page and "High score" in page
    assert "Level 5." in page and "Probing" not in page
    assert 'class="star star-situation"' in page


def test_framework_page_query_count_does_not_grow_with_content(org: Org, builtin_frameworks: dict) -> None:
    client = signed_in(org.kam_a)
    small = services.create_framework(doc=small_doc())
    profile = services.create_benchmark(framework=small, role="KAM")
    listening = small.competencies.get(name="Listening")
    services.set_targets(profile=profile, targets=[services.TargetInput(listening, 10, 20, 3)])
    with CaptureQueriesContext(connection) as few:
        client.get(f"/frameworks/{small.pk}/")
    big = builtin_frameworks["key-account-management"]
    with CaptureQueriesContext(connection) as many:
        client.get(f"/frameworks/{big.pk}/")
    assert len(many) == len(few)


@pytest.mark.parametrize("role", ["kam_a", "north_manager", "viewer"])
def test_writing_pages_refuse_without_the_right(org: Org, draft: Framework, role: str) -> None:
    client = signed_in(getattr(org, role))
    competency = draft.competencies.first()
    assert competency is not None
    for url in (
        f"/frameworks/{draft.pk}/edit/",
        f"/frameworks/{draft.pk}/document/",
        f"/frameworks/{draft.pk}/competencies/new/",
        f"/frameworks/{draft.pk}/competencies/{competency.pk}/edit/",
        f"/frameworks/{draft.pk}/benchmarks/new/",
        "/frameworks/import/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/frameworks/{draft.pk}/publish/").status_code == 403
    assert client.post(f"/frameworks/{draft.pk}/delete/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_director_edits_a_competency_and_errors_redisplay(org: Org, draft: Framework) -> None:
    client = signed_in(org.director)
    competency = draft.competencies.get(name="Listening")
    url = f"/frameworks/{draft.pk}/competencies/{competency.pk}/edit/"
    assert "Talks over the customer." in client.get(url).content.decode()
    clash = client.post(url, {"name": "Follow-through", "weight": "1", "low": "Mumbles."})
    assert clash.status_code == 200
    assert "already has a competency called" in clash.content.decode()
    assert "Mumbles." in clash.content.decode()  # the input is kept
    saved = client.post(
        url, {"name": "Listening", "weight": "1.5", "low": "Mumbles.\n\nInterrupts.", "high": "Echoes."}
    )
    assert saved.status_code == 302
    doc = queries.document_of(draft).competencies[0]
    assert (doc.low, doc.high, doc.weight, doc.mindset_tips) == (
        ["Mumbles.", "Interrupts."],
        ["Echoes."],
        1.5,
        [],
    )


def test_document_editor_names_the_bad_line_and_keeps_the_text(org: Org, draft: Framework) -> None:
    client = signed_in(org.admin)
    bad = '{"name": "Partnering",\n"competencies": [\n  {"name": }\n]}'
    response = client.post(f"/frameworks/{draft.pk}/document/", {"format": "json", "text": bad})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Problem on line 3" in page
    assert "{&quot;name&quot;: }" in page
    assert draft.competencies.count() == 2


def test_import_preview_then_confirm(org: Org) -> None:
    client = signed_in(org.director)
    text = write(small_doc(), "yaml")
    preview = client.post("/frameworks/import/", {"file": SimpleUploadedFile("p.yaml", text.encode())})
    assert preview.status_code == 200
    assert "would be imported as" in preview.content.decode()
    assert not Framework.objects.exists()
    confirmed = client.post("/frameworks/import/", {"text": text, "slug": "partnering", "confirm": "1"})
    assert confirmed.status_code == 302
    assert Framework.objects.get().competencies.count() == 2
    refused = client.post("/frameworks/import/", {"text": "", "confirm": "1"})
    assert "Choose a file or paste a document." in refused.content.decode()


def test_publish_new_version_and_compare(org: Org, draft: Framework) -> None:
    client = signed_in(org.director)
    assert client.post(f"/frameworks/{draft.pk}/publish/").status_code == 302
    response = client.post(f"/frameworks/{draft.pk}/new-version/")
    v2 = Framework.objects.get(version=2)
    assert response["Location"] == f"/frameworks/{v2.pk}/"
    client.post(f"/frameworks/{v2.pk}/competencies/new/", {"name": "Negotiation", "weight": "1"})
    page = client.get(f"/frameworks/{v2.pk}/compare/").content.decode()
    assert "Negotiation" in page and "added" in page
    assert "Unchanged: Listening, Follow-through." in page


def test_benchmark_editor_validates_each_row(org: Org, draft: Framework) -> None:
    client = signed_in(org.director)
    listening = draft.competencies.get(name="Listening")
    follow = draft.competencies.get(name="Follow-through")
    url = f"/frameworks/{draft.pk}/benchmarks/new/"
    data = {
        "role": "Key Account Manager",
        f"c{listening.pk}_low": "80",
        f"c{listening.pk}_high": "60",
        f"c{listening.pk}_importance": "4",
        f"c{follow.pk}_low": "50",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Follow-through: give both ends of the band, or neither." in response.content.decode()
    data[f"c{follow.pk}_low"] = ""
    response = client.post(url, data)
    assert "the band&#x27;s low end (80) is above its high end (60)" in response.content.decode()
    assert not draft.benchmarks.exists()
    data[f"c{listening.pk}_low"] = "60"
    data[f"c{listening.pk}_high"] = "85"
    assert client.post(url, data).status_code == 302
    target = draft.benchmarks.get().targets.get()
    assert (target.competency_id, target.band_low, target.band_high, target.importance) == (
        listening.pk,
        60,
        85,
        4,
    )
