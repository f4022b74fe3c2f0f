"""Demo assessments: one closed 360 campaign over about ten account managers, with believable answers.

Each person gets a true level per competency; raters see it through their own leniency and some
noise, people rate themselves a little higher than others do, and a few statements are left blank.
That gives the reports content and the organisation enough responses for Cronbach's alpha. The
campaign ran six to three weeks before the demo's day (``context.now``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kamkit.assessments import builtin
from kamkit.assessments.choices import CampaignStatus, QuestionnaireSource, Relationship
from kamkit.assessments.models import Answer, Assessment, Campaign, Questionnaire, RaterInvitation
from kamkit.core.choices import Role
from kamkit.core.demo import DemoContext, builder
from kamkit.frameworks import builtin as framework_builtin
from kamkit.users.models import User

SUBJECTS = 10
BLANK_CHANCE = 0.04


def _questionnaire() -> Questionnaire | None:
    """The built-in questionnaire; `kamkit demo` may run before `kamkit migrate` loaded it."""
    framework_builtin.load_frameworks()
    builtin.load_questionnaires()
    return (
        Questionnaire.objects.filter(source=QuestionnaireSource.BUILTIN, slug="kam-behaviours")
        .select_related("framework")
        .order_by("-framework__version")
        .first()
    )


def _peers(context: DemoContext, subject: User, kams: Sequence[User]) -> list[User]:
    same_team = [k for k in kams if k.pk != subject.pk and k.team_id == subject.team_id]
    others = [k for k in kams if k.pk != subject.pk and k.team_id != subject.team_id]
    wanted = context.rng.choice((3, 4))
    chosen = context.rng.sample(same_team, min(wanted, len(same_team)))
    if len(chosen) < wanted and others:
        chosen += context.rng.sample(others, min(wanted - len(chosen), len(others)))
    return chosen


def _answer(context: DemoContext, level: float, leniency: float) -> int:
    return max(1, min(5, round(level + leniency + context.rng.gauss(0, 0.6))))


@builder(40, "assessments")
def build_assessments(context: DemoContext) -> str:
    kams: list[User] = list(context.made.get("account_managers", []))
    if len(kams) < 4:
        return "none made (too few account managers for a 360)"
    questionnaire = _questionnaire()
    if questionnaire is None:
        return "none made (the built-in framework is missing)"
    items = list(questionnaire.items.values_list("id", "competency_id", "reverse"))
    competencies = sorted({competency_id for _, competency_id, _ in items})
    people: list[User] = list(context.made.get("people", []))
    director = next((p for p in people if p.role == Role.DIRECTOR), None)
    launched = context.now - dt.timedelta(days=45)
    campaign = Campaign.objects.create(
        name="Key account manager 360 (demo)",
        description="Self, manager and peer views on the six KAM competencies.",
        questionnaire=questionnaire,
        benchmark=questionnaire.framework.benchmarks.order_by("id").first(),
        due_date=launched.date() + dt.timedelta(days=21),
        status=CampaignStatus.CLOSED,
        created_by=director,
        launched_at=launched,
        closed_at=launched + dt.timedelta(days=22),
    )
    subjects = kams[:SUBJECTS]
    assessments = Assessment.objects.bulk_create(
        [Assessment(campaign=campaign, subject_user=subject) for subject in subjects]
    )
    invitations: list[RaterInvitation] = []
    answer_sets: list[dict[int, int]] = []
    managers = {p.pk: p for p in people}
    for assessment, subject in zip(assessments, subjects, strict=True):
        levels = {c: min(4.8, max(1.6, context.rng.gauss(3.4, 0.65))) for c in competencies}
        raters: list[tuple[str, User, float]] = [(Relationship.SELF, subject, 0.35)]
        manager = managers.get(subject.manager_id or 0)
        if manager is not None:
            raters.append((Relationship.MANAGER, manager, -0.1))
        raters += [(Relationship.PEER, peer, 0.0) for peer in _peers(context, subject, kams)]
        for relationship, rater, bias in raters:
            leniency = bias + context.rng.gauss(0, 0.3)
            answers = {}
            for item_id, competency_id, reverse in items:
                if context.rng.random() < BLANK_CHANCE:
                    continue
                value = _answer(context, levels[competency_id], leniency)
                answers[item_id] = 6 - value if reverse else value
            submitted = launched + dt.timedelta(
                days=context.rng.randint(1, 20), minutes=context.rng.randint(0, 600)
            )
            invitation = RaterInvitation(
                assessment=assessment,
                relationship=relationship,
                rater_user=rater,
                invited_at=launched,
                draft_saved_at=submitted,
                submitted_at=submitted,
                answer_count=len(answers),
            )
            invitation.new_link()
            invitations.append(invitation)
            answer_sets.append(answers)
    RaterInvitation.objects.bulk_create(invitations)
    Answer.objects.bulk_create(
        [
            Answer(invitation=invitation, item_id=item_id, value=value)
            for invitation, answers in zip(invitations, answer_sets, strict=True)
            for item_id, value in answers.items()
        ],
        batch_size=2000,
    )
    return f"1 closed 360 campaign: {len(subjects)} people, {len(invitations)} responses"
