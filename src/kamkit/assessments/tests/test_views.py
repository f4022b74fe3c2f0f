"""Assessment pages: who may open what, personal links (valid, forged, expired, used), forms that
keep their input, reports and exports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kamkit.assessments import queries, services
from kamkit.assessments.choices import Relationship
from kamkit.assessments.models import Campaign, Questionnaire, RaterInvitation
from kamkit.assessments.tests.fixtures import Crowd, Round, Rows, Small, answer, in_days, launch
from kamkit.assessments.tests.test_services import MANAGER, SELF, answered_round
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db


def link(invitation: RaterInvitation) -> str:
    return f"/assessments/r/{invitation.token()}/"


def item_field(small: Small, name: str) -> str:
    return f"item-{small.items[name].pk}"


def checked(small: Small, name: str, value: int) -> str:
    field = item_field(small, name)
    return f'name="{field}" value="{value}" aria-describedby="{field}-text" checked'


# Personal links -----------------------------------------------------------------------------------


def test_a_rater_without_an_account_saves_a_draft_comes_back_and_submits(
    small: Small, round360: Round
) -> None:
    launch(round360)
    customer = services.invite_rater(
        assessment=round360.assessment, relationship=Relationship.CUSTOMER, rater_email="buyer@client.test"
    )
    anonymous = Client()
    # the page opens without signing in, worded for others about the subject
    page = anonymous.get(link(customer))
    assert page.status_code == 200
    text = page.content.decode()
    assert "How Kam A works" in text and "They let customers finish." in text
    assert "I let customers finish." not in text
    # saving a draft keeps the answers for the next visit
    saved = anonymous.post(link(customer), {item_field(small, "L1"): "4", "action": "draft"})
    assert saved.status_code == 302
    back = anonymous.get(link(customer)).content.decode()
    assert checked(small, "L1", 4) in back
    assert "Draft saved" in back
    # submitting ends it
    done = anonymous.post(
        link(customer), {item_field(small, "L1"): "4", item_field(small, "F1"): "2", "action": "submit"}
    )
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    customer.refresh_from_db()
    assert customer.submitted_at is not None and customer.answer_count == 2
    used = anonymous.get(link(customer))
    assert used.status_code == 410
    assert "Already answered" in used.content.decode()
    assert anonymous.post(link(customer), {"action": "submit"}).status_code == 410


def test_self_raters_see_the_first_person_wording(small: Small, round360: Round) -> None:
    launch(round360)
    page = Client().get(link(round360.self)).content.decode()
    assert "How you work" in page and "I let customers finish." in page


def test_forged_expired_and_closed_links_get_a_clear_page_and_no_data(small: Small, round360: Round) -> None:
    launch(round360)
    anonymous = Client()
    for forged in ("r" + "0" * 64, "nonsense", "r" + "x" * 200):
        response = anonymous.get(f"/assessments/r/{forged}/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "This link does not work" in page and "Kam A" not in page and "Traceback" not in page
    Campaign.objects.filter(pk=round360.campaign.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    expired = anonymous.get(link(round360.peers[0]))
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode() and "Kam A" not in expired.content.decode()
    Campaign.objects.filter(pk=round360.campaign.pk).update(due_date=in_days(5), status="closed")
    closed = anonymous.post(link(round360.peers[0]), {item_field(small, "L1"): "3", "action": "submit"})
    assert closed.status_code == 410 and "closed" in closed.content.decode()
    assert not RaterInvitation.objects.filter(submitted_at__isnull=False).exists()


def test_links_of_a_campaign_not_launched_do_not_open(small: Small, round360: Round) -> None:
    assert Client().get(link(round360.peers[0])).status_code == 404


def test_a_bad_answer_redisplays_the_form_with_the_other_answers_kept(small: Small, round360: Round) -> None:
    launch(round360)
    response = Client().post(
        link(round360.peers[0]),
        {item_field(small, "L1"): "9", item_field(small, "L2"): "2", "action": "draft"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert checked(small, "L2", 2) in page


def test_signed_in_raters_answer_their_own_invitations_only(org: Org, small: Small, round360: Round) -> None:
    launch(round360)
    kam_b = signed_in(org.kam_b)
    listing = kam_b.get("/assessments/invitations/").content.decode()
    assert "Kam A" in listing and "Answer" in listing
    mine = round360.peers[0]
    assert mine.rater_user == org.kam_b
    assert kam_b.get(f"/assessments/invitations/{mine.pk}/answer/").status_code == 200
    done = kam_b.post(
        f"/assessments/invitations/{mine.pk}/answer/", {item_field(small, "L1"): "5", "action": "submit"}
    )
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    # someone else's invitation is not there, even for the rater's manager
    assert kam_b.get(f"/assessments/invitations/{round360.peers[1].pk}/answer/").status_code == 404
    assert signed_in(org.north_manager).get(f"/assessments/invitations/{mine.pk}/answer/").status_code == 404


def test_a_rater_cannot_see_the_subjects_results_or_another_subject(
    org: Org, small: Small, round360: Round
) -> None:
    answered_round(small, round360)
    services.close_campaign(campaign=round360.campaign)
    kam_b = signed_in(org.kam_b)  # a peer rater of kam_a
    pk = round360.assessment.pk
    for url in (f"/assessments/{pk}/", f"/assessments/{pk}/report/", f"/assessments/{pk}/report.pdf"):
        assert kam_b.get(url).status_code == 404, url
    assert "Kam A" not in kam_b.get("/assessments/").content.decode()
    assert "Kam A" not in kam_b.get(f"/assessments/export/?campaign={round360.campaign.pk}").content.decode()


# Who sees which report ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("kam_a", 200),  # the subject
        ("north_manager", 200),  # their manager
        ("director", 200),
        ("admin", 200),
        ("sub_manager", 404),  # a manager, but not in kam_a's line
        ("south_manager", 404),
        ("kam_b", 404),
        ("viewer", 404),
        ("interviewer", 404),
    ],
)
def test_report_visibility_by_role(org: Org, small: Small, round360: Round, who: str, status: int) -> None:
    answered_round(small, round360)
    client = signed_in(getattr(org, who))
    assert client.get(f"/assessments/{round360.assessment.pk}/report/").status_code == status


def test_the_report_shows_the_radar_meaning_tips_and_keeps_anonymity(
    org: Org, small: Small, round360: Round
) -> None:
    answered_round(small, round360)
    client = signed_in(org.kam_a)
    open_page = client.get(f"/assessments/{round360.assessment.pk}/report/").content.decode()
    assert 'id="radar-chart"' in open_page and 'class="radar-band"' in open_page
    assert "still open" in open_page and 'data-series="others"' in open_page
    services.close_campaign(campaign=round360.campaign)
    page = client.get(f"/assessments/{round360.assessment.pk}/report/").content.decode()
    assert "still open" not in page
    assert "fewer than 3" in page  # Listening peers: two usable answers
    assert "Summarises the customer&#x27;s point before replying." in page
    for rater in ("Kam B", "Kam Deep", "Sub Manager"):
        assert rater not in page  # the subject never sees who rated them
    # the subject sees group counts, not the rater list
    detail = client.get(f"/assessments/{round360.assessment.pk}/").content.decode()
    assert 'id="raters"' not in detail and "Kam B" not in detail
    assert (
        'id="raters"'
        in signed_in(org.north_manager).get(f"/assessments/{round360.assessment.pk}/").content.decode()
    )


def test_report_pdf(org: Org, small: Small, round360: Round) -> None:
    answered_round(small, round360)
    response = signed_in(org.north_manager).get(f"/assessments/{round360.assessment.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_manager_sees_their_team_only(org: Org, small: Small) -> None:
    # given a director's campaign over people of both teams
    campaign = services.create_campaign(
        name="All hands",
        questionnaire=small.questionnaire,
        benchmark=small.benchmark,
        due_date=in_days(7),
        created_by=org.director,
    )
    north = services.add_subject(campaign=campaign, subject_user=org.kam_a)
    services.add_subject(campaign=campaign, subject_user=org.kam_south)
    services.launch_campaign(campaign=campaign)
    for invitation in RaterInvitation.objects.filter(relationship__in=["self", "manager"]):
        answer(small, invitation, SELF if invitation.relationship == "self" else MANAGER)
    services.close_campaign(campaign=campaign)
    # then each manager's team report and export show their own people only
    north_page = (
        signed_in(org.north_manager).get(f"/assessments/campaigns/{campaign.pk}/team/").content.decode()
    )
    assert "Kam A" in north_page and "Kam South" not in north_page
    south_page = (
        signed_in(org.south_manager).get(f"/assessments/campaigns/{campaign.pk}/team/").content.decode()
    )
    assert "Kam South" in south_page and "Kam A" not in south_page
    export = signed_in(org.north_manager).get(f"/assessments/export/?campaign={campaign.pk}").content.decode()
    assert "Kam A" in export and "Kam South" not in export
    # the director's campaign page itself is the director's
    assert signed_in(org.north_manager).get(f"/assessments/campaigns/{campaign.pk}/").status_code == 404
    assert signed_in(org.kam_b).get(f"/assessments/campaigns/{campaign.pk}/team/").status_code == 404
    director_page = (
        signed_in(org.director).get(f"/assessments/campaigns/{campaign.pk}/team/").content.decode()
    )
    assert "Kam A" in director_page and "Kam South" in director_page
    assert "heat-" in director_page and "Bench strength" in director_page
    # kam_a's own assessment list holds only kam_a
    listing = signed_in(org.kam_a).get("/assessments/").content.decode()
    assert f"/assessments/{north.pk}/" in listing and "Kam South" not in listing


def test_exports_one_row_per_subject_competency_and_group(org: Org, small: Small, round360: Round) -> None:
    answered_round(small, round360)
    services.close_campaign(campaign=round360.campaign)
    client = signed_in(org.north_manager)
    csv_text = client.get("/assessments/export/?format=csv").content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].split(",") == [
        *("campaign", "subject", "subject_email", "competency", "rater_group", "score", "raters"),
        *("status", "basis", "band_low", "band_high", "fit"),
    ]
    # 2 competencies x 4 groups (self, manager, peer, others)
    assert len(lines) == 1 + 8
    assert "Spring 360,Kam A,kam.a@example.test,Listening,peer,,2,hidden,no,70,90," in lines
    assert "Spring 360,Kam A,kam.a@example.test,Follow-through,others,66.7,4,ok,yes,60,80,100.0" in lines
    xlsx = client.get("/assessments/export/?format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row == 9 and sheet["E1"].value == "rater_group"


# Campaign pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("director", 200),
        ("north_manager", 200),
        ("kam_a", 403),
        ("interviewer", 403),
        ("viewer", 403),
    ],
)
def test_who_may_start_a_campaign(org: Org, small: Small, who: str, status: int) -> None:
    assert signed_in(getattr(org, who)).get("/assessments/campaigns/new/").status_code == status


def test_campaign_form_keeps_input_on_errors(org: Org, small: Small) -> None:
    client = signed_in(org.north_manager)
    response = client.post(
        "/assessments/campaigns/new/",
        {
            "name": "Too late",
            "description": "Kept text",
            "questionnaire": small.questionnaire.pk,
            "due_date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "is in the past" in page
    assert 'value="Too late"' in page and "Kept text" in page
    created = client.post(
        "/assessments/campaigns/new/",
        {
            "name": "On time",
            "questionnaire": small.questionnaire.pk,
            "benchmark": small.benchmark.pk,
            "due_date": in_days(9).isoformat(),
        },
    )
    assert created.status_code == 302
    assert Campaign.objects.get(name="On time").created_by == org.north_manager


def test_managers_add_people_of_their_line_only(org: Org, small: Small, round360: Round) -> None:
    client = signed_in(org.north_manager)
    url = f"/assessments/campaigns/{round360.campaign.pk}/people/new/"
    form = client.get(url).content.decode()
    assert "Kam Deep" in form and "Kam South" not in form
    refused = client.post(url, {"subject_user": org.kam_south.pk, "default_raters": "on"})
    assert "Select a valid choice" in refused.content.decode()
    candidate = client.post(url, {"candidate_name": "Casey Candidate", "candidate_email": "casey@x.test"})
    page = candidate.content.decode()
    assert "directors and admins assess candidates" in page and 'value="Casey Candidate"' in page
    added = client.post(url, {"subject_user": org.kam_b.pk, "default_raters": "on"})
    assert added.status_code == 302
    # a manager of another line cannot touch the campaign at all
    assert signed_in(org.south_manager).post(url, {"subject_user": org.kam_south.pk}).status_code == 404
    # the subject cannot change their own campaign's raters
    assert signed_in(org.kam_a).get(f"/assessments/{round360.assessment.pk}/raters/new/").status_code == 403


def test_rater_form_keeps_input_on_a_refusal(org: Org, small: Small, round360: Round) -> None:
    client = signed_in(org.north_manager)
    url = f"/assessments/{round360.assessment.pk}/raters/new/"
    response = client.post(url, {"relationship": "peer", "rater_user": org.kam_b.pk})
    page = response.content.decode()
    assert "already invited" in page and f'<option value="{org.kam_b.pk}" selected>' in page
    ok = client.post(
        url, {"relationship": "customer", "rater_name": "Carl Client", "rater_email": "carl@client.test"}
    )
    assert ok.status_code == 302


def test_launch_resend_remove_and_close_from_the_pages(
    org: Org, small: Small, round360: Round, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(org.north_manager)
    campaign_url = f"/assessments/campaigns/{round360.campaign.pk}"
    assert signed_in(org.kam_a).post(f"{campaign_url}/launch/").status_code == 404  # not theirs to see
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{campaign_url}/launch/")
    round360.campaign.refresh_from_db()
    assert round360.campaign.status == "open"
    old = round360.peers[0].token()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/assessments/invitations/{round360.peers[0].pk}/resend/")
    assert Client().get(f"/assessments/r/{old}/").status_code == 404
    client.post(f"/assessments/invitations/{round360.peers[2].pk}/remove/")
    assert not RaterInvitation.objects.filter(pk=round360.peers[2].pk).exists()
    client.post(f"{campaign_url}/close/")
    round360.campaign.refresh_from_db()
    assert round360.campaign.status == "closed"
    refused = client.post(f"{campaign_url}/delete/", follow=True)
    assert "Only a campaign being prepared can be deleted" in refused.content.decode()


def test_assessment_list_query_count_does_not_grow(org: Org, small: Small, round360: Round) -> None:
    client = signed_in(org.director)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/assessments/").status_code == 200
    for user in (org.kam_b, org.kam_deep, org.kam_south, org.sub_manager):
        services.add_subject(campaign=round360.campaign, subject_user=user)
    with CaptureQueriesContext(connection) as many:
        client.get("/assessments/")
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as campaigns:
        assert client.get("/assessments/campaigns/").status_code == 200
    assert len(campaigns) <= len(few) + 2


# Questionnaires and scale quality -----------------------------------------------------------------


def test_questionnaire_pages_and_import(org: Org, kam_questionnaire: Any) -> None:
    director = signed_in(org.director)
    assert "KAM behaviours" in director.get("/assessments/questionnaires/").content.decode()
    detail = director.get(f"/assessments/questionnaires/{kam_questionnaire.pk}/").content.decode()
    assert "This person keeps a written plan" in detail and "reverse" in detail
    exported = director.get(f"/assessments/questionnaires/{kam_questionnaire.pk}/export/?format=csv")
    assert exported["Content-Type"] == "text/csv"
    upload = io.BytesIO(exported.content)
    upload.name = "copy.csv"
    nameless = director.post(
        "/assessments/questionnaires/import/", {"file": upload, "framework": kam_questionnaire.framework_id}
    )
    assert "give the questionnaire a name" in nameless.content.decode()
    upload.seek(0)
    imported = director.post(
        "/assessments/questionnaires/import/",
        {"file": upload, "framework": kam_questionnaire.framework_id, "name": "KAM copy"},
    )
    assert imported.status_code == 302
    assert signed_in(org.north_manager).get("/assessments/questionnaires/import/").status_code == 403
    assert (
        signed_in(org.kam_a).get(f"/assessments/questionnaires/{kam_questionnaire.pk}/edit/").status_code
        == 403
    )


def test_scale_quality_for_admins_and_directors_only(org: Org, small: Small, round360: Round) -> None:
    answered_round(small, round360)
    page = signed_in(org.admin).get("/assessments/quality/").content.decode()
    assert "n = 3, not enough" in page  # Listening: self and the first two peers answered all four items
    assert signed_in(org.director).get("/assessments/quality/").status_code == 200
    for who in ("north_manager", "kam_a", "viewer"):
        assert signed_in(getattr(org, who)).get("/assessments/quality/").status_code == 403, who


def test_every_list_page_opens(org: Org, small: Small, round360: Round) -> None:
    launch(round360)
    home = signed_in(org.kam_b).get("/").content.decode()
    assert "Assessments to answer" in home
    answer(small, round360.manager, MANAGER)
    for who in ("admin", "kam_a", "viewer"):
        client = signed_in(getattr(org, who))
        for url in (
            "/assessments/",
            "/assessments/campaigns/",
            "/assessments/questionnaires/",
            "/assessments/invitations/",
        ):
            assert client.get(url).status_code == 200, (who, url)
    home = signed_in(org.kam_b).get("/").content.decode()
    assert "Assessments to answer" in home


@pytest.mark.parametrize(
    ("who", "status", "raters"),
    [
        ("admin", 200, 200),
        ("director", 200, 200),
        ("north_manager", 200, 200),  # runs the campaign
        ("sub_manager", 404, 404),  # below the runner, not above
        ("south_manager", 404, 404),
        ("kam_a", 404, 403),  # the subject reads their assessment and report, not the campaign
        ("viewer", 404, 404),
        ("interviewer", 404, 404),
    ],
)
def test_who_may_change_a_campaign(
    org: Org, small: Small, round360: Round, who: str, status: int, raters: int
) -> None:
    client = signed_in(getattr(org, who))
    assert client.get(f"/assessments/campaigns/{round360.campaign.pk}/edit/").status_code == status
    assert client.get(f"/assessments/{round360.assessment.pk}/raters/new/").status_code == raters
    # someone else's rater: managed by the people who may change the campaign only
    invitation = round360.peers[0]
    actions = ("resend",) if raters == 200 else ("resend", "remove")  # a draft's resend is refused politely
    for action in actions:
        response = client.post(f"/assessments/invitations/{invitation.pk}/{action}/")
        assert response.status_code == (302 if raters == 200 else 404), action
    assert RaterInvitation.objects.filter(pk=invitation.pk).exists()


def test_cant_say_clears_an_answer(small: Small, round360: Round) -> None:
    launch(round360)
    url = link(round360.peers[0])
    Client().post(url, {item_field(small, "L1"): "4", item_field(small, "L2"): "5", "action": "draft"})
    page = Client().get(url).content.decode()
    assert checked(small, "L1", 4) in page
    assert 'value="" aria-describedby="' + item_field(small, "F1") + '-text" checked' in page  # unanswered
    Client().post(url, {item_field(small, "L1"): "", item_field(small, "L2"): "5", "action": "draft"})
    assert list(round360.peers[0].answers.values_list("item_id", flat=True)) == [small.items["L2"].pk]


def test_questionnaire_edit_keeps_input_on_errors(org: Org, kam_questionnaire: Any) -> None:
    client = signed_in(org.director)
    url = f"/assessments/questionnaires/{kam_questionnaire.pk}/edit/"
    labels = {f"label_{i}": f"Level {i}" for i in range(1, 6)}
    response = client.post(url, {"name": "   ", "description": "Kept", **labels})
    page = response.content.decode()
    assert response.status_code == 200 and "This field is required" in page and 'value="Level 3"' in page
    saved = client.post(url, {"name": "KAM behaviours (ours)", **labels})
    assert saved.status_code == 302
    kam_questionnaire.refresh_from_db()
    assert kam_questionnaire.scale_labels[4] == "Level 5"


# Editing questionnaire items ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("director", 200),
        ("north_manager", 403),
        ("kam_a", 403),
        ("interviewer", 403),
        ("viewer", 403),
    ],
)
def test_who_may_edit_add_remove_and_copy_statements(org: Org, small: Small, who: str, status: int) -> None:
    client = signed_in(getattr(org, who))
    base = f"/assessments/questionnaires/{small.questionnaire.pk}"
    l1 = small.items["L1"]
    for url in (f"{base}/items/{l1.pk}/edit/", f"{base}/items/new/", f"{base}/copy/"):
        assert client.get(url).status_code == status, url
    removal = client.post(f"{base}/items/{small.items['L2'].pk}/remove/")
    assert removal.status_code == (302 if status == 200 else 403)
    # everyone may read the questionnaire; only editors see the edit links
    page = client.get(f"{base}/").content.decode()
    assert (f"{base}/items/{l1.pk}/edit/" in page) is (status == 200)
    if status == 403:
        assert small.questionnaire.items.count() == 7


def test_an_editor_rewords_rekeys_adds_and_removes_statements(org: Org, small: Small) -> None:
    client = signed_in(org.director)
    base = f"/assessments/questionnaires/{small.questionnaire.pk}"
    l3 = small.items["L3"]
    listening = l3.competency
    form = client.get(f"{base}/items/{l3.pk}/edit/").content.decode()
    assert "They interrupt customers." in form and 'name="reverse"' in form and 'id="locked"' not in form
    edited = client.post(
        f"{base}/items/{l3.pk}/edit/",
        {
            "competency": listening.pk,
            "self_text": "I let customers finish their sentences.",
            "others_text": "They let customers finish their sentences.",
            "order": "2",
        },
    )
    assert edited.status_code == 302
    l3.refresh_from_db()
    assert (l3.others_text, l3.reverse) == ("They let customers finish their sentences.", False)
    added = client.post(
        f"{base}/items/new/",
        {
            "competency": listening.pk,
            "self_text": "I ask why.",
            "others_text": "They ask why.",
            "reverse": "on",
        },
    )
    assert added.status_code == 302
    assert small.questionnaire.items.filter(others_text="They ask why.", reverse=True).exists()
    blank = client.post(
        f"{base}/items/new/", {"competency": listening.pk, "self_text": "", "others_text": "x"}
    )
    assert blank.status_code == 200 and "This field is required" in blank.content.decode()
    page = client.get(f"{base}/").content.decode()
    assert "Listening: 5 (2 reversed)" in page


def test_an_answered_questionnaire_refuses_meaning_changes_with_the_reason_and_keeps_the_input(
    org: Org, small: Small, round360: Round
) -> None:
    # given submitted answers
    answered_round(small, round360)
    client = signed_in(org.admin)
    base = f"/assessments/questionnaires/{small.questionnaire.pk}"
    l3 = small.items["L3"]
    page = client.get(f"{base}/").content.decode()
    assert 'id="locked"' in page and f"{base}/items/{l3.pk}/remove/" not in page
    # when the keying is changed on the form
    data = {
        "competency": l3.competency_id,
        "self_text": "I cut customers off.",
        "others_text": "They cut customers off.",
        "order": "2",
    }
    refused = client.post(f"{base}/items/{l3.pk}/edit/", data)
    # then the form comes back with the reason, the way out, and what was typed
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "5 raters have already answered this questionnaire" in text and "keying" in text
    assert "copy it as a new questionnaire" in text and "They cut customers off." in text
    l3.refresh_from_db()
    assert l3.reverse and l3.others_text == "They interrupt customers."
    # a wording fix alone is saved
    assert client.post(f"{base}/items/{l3.pk}/edit/", {**data, "reverse": "on"}).status_code == 302
    l3.refresh_from_db()
    assert l3.others_text == "They cut customers off." and l3.reverse
    # removing is refused with the reason shown on the questionnaire page
    removed = client.post(f"{base}/items/{l3.pk}/remove/", follow=True).content.decode()
    assert "removing a statement would drop their answers" in removed
    assert small.questionnaire.items.count() == 7
    # and the copy page makes a new questionnaire that can be changed
    copied = client.post(f"{base}/copy/", {"name": "Small check v2"})
    assert copied.status_code == 302
    copy = Questionnaire.objects.get(slug="small-check-v2")
    assert copied["Location"] == f"/assessments/questionnaires/{copy.pk}/"
    assert copy.items.count() == 7 and 'id="locked"' not in client.get(copied["Location"]).content.decode()


# Acceptance: links, labels, norms, the PDF, the team report --------------------------------------


def test_a_personal_link_opens_its_own_subject_and_nothing_else(
    org: Org, small: Small, round360: Round
) -> None:
    # given a second person in the campaign, and a customer's link for kam_a
    launch(round360)
    deep = services.add_subject(campaign=round360.campaign, subject_user=org.kam_deep)
    customer = services.invite_rater(
        assessment=round360.assessment, relationship=Relationship.CUSTOMER, rater_email="buyer@client.test"
    )
    anonymous = Client()
    page = anonymous.get(link(customer)).content.decode()
    assert "How Kam A works" in page and "Kam Deep" not in page
    # the link gives no way into anything else: other pages ask for a sign-in, the API for a token
    for url in (
        f"/assessments/{deep.pk}/report/",
        f"/assessments/{round360.assessment.pk}/",
        "/assessments/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert anonymous.get(f"/api/v1/assessments/{deep.pk}/scores").status_code == 401
    # and answers it sends about statements it was not shown are refused
    foreign = anonymous.post(link(customer), {f"item-{small.items['L1'].pk + 1000}": "5", "action": "submit"})
    assert foreign.status_code == 200 and "Answer at least one statement" in foreign.content.decode()
    customer.refresh_from_db()
    assert customer.submitted_at is None


def test_configured_scale_labels_are_what_raters_choose_from(org: Org, small: Small, round360: Round) -> None:
    # given the questionnaire's scale renamed by a director
    labels = {f"label_{i}": f"Level {i} of 5" for i in range(1, 6)}
    url = f"/assessments/questionnaires/{small.questionnaire.pk}/edit/"
    assert signed_in(org.director).post(url, {"name": "Small check", **labels}).status_code == 302
    launch(round360)
    # then the rater's page and the API offer those labels
    page = Client().get(link(round360.peers[0])).content.decode()
    assert all(f"Level {i} of 5" in page for i in range(1, 6)) and "Strongly agree" not in page


def test_quality_page_shows_alpha_and_norms_once_there_are_thirty_answer_sets(org: Org, crowd: Crowd) -> None:
    page = signed_in(org.director).get(
        f"/assessments/quality/?questionnaire={crowd.campaign.questionnaire_id}"
    )
    text = page.content.decode()
    # alpha 1.00 from 30 complete answer sets (worked out in test_services); norms 0 25 50 75 100, mean 50
    assert text.count('1.00 <small class="muted">n = 30</small>') == 2
    assert '<td class="num">10</td>' in text  # people with a score
    for value in ("0", "25", "50", "75", "100"):
        assert f'<td class="num">{value}</td>' in text


def test_the_report_shows_percentiles_and_the_pdf_carries_chart_scores_meaning_and_tips(
    org: Org, crowd: Crowd
) -> None:
    import re
    import zlib

    director = signed_in(org.director)
    candidate = crowd.assessments[2]  # level 3: score 50 everywhere, 20 below Listening's band 70-90
    page = director.get(f"/assessments/{candidate.pk}/report/").content.decode()
    assert '<td class="num">50</td></tr>' in page  # its percentile among the 10 (test_services)
    pdf = director.get(f"/assessments/{candidate.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf.content, re.S)
    text = b"".join(zlib.decompress(s) if s[:1] == b"x" else s for s in streams).decode("latin-1")
    for expected in (
        "Listening",
        "Follow-through",
        "target band",
        "Customers",
        "All others",
        "20 points below",
    ):
        assert expected in text, expected
    assert "Silence is a tool." in text  # a tip for the gap
    # the chart's legend: a swatch in each line's colour (band green, others blue) beside its name
    band = r"0\.8039 0\.9137 0\.8275 rg\n[\d. -]+ re f\n(?:.*\n)?.*\(target band\) Tj"
    others = r"0\.1137 0\.3725 0\.6588 rg\n[\d. -]+ re f\n(?:.*\n)?.*\(All others\) Tj"
    assert re.search(band, text) and re.search(others, text)


def test_team_report_numbers_by_hand(org: Org, crowd: Crowd) -> None:
    page = signed_in(org.director).get(f"/assessments/campaigns/{crowd.campaign.pk}/team/").content.decode()
    # Listening's band is 70-90: scores 0, 25, 50 (twice each) are below, 75 inside, 100 above
    # -> below 6, inside 2, above 2, ready (4 of 10) 40%, mean 50; 20-point buckets 2 each
    assert (
        '<th scope="row">Listening</th>\n    <td class="num">6</td><td class="num">2</td>'
        '<td class="num">2</td><td class="num">40%</td>' in page
    )
    assert "Distribution" in page and page.count('<span class="bar" style="width:2em"></span> 2') == 10
    assert page.count("heat-far") >= 4 and "heat-inside" in page and "heat-above" in page


def test_no_page_runs_a_query_per_row(rows: Rows) -> None:
    client = signed_in(rows.org.director)
    shared, extra = rows.shared.pk, rows.extra.pk
    urls = [
        "/assessments/",
        "/assessments/campaigns/",
        "/assessments/questionnaires/",
        "/assessments/invitations/",
        f"/assessments/campaigns/{shared}/",
        f"/assessments/campaigns/{shared}/team/",
        f"/assessments/export/?campaign={shared}&format=csv",
        f"/assessments/export/?campaign={shared}&format=xlsx",
        f"/assessments/questionnaires/{extra}/",
        f"/assessments/questionnaires/{extra}/export/?format=csv",
        "/assessments/quality/",
    ]

    def counts() -> dict[str, int]:
        found = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            found[url] = len(queries)
        return found

    rows.grow(3)
    counts()  # warm up the session and caches
    few = counts()
    rows.grow(3)
    many = counts()
    assert many == few
    assert "Candidate 5" in client.get(f"/assessments/campaigns/{shared}/team/").content.decode()


# Stored norms on the pages; the team page a page at a time ------------------------------------------


def test_a_new_submission_changes_the_percentile_shown(org: Org, small: Small, crowd: Crowd) -> None:
    # given candidate 2's report: a score of 50 on both competencies, percentile 50 among the 10
    director = signed_in(org.director)
    url = f"/assessments/{crowd.assessments[2].pk}/report/"
    assert director.get(url).content.decode().count('<td class="num">50</td></tr>') == 2
    # when one more person, in another campaign on the same questionnaire, submits a self-rating
    # whose keyed answers are all 1 (a score of 0), through their personal link
    campaign = services.create_campaign(
        name="Late", questionnaire=small.questionnaire, due_date=in_days(5), created_by=org.director
    )
    late = services.add_subject(
        campaign=campaign, candidate_name="Late Candidate", candidate_email="late@example.test"
    )
    services.launch_campaign(campaign=campaign)
    own = late.invitations.get()
    keyed_one = {item_field(small, name): "5" if item.reverse else "1" for name, item in small.items.items()}
    assert Client().post(link(own), {**keyed_one, "action": "submit"}).status_code == 200
    # then candidate 2 is ranked among 11: below 50 now 0, 0, 0, 25, 25 -> (5 + 0.5 * 2)/11 = 54.5
    page = director.get(url).content.decode()
    assert page.count('<td class="num">55</td></tr>') == 2 and '<td class="num">50</td></tr>' not in page
    # and the norms count 11 people (test_quality_page_... counted 10)
    quality = director.get(f"/assessments/quality/?questionnaire={small.questionnaire.pk}").content.decode()
    assert quality.count('<td class="num">11</td>') == 2


def heatmap_order(page: str, crowd: Crowd) -> list[int]:
    """Which candidates (0-9) the heatmap shows, in its order."""
    shown = {page.find(f'href="/assessments/{a.pk}/report/"'): n for n, a in enumerate(crowd.assessments)}
    return [n for place, n in sorted(shown.items()) if place >= 0]


LISTENING_STRENGTH = (
    '<th scope="row">Listening</th>\n    <td class="num">{}</td><td class="num">{}</td>'
    '<td class="num">{}</td><td class="num">{}%</td>'
)


def test_the_team_page_shows_a_page_of_people_and_figures_over_all_of_them(
    org: Org, small: Small, crowd: Crowd, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "TEAM_PAGE_SIZE", 4)
    client = signed_in(org.director)
    url = f"/assessments/campaigns/{crowd.campaign.pk}/team/"
    # by name, four at a time
    first = client.get(url).content.decode()
    assert heatmap_order(first, crowd) == [0, 1, 2, 3]
    assert "10 people you may see" in first and "page 1 of 3" in first
    assert heatmap_order(client.get(f"{url}?page=3").content.decode(), crowd) == [8, 9]
    # bench strength and distribution count all 10 on every page (test_team_report_numbers_by_hand)
    second = client.get(f"{url}?page=2").content.decode()
    assert heatmap_order(second, crowd) == [4, 5, 6, 7]
    for page in (first, second):
        assert LISTENING_STRENGTH.format(6, 2, 2, 40) in page
        assert page.count('<span class="bar" style="width:2em"></span> 2') == 10
    # sorted by Listening, highest first: the two 100s, then the two 75s (ties in the order added)
    listening = small.items["L1"].competency_id
    by_score = client.get(f"{url}?sort=-c{listening}").content.decode()
    assert heatmap_order(by_score, crowd) == [4, 9, 3, 8]
    assert heatmap_order(client.get(f"{url}?sort=c{listening}").content.decode(), crowd) == [0, 5, 1, 6]
    # a search narrows the list and the figures with it: candidate 7 alone, 50 is below the 70-90 band
    found = client.get(f"{url}?q=candidate+7").content.decode()
    assert heatmap_order(found, crowd) == [7]
    assert "1 person you may see matches the search" in found
    assert LISTENING_STRENGTH.format(1, 0, 0, 0) in found
    # htmx asks for the heatmap alone
    partial = client.get(f"{url}?page=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="heatmap").content.decode()
    assert heatmap_order(partial, crowd) == [4, 5, 6, 7] and "<h1>" not in partial


def test_the_team_page_says_what_is_wrong_with_its_parameters(org: Org, crowd: Crowd) -> None:
    client = signed_in(org.director)
    url = f"/assessments/campaigns/{crowd.campaign.pk}/team/"
    for query, message in (
        ("?team=north", "&#x27;north&#x27; is not a valid value."),
        ("?team=999999", "&#x27;999999&#x27; is not one of the allowed values."),
        ("?sort=fit", "Cannot sort by &#x27;fit&#x27;; use one of"),
    ):
        response = client.get(url + query)
        page = response.content.decode()
        # the message, and everyone still listed by name
        assert response.status_code == 200 and message in page, query
        assert heatmap_order(page, crowd) == list(range(10)), query
    # a page past the end shows the last page
    assert heatmap_order(client.get(f"{url}?page=99").content.decode(), crowd) == list(range(10))


def test_team_page_parameters_never_show_more_than_the_user_may_see(org: Org, small: Small) -> None:
    # given a director's closed campaign over both teams
    campaign = services.create_campaign(
        name="All hands",
        questionnaire=small.questionnaire,
        benchmark=small.benchmark,
        due_date=in_days(7),
        created_by=org.director,
    )
    services.add_subject(campaign=campaign, subject_user=org.kam_a)
    services.add_subject(campaign=campaign, subject_user=org.kam_south)
    services.launch_campaign(campaign=campaign)
    for invitation in RaterInvitation.objects.filter(relationship__in=["self", "manager"]):
        answer(small, invitation, SELF if invitation.relationship == "self" else MANAGER)
    services.close_campaign(campaign=campaign)
    url = f"/assessments/campaigns/{campaign.pk}/team/"
    listening = small.items["L1"].competency_id
    # the north manager, searching for, filtering on or sorting towards the south, finds nobody else
    north = signed_in(org.north_manager)
    south_team = org.kam_south.team_id
    for query in (f"?q=South&team={south_team}", "?q=South", f"?sort=-c{listening}&page=2"):
        page = north.get(url + query).content.decode()
        assert "Kam South" not in page, query
    searched = north.get(f"{url}?q=South").content.decode()
    assert "Nobody to show" in searched and "0 people you may see match the search" in searched
    # and the figures count their own team only: kam_a's 75 on Listening, inside the 70-90 band
    assert LISTENING_STRENGTH.format(0, 1, 0, 100) in north.get(url).content.decode()
    # someone who may see nobody in the campaign is refused, whatever they ask for
    for who in (org.kam_b, org.viewer):
        client = signed_in(who)
        for query in ("", "?page=2", f"?sort=-c{listening}", "?q=Kam"):
            assert client.get(url + query).status_code == 404, (who, query)
        assert client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="heatmap").status_code == 404


def test_team_and_report_pages_run_the_same_queries_whatever_the_number_of_people(
    rows: Rows, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given pages of two people, so that the people outgrow the first page
    monkeypatch.setattr(queries, "TEAM_PAGE_SIZE", 2)
    client = signed_in(rows.org.director)
    team = f"/assessments/campaigns/{rows.shared.pk}/team/"
    listening = rows.small.items["L1"].competency_id
    first = rows.shared.assessments.order_by("pk").first()
    assert first is not None
    urls = [
        team,
        f"{team}?page=2",
        f"{team}?sort=-c{listening}",
        f"{team}?q=Candidate&sort=c{listening}&page=2",
        f"/assessments/{first.pk}/report/",
        f"/assessments/{first.pk}/report.pdf",
    ]

    def counts() -> dict[str, int]:
        found = {}
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200, url
            found[url] = len(captured)
        return found

    rows.grow(3)
    counts()  # the first read after a change may recount the stored norms
    few = counts()
    rows.grow(6)
    counts()
    many = counts()
    assert many == few
    assert "10 people you may see" in client.get(team).content.decode()
