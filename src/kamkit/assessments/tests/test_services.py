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

from kamkit.assessments import builtin, queries, reports, scoring, services, tasks
from kamkit.assessments.choices import CampaignStatus, LinkState, Relationship
from kamkit.assessments.documents import ItemDoc, QuestionnaireDoc, read_csv, to_dict, write
from kamkit.assessments.models import (
    Answer,
    Assessment,
    Campaign,
    NormScore,
    NormState,
    Questionnaire,
    RaterInvitation,
)
from kamkit.assessments.queries import document_of, invitation_for_token
from kamkit.assessments.scoring import HIDDEN, INSUFFICIENT, OK, PENDING, Tally
from kamkit.assessments.tests.fixtures import Crowd, Round, Small, answer, in_days, launch
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
    from kamkit.assessments.tests.fixtures import SMALL_ITEMS

    with pytest.raises(ServiceError) as refused:
        services.create_questionnaire(
            framework=draft, doc=QuestionnaireDoc(name="Early", items=list(SMALL_ITEMS))
        )
    assert "framework" in refused.value.errors
    assert Framework.objects.count() == 1


# Editing items in place ---------------------------------------------------------------------------


def test_items_change_freely_until_someone_answers(small: Small) -> None:
    # given a questionnaire nobody has answered
    questionnaire, l3, l4_pk = small.questionnaire, small.items["L3"], small.items["L4"].pk
    follow = small.framework.competencies.get(name="Follow-through")
    # when an admin rewords, re-keys, moves, adds and removes statements
    with acting_as(label="test:editor"):
        services.update_item(
            item=l3,
            changes=services.ItemChanges(
                others_text="  They  cut customers off. ", reverse=False, competency=follow
            ),
        )
        added = services.add_item(
            questionnaire=questionnaire,
            competency=follow,
            self_text="I write down what I promised.",
            others_text="They write down what they promised.",
            reverse=True,
        )
        services.remove_item(item=small.items["L4"])
    # then every change is kept, the new item goes last, and the trail names each one
    l3.refresh_from_db()
    assert (l3.others_text, l3.reverse, l3.competency) == ("They cut customers off.", False, follow)
    assert added.order == 7 and added.reverse
    assert questionnaire.items.count() == 7
    entries = list(history_of(questionnaire)[:3])
    assert all(entry.actor_label == "test:editor" for entry in entries)
    removed, created, edited = (entry.changes for entry in entries)
    assert edited[f"item {l3.pk} others_text"] == ["They interrupt customers.", "They cut customers off."]
    assert edited[f"item {l3.pk} reverse"] == [True, False]
    assert edited[f"item {l3.pk} competency"] == ["Listening", "Follow-through"]
    assert created[f"item {added.pk}"][1].startswith("Follow-through: They write down")
    assert removed[f"item {l4_pk}"] == [
        "Listening: They plan their answer while others talk.",
        None,
    ]


def test_once_answered_wording_and_order_change_but_meaning_does_not(small: Small, round360: Round) -> None:
    # given one peer who saved a draft (not even submitted yet)
    launch(round360)
    answer(small, round360.peers[0], {"L3": 2}, submit=False)
    l3 = small.items["L3"]
    listening = l3.competency
    # when the wording and the order are fixed, then that is allowed and audited
    services.update_item(
        item=l3, changes=services.ItemChanges(self_text="I cut customers off.", order=9, reverse=True)
    )
    l3.refresh_from_db()
    assert (l3.self_text, l3.order, l3.reverse) == ("I cut customers off.", 9, True)
    assert history_of(small.questionnaire).first().changes == {  # type: ignore[union-attr]
        f"item {l3.pk} self_text": ["I interrupt customers.", "I cut customers off."],
        f"item {l3.pk} order": [2, 9],
    }
    # but changes to what the statements measure are refused, saying why and what to do instead
    follow = small.framework.competencies.get(name="Follow-through")
    refusals = [
        (lambda: services.update_item(item=l3, changes=services.ItemChanges(reverse=False)), "keying"),
        (
            lambda: services.update_item(item=l3, changes=services.ItemChanges(competency=follow)),
            "competency",
        ),
        (lambda: services.remove_item(item=small.items["L1"]), "removing"),
        (
            lambda: services.add_item(
                questionnaire=small.questionnaire,
                competency=listening,
                self_text="I nod.",
                others_text="They nod.",
            ),
            "adding",
        ),
    ]
    for attempt, word in refusals:
        with pytest.raises(ConflictError) as refused:
            attempt()
        message = refused.value.detail
        assert "1 rater has already answered this questionnaire" in message and word in message
        assert "copy it as a new questionnaire" in message
    l3.refresh_from_db()
    assert l3.reverse and l3.competency == listening and small.questionnaire.items.count() == 7


