"""Assessment fixtures: a small questionnaire with hand-checkable items, and a 360 campaign on kam_a."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from kamkit.assessments import builtin, services
from kamkit.assessments.choices import Relationship
from kamkit.assessments.documents import ItemDoc, QuestionnaireDoc
from kamkit.assessments.models import Assessment, Campaign, Item, Questionnaire, RaterInvitation
from kamkit.frameworks import services as framework_services
from kamkit.frameworks.models import BenchmarkProfile, Framework
from kamkit.frameworks.tests.fixtures import small_doc
from kamkit.users.tests.fixtures import Org

# Listening: L1, L2, L3 (reverse), L4 (reverse); Follow-through: F1, F2, F3 (reverse).
SMALL_ITEMS = [
    ItemDoc("Listening", "I let customers finish.", "They let customers finish."),
    ItemDoc("Listening", "I summarise what I heard.", "They summarise what they heard."),
    ItemDoc("Listening", "I interrupt customers.", "They interrupt customers.", reverse=True),
    ItemDoc(
        "Listening", "I plan my answer while others talk.", "They plan their answer while others talk.", True
    ),
    ItemDoc("Follow-through", "I do what I promised.", "They do what they promised."),
    ItemDoc("Follow-through", "I confirm when a task is done.", "They confirm when a task is done."),
    ItemDoc("Follow-through", "I let deadlines slip.", "They let deadlines slip.", reverse=True),
]


@dataclass
class Small:
    framework: Framework
    questionnaire: Questionnaire
    benchmark: BenchmarkProfile
    items: dict[str, Item]  # L1..L4, F1..F3


@pytest.fixture
def small(db: None) -> Small:
    framework = framework_services.create_framework(doc=small_doc(), publish=True)
    questionnaire = services.create_questionnaire(
        framework=framework, doc=QuestionnaireDoc(name="Small check", items=list(SMALL_ITEMS))
    )
    benchmark = framework_services.create_benchmark(framework=framework, role="Key Account Manager")
    by_name = {c.name: c for c in framework.competencies.all()}
    framework_services.set_targets(
        profile=benchmark,
        targets=[
            framework_services.TargetInput(by_name["Listening"], 70, 90, 5),
            framework_services.TargetInput(by_name["Follow-through"], 60, 80, 3),
        ],
    )
    items = list(questionnaire.items.order_by("order"))
    names = ["L1", "L2", "L3", "L4", "F1", "F2", "F3"]
    return Small(framework, questionnaire, benchmark, dict(zip(names, items, strict=True)))


@dataclass
class Round:
    """north_manager runs a 360 on kam_a: self, north_manager (manager), peers kam_b, kam_deep and
    sub_manager. Still a draft unless launched."""

    campaign: Campaign
    assessment: Assessment
    self: RaterInvitation
    manager: RaterInvitation
    peers: list[RaterInvitation]


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def round360(org: Org, small: Small) -> Round:
    campaign = services.create_campaign(
        name="Spring 360",
        questionnaire=small.questionnaire,
        benchmark=small.benchmark,
        due_date=in_days(14),
        created_by=org.north_manager,
    )
    assessment = services.add_subject(campaign=campaign, subject_user=org.kam_a)
    peers = [
        services.invite_rater(assessment=assessment, relationship=Relationship.PEER, rater_user=user)
        for user in (org.kam_b, org.kam_deep, org.sub_manager)
    ]
    invitations = {i.relationship: i for i in assessment.invitations.all()}
    return Round(campaign, assessment, invitations["self"], invitations["manager"], peers)


def answer(small: Small, invitation: RaterInvitation, values: dict[str, int], *, submit: bool = True) -> None:
    """Answer by item name (L1..F3); items not named are left blank."""
    services.save_answers(
        invitation=invitation,
        answers={small.items[name].pk: value for name, value in values.items()},
        submit=submit,
    )


def launch(round360: Round) -> None:
    services.launch_campaign(campaign=round360.campaign)


@pytest.fixture
def kam_questionnaire(builtin_frameworks: dict[str, Framework]) -> Questionnaire:
    builtin.load_questionnaires()
    return Questionnaire.objects.get(slug="kam-behaviours")


@dataclass
class Crowd:
    """A director's closed campaign: candidates 0..9, each rated by three customers who answer every
    item so that its keyed value is LEVELS[i] (1, 2, 3, 4, 5, 1, 2, 3, 4, 5). Every basis score is
    then (level - 1) / 4 * 100: 0, 25, 50, 75, 100, twice each."""

    campaign: Campaign
    assessments: list[Assessment]


LEVELS = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]


@pytest.fixture
def crowd(org: Org, small: Small) -> Crowd:
    campaign = services.create_campaign(
        name="Candidates",
        questionnaire=small.questionnaire,
        benchmark=small.benchmark,
        due_date=in_days(10),
        created_by=org.director,
    )
    assessments = []
    invitations: list[tuple[RaterInvitation, int]] = []
    for number, level in enumerate(LEVELS):
        assessment = services.add_subject(
            campaign=campaign,
            candidate_name=f"Candidate {number}",
            candidate_email=f"candidate{number}@example.test",
            default_raters=False,
        )
        assessments.append(assessment)
        for rater in range(3):
            invitation = services.invite_rater(
                assessment=assessment,
                relationship=Relationship.CUSTOMER,
                rater_email=f"customer{number}-{rater}@client.test",
            )
            invitations.append((invitation, level))
    services.launch_campaign(campaign=campaign)
    for invitation, level in invitations:
        services.save_answers(
            invitation=invitation,
            answers={item.pk: 6 - level if item.reverse else level for item in small.items.values()},
            submit=True,
        )
    services.close_campaign(campaign=campaign)
    return Crowd(campaign, assessments)


@dataclass
class Rows:
    """Rows that every list, page and API collection of assessments shows, grown on demand, to check
    that their query counts do not grow with them. The director sees everything: ``shared`` is
    their open campaign, whose candidates each have the director as a peer and an answering customer;
    ``extra`` is a questionnaire nobody answered, which gains a statement per round; each round also
    adds a campaign assessing kam_a and a questionnaire."""

    org: Org
    small: Small
    shared: Campaign
    extra: Questionnaire
    added: int = 0

    def grow(self, count: int) -> None:
        for n in range(self.added, self.added + count):
            campaign = services.create_campaign(
                name=f"Round {n}",
                questionnaire=self.small.questionnaire,
                benchmark=self.small.benchmark,
                due_date=in_days(20),
                created_by=self.org.director,
            )
            services.add_subject(campaign=campaign, subject_user=self.org.kam_a)  # self and manager
            services.copy_questionnaire(questionnaire=self.small.questionnaire, name=f"Copy {n}")
            services.add_item(
                questionnaire=self.extra,
                competency=self.small.items["L1"].competency,
                self_text=f"I do thing {n}.",
                others_text=f"They do thing {n}.",
            )
            self._candidate(n)
        self.added += count

    def _candidate(self, n: int) -> None:
        assessment = services.add_subject(
            campaign=self.shared,
            candidate_name=f"Candidate {n}",
            candidate_email=f"candidate{n}@example.test",
            default_raters=False,
        )
        services.invite_rater(
            assessment=assessment, relationship=Relationship.PEER, rater_user=self.org.director
        )
        customer = services.invite_rater(
            assessment=assessment, relationship=Relationship.CUSTOMER, rater_email=f"buyer{n}@client.test"
        )
        if self.shared.is_open:
            answer(self.small, customer, {"L1": 4, "L2": 3, "L3": 2, "F1": 4, "F2": 4, "F3": 1})


@pytest.fixture
def rows(org: Org, small: Small) -> Rows:
    shared = services.create_campaign(
        name="Shared",
        questionnaire=small.questionnaire,
        benchmark=small.benchmark,
        due_date=in_days(20),
        created_by=org.director,
    )
    extra = services.copy_questionnaire(questionnaire=small.questionnaire, name="Extra")
    grown = Rows(org, small, shared, extra)
    grown._candidate(-1)
    services.launch_campaign(campaign=shared)
    return grown
