"""Who sees and changes what in hiring, role by role, on the pages and through the API, and the
independence rule wherever panel figures could leak: lists and their counts, the decision page, the
audit trail, the position's calibration, and an employee's own candidacy.

The scene: sub_manager hires for "KAM Lines" (no team), so north_manager is the manager in the
line above and south_manager is out of it. Casey Candidate is interviewed by ``interviewer``
(submitted) and kam_b (a draft); kam_deep, an employee, is a candidate too, interviewed by kam_b.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from kamkit.core.choices import Role
from kamkit.core.queries import history_of
from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import queries, services
from kamkit.hiring.choices import Outcome
from kamkit.hiring.models import Application, CandidateAttachment, Interview, Opening
from kamkit.hiring.tests.fixtures import ALL_FOUR, add_candidate, score
from kamkit.users.models import User
from kamkit.users.tests.fixtures import Org, make_user, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]

RUNNERS = ("admin", "director", "north_manager", "sub_manager")
OUTSIDERS = ("south_manager", "kam_south", "spare", "viewer", "kam_deep")


@dataclass
class Scene:
    opening: Opening
    casey: Application
    deep: Application
    first: Interview  # interviewer on Casey's panel, submitted
    second: Interview  # kam_b on Casey's panel, a draft
    attachment: CandidateAttachment
    spare: User  # an interviewer on no panel

    def person(self, org: Org, who: str) -> User:
        return self.spare if who == "spare" else getattr(org, who)


@pytest.fixture
def scene(org: Org, hiring_benchmark: BenchmarkProfile) -> Scene:
    opening = services.create_opening(
        title="KAM Lines",
        benchmark=hiring_benchmark,
        target_level=3,
        hiring_manager=org.sub_manager,
        created_by=org.sub_manager,
    )
    casey = add_candidate(org, opening)
    first = services.assign_interviewer(application=casey, interviewer=org.interviewer, assigned_by=None)
    second = services.assign_interviewer(application=casey, interviewer=org.kam_b, assigned_by=None)
    internal = services.create_candidate(
        data=services.CandidateInput(user=org.kam_deep), created_by=org.sub_manager
    )
    deep = services.add_application(candidate=internal, opening=opening, added_by=org.sub_manager)
    services.assign_interviewer(application=deep, interviewer=org.kam_b, assigned_by=None)
    score(first, ALL_FOUR, notes={"Planning L3 question 1.": ("Casey planned the Leeds account.", "STAR")})
    score(second, {"Planning": 1, "Listening": 1, "Follow-through": 1}, submit=False)
    attachment = services.add_attachment(
        candidate=casey.candidate,
        upload=SimpleUploadedFile("casey.pdf", b"%PDF-1.7 casey"),
        kind="cv",
        uploaded_by=org.sub_manager,
    )
    casey.refresh_from_db()
    spare = make_user("spare.interviewer@example.test", Role.INTERVIEWER)
    return Scene(opening, casey, deep, first, second, attachment, spare)


def seeing_pages(scene: Scene) -> list[str]:
    return [
        f"/hiring/positions/{scene.opening.pk}/",
        f"/hiring/positions/{scene.opening.pk}/kit/",
        f"/hiring/positions/{scene.opening.pk}/kit.pdf",
        f"/hiring/candidates/{scene.casey.candidate_id}/",
        f"/hiring/applications/{scene.casey.pk}/",
        f"/hiring/files/{scene.attachment.pk}/",
        f"/hiring/interviews/{scene.first.pk}/kit.pdf",
    ]


def running_pages(scene: Scene) -> list[str]:
    return [
        f"/hiring/applications/{scene.casey.pk}/decision/",
        f"/hiring/positions/{scene.opening.pk}/edit/",
        f"/hiring/candidates/{scene.casey.candidate_id}/edit/",
    ]


def seeing_api(scene: Scene) -> list[str]:
    return [
        f"/hiring/openings/{scene.opening.pk}",
        f"/hiring/openings/{scene.opening.pk}/kit",
        f"/hiring/openings/{scene.opening.pk}/kit/pdf",
        f"/hiring/candidates/{scene.casey.candidate_id}",
        f"/hiring/candidates/{scene.casey.candidate_id}/attachments",
        f"/hiring/attachments/{scene.attachment.pk}/download",
        f"/hiring/applications/{scene.casey.pk}",
        f"/hiring/applications/{scene.casey.pk}/interviews",
        f"/hiring/applications/{scene.casey.pk}/scorecards",
        f"/hiring/interviews/{scene.first.pk}",
    ]


def running_api(scene: Scene) -> list[str]:
    return [
        f"/hiring/applications/{scene.casey.pk}/panel",
        f"/hiring/applications/{scene.casey.pk}/decisions",
        f"/hiring/applications/{scene.casey.pk}/stage-changes",
    ]


EXPECTED = {
    # who: (sees Casey's hiring, runs it, reads the submitted scorecard)
    **{who: (200, 200, 200) for who in RUNNERS},
    "interviewer": (200, 403, 200),
    "kam_b": (200, 403, 404),  # on the panel with a draft: no peeking
    **{who: (404, 404, 404) for who in OUTSIDERS},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_page_answers_each_role_as_it_should(org: Org, scene: Scene, who: str) -> None:
    sees, runs, reads = EXPECTED[who]
    client = signed_in(scene.person(org, who))
    for url in seeing_pages(scene):
        assert client.get(url).status_code == sees, url
    for url in running_pages(scene):
        assert client.get(url).status_code == runs, url
    assert client.get(f"/hiring/interviews/{scene.first.pk}/").status_code == reads
    # a draft is its author's alone, whatever the role
    draft = client.get(f"/hiring/interviews/{scene.second.pk}/").status_code
    assert draft == (200 if who == "kam_b" else 404)
    # writes: a refused move or decision (400) for those who run it, 403 for the panel, 404 else
    write = 400 if runs == 200 else runs
    stage = client.post(f"/hiring/applications/{scene.casey.pk}/stage/", {"stage": "interviewing"})
    assert stage.status_code == (302 if write == 400 else write)
    decided = client.post(f"/hiring/applications/{scene.casey.pk}/decision/", {"outcome": "hold"})
    assert decided.status_code == (200 if write == 400 else write)  # the form redisplays its error
    listing = client.get("/hiring/").content.decode()
    assert ("KAM Lines" in listing) == (sees == 200)


@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_api_operation_answers_each_role_as_it_should(
    org: Org, scene: Scene, api_as: ApiAs, who: str
) -> None:
    sees, runs, reads = EXPECTED[who]
    client = api_as(scene.person(org, who))
    for path in seeing_api(scene):
        assert client.get(path).status_code == sees, path
    for path in running_api(scene):
        assert client.get(path).status_code == runs, path
    assert client.get(f"/hiring/interviews/{scene.first.pk}/scorecard").status_code == reads
    draft = client.get(f"/hiring/interviews/{scene.second.pk}/scorecard").status_code
    assert draft == (200 if who == "kam_b" else 404)
    write = 400 if runs == 200 else runs
    moved = client.post(f"/hiring/applications/{scene.casey.pk}/stage-changes", {"stage": "interviewing"})
    assert moved.status_code == write
    decided = client.post(
        f"/hiring/applications/{scene.casey.pk}/decisions", {"outcome": "hold", "reason": ""}
    )
    assert decided.status_code == write
    openings = [o["title"] for o in client.get("/hiring/openings").json()["items"]]
    assert openings == (["KAM Lines"] if sees == 200 else [])
    applications = {a["id"] for a in client.get("/hiring/applications").json()["items"]}
    assert (scene.casey.pk in applications) == (sees == 200)
    # the scorecards listed never include a draft, nor anything before your own is in
    listed = (
        {s["interview_id"] for s in client.get(f"/hiring/applications/{scene.casey.pk}/scorecards").json()}
        if sees == 200
        else set()
    )
    assert scene.second.pk not in listed or who == "kam_b"
    assert (scene.first.pk in listed) == (reads == 200)


# Counts on lists ------------------------------------------------------------------------------------


def test_interviewers_see_stage_counts_of_their_own_candidates_only(
    org: Org, scene: Scene, api_as: ApiAs
) -> None:
    # given three more candidates in the position that the interviewer is not asked to meet
    for name in ("Ada One", "Ben Two", "Cleo Three"):
        add_candidate(org, scene.opening, name)
    # then the interviewer's list and API count only Casey, the one candidate they interview
    row = signed_in(org.interviewer).get("/hiring/").content.decode()
    assert "1 interviewing" in row and "applied" not in row.split("KAM Lines", 1)[1].split("</tr>", 1)[0]
    counts = api_as(org.interviewer).get("/hiring/openings").json()["items"][0]["stage_counts"]
    assert counts["interviewing"] == 1 and counts["applied"] == 0
    # while the hiring manager sees every candidate (Casey and kam_deep interviewing, three applied)
    counts = api_as(org.sub_manager).get("/hiring/openings").json()["items"][0]["stage_counts"]
    assert counts["interviewing"] == 2 and counts["applied"] == 3


def test_candidate_counts_cover_only_the_applications_you_see(
    org: Org, scene: Scene, hiring_benchmark: BenchmarkProfile, api_as: ApiAs
) -> None:
    # given Casey is also a candidate for a position the interviewer has nothing to do with
    elsewhere = services.create_opening(
        title="KAM South",
        benchmark=hiring_benchmark,
        target_level=4,
        hiring_manager=org.south_manager,
        team=org.south,
        created_by=org.south_manager,
    )
    services.add_application(candidate=scene.casey.candidate, opening=elsewhere, added_by=org.director)
    # then the interviewer does not learn that Casey applied elsewhere
    casey = next(
        c
        for c in api_as(org.interviewer).get("/hiring/candidates").json()["items"]
        if c["full_name"] == "Casey Candidate"
    )
    assert (casey["application_count"], casey["active_count"]) == (1, 1)
    page = signed_in(org.interviewer).get("/hiring/candidates/").content.decode()
    assert "1 active" in page and "of 2" not in page
    # the director sees both
    casey = next(
        c
        for c in api_as(org.director).get("/hiring/candidates").json()["items"]
        if c["full_name"] == "Casey Candidate"
    )
    assert casey["application_count"] == 2


# Decisions while your own scorecard is open -------------------------------------------------------


def test_a_runner_on_the_panel_sees_no_decision_evidence_before_submitting(
    org: Org, scene: Scene, api_as: ApiAs
) -> None:
    # given the director holds Casey with the panel's figures kept as evidence
    services.record_decision(
        application=scene.casey,
        outcome=Outcome.HOLD,
        reason="Waiting for the second view.",
        decided_by=org.director,
    )
    # and the hiring manager then joins the panel without scoring yet
    services.assign_interviewer(
        application=scene.casey, interviewer=org.sub_manager, assigned_by=org.director
    )
    manager = api_as(org.sub_manager)
    # then the decisions show what was decided and why, but none of the panel's figures
    listed = manager.get(f"/hiring/applications/{scene.casey.pk}/decisions").json()
    assert listed[0]["reason"] == "Waiting for the second view."
    assert listed[0]["evidence"] == {} and listed[0]["evidence_withheld"] is True
    page = signed_in(org.sub_manager).get(f"/hiring/applications/{scene.casey.pk}/decision/").content.decode()
    assert "Waiting for the second view." in page and "Decided on 1 scorecard" not in page
    # a decision they record themself answers without the figures too
    held = manager.post(
        f"/hiring/applications/{scene.casey.pk}/decisions", {"outcome": "hold", "reason": "Still waiting."}
    ).json()
    assert held["evidence"] == {} and held["evidence_withheld"] is True
    # the director, not on the panel, sees the evidence
    seen = api_as(org.director).get(f"/hiring/applications/{scene.casey.pk}/decisions").json()
    assert all(d["evidence"]["scorecards"] == 1 and not d["evidence_withheld"] for d in seen)


def test_decision_evidence_stays_out_of_the_trail(org: Org, scene: Scene) -> None:
    decision = services.record_decision(
        application=scene.casey, outcome=Outcome.HOLD, reason="Panel split.", decided_by=org.director
    )
    created = history_of(decision).get()
    assert "evidence" not in created.changes and created.changes["reason"] == [None, "Panel split."]
    # so a panel member who runs the position cannot read the figures on the history page either
    services.assign_interviewer(
        application=scene.casey, interviewer=org.sub_manager, assigned_by=org.director
    )
    content_type = ContentType.objects.get_for_model(decision)
    page = signed_in(org.sub_manager).get(f"/core/history/{content_type.pk}/{decision.pk}/").content.decode()
    assert "Panel split." in page and "scorecards" not in page and "Planning" not in page


def test_position_calibration_leaves_out_panels_you_have_not_scored_yet(org: Org, scene: Scene) -> None:
    # given Casey's panel is complete except the hiring manager, who joined it
    score(scene.second, ALL_FOUR)
    mine = services.assign_interviewer(application=scene.casey, interviewer=org.sub_manager, assigned_by=None)
    # then the hiring manager's calibration holds none of Casey's ratings yet
    assert queries.opening_agreement(scene.opening, org.sub_manager).raters == 0
    page = signed_in(org.sub_manager).get(f"/hiring/positions/{scene.opening.pk}/").content.decode()
    assert "Panel calibration" not in page
    # while the director's does
    assert queries.opening_agreement(scene.opening, org.director).raters == 2
    # and once the hiring manager submits, theirs too
    score(mine, ALL_FOUR)
    assert queries.opening_agreement(scene.opening, org.sub_manager).raters == 3


# An employee's own candidacy ---------------------------------------------------------------------


def test_an_employee_never_sees_their_own_candidacy_even_when_they_run_the_position(
    org: Org, hiring_benchmark: BenchmarkProfile, api_as: ApiAs
) -> None:
    # given the director opens the head of team North's role, and north_manager (who leads team
    # North, so runs the position) applies for it
    opening = services.create_opening(
        title="Head of North",
        benchmark=hiring_benchmark,
        target_level=4,
        hiring_manager=org.director,
        team=org.north,
        created_by=org.director,
    )
    candidate = services.create_candidate(
        data=services.CandidateInput(user=org.north_manager), created_by=org.director
    )
    application = services.add_application(candidate=candidate, opening=opening, added_by=org.director)
    interview = services.assign_interviewer(application=application, interviewer=org.kam_a, assigned_by=None)
    score(interview, ALL_FOUR, notes={"Planning L4 question 1.": ("Vague on the numbers.", "SA")})
    services.record_decision(
        application=application,
        outcome=Outcome.HOLD,
        reason="Compare with outside candidates.",
        decided_by=org.director,
    )
    rival = add_candidate(org, opening, "Rita Rival")
    client, api = signed_in(org.north_manager), api_as(org.north_manager)
    # then they run the position for the others, but their own application does not exist for them
    assert client.get(f"/hiring/applications/{rival.pk}/").status_code == 200
    for url in [
        f"/hiring/applications/{application.pk}/",
        f"/hiring/applications/{application.pk}/decision/",
        f"/hiring/candidates/{candidate.pk}/",
        f"/hiring/interviews/{interview.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    for path in [
        f"/hiring/applications/{application.pk}",
        f"/hiring/applications/{application.pk}/panel",
        f"/hiring/applications/{application.pk}/decisions",
        f"/hiring/applications/{application.pk}/scorecards",
        f"/hiring/applications/{application.pk}/stage-changes",
        f"/hiring/candidates/{candidate.pk}",
        f"/hiring/interviews/{interview.pk}/scorecard",
    ]:
        assert api.get(path).status_code == 404, path
    assert [a["id"] for a in api.get("/hiring/applications").json()["items"]] == [rival.pk]
    assert [c["full_name"] for c in api.get("/hiring/candidates").json()["items"]] == ["Rita Rival"]
    assert api.get("/hiring/interviews").json()["count"] == 0
    assert api.get("/hiring/openings").json()["items"][0]["stage_counts"]["interviewing"] == 0
    board = client.get(f"/hiring/positions/{opening.pk}/").content.decode()
    assert "Rita Rival" in board and "North Manager" not in board.split('id="board"', 1)[1]
    assert queries.opening_agreement(opening, org.north_manager).raters == 0


def test_an_internal_candidate_sees_nothing_of_it_on_people_and_assessment_pages(
    org: Org, scene: Scene, small: Any, api_as: ApiAs
) -> None:
    import datetime as dt

    from django.utils import timezone

    from kamkit.assessments import services as assessment_services

    # given kam_deep's panel has submitted, a decision was taken, and they were assessed for it
    deep_interview = scene.deep.interviews.get()
    score(
        deep_interview, ALL_FOUR, notes={"Planning L3 question 1.": ("Deep-secret note on planning.", "ST")}
    )
    services.record_decision(
        application=scene.deep,
        outcome=Outcome.REJECT,
        reason="Deep-secret reason.",
        decided_by=org.sub_manager,
    )
    campaign = assessment_services.create_campaign(
        name="Internal move check",
        questionnaire=small.questionnaire,
        due_date=timezone.localdate() + dt.timedelta(days=7),
        created_by=org.director,
    )
    assessment = services.add_to_campaign(candidate=scene.deep.candidate, campaign=campaign)
    client = signed_in(org.kam_deep)
    # then their own person and assessment pages carry nothing of the hiring
    for url in [
        f"/people/{org.kam_deep.pk}/",
        "/assessments/",
        f"/assessments/{assessment.pk}/",
        "/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Deep-secret" not in text and "KAM Lines" not in text, url
    # and the hiring pages and API know nothing of it for them
    assert client.get(f"/hiring/applications/{scene.deep.pk}/").status_code == 404
    assert client.get(f"/hiring/interviews/{deep_interview.pk}/").status_code == 404
    api = api_as(org.kam_deep)
    assert api.get("/hiring/applications").json()["count"] == 0
    assert api.get("/hiring/candidates").json()["count"] == 0
    assert api.get(f"/hiring/applications/{scene.deep.pk}/decisions").status_code == 404


# Deleting a candidate -------------------------------------------------------------------------------


def test_only_someone_running_every_position_of_a_candidate_may_erase_them(
    org: Org, scene: Scene, hiring_benchmark: BenchmarkProfile, api_as: ApiAs
) -> None:
    # given Casey is also a candidate for south_manager's position
    elsewhere = services.create_opening(
        title="KAM South",
        benchmark=hiring_benchmark,
        target_level=4,
        hiring_manager=org.south_manager,
        team=org.south,
        created_by=org.south_manager,
    )
    services.add_application(candidate=scene.casey.candidate, opening=elsewhere, added_by=org.director)
    candidate = scene.casey.candidate
    # then sub_manager, who runs only KAM Lines, may not erase Casey's south application with her
    assert api_as(org.sub_manager).delete(f"/hiring/candidates/{candidate.pk}").status_code == 403
    page = signed_in(org.sub_manager).post(
        f"/hiring/candidates/{candidate.pk}/delete/", {"confirm": candidate.full_name}
    )
    assert page.status_code == 403
    assert Application.objects.filter(candidate=candidate).count() == 2
    # a director may
    assert api_as(org.director).delete(f"/hiring/candidates/{candidate.pk}").status_code == 204


# Every write, by role: those who run it get past the permission check (to a refusal that changes
# nothing), the panel gets 403, everyone else 404 as if the position did not exist.


def api_writes(scene: Scene) -> list[tuple[str, str, Any, int]]:
    """(method, path, body, the answer for someone running the position)."""
    opening, casey, first = scene.opening.pk, scene.casey.pk, scene.first.pk
    planning = scene.opening.kit.competencies.get(name="Planning")
    question = planning.questions.first()
    assert question is not None
    return [
        ("patch", f"/hiring/openings/{opening}", {"benchmark_id": 999_999}, 400),
        ("post", f"/hiring/openings/{opening}/status", {"status": "open"}, 200),
        ("delete", f"/hiring/openings/{opening}", None, 409),
        ("post", f"/hiring/openings/{opening}/kit/rebuild", {"confirm": False}, 400),
        ("patch", f"/hiring/kit-competencies/{planning.pk}", {"anchors": [{"rating": 1, "text": "x"}]}, 400),
        ("post", f"/hiring/kit-competencies/{planning.pk}/questions", {"text": ""}, 400),
        ("patch", f"/hiring/kit-questions/{question.pk}", {"text": "", "probes": []}, 400),
        ("delete", f"/hiring/kit-questions/{question.pk}", None, 409),
        ("patch", f"/hiring/candidates/{scene.casey.candidate_id}", {"email": "not-an-address"}, 400),
        (
            "post",
            f"/hiring/applications/{casey}/interviews",
            {"interviewer_id": scene.first.interviewer_id},
            409,
        ),
        ("delete", f"/hiring/interviews/{first}", None, 409),
        ("post", f"/hiring/interviews/{first}/scorecard/reopen", {"reason": ""}, 400),
    ]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_api_write_answers_each_role_as_it_should(
    org: Org, scene: Scene, api_as: ApiAs, who: str
) -> None:
    runs = EXPECTED[who][1]
    client = api_as(scene.person(org, who))
    for method, path, body, for_runners in api_writes(scene):
        response = client.call(method, path, body)
        assert response.status_code == (for_runners if runs == 200 else runs), (method, path)
    upload = client.upload(
        f"/hiring/candidates/{scene.casey.candidate_id}/attachments",
        {"file": SimpleUploadedFile("cv.exe", b"MZ")},
    )
    assert upload.status_code == (400 if runs == 200 else runs)
    # a scorecard is written by its interviewer only (the submitted one is locked even for them)
    written = client.put(f"/hiring/interviews/{scene.first.pk}/scorecard", {}).status_code
    assert written == {"interviewer": 409, **{w: 404 for w in OUTSIDERS}}.get(who, 403)
    assert scene.opening.applications.count() == 2 and scene.first.ratings.count() == 3


@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_page_write_answers_each_role_as_it_should(org: Org, scene: Scene, who: str) -> None:
    runs = EXPECTED[who][1]
    client = signed_in(scene.person(org, who))
    planning = scene.opening.kit.competencies.get(name="Planning")
    question = planning.questions.first()
    assert question is not None
    opening, casey, candidate = scene.opening.pk, scene.casey.pk, scene.casey.candidate_id
    # each write with what it answers those who run the position: a refusal or a no-op redirects
    # back with a message, and the candidate form redisplays with its errors
    posts = {
        f"/hiring/positions/{opening}/status/": ({"status": "open"}, 302),
        f"/hiring/positions/{opening}/delete/": ({}, 302),
        f"/hiring/positions/{opening}/candidates/": ({}, 302),
        f"/hiring/positions/{opening}/kit/rebuild/": ({}, 302),
        f"/hiring/kit/competencies/{planning.pk}/": ({"action": "add_question", "text": ""}, 302),
        f"/hiring/kit/questions/{question.pk}/": ({"action": "delete"}, 302),
        f"/hiring/candidates/{candidate}/edit/": ({"full_name": ""}, 200),
        f"/hiring/candidates/{candidate}/delete/": ({"confirm": "not the name"}, 302),
        f"/hiring/candidates/{candidate}/positions/": ({}, 302),
        f"/hiring/candidates/{candidate}/files/": ({}, 302),
        f"/hiring/applications/{casey}/panel/": ({}, 302),
        f"/hiring/interviews/{scene.first.pk}/remove/": ({}, 302),
        f"/hiring/interviews/{scene.first.pk}/schedule/": ({"scheduled_at": "not a time"}, 302),
        f"/hiring/interviews/{scene.first.pk}/reopen/": ({"reason": ""}, 302),
    }
    for url, (data, for_runners) in posts.items():
        assert client.post(url, data).status_code == (for_runners if runs == 200 else runs), url
    if runs != 200:
        assert client.post(f"/hiring/files/{scene.attachment.pk}/delete/").status_code == runs
    assert CandidateAttachment.objects.filter(pk=scene.attachment.pk).exists()
    assert scene.opening.applications.count() == 2 and scene.first.ratings.count() == 3
    scene.first.refresh_from_db()
    assert scene.first.is_submitted
