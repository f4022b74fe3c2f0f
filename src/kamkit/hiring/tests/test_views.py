"""Hiring pages: who may open and change what, the independence rule on the page, forms that keep
their input, files served only through the permission check, flat query counts on the lists."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import services
from kamkit.hiring.choices import InterviewStatus, Stage
from kamkit.hiring.models import Application, Candidate, Decision, Interview, KitCompetency, Opening
from kamkit.hiring.tests.fixtures import ALL_FOUR, Hiring, add_candidate, kit_competency, open_position, score
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db


def pages(hiring: Hiring) -> list[str]:
    return [
        "/hiring/",
        "/hiring/interviews/",
        "/hiring/candidates/",
        f"/hiring/positions/{hiring.opening.pk}/",
        f"/hiring/positions/{hiring.opening.pk}/kit/",
        f"/hiring/candidates/{hiring.candidate.pk}/",
        f"/hiring/applications/{hiring.application.pk}/",
    ]


def test_every_page_opens_for_the_hiring_manager(org: Org, hiring: Hiring) -> None:
    score(hiring.first, ALL_FOUR)
    client = signed_in(org.north_manager)
    for url in [
        *pages(hiring),
        "/hiring/positions/new/",
        "/hiring/candidates/new/",
        f"/hiring/positions/{hiring.opening.pk}/edit/",
        f"/hiring/candidates/{hiring.candidate.pk}/edit/",
        f"/hiring/applications/{hiring.application.pk}/decision/",
        f"/hiring/interviews/{hiring.first.pk}/",
    ]:
        assert client.get(url).status_code == 200, url
    pdf = client.get(f"/hiring/positions/{hiring.opening.pk}/kit.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    board = client.get(f"/hiring/positions/{hiring.opening.pk}/").content.decode()
    assert "Casey Candidate" in board and "1 of 2 scorecards in" in board


def test_the_navigation_shows_hiring(org: Org) -> None:
    page = signed_in(org.kam_a).get("/").content.decode()
    assert 'data-area="hiring"' in page


# Interviewers see their candidates only ---------------------------------------------------------------


def test_an_interviewer_sees_only_the_candidates_they_are_assigned_to(
    org: Org, hiring: Hiring, hiring_benchmark: BenchmarkProfile
) -> None:
    # given a second position and a second candidate the interviewer is not assigned to
    other = open_position(org, hiring_benchmark, title="KAM Retail")
    stranger = add_candidate(org, other, "Sam Stranger")
    unassigned_here = add_candidate(org, hiring.opening, "Uma Unassigned")
    client = signed_in(org.interviewer)
    listing = client.get("/hiring/").content.decode()
    assert "KAM North" in listing and "KAM Retail" not in listing
    assert "Casey Candidate" in listing  # under "Interviews to score"
    candidates = client.get("/hiring/candidates/").content.decode()
    assert (
        "Casey Candidate" in candidates
        and "Sam Stranger" not in candidates
        and "Uma Unassigned" not in candidates
    )
    board = client.get(f"/hiring/positions/{hiring.opening.pk}/").content.decode()
    assert "Casey Candidate" in board and "Uma Unassigned" not in board
    for url in [
        f"/hiring/positions/{other.pk}/",
        f"/hiring/positions/{other.pk}/kit/",
        f"/hiring/candidates/{stranger.candidate_id}/",
        f"/hiring/applications/{stranger.pk}/",
        f"/hiring/applications/{unassigned_here.pk}/",
        f"/hiring/candidates/{unassigned_here.candidate_id}/",
    ]:
        assert client.get(url).status_code == 404, url
    # they may read the kit of their position and print it for their interview
    assert client.get(f"/hiring/positions/{hiring.opening.pk}/kit/").status_code == 200
    assert client.get(f"/hiring/interviews/{hiring.first.pk}/kit.pdf").content.startswith(b"%PDF")


def test_an_interviewer_changes_nothing_but_their_scorecard(org: Org, hiring: Hiring) -> None:
    client = signed_in(org.interviewer)
    application = hiring.application.pk
    planning = kit_competency(hiring.opening, "Planning")
    refused = {
        f"/hiring/applications/{application}/decision/": {"outcome": "offer", "reason": "Great."},
        f"/hiring/applications/{application}/stage/": {"stage": "rejected"},
        f"/hiring/applications/{application}/panel/": {"interviewer": org.kam_a.pk},
        f"/hiring/positions/{hiring.opening.pk}/status/": {"status": "closed"},
        f"/hiring/positions/{hiring.opening.pk}/kit/rebuild/": {"confirm": "on"},
        f"/hiring/kit/competencies/{planning.pk}/": {"action": "drop"},
        f"/hiring/candidates/{hiring.candidate.pk}/edit/": {"full_name": "Renamed"},
        f"/hiring/interviews/{hiring.second.pk}/remove/": {},
    }
    for url, data in refused.items():
        assert client.post(url, data).status_code == 403, url
    assert client.get(f"/hiring/applications/{application}/decision/").status_code == 403
    assert client.get(f"/hiring/positions/{hiring.opening.pk}/edit/").status_code == 403
    assert not Decision.objects.exists() and kit_competency(hiring.opening, "Planning").included
    assert Application.objects.get(pk=application).stage == Stage.INTERVIEWING
    assert Interview.objects.filter(pk=hiring.second.pk).exists()


@pytest.mark.parametrize("who", ["kam_a", "viewer", "south_manager"])
def test_people_without_a_part_in_the_hiring_see_nothing(org: Org, hiring: Hiring, who: str) -> None:
    client = signed_in(getattr(org, who))
    assert "KAM North" not in client.get("/hiring/").content.decode()
    assert "Casey" not in client.get("/hiring/candidates/").content.decode()
    for url in [
        *pages(hiring)[3:],
        f"/hiring/applications/{hiring.application.pk}/decision/",
        f"/hiring/interviews/{hiring.first.pk}/",
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["kam_a", "viewer", "interviewer"])
def test_only_managers_directors_and_admins_open_positions(org: Org, who: str) -> None:
    assert signed_in(getattr(org, who)).get("/hiring/positions/new/").status_code == 403
    assert signed_in(getattr(org, who)).get("/hiring/candidates/new/").status_code == 403


@pytest.mark.parametrize("who", ["director", "admin", "north_manager"])
def test_the_line_above_the_hiring_manager_runs_the_position(org: Org, hiring: Hiring, who: str) -> None:
    client = signed_in(getattr(org, who))
    assert client.get(f"/hiring/applications/{hiring.application.pk}/decision/").status_code == 200


# Independence on the pages ----------------------------------------------------------------------------


def test_the_scorecard_page_hides_others_until_you_submitted(org: Org, hiring: Hiring) -> None:
    score(hiring.first, {"Planning": 2, "Listening": 2, "Follow-through": 2}, submit=False)
    score(hiring.second, ALL_FOUR)
    first, manager = signed_in(org.interviewer), signed_in(org.north_manager)
    # the first interviewer (draft) cannot open the second's submitted scorecard
    assert first.get(f"/hiring/interviews/{hiring.second.pk}/").status_code == 404
    # nobody but its author opens a draft, not even the hiring manager or an admin
    assert manager.get(f"/hiring/interviews/{hiring.first.pk}/").status_code == 404
    assert signed_in(org.admin).get(f"/hiring/interviews/{hiring.first.pk}/").status_code == 404
    assert signed_in(org.kam_b).get(f"/hiring/interviews/{hiring.first.pk}/").status_code == 404
    # the hiring manager's decision page shows the submitted ratings only
    decision = manager.get(f"/hiring/applications/{hiring.application.pk}/decision/").content.decode()
    assert "Kam B" in decision and re.search(r"<td class=\"num\">2</td>", decision) is None
    # once the first submits, they see the panel
    score(hiring.first, ALL_FOUR)
    page = first.get(f"/hiring/interviews/{hiring.second.pk}/")
    assert page.status_code == 200
    own = first.get(f"/hiring/interviews/{hiring.first.pk}/").content.decode()
    assert "The panel's ratings" in own and 'id="aggregate"' in own


def test_an_interviewer_fills_saves_and_submits_on_the_page(org: Org, hiring: Hiring) -> None:
    client = signed_in(org.interviewer)
    url = f"/hiring/interviews/{hiring.first.pk}/"
    page = client.get(url).content.decode()
    assert "Planning L3 question 1." in page and "At the level" in page  # questions with the guide
    competencies = {c.name: c for c in KitCompetency.objects.filter(kit__opening=hiring.opening)}
    question = competencies["Planning"].questions.get(text="Planning L3 question 1.")
    data = {
        f"note-{question.pk}": "Planned a retailer account; no outcome given.",
        f"star-{question.pk}-situation": "on",
        f"star-{question.pk}-action": "on",
        f"rating-{competencies['Planning'].pk}": "4",
        "recommendation": "yes",
        "action": "submit",
    }
    # submitting with two competencies unrated keeps everything and names them
    refused = client.post(url, data)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "missing: Listening, Follow-through" in text and "Rate Listening before submitting." in text
    assert "Planned a retailer account; no outcome given." in text
    # a draft is saved, flagged for the STAR parts the answer missed
    assert client.post(url, {**data, "action": "draft"}).status_code == 302
    draft = client.get(url).content.decode()
    assert "missing: task, result" in draft and "1 answer missing part of the STAR structure" in draft
    # then submitted in full
    full = {
        **data,
        f"rating-{competencies['Listening'].pk}": "3",
        f"rating-{competencies['Follow-through'].pk}": "5",
    }
    assert client.post(url, full).status_code == 302
    hiring.first.refresh_from_db()
    assert hiring.first.status == InterviewStatus.SUBMITTED
    assert client.post(url, full).status_code == 403  # locked


# Stages, decisions and forms --------------------------------------------------------------------------


def test_stage_moves_on_the_page_show_in_the_history_and_refusals_say_why(org: Org, hiring: Hiring) -> None:
    client = signed_in(org.north_manager)
    url = f"/hiring/applications/{hiring.application.pk}/"
    back = client.post(f"{url}stage/", {"stage": "screening"}, follow=True).content.decode()
    assert "needs a note saying why" in back
    client.post(f"{url}stage/", {"stage": "screening", "note": "Second screening call."})
    page = client.get(url).content.decode()
    assert "Second screening call." in page and "from interviewing" in page
    hired = client.post(f"{url}stage/", {"stage": "hired"}, follow=True).content.decode()
    assert "not to hired" in hired


def test_the_manager_records_a_decision_and_the_form_keeps_input_on_refusal(org: Org, hiring: Hiring) -> None:
    score(hiring.first, ALL_FOUR)
    client = signed_in(org.north_manager)
    url = f"/hiring/applications/{hiring.application.pk}/decision/"
    empty = client.post(url, {"outcome": "offer", "reason": ""})
    assert empty.status_code == 200 and "Say why" in empty.content.decode()
    done = client.post(url, {"outcome": "offer", "reason": "Clear planning evidence."})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Clear planning evidence." in page and 'id="stage">Offer' in page


def test_the_position_form_redisplays_with_errors(org: Org, hiring_benchmark: BenchmarkProfile) -> None:
    client = signed_in(org.north_manager)
    data = {
        "title": "",
        "benchmark": hiring_benchmark.pk,
        "target_level": "4",
        "hiring_manager": org.north_manager.pk,
        "headcount": "1",
        "location": "Leeds",
    }
    page = client.post("/hiring/positions/new/", data)
    assert page.status_code == 200 and 'value="Leeds"' in page.content.decode()
    other_line = client.post(
        "/hiring/positions/new/", {**data, "title": "KAM", "hiring_manager": org.south_manager.pk}
    )
    assert "not one of the available choices" in other_line.content.decode()
    created = client.post("/hiring/positions/new/", {**data, "title": "KAM Leeds"})
    opening = Opening.objects.get(title="KAM Leeds")
    assert created.status_code == 302 and opening.target_level == 4 and hasattr(opening, "kit")


def test_the_forms_show_the_services_refusals_in_the_services_words(
    org: Org, hiring: Hiring, hiring_benchmark: BenchmarkProfile
) -> None:
    # the page says what the API says: the service holds the rule, not a form field's own check
    client = signed_in(org.north_manager)
    position = {
        "title": "KAM Leeds",
        "benchmark": hiring_benchmark.pk,
        "target_level": "3",
        "hiring_manager": org.north_manager.pk,
        "headcount": "0",
    }
    page = client.post("/hiring/positions/new/", position)
    assert page.status_code == 200 and "Hire at least one person." in page.content.decode()
    edited = client.post(f"/hiring/positions/{hiring.opening.pk}/edit/", position)
    assert "Hire at least one person." in edited.content.decode()
    candidate = {"full_name": "Robin Reyes", "email": "not-an-address", "source": "agency"}
    page = client.post("/hiring/candidates/new/", candidate)
    assert (
        page.status_code == 200
        and "&#x27;not-an-address&#x27; is not an e-mail address." in page.content.decode()
    )
    assert not Opening.objects.filter(title="KAM Leeds").exists()
    assert not Candidate.objects.filter(full_name="Robin Reyes").exists()
    hiring.opening.refresh_from_db()
    assert hiring.opening.headcount == 1


def test_a_new_candidate_goes_straight_into_a_position_with_their_cv(org: Org, hiring: Hiring) -> None:
    client = signed_in(org.north_manager)
    cv = SimpleUploadedFile("robin.pdf", b"%PDF-1.7 robin", content_type="application/pdf")
    response = client.post(
        "/hiring/candidates/new/",
        {
            "full_name": "Robin Reyes",
            "email": "robin@mail.test",
            "source": "agency",
            "opening": hiring.opening.pk,
            "file": cv,
        },
    )
    candidate = Candidate.objects.get(full_name="Robin Reyes")
    assert response.status_code == 302
    assert candidate.applications.get().opening == hiring.opening
    assert candidate.attachments.get().original_name == "robin.pdf"
    # a bad file refuses the whole thing and keeps the input
    bad = SimpleUploadedFile("robin.exe", b"MZ", content_type="application/octet-stream")
    again = client.post(
        "/hiring/candidates/new/",
        {"full_name": "Rory Roe", "email": "rory@mail.test", "source": "agency", "file": bad},
    )
    assert again.status_code == 200 and "is not one of PDF" in again.content.decode()
    assert (
        'value="Rory Roe"' in again.content.decode()
        and not Candidate.objects.filter(full_name="Rory Roe").exists()
    )
    duplicate = client.post(
        "/hiring/candidates/new/", {"full_name": "Robin Again", "email": "robin@mail.test", "source": "other"}
    )
    assert "Already on file" in duplicate.content.decode()


# Files ------------------------------------------------------------------------------------------------


def test_files_are_served_only_to_people_who_see_the_candidate(org: Org, hiring: Hiring) -> None:
    manager = signed_in(org.north_manager)
    url = f"/hiring/candidates/{hiring.candidate.pk}/files/"
    too_big = SimpleUploadedFile(
        "cv.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    refused = manager.post(url, {"file": too_big, "kind": "cv"}, follow=True).content.decode()
    assert "files up to 10 MB are accepted" in refused
    wrong = SimpleUploadedFile("cv.docx", b"not a zip", content_type="application/octet-stream")
    assert (
        "the content is not a .docx file"
        in manager.post(url, {"file": wrong, "kind": "cv"}, follow=True).content.decode()
    )
    good = SimpleUploadedFile(
        "Casey CV.txt", b"Casey Candidate\nKey accounts since 2015.", content_type="text/plain"
    )
    manager.post(url, {"file": good, "kind": "cv"})
    attachment = hiring.candidate.attachments.get()
    download = f"/hiring/files/{attachment.pk}/"
    served = manager.get(download)
    assert (
        served.status_code == 200
        and b"".join(served.streaming_content) == b"Casey Candidate\nKey accounts since 2015."
    )  # type: ignore[attr-defined]
    assert 'attachment; filename="Casey CV.txt"' in served["Content-Disposition"]
    assert signed_in(org.interviewer).get(download).status_code == 200  # on the panel
    for outsider in (org.kam_a, org.south_manager, org.viewer):
        assert signed_in(outsider).get(download).status_code == 404
    assert signed_in(org.interviewer).post(f"/hiring/files/{attachment.pk}/delete/").status_code == 403
    assert hiring.candidate.attachments.exists()


# Kit editor -------------------------------------------------------------------------------------------


def test_the_kit_editor_answers_htmx_with_the_competency_block(org: Org, hiring: Hiring) -> None:
    client = signed_in(org.north_manager)
    follow = kit_competency(hiring.opening, "Follow-through")
    response = client.post(
        f"/hiring/kit/competencies/{follow.pk}/", {"action": "drop"}, headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert (
        response.status_code == 200 and text.lstrip().startswith("<article") and "dropped: not rated" in text
    )
    added = client.post(
        f"/hiring/kit/competencies/{follow.pk}/",
        {
            "action": "add_question",
            "text": "When did you last chase a promise?",
            "probes": "Result: What happened?\nWho asked?",
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "When did you last chase a promise?" in added and 'star-result">Result' in added
    empty = client.post(
        f"/hiring/kit/competencies/{follow.pk}/",
        {"action": "add_question", "text": ""},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Write the question." in empty


def test_rebuilding_from_the_page_needs_the_box_ticked(org: Org, hiring: Hiring) -> None:
    client = signed_in(org.north_manager)
    url = f"/hiring/positions/{hiring.opening.pk}/kit/rebuild/"
    assert "confirm to go ahead" in client.post(url, {}, follow=True).content.decode()
    assert "rebuilt from the framework" in client.post(url, {"confirm": "on"}, follow=True).content.decode()


# Query counts -----------------------------------------------------------------------------------------


def test_list_pages_query_counts_do_not_grow_with_rows(
    org: Org, hiring: Hiring, hiring_benchmark: BenchmarkProfile
) -> None:
    client = signed_in(org.director)
    with CaptureQueriesContext(connection) as positions_few:
        assert client.get("/hiring/").status_code == 200
    with CaptureQueriesContext(connection) as candidates_few:
        assert client.get("/hiring/candidates/").status_code == 200
    for number in range(4):
        opening = open_position(org, hiring_benchmark, title=f"KAM {number}")
        application = add_candidate(org, opening, f"Person{number} Example")
        services.assign_interviewer(
            application=application, interviewer=org.director, assigned_by=org.north_manager
        )
    with CaptureQueriesContext(connection) as positions_many:
        assert client.get("/hiring/").status_code == 200
    with CaptureQueriesContext(connection) as candidates_many:
        assert client.get("/hiring/candidates/").status_code == 200
    assert len(positions_many) == len(positions_few)
    assert len(candidates_many) == len(candidates_few)
    with CaptureQueriesContext(connection) as mine:
        assert client.get("/hiring/interviews/").status_code == 200
    assert len(mine) <= len(positions_few)


def test_my_interviews_and_the_kit_cost_the_same_whatever_their_rows(
    org: Org, hiring: Hiring, hiring_benchmark: BenchmarkProfile
) -> None:
    interviewer, manager = signed_in(org.interviewer), signed_in(org.north_manager)
    kit = f"/hiring/positions/{hiring.opening.pk}/"
    pages = [
        (interviewer, "/hiring/interviews/"),
        (interviewer, "/hiring/"),
        (interviewer, f"{kit}kit/"),
        (manager, f"{kit}kit/"),
        (manager, f"{kit}kit.pdf"),
        (interviewer, f"/hiring/interviews/{hiring.first.pk}/kit.pdf"),
    ]

    def counts() -> list[int]:
        found = []
        for client, url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            found.append(len(queries))
        return found

    counts()  # the first calls fill caches (content types)
    few = counts()
    # when the interviewer is on two more panels, and every competency of the kit has more questions
    for number in range(2):
        opening = open_position(org, hiring_benchmark, title=f"KAM {number}")
        application = add_candidate(org, opening, f"Person{number} Example")
        services.assign_interviewer(
            application=application, interviewer=org.interviewer, assigned_by=org.north_manager
        )
    for competency in KitCompetency.objects.filter(kit__opening=hiring.opening):
        for number in range(2):
            services.add_kit_question(
                competency=competency,
                text=f"Extra question {number} on {competency.name}?",
                probes=[("What happened?", "situation"), ("What changed?", "result")],
            )
    # then the pages cost the same number of queries
    assert counts() == few
    assert "Person1 Example" in interviewer.get("/hiring/interviews/").content.decode()
    assert "Extra question 1 on Planning?" in manager.get(f"{kit}kit/").content.decode()


# Start page and assessments -----------------------------------------------------------------------


def test_start_page_cards_point_to_interviews_and_decisions(org: Org, hiring: Hiring) -> None:
    assert "Interviews to score" in signed_in(org.interviewer).get("/").content.decode()
    assert "Candidates ready for a decision" not in signed_in(org.north_manager).get("/").content.decode()
    score(hiring.first, ALL_FOUR)
    score(hiring.second, ALL_FOUR)
    home = signed_in(org.north_manager).get("/").content.decode()
    assert "Candidates ready for a decision" in home
    assert "Interviews to score" not in signed_in(org.interviewer).get("/").content.decode()
    assert "Candidates ready for a decision" not in signed_in(org.south_manager).get("/").content.decode()


def test_a_director_adds_a_candidate_to_an_assessment_campaign(
    org: Org, hiring: Hiring, small: object
) -> None:
    import datetime as dt

    from django.utils import timezone

    from kamkit.assessments import services as assessment_services

    campaign = assessment_services.create_campaign(
        name="Candidate check",
        questionnaire=small.questionnaire,  # type: ignore[attr-defined]
        due_date=timezone.localdate() + dt.timedelta(days=7),
        created_by=org.director,
    )
    director = signed_in(org.director)
    page = director.get(f"/hiring/candidates/{hiring.candidate.pk}/").content.decode()
    assert "Candidate check" in page
    # the hiring manager may not add an external candidate to an assessment (assessments' rule)
    assert (
        "Candidate check"
        not in signed_in(org.north_manager).get(f"/hiring/candidates/{hiring.candidate.pk}/").content.decode()
    )
    director.post(
        f"/hiring/candidates/{hiring.candidate.pk}/assess/", {"campaign": campaign.pk, "default_raters": "on"}
    )
    assessment = campaign.assessments.get()
    assert assessment.candidate == hiring.candidate and assessment.candidate_name == "Casey Candidate"
    decision = director.get(f"/hiring/applications/{hiring.application.pk}/decision/").content.decode()
    assert "As a candidate in Candidate check" in decision


def test_detail_pages_query_counts_do_not_grow_with_the_panel_or_the_positions(
    org: Org, hiring: Hiring, hiring_benchmark: BenchmarkProfile
) -> None:
    # given a panel of two with notes, and a candidate in one position
    notes = {
        "Planning L3 question 1.": ("Planned well.", "SA"),
        "Planning L3 question 2.": ("No result.", "ST"),
    }
    score(hiring.first, ALL_FOUR, notes=notes)
    score(hiring.second, ALL_FOUR, notes=notes)
    client = signed_in(org.director)
    urls = [
        f"/hiring/applications/{hiring.application.pk}/decision/",
        f"/hiring/applications/{hiring.application.pk}/",
        f"/hiring/candidates/{hiring.candidate.pk}/",
        f"/hiring/positions/{hiring.opening.pk}/",
        f"/hiring/interviews/{hiring.first.pk}/",
    ]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            found.append(len(queries))
        return found

    few = counts()
    # when three more interviewers submit, and the candidate is considered for three more positions
    for person in (org.kam_a, org.kam_deep, org.sub_manager):
        interview = services.assign_interviewer(
            application=hiring.application, interviewer=person, assigned_by=org.north_manager
        )
        score(interview, ALL_FOUR, notes=notes)
    for number in range(3):
        opening = open_position(org, hiring_benchmark, title=f"KAM {number}")
        application = services.add_application(
            candidate=hiring.candidate, opening=opening, added_by=org.north_manager
        )
        services.move_stage(application=application, to_stage=Stage.SCREENING, changed_by=org.north_manager)
        add_candidate(org, hiring.opening, f"Other{number} Person")
    # then every page costs the same number of queries
    assert counts() == few
