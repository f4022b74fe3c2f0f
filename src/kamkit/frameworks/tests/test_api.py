"""Framework API: everyone signed in reads; admins and directors write; drafts only change."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kamkit.frameworks.documents import to_dict
from kamkit.frameworks.models import Framework
from kamkit.frameworks.tests.fixtures import small_doc
from kamkit.users.tests.fixtures import Org

ApiAs = Callable[[Any], Any]


def test_every_signed_in_role_reads_frameworks(org: Org, api_as: ApiAs, builtin_frameworks: dict) -> None:
    for user in (org.viewer, org.interviewer, org.kam_a, org.north_manager):
        response = api_as(user).get("/frameworks")
        assert response.status_code == 200
        names = {item["name"] for item in response.json()["items"]}
        assert names == {"Key Account Management", "Account Planning"}
    assert api_as(None).get("/frameworks").status_code == 401


@pytest.mark.parametrize("role", ["north_manager", "kam_a", "viewer", "interviewer"])
def test_only_admins_and_directors_write(org: Org, api_as: ApiAs, draft: Framework, role: str) -> None:
    api = api_as(getattr(org, role))
    body = to_dict(small_doc("Another"))
    assert api.post("/frameworks", body).status_code == 403
    assert api.patch(f"/frameworks/{draft.pk}", {"name": "Renamed"}).status_code == 403
    assert api.post(f"/frameworks/{draft.pk}/publish").status_code == 403
    assert api.put(f"/frameworks/{draft.pk}/document", body).status_code == 403
    assert api.delete(f"/frameworks/{draft.pk}").status_code == 403
    competency = draft.competencies.first()
    assert api.delete(f"/competencies/{competency.pk}").status_code == 403
    assert api.post(f"/frameworks/{draft.pk}/benchmarks", {"role": "KAM"}).status_code == 403
    upload = SimpleUploadedFile("f.json", json.dumps(body).encode())
    assert api.upload("/frameworks/import", {"file": upload}).status_code == 403
    draft.refresh_from_db()
    assert draft.name == "Partnering" and draft.status == "draft"


def test_director_creates_edits_publishes_and_versions(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.director)
    created = api.post("/frameworks", to_dict(small_doc()))
    assert created.status_code == 201
    framework_id = created.json()["id"]
    assert created.json()["competency_count"] == 2
    assert (
        api.patch(f"/frameworks/{framework_id}", {"name": "Partnering skills", "role": "KAM"}).status_code
        == 200
    )
    competency = api.post(
        f"/frameworks/{framework_id}/competencies",
        {
            "name": "Negotiation",
            "low": ["Splits the difference."],
            "tips": {"mindset": ["Know your walk-away."]},
        },
    )
    assert competency.status_code == 201
    assert competency.json()["tips"]["mindset"] == ["Know your walk-away."]
    assert api.post(f"/frameworks/{framework_id}/publish").json()["status"] == "published"
    # a published version refuses change with 409 and a reason
    refused = api.patch(f"/frameworks/{framework_id}", {"name": "Changed"})
    assert refused.status_code == 409
    assert "new version" in refused.json()["detail"]
    assert api.put(f"/competencies/{competency.json()['id']}", {"name": "Other"}).status_code == 409
    # a new version is a draft copy
    v2 = api.post(f"/frameworks/{framework_id}/versions")
    assert v2.status_code == 201 and v2.json()["version"] == 2 and v2.json()["status"] == "draft"
    new_id = v2.json()["id"]
    doc = api.get(f"/frameworks/{new_id}/document").json()
    doc["competencies"][0]["high"].append("Paraphrases before answering.")
    assert api.put(f"/frameworks/{new_id}/document", doc).status_code == 200
    comparison = api.get(f"/frameworks/{framework_id}/compare/{new_id}").json()
    listening = next(c for c in comparison["competencies"] if c["name"] == "Listening")
    assert listening["lists"]["High-score indicators"]["added"] == ["Paraphrases before answering."]


def test_document_validation_errors_are_4xx_with_a_body(org: Org, api_as: ApiAs, draft: Framework) -> None:
    api = api_as(org.admin)
    missing = api.post("/frameworks", {"name": "No competencies"})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "competencies"
    duplicate = api.put(
        f"/frameworks/{draft.pk}/document", {"name": "X", "competencies": [{"name": "A"}, {"name": "A"}]}
    )
    assert duplicate.status_code == 400
    assert "appears twice" in duplicate.json()["detail"]


def test_import_upload_with_dry_run_and_refusal(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.admin)
    body = json.dumps(to_dict(small_doc())).encode()
    dry = api.upload("/frameworks/import", {"file": SimpleUploadedFile("p.json", body)}, dry_run="true")
    assert dry.status_code == 200
    assert dry.json()["framework"] is None and dry.json()["slug"] == "partnering"
    assert not Framework.objects.exists()
    done = api.upload("/frameworks/import", {"file": SimpleUploadedFile("p.json", body)}, publish="true")
    assert done.status_code == 201
    assert done.json()["framework"]["status"] == "published"
    bad = api.upload("/frameworks/import", {"file": SimpleUploadedFile("p.json", b'{"name": "X",\n ]')})
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {
            "field": "line",
            "message": "Line 2: Not valid JSON: Expecting property name enclosed in double quotes.",
        }
    ]
    assert Framework.objects.count() == 1


def test_export_in_three_formats(org: Org, api_as: ApiAs, builtin_frameworks: dict) -> None:
    api = api_as(org.kam_a)
    framework = builtin_frameworks["account-planning"]
    as_json = api.get(f"/frameworks/{framework.pk}/export", format="json")
    assert as_json.status_code == 200 and as_json.json()["name"] == "Account Planning"
    as_yaml = api.get(f"/frameworks/{framework.pk}/export", format="yaml")
    assert as_yaml["Content-Type"] == "application/yaml" and b"name: Account Planning" in as_yaml.content
    as_md = api.get(f"/frameworks/{framework.pk}/export", format="md")
    assert as_md["Content-Type"] == "text/markdown" and b"Account Planning" in as_md.content
    assert api.get(f"/frameworks/{framework.pk}/export", format="pdf").status_code == 422


def test_benchmark_crud_and_validation(org: Org, api_as: ApiAs, draft: Framework) -> None:
    api = api_as(org.director)
    listening = draft.competencies.get(name="Listening")
    created = api.post(
        f"/frameworks/{draft.pk}/benchmarks",
        {
            "role": "Key Account Manager",
            "targets": [{"competency_id": listening.pk, "band_low": 60, "band_high": 85}],
        },
    )
    assert created.status_code == 201
    profile_id = created.json()["id"]
    assert created.json()["targets"] == [
        {
            "competency_id": listening.pk,
            "competency": "Listening",
            "band_low": 60,
            "band_high": 85,
            "importance": 3,
        }
    ]
    reversed_band = api.put(
        f"/benchmarks/{profile_id}",
        {
            "role": "Key Account Manager",
            "targets": [{"competency_id": listening.pk, "band_low": 90, "band_high": 10}],
        },
    )
    assert reversed_band.status_code == 400
    assert reversed_band.json()["errors"][0]["field"] == "Listening"
    assert api.get(f"/benchmarks/{profile_id}").json()["targets"][0]["band_low"] == 60
    assert api_as(org.kam_a).get(f"/benchmarks/{profile_id}").status_code == 200
    assert api_as(org.kam_a).delete(f"/benchmarks/{profile_id}").status_code == 403
    assert api.delete(f"/benchmarks/{profile_id}").status_code == 204


def test_unknown_ids_are_404(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.admin)
    assert api.get("/frameworks/9999").status_code == 404
    assert api.get("/competencies/9999").status_code == 404
    assert api.get("/benchmarks/9999").status_code == 404