def test_item_input_is_checked(small: Small, kam_questionnaire: Questionnaire) -> None:
    l1 = small.items["L1"]
    with pytest.raises(ServiceError) as blank:
        services.update_item(item=l1, changes=services.ItemChanges(self_text="  ", others_text=""))
    assert set(blank.value.errors) == {"self_text", "others_text"}
    with pytest.raises(ServiceError) as twice:
        services.update_item(
            item=l1, changes=services.ItemChanges(others_text="They summarise what they heard.")
        )
    assert "already has this statement" in twice.value.errors["others_text"][0]
    elsewhere = kam_questionnaire.framework.competencies.first()
    assert elsewhere is not None
    with pytest.raises(ServiceError) as foreign:
        services.add_item(
            questionnaire=small.questionnaire, competency=elsewhere, self_text="I x.", others_text="They x."
        )
    assert "is not a competency of" in foreign.value.errors["competency"][0]
    lonely = services.create_questionnaire(
        framework=small.framework,
        doc=QuestionnaireDoc(name="One", items=[ItemDoc("Listening", "I nod.", "They nod.")]),
    )
    with pytest.raises(ConflictError, match="at least one statement"):
        services.remove_item(item=lonely.items.get())


def test_copy_as_a_new_questionnaire_to_change_what_an_answered_one_measures(
    small: Small, round360: Round
) -> None:
    # given a questionnaire with submitted answers
    answered_round(small, round360)
    # when it is copied
    copy = services.copy_questionnaire(questionnaire=small.questionnaire, name="Small check, second edition")
    # then the copy has the same statements, scale and framework, and may be changed in every way
    assert (copy.slug, copy.framework) == ("small-check-second-edition", small.framework)
    assert to_dict(document_of(copy))["items"] == to_dict(document_of(small.questionnaire))["items"]
    assert copy.scale_labels == small.questionnaire.scale_labels
    services.update_item(item=copy.items.get(order=2), changes=services.ItemChanges(reverse=False))
    services.remove_item(item=copy.items.get(order=0))
    assert history_of(copy).filter(changes__has_key="copied_from").exists()
    # and a copy needs a name of its own
    with pytest.raises(ServiceError):
        services.copy_questionnaire(questionnaire=small.questionnaire, name="  ")
    with pytest.raises(ConflictError):
        services.copy_questionnaire(questionnaire=small.questionnaire, name="Small check")


# The database's sums, reminders per rater, norms and scale quality ---------------------------------


def test_the_database_adds_up_keyed_answers_per_rater_and_competency(small: Small, round360: Round) -> None:
    # given the answers of test_scoring.py submitted, and a customer's draft that must not count
    answered_round(small, round360)
    customer = services.invite_rater(
        assessment=round360.assessment, relationship=Relationship.CUSTOMER, rater_email="c@client.test"
    )
    answer(small, customer, {"L1": 5, "L2": 5}, submit=False)
    listening, follow = small.items["L1"].competency_id, small.items["F1"].competency_id
    # when the database adds them up
    raters = queries.submitted_tallies([round360.assessment.pk], [listening, follow])
    # then (reverse items count 6 - x; blank items are left out of both the sum and the count):
    # self L 5+4+(6-2)+(6-1) = 18/4, F 3/1; manager L 4+4 = 8/2, F 2+3+(6-4) = 7/3;
    # peer 1 L 3+3+3+3 = 12/4, F 4+4+(6-2) = 12/3; peer 2 L 2+3+(6-4)+(6-5) = 8/4, F 5+5 = 10/2;
    # peer 3 L 4/1, F 3+4+(6-3) = 10/3
    by_invitation = {
        invitation.pk: (listening_sum, follow_sum)
        for invitation, listening_sum, follow_sum in [
            (round360.self, Tally(18, 4), Tally(3, 1)),
            (round360.manager, Tally(8, 2), Tally(7, 3)),
            (round360.peers[0], Tally(12, 4), Tally(12, 3)),
            (round360.peers[1], Tally(8, 4), Tally(10, 2)),
            (round360.peers[2], Tally(4, 1), Tally(10, 3)),
        ]
    }
    assert {pk: (r.tallies[listening], r.tallies[follow]) for pk, r in raters.items()} == by_invitation
    assert {r.relationship for r in raters.values()} == {"self", "manager", "peer"}
    assert customer.pk not in raters


