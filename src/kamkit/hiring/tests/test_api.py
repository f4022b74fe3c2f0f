"""Hiring API: every role allowed and refused, interviewers limited to their candidates, the
independence rule, stage moves, files, kits, the panel's figures and decisions; every answer is
checked against the served OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring.choices import Stage
from kamkit.hiring.models import Application, Candidate, KitCompetency
from kamkit.hiring.tests.fixtures import ALL_FOUR, Hiring, add_candidate, kit_competency, open_position, score
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


def new_opening(benchmark: BenchmarkProfile, **extra: Any) -> dict[str, Any]:
    return {"title": "KAM API", "benchmark_id": benchmark.pk, "target_level": 4, **extra}


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
def test_who_may_open_a_position(
    org: Org, hiring_benchmark: BenchmarkProfile, api_as: ApiAs, who: str, status: int
) -> None:
    response = api_as(getattr(org, who)).post("/hiring/openings", new_opening(hiring_benchmark))
    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert body["hiring_manager"]["id"] == getattr(org, who).pk and body["target_level"] == 4
        assert body["stage_counts"] == {stage: 0 for stage in Stage.values}


def test_a_position_is_checked(org: Org, hiring_benchmark: BenchmarkProfile, api_as: ApiAs) -> None:
    manager = api_as(org.north_manager)
    other_line = manager.post(
        "/hiring/openings", new_opening(hiring_benchmark, hiring_manager_id=org.south_manager.pk)
    )
    assert other_line.status_code == 403
    unknown = manager.post("/hiring/openings", new_opening(hiring_benchmark, benchmark_id=999_999))
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "benchmark_id"
    level = manager.post("/hiring/openings", new_opening(hiring_benchmark, target_level=9))
    assert level.status_code == 422


def test_interviewers_see_only_their_positions_candidates_and_applications(
    org: Org, hiring: Hiring, hiring_benchmark: BenchmarkProfile, api_as: ApiAs
) -> None:
    other = open_position(org, hiring_benchmark, title="KAM Retail")
    stranger = add_candidate(org, other, "Sam Stranger")
    interviewer = api_as(org.interviewer)
    assert [o["title"] for o in interviewer.get("/hiring/openings").json()["items"]] == ["KAM North"]
    assert [c["full_name"] for c in interviewer.get("/hiring/candidates").json()["items"]] == [
        "Casey Candidate"
    ]
    assert [a["id"] for a in interviewer.get("/hiring/applications").json()["items"]] == [
        hiring.application.pk
    ]
    assert interviewer.get(f"/hiring/openings/{other.pk}").status_code == 404
    assert interviewer.get(f"/hiring/candidates/{stranger.candidate_id}").status_code == 404
    assert interviewer.get(f"/hiring/applications/{stranger.pk}").status_code == 404
    assert interviewer.get(f"/hiring/openings/{other.pk}/kit").status_code == 404
    for who in (org.kam_a, org.viewer, org.south_manager):
        client = api_as(who)
        assert client.get("/hiring/openings").json()["count"] == 0
        assert client.get("/hiring/candidates").json()["count"] == 0
        assert client.get(f"/hiring/applications/{hiring.application.pk}").status_code == 404
    assert api_as(org.director).get("/hiring/openings").json()["count"] == 2
    assert api_as(org.north_manager).get("/hiring/openings", status="open", sort="title").json()["count"] == 2


def test_interviewers_change_nothing_but_their_scorecard(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    client = api_as(org.interviewer)
    application, opening = hiring.application.pk, hiring.opening.pk
    planning = kit_competency(hiring.opening, "Planning")
    assert client.patch(f"/hiring/openings/{opening}", {"title": "Mine"}).status_code == 403
    assert client.post(f"/hiring/openings/{opening}/status", {"status": "closed"}).status_code == 403
    assert client.post(f"/hiring/openings/{opening}/kit/rebuild", {"confirm": True}).status_code == 403
    assert client.patch(f"/hiring/kit-competencies/{planning.pk}", {"included": False}).status_code == 403
    assert (
        client.post(f"/hiring/applications/{application}/stage-changes", {"stage": "rejected"}).status_code
        == 403
    )
    assert client.get(f"/hiring/applications/{application}/stage-changes").status_code == 403
    assert (
        client.post(
            f"/hiring/applications/{application}/interviews", {"interviewer_id": org.kam_a.pk}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/hiring/applications/{application}/decisions", {"outcome": "offer", "reason": "Yes."}
        ).status_code
        == 403
    )
    assert client.get(f"/hiring/applications/{application}/panel").status_code == 403
    assert client.patch(f"/hiring/candidates/{hiring.candidate.pk}", {"notes": "x"}).status_code == 403
    assert client.delete(f"/hiring/interviews/{hiring.second.pk}").status_code == 403
    assert client.get(f"/hiring/openings/{opening}/kit").status_code == 200


# Positions and kits -----------------------------------------------------------------------------------


def test_the_kit_through_the_api(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    manager = api_as(org.north_manager)
    kit = manager.get(f"/hiring/openings/{hiring.opening.pk}/kit").json()
    planning = kit["competencies"][0]
    assert (kit["target_level"], kit["stale"], kit["in_use"]) == (3, False, False)
    assert planning["behaviours_at"][0] == "Planning L3 behaviour 1." and planning["level_below"] == 2
    assert planning["questions"][0]["probes"][0] == {"text": "Planning L3 Q1 situation?", "star": "situation"}
    assert [a["rating"] for a in planning["anchors"]] == [1, 2, 3, 4, 5]
    assert "no proficiency levels" in kit["competencies"][2]["note"]
    pdf = manager.get(f"/hiring/openings/{hiring.opening.pk}/kit/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    unconfirmed = manager.post(f"/hiring/openings/{hiring.opening.pk}/kit/rebuild", {})
    assert unconfirmed.status_code == 400 and unconfirmed.json()["errors"][0]["field"] == "confirm"
    added = manager.post(
        f"/hiring/kit-competencies/{planning['id']}/questions",
        {
            "text": "Which plan are you proudest of?",
            "probes": [{"text": "What did it change?", "star": "result"}],
        },
    )
    assert added.status_code == 201 and added.json()["source"] == "added"
    question = added.json()["id"]
    renamed = manager.patch(
        f"/hiring/kit-questions/{question}", {"text": "Which plan worked best?", "probes": []}
    )
    assert renamed.json()["text"] == "Which plan worked best?" and renamed.json()["probes"] == []
    guide = manager.patch(
        f"/hiring/kit-competencies/{planning['id']}",
        {"anchors": [{"rating": r, "text": f"Step {r}"} for r in range(1, 6)]},
    )
    assert [a["text"] for a in guide.json()["anchors"]] == [f"Step {r}" for r in range(1, 6)]
    incomplete = manager.patch(
        f"/hiring/kit-competencies/{planning['id']}", {"anchors": [{"rating": 1, "text": "x"}]}
    )
    assert incomplete.status_code == 400
    assert manager.delete(f"/hiring/kit-questions/{question}").status_code == 204
    rebuilt = manager.post(f"/hiring/openings/{hiring.opening.pk}/kit/rebuild", {"confirm": True}).json()
    assert rebuilt["edited_at"] is None
    # once scoring started, removals are refused
    score(hiring.first, ALL_FOUR)
    first_question = KitCompetency.objects.get(kit__opening=hiring.opening, name="Planning").questions.first()
    assert first_question is not None
    assert manager.delete(f"/hiring/kit-questions/{first_question.pk}").status_code == 409
    assert manager.get(f"/hiring/openings/{hiring.opening.pk}/kit").json()["in_use"] is True


def test_position_changes_and_status(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    manager = api_as(org.north_manager)
    url = f"/hiring/openings/{hiring.opening.pk}"
    changed = manager.patch(url, {"location": "York", "headcount": 2, "team_id": None})
    assert (
        changed.status_code == 200
        and changed.json()["location"] == "York"
        and changed.json()["team_id"] is None
    )
    assert changed.json()["stage_counts"]["interviewing"] == 1
    assert manager.post(f"{url}/status", {"status": "on_hold"}).json()["status"] == "on_hold"
    assert manager.delete(url).status_code == 409
    assert manager.post(f"{url}/status", {"status": "archived"}).status_code == 422


# Candidates and files ---------------------------------------------------------------------------------


def test_candidates_through_the_api(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    manager = api_as(org.north_manager)
    created = manager.post(
        "/hiring/candidates", {"full_name": "Dana Doe", "email": "dana@mail.test", "source": "referral"}
    )
    assert created.status_code == 201 and created.json()["source"] == "referral"
    internal = manager.post("/hiring/candidates", {"user_id": org.kam_south.pk})
    assert internal.json()["full_name"] == "Kam South" and internal.json()["user"]["id"] == org.kam_south.pk
    assert (
        manager.post("/hiring/candidates", {"full_name": "Dana Two", "email": "DANA@mail.test"}).status_code
        == 409
    )
    assert manager.post("/hiring/candidates", {"email": "nobody"}).status_code == 400
    dana = created.json()["id"]
    assert manager.patch(f"/hiring/candidates/{dana}", {"phone": "+44 1"}).json()["phone"] == "+44 1"
    assert api_as(org.interviewer).get(f"/hiring/candidates/{dana}").status_code == 404
    assert api_as(org.kam_a).post("/hiring/candidates", {"full_name": "X"}).status_code == 403
    application = manager.post(
        "/hiring/applications", {"candidate_id": dana, "opening_id": hiring.opening.pk}
    )
    assert application.status_code == 201 and application.json()["stage"] == "applied"
    again = manager.post("/hiring/applications", {"candidate_id": dana, "opening_id": hiring.opening.pk})
    assert again.status_code == 409
    filtered = manager.get("/hiring/applications", opening=str(hiring.opening.pk), stage="applied").json()
    assert [a["candidate"]["full_name"] for a in filtered["items"]] == ["Dana Doe"]
    assert manager.get("/hiring/applications", stage="nope").status_code == 400
    assert manager.delete(f"/hiring/candidates/{dana}").status_code == 204
    assert not Candidate.objects.filter(pk=dana).exists()


def test_files_through_the_api(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    manager = api_as(org.north_manager)
    url = f"/hiring/candidates/{hiring.candidate.pk}/attachments"
    wrong = manager.upload(url, {"file": SimpleUploadedFile("cv.exe", b"MZ")}, kind="cv")
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "file"
    big = manager.upload(
        url, {"file": SimpleUploadedFile("cv.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))}
    )
    assert big.status_code == 400 and "10 MB" in big.json()["detail"]
    kept = manager.upload(url, {"file": SimpleUploadedFile("cv.rtf", b"{\\rtf1 Casey}")}, kind="cover_letter")
    assert kept.status_code == 201 and kept.json()["content_type"] == "application/rtf"
    assert kept.json()["kind"] == "cover_letter"
    assert api_as(org.interviewer).upload(url, {"file": SimpleUploadedFile("x.txt", b"x")}).status_code == 403
    assert [a["original_name"] for a in api_as(org.interviewer).get(url).json()] == ["cv.rtf"]
    download = f"/hiring/attachments/{kept.json()['id']}/download"
    served = api_as(org.interviewer).get(download)
    assert served.status_code == 200 and served.content == b"{\\rtf1 Casey}"
    assert served["Content-Disposition"] == 'attachment; filename="cv.rtf"'
    assert api_as(org.kam_a).get(download).status_code == 404
    assert manager.delete(f"/hiring/attachments/{kept.json()['id']}").status_code == 204


# Stages -----------------------------------------------------------------------------------------------


def test_stage_moves_and_their_history(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    manager = api_as(org.north_manager)
    url = f"/hiring/applications/{hiring.application.pk}/stage-changes"
    back = manager.post(url, {"stage": "screening"})
    assert back.status_code == 400 and back.json()["errors"][0]["field"] == "note"
    assert manager.post(url, {"stage": "applied", "note": "x"}).status_code == 409  # not from interviewing
    moved = manager.post(url, {"stage": "rejected", "note": "Not enough depth."})
    assert moved.status_code == 201 and moved.json()["from_stage"] == "interviewing"
    assert moved.json()["changed_by"]["id"] == org.north_manager.pk
    final = manager.post(url, {"stage": "screening", "note": "Again."})
    assert final.status_code == 409 and "final" in final.json()["detail"]
    reopened = manager.post(url, {"stage": "screening", "note": "Hiring freeze lifted.", "reopen": True})
    assert reopened.status_code == 201 and reopened.json()["reopened"] is True
    history = manager.get(url).json()
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        ("", "applied"),
        ("applied", "interviewing"),
        ("interviewing", "rejected"),
        ("rejected", "screening"),
    ]
    assert all(h["changed_at"] for h in history)


# Panels and scorecards --------------------------------------------------------------------------------


def _ratings(hiring: Hiring, values: dict[str, int]) -> list[dict[str, Any]]:
    ids = {c.name: c.pk for c in KitCompetency.objects.filter(kit__opening=hiring.opening)}
    return [{"competency_id": ids[name], "rating": value} for name, value in values.items()]


def test_scorecards_are_independent_through_the_api(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    first, second, manager = api_as(org.interviewer), api_as(org.kam_b), api_as(org.north_manager)
    one, two = hiring.first.pk, hiring.second.pk
    question = kit_competency(hiring.opening, "Planning").questions.first()
    assert question is not None
    draft = first.put(
        f"/hiring/interviews/{one}/scorecard",
        {
            "notes": [
                {"question_id": question.pk, "notes": "Retail plan", "situation": True, "action": True}
            ],
            "ratings": _ratings(hiring, {"Planning": 2}),
        },
    )
    assert draft.status_code == 200 and draft.json()["status"] == "assigned"
    assert draft.json()["notes"][0]["missing"] == ["task", "result"] and draft.json()["star_flags"] == 1
    # only the interviewer writes it; drafts are invisible to everyone else
    assert second.put(f"/hiring/interviews/{one}/scorecard", {"ratings": []}).status_code == 403
    assert manager.put(f"/hiring/interviews/{one}/scorecard", {"ratings": []}).status_code == 403
    for client in (second, manager, api_as(org.admin)):
        assert client.get(f"/hiring/interviews/{one}/scorecard").status_code == 404
    # the second submits; the first, still in draft, cannot read it; the manager can
    incomplete = second.post(
        f"/hiring/interviews/{two}/scorecard/submit", {"ratings": _ratings(hiring, {"Planning": 4})}
    )
    assert incomplete.status_code == 400
    fields = {e["field"] for e in incomplete.json()["errors"]}
    assert {"", "recommendation"} <= fields and len(fields) == 4  # two unrated competencies named
    submitted = second.post(
        f"/hiring/interviews/{two}/scorecard/submit",
        {"ratings": _ratings(hiring, ALL_FOUR), "recommendation": "strong_yes", "summary": "Convincing."},
    )
    assert submitted.status_code == 200 and submitted.json()["submitted_at"]
    assert first.get(f"/hiring/interviews/{two}/scorecard").status_code == 404
    assert [
        s["interview_id"]
        for s in first.get(f"/hiring/applications/{hiring.application.pk}/scorecards").json()
    ] == [one]
    assert manager.get(f"/hiring/interviews/{two}/scorecard").json()["recommendation"] == "strong_yes"
    assert second.put(f"/hiring/interviews/{two}/scorecard", {"ratings": []}).status_code == 409  # locked
    # the first submits the saved draft after rating the rest
    first.put(
        f"/hiring/interviews/{one}/scorecard",
        {
            "ratings": _ratings(hiring, {"Planning": 2, "Listening": 3, "Follow-through": 4}),
            "recommendation": "no",
        },
    )
    assert first.post(f"/hiring/interviews/{one}/scorecard/submit", {}).status_code == 200
    assert first.get(f"/hiring/interviews/{two}/scorecard").status_code == 200
    assert len(first.get(f"/hiring/applications/{hiring.application.pk}/scorecards").json()) == 2


def test_panel_places_through_the_api(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    manager = api_as(org.north_manager)
    url = f"/hiring/applications/{hiring.application.pk}/interviews"
    added = manager.post(url, {"interviewer_id": org.kam_deep.pk, "scheduled_at": "2030-03-01T10:00:00Z"})
    assert added.status_code == 201 and added.json()["candidate"]["full_name"] == "Casey Candidate"
    assert manager.post(url, {"interviewer_id": org.kam_deep.pk}).status_code == 409
    moved = manager.patch(
        f"/hiring/interviews/{added.json()['id']}", {"scheduled_at": "2030-03-02T09:00:00Z"}
    )
    assert moved.json()["scheduled_at"].startswith("2030-03-02")
    assert len(manager.get(url).json()) == 3
    mine = api_as(org.kam_deep).get("/hiring/interviews", mine=True).json()
    assert [i["id"] for i in mine["items"]] == [added.json()["id"]]
    assert manager.delete(f"/hiring/interviews/{added.json()['id']}").status_code == 204


def test_the_panel_figures_and_the_decision(org: Org, hiring: Hiring, api_as: ApiAs) -> None:
    score(hiring.first, {"Planning": 4, "Listening": 2, "Follow-through": 5})
    score(hiring.second, {"Planning": 5, "Listening": 3, "Follow-through": 3})
    manager = api_as(org.north_manager)
    panel = manager.get(f"/hiring/applications/{hiring.application.pk}/panel").json()
    assert [i["id"] for i in panel["interviewers"]] == [org.interviewer.pk, org.kam_b.pk]
    planning = panel["competencies"][0]
    assert (planning["ratings"], planning["mean"], planning["range"]) == ([4, 5], 4.5, 1)
    assert planning["score"] == pytest.approx(87.5) and planning["fit"] == 100
    assert panel["competencies"][2]["discuss"] is True  # 5 and 3
    # Planning 4/5, Listening 2/3, Follow-through 5/3; pairs of two weigh 1: observed 2 + 2 + 8 = 12.
    # Values 2, 3, 3, 4, 5, 5 (n = 6): expected pairs 2 + 4 + 18 + 2 + 16 + 2 = 44, both orders 88.
    # alpha = 1 - (6 - 1) * 12 / 88 = 0.318
    assert panel["agreement"]["method"] == "Krippendorff's alpha (interval)"
    assert panel["agreement"]["value"] == pytest.approx(1 - 60 / 88)
    assert panel["agreement"]["icc_2_1"] is not None and panel["assessments"] == []
    decided = manager.post(
        f"/hiring/applications/{hiring.application.pk}/decisions",
        {"outcome": "offer", "reason": "Strongest planner."},
    )
    assert decided.status_code == 201 and decided.json()["stage_after"] == "offer"
    assert decided.json()["evidence"]["scorecards"] == 2
    assert Application.objects.get(pk=hiring.application.pk).stage == Stage.OFFER
    assert (
        manager.post(
            f"/hiring/applications/{hiring.application.pk}/decisions", {"outcome": "hire", "reason": ""}
        ).status_code
        == 400
    )
    assert len(manager.get(f"/hiring/applications/{hiring.application.pk}/decisions").json()) == 1
    assert (
        api_as(org.director)
        .post(
            f"/hiring/applications/{hiring.application.pk}/decisions",
            {"outcome": "hire", "reason": "Accepted."},
        )
        .status_code
        == 201
    )
    assert api_as(org.kam_b).get(f"/hiring/applications/{hiring.application.pk}/decisions").status_code == 403


def test_api_lists_query_counts_do_not_grow_with_rows(
    org: Org, hiring: Hiring, hiring_benchmark: BenchmarkProfile, api_as: ApiAs
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kamkit.hiring import services
    from kamkit.hiring.choices import Outcome

    client = api_as(org.director)
    application = f"/hiring/applications/{hiring.application.pk}"
    paths = [
        "/hiring/openings",
        "/hiring/candidates",
        "/hiring/applications",
        "/hiring/interviews",
        "/hiring/interviews?mine=true",
        f"{application}/scorecards",
        f"{application}/panel",
        f"{application}/interviews",
        f"{application}/stage-changes",
        f"{application}/decisions",
        f"/hiring/candidates/{hiring.candidate.pk}/attachments",
        f"/hiring/openings/{hiring.opening.pk}/kit",
    ]

    def counts() -> list[int]:
        found = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200, path
            found.append(len(queries))
        return found

    score(hiring.first, ALL_FOUR)
    counts()  # the first calls also fill caches (content types, the token)
    few = counts()
    for number in range(3):
        opening = open_position(org, hiring_benchmark, title=f"KAM {number}")
        application = add_candidate(org, opening, f"Person{number} Example")
        services.assign_interviewer(application=application, interviewer=org.kam_a, assigned_by=org.director)
        extra = services.assign_interviewer(
            application=hiring.application,
            interviewer=[org.kam_a, org.kam_deep, org.sub_manager][number],
            assigned_by=org.director,
        )
        score(extra, ALL_FOUR)
        services.assign_interviewer(application=application, interviewer=org.director, assigned_by=None)
        services.move_stage(
            application=hiring.application, to_stage=Stage.SCREENING, changed_by=org.director, note="Recheck."
        )
        services.move_stage(application=hiring.application, to_stage=Stage.INTERVIEWING, changed_by=None)
        services.record_decision(
            application=hiring.application, outcome=Outcome.HOLD, reason="Not yet.", decided_by=org.director
        )
        services.add_attachment(
            candidate=hiring.candidate,
            upload=SimpleUploadedFile(f"cv{number}.pdf", b"%PDF-1.7 cv"),
            kind="cv",
            uploaded_by=org.north_manager,
        )
        services.add_kit_question(
            competency=kit_competency(hiring.opening, "Planning"),
            text=f"Extra question {number}?",
            probes=[("What happened?", "situation")],
        )
    score(hiring.second, ALL_FOUR)
    assert counts() == few
