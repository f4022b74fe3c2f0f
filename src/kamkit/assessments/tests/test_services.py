"""Assessment services: campaign life cycle, raters, answers and links, reminders, scores from the
database worked out by hand, the built-in questionnaire and questionnaire import/export."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from kamkit.assessments import builtin, reports, services, tasks
from kamkit.assessments.choices import CampaignStatus, LinkState, Relationship
from kamkit.assessments.documents import read_csv, to_dict, write
from kamkit.assessments.models import Answer, Campaign, Questionnaire, RaterInvitation
from kamkit.assessments.queries import document_of, invitation_for_token
from kamkit.assessments.scoring import HIDDEN, INSUFFICIENT, OK, PENDING
from kamkit.assessments.tests.fixtures import Round, Small, answer, in_days, launch
from kamkit.core.audit import acting_as
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.core.queries import history_of
from kamkit.frameworks import services as framework_services
from kamkit.frameworks.models import Framework
from kamkit.frameworks.tests.fixtures import small_doc
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db

# The answers of test_scoring.py, by item name: L1 L2 L3(r) L4(r) are Listening, F1 F2 F3(r) Follow-through.
SELF = {"L1": 5, "L2": 4, "L3": 2, "L4": 1, "F1": 3}
MANAGER = {"L1": 4, "L2": 4, "F1": 2, "F2": 3, "F3": 4}
PEERS = [
    {"L1": 3, "L2": 3, "L3": 3, "L4": 3, "F1": 4, "F2": 4, "F3": 2},
    {"L1": 2, "L2": 3, "L3": 4, "L4": 5, "F1": 5, "F2": 5},
    {"L1": 4, "F1": 3, "F2": 4, "F3": 3},
]


def answered_round(small: Small, round360: Round) -> None:
    launch(round360)
    answer(small, round360.self, SELF)
    answer(small, round360.manager, MANAGER)
    for invitation, values in zip(round360.peers, PEERS, strict=True):
        answer(small, invitation, values)


def result_of(round360: Round) -> reports.AssessmentResult:
    round360.assessment.refresh_from_db()
    return reports.results_for([round360.assessment], detail=True)[round360.assessment.pk]


def scores(result: reports.AssessmentResult) -> dict[str, dict[str, tuple[Any, str]]]:
    return {
        row.name: {
            g: (round(s.score, 2) if s.score is not None else None, s.status) for g, s in row.groups.items()
        }
        for row in result.competencies
    }


# Scores from the database -------------------------------------------------------------------------


def test_scores_of_a_closed_campaign_by_hand(small: Small, round360: Round) -> None:
    # given the answers of test_scoring.py, submitted, and the campaign closed
    answered_round(small, round360)
    services.close_campaign(campaign=round360.campaign)
    result = result_of(round360)
    # then (worked out in test_scoring.py): self 87.5 / insufficient; manager 75 / 33.33;
    # peers hidden on Listening (2 usable raters < 3), 700/9 = 77.78 on Follow-through;
    # others 75 (manager only) and 200/3 = 66.67
    assert scores(result) == {
        "Listening": {
            "self": (87.5, OK),
            "manager": (75.0, OK),
            "peer": (None, HIDDEN),
            "others": (75.0, OK),
        },
        "Follow-through": {
            "self": (None, INSUFFICIENT),
            "manager": (33.33, OK),
            "peer": (77.78, OK),
            "others": (66.67, OK),
        },
    }
    # both basis scores sit inside their bands (70-90, 60-80): a perfect fit, no gaps
    assert result.fit.overall == 100.0 and result.fit.gaps == []
    assert [row.pole for row in result.competencies] == ["high", "high"]
    assert result.competencies[0].indicators == [
        "Summarises the customer's point before replying.",
        "Asks a second question.",
    ]
    # self 87.5 vs others 75 differs by 12.5: not more than 15
    assert result.self_other == []
    assert result.counts == {"self": (1, 1), "manager": (1, 1), "peer": (3, 3)}


def test_fit_gaps_tips_and_blind_spots_with_stricter_bands(
    small: Small, round360: Round, settings: Any
) -> None:
    answered_round(small, round360)
    services.close_campaign(campaign=round360.campaign)
    listening, follow = list(small.framework.competencies.order_by("order"))
    framework_services.set_targets(
        profile=small.benchmark,
        targets=[
            framework_services.TargetInput(listening, 80, 95, 5),
            framework_services.TargetInput(follow, 70, 90, 3),
        ],
    )
    settings.KAMKIT_BLIND_SPOT_GAP = 10
    result = result_of(round360)
    # Listening: 75 is 5 below 80 -> fit 90; Follow-through: 66.67 is 3.33 below 70 -> fit 93.33
    # overall (90*5 + 93.33*3)/8 = 91.25; gaps by weight: 5*5 = 25, 3.33*3 = 10
    assert result.fit.overall == pytest.approx(91.25)
    assert [(row.name, round(gap.weight, 2)) for gap, row in result.gaps] == [
        ("Listening", 25.0),
        ("Follow-through", 10.0),
    ]
    first = result.competencies[0]
    assert first.pole == "low"
    assert first.indicators == ["Talks over the customer.", "Answers before the question ends."]
    assert first.tips == [
        ("mindset", "Silence is a tool."),
        ("practice", "Write down the customer's words in the meeting."),
    ]
    # self 87.5 vs others 75: more than 10 points -> a blind spot
    assert [(v.competency, v.kind, v.difference) for v in result.self_other] == [
        ("Listening", "blind_spot", 12.5)
    ]


def test_while_open_anonymous_groups_are_pending_and_others_is_the_manager(
    small: Small, round360: Round
) -> None:
    answered_round(small, round360)
    result = result_of(round360)
    assert result.withheld
    table = scores(result)
    assert table["Follow-through"]["peer"] == (None, PENDING)
    assert table["Follow-through"]["others"] == (33.33, OK)  # the manager's 7/3 alone


def test_a_lower_anonymity_threshold_shows_two_peers(small: Small, round360: Round, settings: Any) -> None:
    settings.KAMKIT_ANONYMITY_MIN = 2
    answered_round(small, round360)
    services.close_campaign(campaign=round360.campaign)
    table = scores(result_of(round360))
    # peers 3 and 2 -> 2.5 -> 37.5; others (4 + 3 + 2)/3 = 3 -> 50
    assert table["Listening"]["peer"] == (37.5, OK)
    assert table["Listening"]["others"] == (50.0, OK)


def test_drafts_and_unsubmitted_answers_never_count(small: Small, round360: Round) -> None:
    launch(round360)
    answer(small, round360.manager, MANAGER, submit=False)
    services.close_campaign(campaign=round360.campaign)
    result = result_of(round360)
    assert scores(result) == {"Listening": {}, "Follow-through": {}}
    assert result.counts["manager"] == (1, 0)
    assert result.fit.overall is None


# Campaigns and raters -----------------------------------------------------------------------------


def test_campaign_rules(org: Org, small: Small) -> None:
    with pytest.raises(ServiceError) as past:
        services.create_campaign(
            name="Late", questionnaire=small.questionnaire, due_date=in_days(-1), created_by=org.director
        )
    assert "due_date" in past.value.errors
    campaign = services.create_campaign(
        name="  Autumn  round ",
        questionnaire=small.questionnaire,
        due_date=in_days(3),
        created_by=org.director,
    )
    assert campaign.name == "Autumn round" and campaign.status == CampaignStatus.DRAFT
    with pytest.raises(ServiceError) as empty:
        services.launch_campaign(campaign=campaign)
    assert "assessments" in empty.value.errors
    services.add_subject(campaign=campaign, subject_user=org.kam_b, default_raters=False)
    with pytest.raises(ServiceError) as nobody:
        services.launch_campaign(campaign=campaign)
    assert "Nobody is invited to rate Kam B" in nobody.value.errors["invitations"][0]
    with pytest.raises(ConflictError):
        services.add_subject(campaign=campaign, subject_user=org.kam_b)


def test_default_raters_are_self_manager_and_direct_reports(org: Org, small: Small) -> None:
    campaign = services.create_campaign(
        name="Managers", questionnaire=small.questionnaire, due_date=in_days(3), created_by=org.director
    )
    assessment = services.add_subject(campaign=campaign, subject_user=org.north_manager)
    invited = {(i.relationship, i.rater_user) for i in assessment.invitations.all()}
    assert invited == {
        ("self", org.north_manager),
        ("manager", org.director),
        ("report", org.kam_a),
        ("report", org.kam_b),
        ("report", org.sub_manager),
    }
    candidate = services.add_subject(
        campaign=campaign, candidate_name="Cora Candidate", candidate_email="cora@x.test"
    )
    assert [(i.relationship, i.rater_email) for i in candidate.invitations.all()] == [("self", "cora@x.test")]


def test_rater_rules(org: Org, small: Small, round360: Round) -> None:
    assessment = round360.assessment
    refusals = [
        ({"relationship": Relationship.SELF, "rater_user": org.kam_b}, "relationship"),
        ({"relationship": Relationship.PEER, "rater_user": org.kam_a}, "relationship"),
        ({"relationship": Relationship.PEER, "rater_user": org.kam_b}, "rater_user"),
        ({"relationship": Relationship.CUSTOMER}, "rater_email"),
        ({"relationship": Relationship.CUSTOMER, "rater_email": "not-an-address"}, "rater_email"),
    ]
    for kwargs, field in refusals:
        with pytest.raises(ServiceError) as refused:
            services.invite_rater(assessment=assessment, **kwargs)
        assert field in refused.value.errors, kwargs
    customer = services.invite_rater(
        assessment=assessment,
        relationship=Relationship.CUSTOMER,
        rater_name="Carl Client",
        rater_email="Carl@Client.test",
    )
    assert customer.email == "carl@client.test" and customer.display_name == "Carl Client"
    with pytest.raises(ServiceError):
        services.invite_rater(
            assessment=assessment, relationship=Relationship.CUSTOMER, rater_email="carl@client.test"
        )


def test_launch_mails_each_rater_once_with_a_working_link(
    org: Org, small: Small, round360: Round, django_capture_on_commit_callbacks: Any
) -> None:
    # given kam_b rates both kam_a (peer) and, in the same campaign, kam_deep (peer)
    deep = services.add_subject(campaign=round360.campaign, subject_user=org.kam_deep, default_raters=False)
    services.invite_rater(assessment=deep, relationship=Relationship.PEER, rater_user=org.kam_b)
    # when the campaign is launched
    with django_capture_on_commit_callbacks(execute=True):
        launch(round360)
    # then every rater gets one e-mail, kam_b one listing both people
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        [
            "kam.a@example.test",
            "north.manager@example.test",
            "kam.b@example.test",
            "kam.deep@example.test",
            "sub.manager@example.test",
        ]
    )
    to_kam_b = next(m for m in mail.outbox if m.to == ["kam.b@example.test"])
    links = re.findall(r"http://\S+/assessments/r/(\S+)/", to_kam_b.body)
    assert len(links) == 2
    assert {invitation_for_token(token).assessment.subject_name for token in links} == {"Kam A", "Kam Deep"}
    assert not RaterInvitation.objects.filter(invited_at__isnull=True).exists()


def test_a_rater_added_to_an_open_campaign_is_mailed_at_once(
    org: Org, small: Small, round360: Round, django_capture_on_commit_callbacks: Any
) -> None:
    launch(round360)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_rater(
            assessment=round360.assessment,
            relationship=Relationship.CUSTOMER,
            rater_email="buyer@client.test",
        )
    assert [m.to for m in mail.outbox] == [["buyer@client.test"]]


def test_reminders_at_most_once_a_day_per_rater(
    org: Org, small: Small, round360: Round, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        launch(round360)
    yesterday = timezone.now() - dt.timedelta(days=1)
    RaterInvitation.objects.update(invited_at=yesterday)
    answer(small, round360.self, SELF)  # kam_a has answered: no reminder for them
    mail.outbox.clear()
    # when the reminder task runs twice on the same day
    assert tasks.send_reminders.call() == 4
    assert tasks.send_reminders.call() == 0
    # then each rater who has not answered got exactly one reminder
    assert sorted(m.to[0] for m in mail.outbox) == [
        "kam.b@example.test",
        "kam.deep@example.test",
        "north.manager@example.test",
        "sub.manager@example.test",
    ]
    assert "Reminder" in mail.outbox[0].subject and "/assessments/r/" in mail.outbox[0].body
    # and the next day they are reminded again, once
    RaterInvitation.objects.exclude(last_reminded_at=None).update(last_reminded_at=yesterday)
    assert tasks.send_reminders.call() == 4
    assert RaterInvitation.objects.get(pk=round360.manager.pk).reminder_count == 2


def test_no_reminders_for_closed_campaigns_or_on_the_day_of_the_invitation(
    org: Org, small: Small, round360: Round
) -> None:
    launch(round360)
    RaterInvitation.objects.update(invited_at=timezone.now())
    assert tasks.send_reminders.call() == 0
    RaterInvitation.objects.update(invited_at=timezone.now() - dt.timedelta(days=2))
    services.close_campaign(campaign=round360.campaign)
    assert tasks.send_reminders.call() == 0


# Answers and links --------------------------------------------------------------------------------


def test_draft_then_submit_then_the_link_is_used(small: Small, round360: Round) -> None:
    launch(round360)
    invitation = round360.peers[0]
    answer(small, invitation, {"L1": 4}, submit=False)
    answer(small, invitation, {"L1": 5, "L2": 2}, submit=False)  # a draft is replaced whole
    assert dict(invitation.answers.values_list("item__self_text", "value")) == {
        "I let customers finish.": 5,
        "I summarise what I heard.": 2,
    }
    assert invitation.submitted_at is None and invitation.draft_saved_at is not None
    answer(small, invitation, {"L1": 5, "L2": 2, "F1": 3})
    assert invitation.submitted_at is not None and invitation.answer_count == 3
    with pytest.raises(services.LinkRefused) as again:
        answer(small, invitation, {"L1": 1})
    assert again.value.state == LinkState.SUBMITTED and again.value.status_code == 410


def test_links_expire_at_the_end_of_the_due_date(small: Small, round360: Round, settings: Any) -> None:
    launch(round360)
    invitation = round360.peers[0]
    due = round360.campaign.due_date
    end_of_due_day = round360.campaign.closes_at
    assert end_of_due_day.date() == due + dt.timedelta(days=1) and end_of_due_day.hour == 0
    assert services.link_state(invitation, now=end_of_due_day - dt.timedelta(seconds=1)) == LinkState.VALID
    assert services.link_state(invitation, now=end_of_due_day) == LinkState.EXPIRED
    Campaign.objects.filter(pk=round360.campaign.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    invitation = RaterInvitation.objects.select_related("assessment__campaign").get(pk=invitation.pk)
    with pytest.raises(services.LinkRefused) as expired:
        answer(small, invitation, {"L1": 3})
    assert expired.value.state == LinkState.EXPIRED


def test_closed_and_unlaunched_campaigns_take_no_answers(small: Small, round360: Round) -> None:
    with pytest.raises(services.LinkRefused) as draft:
        answer(small, round360.self, {"L1": 3})
    assert draft.value.state == LinkState.NOT_OPEN
    launch(round360)
    services.close_campaign(campaign=round360.campaign)
    with pytest.raises(services.LinkRefused) as closed:
        answer(small, round360.self, {"L1": 3})
    assert closed.value.state == LinkState.CLOSED


def test_answers_are_checked(small: Small, round360: Round, kam_questionnaire: Questionnaire) -> None:
    launch(round360)
    other_item = kam_questionnaire.items.first()
    assert other_item is not None
    bad = {small.items["L1"].pk: 7, other_item.pk: 3}
    with pytest.raises(ServiceError) as refused:
        services.save_answers(invitation=round360.self, answers=bad)
    assert set(refused.value.errors) == {f"item-{small.items['L1'].pk}", f"item-{other_item.pk}"}
    with pytest.raises(ServiceError, match="not saved"):
        services.save_answers(invitation=round360.self, answers={small.items["L1"].pk: None}, submit=True)
    assert not Answer.objects.exists()


def test_resend_draws_a_new_link_and_keeps_the_draft(small: Small, round360: Round) -> None:
    launch(round360)
    invitation = round360.peers[1]
    old = invitation.token()
    answer(small, invitation, {"L1": 2}, submit=False)
    services.resend_invitation(invitation=invitation)
    assert invitation_for_token(old) is None
    assert invitation_for_token(invitation.token()) == invitation
    assert invitation.answers.count() == 1


def test_the_audit_trail_keeps_counts_not_answers_and_hides_the_token(small: Small, round360: Round) -> None:
    launch(round360)
    with acting_as(label="link:rater"):
        answer(small, round360.peers[0], {"L1": 4, "L2": 5})
    entry = history_of(round360.peers[0]).first()
    assert entry is not None and entry.actor_label == "link:rater"
    assert entry.changes["answer_count"] == [0, 2]
    assert "value" not in str(entry.changes) and "L1" not in str(entry.changes)
    created = history_of(round360.peers[0]).last()
    assert created is not None and created.changes["token_hash"] == ["(hidden)", "(changed)"]


# The built-in questionnaire -----------------------------------------------------------------------


def test_builtin_questionnaire_covers_every_competency(kam_questionnaire: Questionnaire) -> None:
    framework = kam_questionnaire.framework
    assert framework.slug == "key-account-management" and framework.status == "published"
    items = list(kam_questionnaire.items.select_related("competency").order_by("order"))
    for competency in framework.competencies.all():
        own = [item for item in items if item.competency_id == competency.pk]
        assert len(own) >= 6, competency
        assert sum(item.reverse for item in own) >= 2, competency
    for item in items:
        assert re.search(r"\b(I|my|My|me)\b", item.self_text), item.self_text
        assert "this person" in item.others_text.lower(), item.others_text
    # competencies alternate, so no rater answers one competency as a block
    assert len({item.competency_id for item in items[:6]}) == 6
    assert kam_questionnaire.scale_labels[0] == "Strongly disagree"


def test_builtin_loader_is_idempotent(kam_questionnaire: Questionnaire) -> None:
    assert builtin.load_questionnaires() is None
    assert Questionnaire.objects.count() == 1


def test_builtin_statements_are_our_own_words(kam_questionnaire: Questionnaire) -> None:
    """No run of six words is shared with the framework's own texts (indicators, tips, definitions)."""
    framework_file = (
        Path(builtin.__file__).parents[1] / "frameworks" / "builtin" / "key-account-management.yaml"
    )
    words = re.findall(r"[a-z']+", framework_file.read_text(encoding="utf-8").lower())
    shingles = {tuple(words[i : i + 6]) for i in range(len(words) - 5)}
    for item in kam_questionnaire.items.all():
        for text in (item.self_text, item.others_text):
            own = re.findall(r"[a-z']+", text.lower())
            shared = [own[i : i + 6] for i in range(len(own) - 5) if tuple(own[i : i + 6]) in shingles]
            assert not shared, text