def test_one_reminder_a_day_per_rater_whatever_the_number_of_people_they_rate(
    org: Org, small: Small, round360: Round, django_capture_on_commit_callbacks: Any
) -> None:
    # given kam_b rates both kam_a and kam_deep and answered neither
    deep = services.add_subject(campaign=round360.campaign, subject_user=org.kam_deep, default_raters=False)
    services.invite_rater(assessment=deep, relationship=Relationship.PEER, rater_user=org.kam_b)
    with django_capture_on_commit_callbacks(execute=True):
        launch(round360)
    RaterInvitation.objects.update(invited_at=timezone.now() - dt.timedelta(days=1))
    mail.outbox.clear()
    # when reminders run, kam_b gets one e-mail listing both people
    tasks.send_reminders.call()
    to_kam_b = [m for m in mail.outbox if m.to == ["kam.b@example.test"]]
    assert len(to_kam_b) == 1 and to_kam_b[0].subject == "Reminder: 2 assessments wait"
    assert "About Kam A" in to_kam_b[0].body and "About Kam Deep" in to_kam_b[0].body
    # and a third request to kam_b, made yesterday in another campaign, brings no second e-mail today
    other = services.create_campaign(
        name="Other", questionnaire=small.questionnaire, due_date=in_days(5), created_by=org.director
    )
    south = services.add_subject(campaign=other, subject_user=org.kam_south, default_raters=False)
    third = services.invite_rater(assessment=south, relationship=Relationship.PEER, rater_user=org.kam_b)
    services.launch_campaign(campaign=other)
    RaterInvitation.objects.filter(pk=third.pk).update(invited_at=timezone.now() - dt.timedelta(days=1))
    mail.outbox.clear()
    tasks.send_reminders.call()
    assert [m.to for m in mail.outbox] == []


def test_norms_percentiles_and_alpha_from_thirty_answer_sets(crowd: Crowd, small: Small) -> None:
    # given 30 customers' answers, each candidate's keyed level the same on every item:
    # basis scores 0, 25, 50, 75, 100, twice each
    results = reports.results_for(crowd.assessments, detail=True)
    listening = [results[a.pk].competencies[0] for a in crowd.assessments]
    assert [row.basis.score for row in listening] == [0, 25, 50, 75, 100] * 2
    # then percentiles are mid-ranks among the 10: a score of 0 has none below and two equal ->
    # (0 + 1)/10 = 10; 50 has four below -> (4 + 1)/10 = 50; 100 -> (8 + 1)/10 = 90
    assert [row.percentile for row in listening[:5]] == [10.0, 30.0, 50.0, 70.0, 90.0]
    # and scale quality: items vary only with the candidate, so each competency's items agree
    # perfectly: alpha = k/(k-1) * (1 - k var / (k^2 var)) = 1; it is shown from 30 complete sets
    quality = reports.scale_quality(small.questionnaire)
    assert [(q.name, q.reliability.respondents, q.reliability.items) for q in quality] == [
        ("Listening", 30, 4),
        ("Follow-through", 30, 3),
    ]
    assert all(q.reliability.alpha == pytest.approx(1.0) and q.alpha_shown for q in quality)
    # norms over 0, 0, 25, 25, 50, 50, 75, 75, 100, 100: P10 at position 0.9 -> 0, P25 at 2.25 -> 25,
    # median 50, P75 at 6.75 -> 75, P90 at 8.1 -> 100; mean 50
    norm = quality[0].norm
    assert (norm.count, norm.mean) == (10, 50.0)
    assert norm.percentiles == {10: 0.0, 25: 25.0, 50: 50.0, 75: 75.0, 90: 100.0}


