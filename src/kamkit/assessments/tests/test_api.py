"""Assessments API: every role allowed and refused, the rater endpoints by token without an account,
scores by hand, and questionnaire import/export; every answer is checked against OpenAPI."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kamkit.assessments import services
from kamkit.assessments.models import Assessment, Campaign, Questionnaire, RaterInvitation
from kamkit.assessments.tests.fixtures import Crowd, Round, Rows, Small, answer, in_days, launch
from kamkit.assessments.tests.test_services import answered_round
from kamkit.core.templatetags.kamkit_history import history_url
from kamkit.frameworks import services as framework_services
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


def new_campaign(small: Small, **extra: Any) -> dict[str, Any]:
    return {
        "name": "API round",
        "questionnaire_id": small.questionnaire.pk,
        "benchmark_id": small.benchmark.pk,
        "due_date": in_days(10).isoformat(),
        **extra,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 201),
        ("director", 201),
        ("north_manager", 201),
        ("kam_a", 403),
        ("interviewer", 403),
        ("viewer", 403),
    ],
)
def test_who_may_create_a_campaign(org: Org, small: Small, api_as: ApiAs, who: str, status: int) -> None:
    response = api_as(getattr(org, who)).post("/campaigns", new_campaign(small))
    assert response.status_code == status
    if status == 201:
        assert response.json()["created_by"]["id"] == getattr(org, who).pk


def test_campaign_visibility_and_changes(org: Org, small: Small, round360: Round, api_as: ApiAs) -> None:
    pk = round360.campaign.pk
    names = lambda user: {c["name"] for c in api_as(user).get("/campaigns").json()["items"]}  # noqa: E731
    assert names(org.north_manager) == {"Spring 360"}
    assert names(org.director) == {"Spring 360"}
    assert names(org.south_manager) == set()
    assert names(org.kam_a) == set()  # the subject reads their scores, not the campaign
    assert api_as(org.south_manager).get(f"/campaigns/{pk}").status_code == 404
    renamed = api_as(org.director).patch(f"/campaigns/{pk}", {"name": "Spring 360 (north)"})
    assert renamed.status_code == 200 and renamed.json()["subject_count"] == 1
    assert api_as(org.viewer).patch(f"/campaigns/{pk}", {"name": "x"}).status_code == 404
    past = api_as(org.north_manager).patch(f"/campaigns/{pk}", {"due_date": "2001-01-01"})
    assert past.status_code == 400 and past.json()["errors"][0]["field"] == "due_date"
    cleared = api_as(org.north_manager).patch(f"/campaigns/{pk}", {"benchmark_id": None})
    assert cleared.json()["benchmark"] is None


def test_subjects_by_role(org: Org, small: Small, round360: Round, api_as: ApiAs) -> None:
    url = f"/campaigns/{round360.campaign.pk}/assessments"
    manager = api_as(org.north_manager)
    assert manager.post(url, {"subject_user_id": org.kam_south.pk}).status_code == 403
    assert (
        manager.post(url, {"candidate_name": "Casey", "candidate_email": "casey@x.test"}).status_code == 403
    )
    added = manager.post(url, {"subject_user_id": org.kam_b.pk, "peer_ids": [org.kam_a.pk]})
    assert added.status_code == 201 and added.json()["invitation_count"] == 3  # self, manager, peer
    assert manager.post(url, {"subject_user_id": org.kam_b.pk}).status_code == 409
    assert (
        api_as(org.director)
        .post(url, {"candidate_name": "Casey", "candidate_email": "casey@x.test"})
        .status_code
        == 201
    )
    assert api_as(org.kam_a).post(url, {"subject_user_id": org.kam_a.pk}).status_code == 404
    assert manager.post(url, {"subject_user_id": 999999}).status_code == 400
    listed = {a["subject_name"] for a in manager.get(url).json()}
    assert listed == {"Kam A", "Kam B"}  # the candidate is the director's to see


def test_assessment_visibility(org: Org, small: Small, round360: Round, api_as: ApiAs) -> None:
    pk = round360.assessment.pk
    for who in ("kam_a", "north_manager", "director", "admin"):
        assert api_as(getattr(org, who)).get(f"/assessments/{pk}").status_code == 200, who
    for who in ("kam_b", "sub_manager", "south_manager", "viewer", "interviewer"):
        assert api_as(getattr(org, who)).get(f"/assessments/{pk}").status_code == 404, who
        assert api_as(getattr(org, who)).get(f"/assessments/{pk}/scores").status_code == 404, who
    assert api_as(None).get("/assessments").status_code == 401
    mine = api_as(org.kam_a).get("/assessments").json()
    assert [a["subject_name"] for a in mine["items"]] == ["Kam A"]


def test_invitations_for_raters_and_campaign_runners(
    org: Org, small: Small, round360: Round, api_as: ApiAs
) -> None:
    pk = round360.assessment.pk
    # the subject may not list who rates them; the campaign runner may
    assert api_as(org.kam_a).get(f"/assessments/{pk}/invitations").status_code == 403
    listed = api_as(org.north_manager).get(f"/assessments/{pk}/invitations").json()
    assert {i["relationship"] for i in listed} == {"self", "manager", "peer"}
    # a rater sees their own invitation only
    own = api_as(org.kam_b).get("/invitations").json()["items"]
    assert [(i["subject_name"], i["relationship"]) for i in own] == [("Kam A", "peer")]
    added = api_as(org.north_manager).post(
        f"/assessments/{pk}/invitations",
        {"relationship": "customer", "rater_name": "Carl", "rater_email": "carl@client.test"},
    )
    assert added.status_code == 201
    duplicate = api_as(org.north_manager).post(
        f"/assessments/{pk}/invitations", {"relationship": "customer", "rater_email": "carl@client.test"}
    )
    assert duplicate.status_code == 400 and duplicate.json()["errors"][0]["field"] == "rater_email"
    assert api_as(org.kam_b).delete(f"/invitations/{own[0]['id']}").status_code == 403
    assert api_as(org.north_manager).delete(f"/invitations/{added.json()['id']}").status_code == 204


def test_a_manager_does_not_see_whom_their_people_rate_nor_who_answered_about_them(
    org: Org, small: Small, round360: Round, api_as: ApiAs
) -> None:
    # sub_manager and their report kam_deep are both peers of kam_a in north_manager's round
    def listed(user: Any) -> set[tuple[str, str, str]]:
        items = api_as(user).get("/invitations").json()["items"]
        return {
            (i["subject_name"], i["relationship"], (i["rater_user"] or {}).get("full_name", ""))
            for i in items
        }

    assert listed(org.sub_manager) == {("Kam A", "peer", "Sub Manager")}
    # sub_manager is assessed too: their report kam_deep rates them and submits
    assessed = services.add_subject(campaign=round360.campaign, subject_user=org.sub_manager)
    launch(round360)
    by_report = assessed.invitations.get(relationship="report")
    answer(small, by_report, {"L1": 2, "L2": 2, "F1": 2, "F2": 2})
    mine = listed(org.sub_manager)
    assert ("Sub Manager", "report", "Kam Deep") not in mine  # who answered about them stays hidden
    assert mine == {("Kam A", "peer", "Sub Manager"), ("Sub Manager", "self", "Sub Manager")}
    assert api_as(org.sub_manager).get(f"/assessments/{assessed.pk}/invitations").status_code == 403
    history = history_url(by_report)  # its audit trail says when it was submitted
    assert signed_in(org.sub_manager).get(history).status_code == 404
    assert signed_in(org.north_manager).get(history).status_code == 200
    # the campaign runner sees every rater of their campaign
    runner = listed(org.north_manager)
    assert ("Sub Manager", "report", "Kam Deep") in runner and ("Kam A", "peer", "Kam Deep") in runner


def test_launch_answer_by_token_and_scores(org: Org, small: Small, round360: Round, api_as: ApiAs) -> None:
    runner = api_as(org.north_manager)
    launched = runner.post(f"/campaigns/{round360.campaign.pk}/launch")
    assert launched.status_code == 200 and launched.json()["status"] == "open"
    assert runner.post(f"/campaigns/{round360.campaign.pk}/launch").status_code == 409
    rater = api_as(None)  # no account, no token header: the link is the credential
    token = round360.peers[0].token()
    questionnaire = rater.get(f"/responses/{token}")
    assert questionnaire.status_code == 200
    body = questionnaire.json()
    assert body["subject_name"] == "Kam A" and body["relationship"] == "peer" and not body["submitted"]
    assert body["items"][0] == {
        "id": small.items["L1"].pk,
        "text": "They let customers finish.",
        "answer": None,
    }
    draft = rater.put(f"/responses/{token}", {"answers": [{"item_id": small.items["L1"].pk, "value": 4}]})
    assert draft.status_code == 200 and draft.json()["items"][0]["answer"] == 4
    assert (
        rater.put(
            f"/responses/{token}", {"answers": [{"item_id": small.items["L1"].pk, "value": 6}]}
        ).status_code
        == 422
    )
    submitted = rater.post(f"/responses/{token}/submit", {"answers": []})  # submits the saved draft
    assert submitted.status_code == 200 and submitted.json()["submitted"]
    used = rater.get(f"/responses/{token}")
    assert used.status_code == 410 and "already submitted" in used.json()["detail"]
    assert rater.put(f"/responses/{token}", {"answers": []}).status_code == 410
    assert rater.get("/responses/r" + "0" * 64).status_code == 404
    # a signed-in token does not widen what the link shows either
    assert api_as(org.kam_b).get(f"/responses/{round360.peers[1].token()}").json()["subject_name"] == "Kam A"


def test_expired_and_closed_links_are_410(org: Org, small: Small, round360: Round, api_as: ApiAs) -> None:
    launch(round360)
    token = round360.peers[0].token()
    Campaign.objects.filter(pk=round360.campaign.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    expired = api_as(None).get(f"/responses/{token}")
    assert expired.status_code == 410 and "expired" in expired.json()["detail"]
    Campaign.objects.filter(pk=round360.campaign.pk).update(due_date=in_days(3), status="closed")
    assert api_as(None).post(f"/responses/{token}/submit", {"answers": []}).status_code == 410


def test_scores_by_hand_after_closing(org: Org, small: Small, round360: Round, api_as: ApiAs) -> None:
    answered_round(small, round360)
    api_as(org.north_manager).post(f"/campaigns/{round360.campaign.pk}/close")
    body = api_as(org.kam_a).get(f"/assessments/{round360.assessment.pk}/scores").json()
    assert body["withheld"] is False and body["overall_fit"] == 100.0
    listening, follow = body["competencies"]
    by_group = {s["group"]: s for s in listening["scores"]}
    assert by_group["self"]["score"] == 87.5
    assert (by_group["peer"]["score"], by_group["peer"]["status"], by_group["peer"]["raters"]) == (
        None,
        "hidden",
        2,
    )
    assert follow["basis_group"] == "others" and follow["basis_score"] == pytest.approx(200 / 3)
    assert {c["relationship"]: c["answered"] for c in body["counts"]} == {"manager": 1, "peer": 3, "self": 1}


def test_questionnaire_api(org: Org, kam_questionnaire: Questionnaire, api_as: ApiAs) -> None:
    director = api_as(org.director)
    listed = director.get("/questionnaires").json()["items"]
    assert [(q["name"], q["item_count"]) for q in listed] == [("KAM behaviours", 36)]
    exported = director.get(f"/questionnaires/{kam_questionnaire.pk}/export", format="json").json()
    assert exported["framework"] == "key-account-management" and len(exported["items"]) == 36
    copy = director.post(
        "/questionnaires", {**exported, "name": "Shorter", "slug": "", "items": exported["items"][:12]}
    )
    assert copy.status_code == 201 and copy.json()["item_count"] == 12
    assert api_as(org.north_manager).post("/questionnaires", exported).status_code == 403
    clash = director.post("/questionnaires", exported)
    assert clash.status_code == 409
    csv_file = io.BytesIO(
        director.get(f"/questionnaires/{kam_questionnaire.pk}/export", format="csv").content
    )
    csv_file.name = "kam.csv"
    imported = director.upload(
        "/questionnaires/import",
        {"file": csv_file},
        name="From CSV",
        framework_id=kam_questionnaire.framework_id,
    )
    assert imported.status_code == 201 and imported.json()["item_count"] == 36
    bad = io.BytesIO(b"competency,self_text,others_text\nJuggling,I juggle.,They juggle.\n")
    bad.name = "bad.csv"
    refused = director.upload(
        "/questionnaires/import", {"file": bad}, name="Bad", framework_id=kam_questionnaire.framework_id
    )
    assert refused.status_code == 400 and "Juggling" in refused.json()["detail"]
    assert Questionnaire.objects.count() == 3


def test_a_questionnaire_names_its_framework_as_an_import_does(org: Org, small: Small, api_as: ApiAs) -> None:
    director = api_as(org.director)
    slug = small.framework.slug
    document = {
        "name": "By name",
        "framework": slug,
        "items": [{"competency": "Listening", "self_text": "I nod.", "others_text": "They nod."}],
    }
    assert director.post("/questionnaires", document).json()["framework_id"] == small.framework.pk
    # by name: the newest published version only, with the import's reason when there is none
    framework_services.retire_framework(framework=small.framework)
    for name in (slug, "", "no-such-framework"):
        refused = director.post("/questionnaires", {**document, "name": f"Again {name}", "framework": name})
        assert refused.status_code == 400, name
        assert refused.json()["errors"][0]["field"] == "framework"
        assert "choose the framework the questionnaire is for" in refused.json()["detail"]
    # chosen by id, a retired version is still allowed (as in the import form)
    chosen = director.post(
        "/questionnaires", {**document, "name": "By id", "framework_id": small.framework.pk}
    )
    assert chosen.status_code == 201


def test_delete_only_drafts(org: Org, small: Small, round360: Round, api_as: ApiAs) -> None:
    launch(round360)
    assert api_as(org.north_manager).delete(f"/campaigns/{round360.campaign.pk}").status_code == 409
    draft = services.create_campaign(
        name="Scrap", questionnaire=small.questionnaire, due_date=in_days(2), created_by=org.north_manager
    )
    assert api_as(org.kam_a).delete(f"/campaigns/{draft.pk}").status_code == 404
    assert api_as(org.north_manager).delete(f"/campaigns/{draft.pk}").status_code == 204
    assert Assessment.objects.count() == 1 and RaterInvitation.objects.count() == 5


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin", True),
        ("director", True),
        ("north_manager", False),
        ("kam_a", False),
        ("interviewer", False),
        ("viewer", False),
    ],
)
def test_questionnaire_items_by_role(org: Org, small: Small, api_as: ApiAs, who: str, allowed: bool) -> None:
    client = api_as(getattr(org, who))
    base = f"/questionnaires/{small.questionnaire.pk}"
    listening = small.items["L1"].competency_id
    # everyone reads the statements
    listed = client.get(f"{base}/items").json()
    assert [(i["competency"], i["reverse"]) for i in listed][:4] == [
        ("Listening", False),
        ("Listening", False),
        ("Listening", True),
        ("Listening", True),
    ]
    # only admins and directors change them
    added = client.post(
        f"{base}/items",
        {"competency_id": listening, "self_text": "I ask why.", "others_text": "They ask why."},
    )
    changed = client.patch(f"{base}/items/{small.items['L1'].pk}", {"others_text": "They let people finish."})
    removed = client.delete(f"{base}/items/{small.items['L2'].pk}")
    copied = client.post(f"{base}/copy", {"name": "Small copy"})
    if allowed:
        assert added.status_code == 201 and added.json()["order"] == 7
        assert changed.status_code == 200 and changed.json()["others_text"] == "They let people finish."
        assert removed.status_code == 204
        assert copied.status_code == 201 and copied.json()["item_count"] == 7
    else:
        assert [r.status_code for r in (added, changed, removed, copied)] == [403, 403, 403, 403]
        assert small.questionnaire.items.count() == 7 and Questionnaire.objects.count() == 1


def test_item_changes_after_answers_are_409_with_the_reason(
    org: Org, small: Small, round360: Round, api_as: ApiAs
) -> None:
    answered_round(small, round360)
    director = api_as(org.director)
    base = f"/questionnaires/{small.questionnaire.pk}"
    l3 = small.items["L3"]
    keyed = director.patch(f"{base}/items/{l3.pk}", {"reverse": False})
    assert keyed.status_code == 409
    body = keyed.json()
    assert "already answered" in body["detail"] and "copy it as a new questionnaire" in body["detail"]
    assert body["errors"][0]["field"] == "reverse"
    follow = small.items["F1"].competency_id
    assert director.patch(f"{base}/items/{l3.pk}", {"competency_id": follow}).status_code == 409
    assert director.delete(f"{base}/items/{l3.pk}").status_code == 409
    assert (
        director.post(
            f"{base}/items", {"competency_id": follow, "self_text": "I do.", "others_text": "They do."}
        ).status_code
        == 409
    )
    reworded = director.patch(f"{base}/items/{l3.pk}", {"self_text": "I cut people off.", "order": 11})
    assert reworded.status_code == 200 and reworded.json()["order"] == 11
    # bad input: a competency of another framework, blank wording, an item of another questionnaire
    unknown = director.patch(f"{base}/items/{l3.pk}", {"competency_id": 999999})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "competency_id"
    blank = director.patch(f"{base}/items/{l3.pk}", {"others_text": " "})
    assert blank.status_code == 400 and blank.json()["errors"][0]["field"] == "others_text"
    assert director.patch(f"{base}/items/999999", {"order": 1}).status_code == 404
    assert director.post(f"{base}/copy", {"name": ""}).status_code == 422


def test_a_manager_sees_their_team_only_in_the_api(org: Org, small: Small, api_as: ApiAs) -> None:
    # given a director's campaign over people of both teams, answered and closed
    campaign = services.create_campaign(
        name="All hands",
        questionnaire=small.questionnaire,
        benchmark=small.benchmark,
        due_date=in_days(7),
        created_by=org.director,
    )
    north = services.add_subject(campaign=campaign, subject_user=org.kam_a)
    south = services.add_subject(campaign=campaign, subject_user=org.kam_south)
    services.launch_campaign(campaign=campaign)
    for invitation in RaterInvitation.objects.filter(relationship__in=["self", "manager"]):
        values = {"L1": 4, "L2": 4, "L3": 2, "F1": 3, "F2": 5} if invitation.relationship == "self" else {}
        answer(small, invitation, values or {"L1": 3, "L2": 3, "F1": 3, "F2": 3})
    services.close_campaign(campaign=campaign)
    url = f"/campaigns/{campaign.pk}/team-report"

    def people(user: Any) -> list[str]:
        return [p["subject_name"] for p in api_as(user).get(url).json()["people"]]

    # then each manager's lists, scores and team report hold their own people only
    assert people(org.north_manager) == ["Kam A"]
    assert people(org.south_manager) == ["Kam South"]
    assert people(org.director) == ["Kam A", "Kam South"]
    north_manager = api_as(org.north_manager)
    listed = north_manager.get("/assessments", status=campaign.status).json()["items"]
    assert [a["subject_name"] for a in listed] == ["Kam A"]
    assert north_manager.get(f"/assessments/{north.pk}/scores").status_code == 200
    assert north_manager.get(f"/assessments/{south.pk}/scores").status_code == 404
    assert north_manager.get(f"/campaigns/{campaign.pk}").status_code == 404  # the campaign is the director's
    for outsider in (org.kam_b, org.viewer, org.interviewer):
        assert api_as(outsider).get(url).status_code == 404
    assert api_as(org.kam_a).get(url).json()["people"][0]["subject_name"] == "Kam A"  # their own row


def test_team_report_api_by_hand(org: Org, crowd: Crowd, api_as: ApiAs) -> None:
    body = api_as(org.director).get(f"/campaigns/{crowd.campaign.pk}/team-report").json()
    listening, follow = body["competencies"]
    # Listening 70-90 over 0, 25, 50, 75, 100 (twice each): below 6, inside 2, above 2, ready 40%
    assert (listening["below"], listening["inside"], listening["above"]) == (6, 2, 2)
    assert (listening["ready_share"], listening["mean"], listening["buckets"]) == (40.0, 50.0, [2] * 5)
    # Follow-through 60-80: 75 is inside, 100 above
    assert (follow["below"], follow["inside"], follow["above"]) == (6, 2, 2)
    assert body["bucket_labels"] == ["0-19", "20-39", "40-59", "60-79", "80-100"]
    first = body["people"][0]
    assert first["subject_name"] == "Candidate 0" and first["cells"][0]["relation"] == "far"
    # fit: Listening 0 is 70 below -> 0; Follow-through 0 is 60 below -> 0; overall 0
    assert first["overall_fit"] == 0.0


def test_link_api_offers_the_configured_labels_and_refuses_other_statements(
    org: Org, small: Small, round360: Round, kam_questionnaire: Questionnaire, api_as: ApiAs
) -> None:
    services.update_questionnaire(
        questionnaire=small.questionnaire,
        name="Small check",
        description="",
        scale_labels=["Never", "Rarely", "Sometimes", "Often", "Always"],
    )
    launch(round360)
    token = round360.peers[0].token()
    rater = api_as(None)
    assert rater.get(f"/responses/{token}").json()["scale_labels"][4] == "Always"
    other_item = kam_questionnaire.items.first()
    assert other_item is not None
    refused = rater.put(f"/responses/{token}", {"answers": [{"item_id": other_item.pk, "value": 3}]})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == f"item-{other_item.pk}"
    assert not round360.peers[0].answers.exists()


def test_no_api_list_runs_a_query_per_row(rows: Rows, api_as: ApiAs) -> None:
    director = api_as(rows.org.director)
    shared, extra = rows.shared.pk, rows.extra.pk
    urls = [
        "/questionnaires",
        "/campaigns",
        "/assessments",
        "/invitations",
        f"/campaigns/{shared}/assessments",
        f"/campaigns/{shared}/team-report",
        f"/questionnaires/{extra}/items",
    ]

    def counts() -> dict[str, int]:
        found = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert director.get(url).status_code == 200, url
            found[url] = len(queries)
        return found

    rows.grow(3)
    counts()  # warm up the token look-up and caches
    few = counts()
    rows.grow(3)
    many = counts()
    assert many == few
    assert len(director.get(f"/campaigns/{shared}/assessments").json()) == 7  # the first and six grown