# Import and export --------------------------------------------------------------------------------


def test_json_export_imports_back_to_the_same_items(kam_questionnaire: Questionnaire) -> None:
    doc = document_of(kam_questionnaire)
    data = to_dict(doc)
    data["name"], data["slug"] = "KAM behaviours copy", ""
    copy = services.import_questionnaire(data=write_json(data), filename="copy.json")
    assert copy.framework == kam_questionnaire.framework
    again = to_dict(document_of(copy))
    assert again["items"] == to_dict(doc)["items"]
    assert again["scale"] == to_dict(doc)["scale"]


def write_json(data: dict[str, Any]) -> bytes:
    import json

    return json.dumps(data).encode()


def test_csv_round_trip_and_refusals(kam_questionnaire: Questionnaire) -> None:
    text = write(document_of(kam_questionnaire), "csv")
    assert text.splitlines()[0] == "competency,self_text,others_text,reverse"
    doc = read_csv(text.encode(), filename="kam.csv", name="From CSV")
    assert len(doc.items) == 36 and sum(i.reverse for i in doc.items) == 12
    bad = b"competency,self_text,others_text,reverse\nCollaboration,I share.,They share.,perhaps\n"
    with pytest.raises(ServiceError) as refused:
        services.import_questionnaire(
            data=bad, filename="bad.csv", name="Bad", framework=kam_questionnaire.framework
        )
    assert "line 2" in refused.value.errors["file"][0]
    unknown = b"competency,self_text,others_text\nJuggling,I juggle.,They juggle.\n"
    with pytest.raises(ServiceError) as missing:
        services.import_questionnaire(
            data=unknown, filename="x.csv", name="X", framework=kam_questionnaire.framework
        )
    assert "Juggling" in missing.value.detail
    with pytest.raises(ServiceError) as nameless:
        services.import_questionnaire(data=unknown, filename="x.csv", framework=kam_questionnaire.framework)
    assert "name" in nameless.value.errors


def test_questionnaires_need_a_published_framework(db: None) -> None:
    draft = framework_services.create_framework(doc=small_doc("Draft only"))
    from kamkit.assessments.documents import QuestionnaireDoc
    from kamkit.assessments.tests.fixtures import SMALL_ITEMS

    with pytest.raises(ServiceError) as refused:
        services.create_questionnaire(
            framework=draft, doc=QuestionnaireDoc(name="Early", items=list(SMALL_ITEMS))
        )
    assert "framework" in refused.value.errors
    assert Framework.objects.count() == 1