def test_fewer_than_ten_people_show_no_percentile(small: Small, round360: Round) -> None:
    answered_round(small, round360)
    services.close_campaign(campaign=round360.campaign)
    assert all(row.percentile is None for row in result_of(round360).competencies)


# Stored norms: kept current by the services, recounted after any other change ---------------------


def stored_scores(questionnaire: Questionnaire) -> dict[tuple[int, str], float]:
    """(assessment id, competency name) -> stored score, to two decimals."""
    return {
        (assessment_id, name): round(score, 2)
        for assessment_id, name, score in NormScore.objects.filter(questionnaire=questionnaire).values_list(
            "assessment_id", "competency__name", "score"
        )
    }


def assert_current_as_a_recount(questionnaire: Questionnaire) -> None:
    """The stored norms say they are current, and hold what counting everything afresh gives."""
    state = NormState.objects.get(questionnaire=questionnaire)
    assert state.inputs == queries.norm_inputs(questionnaire.pk).as_dict()
    everyone = list(
        Assessment.objects.filter(campaign__questionnaire=questionnaire).select_related("campaign")
    )
    stored = NormScore.objects.filter(questionnaire=questionnaire)
    assert sorted(stored.values_list("assessment_id", "competency_id", "score")) == sorted(
        reports.basis_scores(everyone)
    )
    own = queries.scale_items(questionnaire.pk)
    assert state.alpha_sums == reports.moments_for_storage(queries.alpha_moments(own, questionnaire.pk), own)


def test_submissions_and_closing_update_the_stored_norms_as_a_recount_would(
    small: Small, round360: Round
) -> None:
    # given a launched campaign whose norms a page has read (nobody has answered yet)
    launch(round360)
    reports.current_norms(small.questionnaire.pk)
    assert stored_scores(small.questionnaire) == {}
    subject = round360.assessment.pk
    # when the self-rating is submitted, the stored norms take it in at once (no page has read them):
    # others have not answered, so the score compared is self: Listening 87.5, Follow-through too few
    answer(small, round360.self, SELF)
    assert stored_scores(small.questionnaire) == {(subject, "Listening"): 87.5}
    assert_current_as_a_recount(small.questionnaire)
    # the manager's answers make "others" the manager (75, 33.33); peers stay pending while it is open
    answer(small, round360.manager, MANAGER)
    for invitation, values in zip(round360.peers, PEERS, strict=True):
        answer(small, invitation, values)
    assert stored_scores(small.questionnaire) == {
        (subject, "Listening"): 75.0,
        (subject, "Follow-through"): 33.33,
    }
    assert_current_as_a_recount(small.questionnaire)
    # closing counts the peers (test_scores_of_a_closed_campaign_by_hand): Follow-through 66.67
    services.close_campaign(campaign=round360.campaign)
    assert stored_scores(small.questionnaire) == {
        (subject, "Listening"): 75.0,
        (subject, "Follow-through"): 66.67,
    }
    assert_current_as_a_recount(small.questionnaire)
    # and alpha sums grown one response at a time equal those counted from scratch
    added_up = NormState.objects.get(questionnaire=small.questionnaire).alpha_sums
    NormState.objects.all().delete()
    reports.current_norms(small.questionnaire.pk)
    assert NormState.objects.get(questionnaire=small.questionnaire).alpha_sums == added_up


def test_changes_made_outside_the_services_are_recounted_before_anyone_reads(
    small: Small, round360: Round, settings: Any, django_assert_num_queries: Any
) -> None:
    # given a closed campaign whose stored norms are current (closing computed them)
    answered_round(small, round360)
    services.close_campaign(campaign=round360.campaign)
    subject = round360.assessment.pk
    assert stored_scores(small.questionnaire)[(subject, "Listening")] == 75.0
    # reading current norms is one look at the state and three counts, nothing recomputed
    with django_assert_num_queries(4):
        reports.current_norms(small.questionnaire.pk)
    # when the anonymity threshold drops to 2, the two Listening peers count (test_a_lower_...): 50
    settings.KAMKIT_ANONYMITY_MIN = 2
    reports.current_norms(small.questionnaire.pk)
    assert stored_scores(small.questionnaire)[(subject, "Listening")] == 50.0
    assert_current_as_a_recount(small.questionnaire)
    # when a script takes the manager's response back, others are the peers alone:
    # Listening (3 + 2)/2 = 2.5 -> 37.5; Follow-through (4 + 5 + 10/3)/3 = 37/9 -> 77.78
    RaterInvitation.objects.filter(pk=round360.manager.pk).update(submitted_at=None)
    reports.current_norms(small.questionnaire.pk)
    assert stored_scores(small.questionnaire) == {
        (subject, "Listening"): 37.5,
        (subject, "Follow-through"): 77.78,
    }
    assert_current_as_a_recount(small.questionnaire)
    # and when the person's assessment is deleted, their scores and answers go with it
    round360.assessment.delete()
    assert stored_scores(small.questionnaire) == {}
    quality = reports.scale_quality(small.questionnaire)
    assert [(q.reliability.respondents, q.norm.count) for q in quality] == [(0, 0), (0, 0)]
    assert_current_as_a_recount(small.questionnaire)


def test_a_submission_to_norms_that_are_out_of_date_leaves_them_for_the_next_read(
    small: Small, round360: Round
) -> None:
    # given stored norms that a script has made out of date (the self-rating submitted behind their back)
    launch(round360)
    reports.current_norms(small.questionnaire.pk)
    answer(small, round360.self, SELF)
    RaterInvitation.objects.filter(pk=round360.self.pk).update(submitted_at=None)
    # when the manager submits, nothing is added to norms that no longer describe the database
    answer(small, round360.manager, MANAGER)
    state = NormState.objects.get(questionnaire=small.questionnaire)
    assert state.inputs != queries.norm_inputs(small.questionnaire.pk).as_dict()
    # and the next read counts everything again: the manager alone, 75 and 33.33
    reports.current_norms(small.questionnaire.pk)
    assert set(stored_scores(small.questionnaire).values()) == {75.0, 33.33}
    assert_current_as_a_recount(small.questionnaire)


def test_the_database_counts_norms_percentiles_and_team_figures_as_the_scoring_rules_do(
    org: Org, small: Small
) -> None:
    # given 13 people's stored Listening scores, with ties and scores on band (70, 90) and bucket edges
    values = [0.0, 12.5, 20.0, 20.0, 39.999, 40.0, 55.0, 70.0, 70.0, 81.25, 90.0, 90.5, 100.0]
    campaign = services.create_campaign(
        name="Edges", questionnaire=small.questionnaire, due_date=in_days(3), created_by=org.director
    )
    people = [
        services.add_subject(
            campaign=campaign,
            candidate_name=f"Edge {n}",
            candidate_email=f"e{n}@x.test",
            default_raters=False,
        )
        for n in range(len(values))
    ]
    listening = small.items["L1"].competency_id
    NormScore.objects.bulk_create(
        NormScore(questionnaire=small.questionnaire, assessment=a, competency_id=listening, score=v)
        for a, v in zip(people, values, strict=True)
    )
    # then norms are what scoring.norm gives from the list
    stored, listed = queries.norms_of(small.questionnaire.pk, [listening])[listening], scoring.norm(values)
    assert (stored.count, stored.percentiles) == (listed.count, listed.percentiles)
    assert stored.mean == pytest.approx(listed.mean)
    # percentiles are what scoring.percentile_rank gives, for scores in and out of the population
    for own in (0.0, 20.0, 39.999, 70.0, 75.0, 90.0, 100.0, 101.0):
        below, equal, total = queries.rank_counts(small.questionnaire.pk, {listening: own})[listening]
        assert scoring.mid_rank(below, equal, total) == scoring.percentile_rank(own, values), own
    # and bench strength and buckets over everyone, or some, are what the rules give from the list
    band = scoring.Band(70, 90)
    everyone = Assessment.objects.filter(campaign=campaign)
    for group, scores in (
        (everyone, values),
        (everyone.filter(pk__in=[p.pk for p in people[:6]]), values[:6]),
    ):
        figures = queries.team_figures(group, [listening], {listening: band})[listening]
        assert figures.strength == scoring.bench_strength(scores, band)
        assert figures.buckets == scoring.bucket_counts(scores)
        assert (figures.count, figures.mean) == (len(scores), pytest.approx(sum(scores) / len(scores)))
