"""Demo hiring: two Key Account Manager positions on the built-in benchmark, candidates at every
stage (one of them an employee moving up), panels with submitted and draft scorecards, one offer.

Built through the services (a handful of rows), then dated back from the demo's day
(``context.now``) so the stage history, the scorecards and the decision read like a few weeks of
real recruiting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile

from kamkit.core.choices import Role
from kamkit.core.demo import DemoContext, builder
from kamkit.frameworks import builtin as framework_builtin
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import services
from kamkit.hiring.choices import CandidateSource, Outcome, Recommendation, Stage
from kamkit.hiring.models import (
    Application,
    Candidate,
    CandidateAttachment,
    Decision,
    Interview,
    InterviewKit,
    KitCompetency,
    Opening,
    StageChange,
)
from kamkit.users.models import User

EXTERNAL = [
    ("Alex Moreno", CandidateSource.AGENCY, "Northbridge Search"),
    ("Bea Lindqvist", CandidateSource.REFERRAL, "Referred by a key account manager"),
    ("Cyrus Haddad", CandidateSource.JOB_BOARD, "Sales careers board"),
    ("Dora Fitzgerald", CandidateSource.NETWORK, "Met at a retail trade fair"),
    ("Eitan Sorensen", CandidateSource.WEBSITE, ""),
    ("Flor Mendes", CandidateSource.AGENCY, "Northbridge Search"),
]
NOTES = [
    "Gave a recent example with named people on the customer side and a clear sequence of steps.",
    "Described the account well; what they did themself only came out after two probes.",
    "Talked about the team's result more than their own part in it.",
    "Concrete numbers on the outcome and what they would do differently next time.",
    "Answer stayed general; no specific customer or date came up.",
]
SUMMARIES = {
    Recommendation.STRONG_YES: "Consistent, specific evidence across the competencies; would hire.",
    Recommendation.YES: "Good examples on most competencies; one area to probe in the next round.",
    Recommendation.NO: "Examples were thin or borrowed from the team; not at the level we need.",
    Recommendation.STRONG_NO: "Could not give a concrete example for most questions.",
}


def _benchmark() -> BenchmarkProfile | None:
    """The built-in Key Account Manager benchmark on the newest published KAM framework version."""
    framework_builtin.load_frameworks()
    return (
        BenchmarkProfile.objects.filter(
            framework__slug="key-account-management",
            framework__status=FrameworkStatus.PUBLISHED,
            role__iexact="Key Account Manager",
        )
        .select_related("framework")
        .order_by("-framework__version")
        .first()
    )


def _days_ago(context: DemoContext, days: int, hour: int = 10) -> dt.datetime:
    """``hour`` o'clock (local time) so many days before the demo's day."""
    return context.at(context.as_of - dt.timedelta(days=days), dt.time(hour))


def _dated(context: DemoContext, application: Application, days: Sequence[int]) -> None:
    """Spread the application's stage history over the given days ago (oldest first)."""
    changes = list(StageChange.objects.filter(application=application).order_by("changed_at", "id"))
    dated = list(zip(changes, days, strict=False))
    for change, ago in dated:
        StageChange.objects.filter(pk=change.pk).update(changed_at=_days_ago(context, ago))
    Application.objects.filter(pk=application.pk).update(
        stage_changed_at=_days_ago(context, dated[-1][1]), applied_on=_days_ago(context, days[0]).date()
    )


def _score(
    context: DemoContext, interview: Interview, profile: dict[int, float], *, submit: bool
) -> Recommendation:
    """Rate around the candidate's profile (kit competency id -> their real level): interviewers
    see the same person, each with a little noise of their own."""
    competencies = list(
        KitCompetency.objects.filter(
            kit__opening_id=interview.application.opening_id, included=True
        ).prefetch_related("questions")
    )
    ratings = {
        c.pk: services.RatingInput(max(1, min(5, round(profile.get(c.pk, 3.0) + context.rng.gauss(0, 0.35)))))
        for c in competencies
    }
    notes = {
        q.pk: services.NoteInput(
            notes=context.rng.choice(NOTES),
            situation=context.rng.random() < 0.98,
            task=context.rng.random() < 0.93,
            action=context.rng.random() < 0.96,
            result=context.rng.random() < 0.85,
        )
        for c in competencies
        for q in c.questions.all()
    }
    mean = sum(r.rating or 0 for r in ratings.values()) / max(1, len(ratings))
    recommendation = (
        Recommendation.STRONG_YES
        if mean >= 4.2
        else Recommendation.YES
        if mean >= 3.3
        else Recommendation.NO
        if mean >= 2.3
        else Recommendation.STRONG_NO
    )
    services.save_scorecard(
        interview=interview,
        by=interview.interviewer,
        notes=notes,
        ratings=ratings,
        recommendation=recommendation,
        summary=SUMMARIES[recommendation],
        submit=submit,
    )
    return recommendation


def _assessed(kams: Sequence[User]) -> list[User]:
    from kamkit.assessments.models import Assessment

    assessed = set(Assessment.objects.filter(subject_user__in=kams).values_list("subject_user_id", flat=True))
    return [k for k in kams if k.pk in assessed]


@builder(50, "hiring")
def build_hiring(context: DemoContext) -> str:
    people: list[User] = list(context.made.get("people", []))
    kams: list[User] = list(context.made.get("account_managers", []))
    managers = [p for p in people if p.role == Role.MANAGER and p.team_id]
    director = next((p for p in people if p.role == Role.DIRECTOR), None)
    if len(managers) < 2 or len(kams) < 4 or director is None:
        return "none made (too few people for a hiring panel)"
    benchmark = _benchmark()
    if benchmark is None:
        return "none made (the built-in Key Account Manager benchmark is missing)"
    talent = next((p for p in people if p.role == Role.INTERVIEWER), None) or managers[1]
    first_manager, second_manager = managers[0], managers[1]
    same_team = [k for k in kams if k.team_id == first_manager.team_id]
    senior_kam = same_team[0] if same_team else kams[0]

    kam = services.create_opening(
        title=f"Key Account Manager, {first_manager.team}",
        benchmark=benchmark,
        target_level=3,
        hiring_manager=first_manager,
        team=first_manager.team,
        location="Manchester",
        description=(
            "Own four to six retail key accounts: plan each one with the customer, grow the range they "
            "buy, and keep them covered when you are away."
        ),
        opened_on=_days_ago(context, 40).date(),
        created_by=director,
    )
    senior = services.create_opening(
        title="Senior Key Account Manager, strategic accounts",
        benchmark=benchmark,
        target_level=4,
        hiring_manager=second_manager,
        team=second_manager.team,
        location="London",
        description="Lead the two largest accounts and coach the account managers who support them.",
        opened_on=_days_ago(context, 30).date(),
        created_by=director,
    )
    candidates = []
    for full_name, source, detail in EXTERNAL:
        email = full_name.lower().replace(" ", ".") + "@mail.example"
        returning = Candidate.objects.filter(email=email).first()  # on file from an earlier demo
        candidates.append(
            returning
            or services.create_candidate(
                data=services.CandidateInput(
                    full_name=full_name, email=email, source=source, source_detail=detail
                ),
                created_by=first_manager,
            )
        )
    for opening, days in ((kam, 40), (senior, 30)):  # the kits were built when the positions opened
        InterviewKit.objects.filter(opening=opening).update(generated_at=_days_ago(context, days, hour=9))
    cv = services.add_attachment(
        candidate=candidates[3],
        upload=ContentFile(
            b"Dora Fitzgerald\nKey account manager, consumer goods, 2017 to today.\n"
            b"Grew three retail accounts by a third through range reviews and joint business plans.\n",
            name="dora-fitzgerald-cv.txt",
        ),
        kind="cv",
        uploaded_by=first_manager,
    )
    CandidateAttachment.objects.filter(pk=cv.pk).update(uploaded_at=_days_ago(context, 28, hour=9))
    movers = [k for k in _assessed(kams) if k.team_id != second_manager.team_id] or [
        k for k in kams if k.team_id != second_manager.team_id
    ]
    moving = services.CandidateInput(
        user=movers[0], source_detail="Applied through the internal vacancies list", notes="Wants to move up."
    )
    earlier = Candidate.objects.filter(email=movers[0].email.lower()).first()  # from an earlier demo
    internal = (
        services.update_candidate(candidate=earlier, data=moving)
        if earlier is not None
        else services.create_candidate(data=moving, created_by=second_manager)
    )

    def apply(
        candidate: Any, opening: Opening, stages: Sequence[tuple[str, str]], days: Sequence[int]
    ) -> Application:
        application = services.add_application(
            candidate=candidate, opening=opening, added_by=opening.hiring_manager
        )
        for stage, note in stages:
            services.move_stage(
                application=application, to_stage=stage, changed_by=opening.hiring_manager, note=note
            )
        _dated(context, application, days)
        return application

    made = {"interviews": 0, "submitted": 0}

    def panel(
        application: Application, members: Sequence[tuple[User, bool]], level: float, scored: int
    ) -> None:
        """Interviews for the panel, each scored (or left as a draft) on the day ``scored`` days before
        the demo's day, an hour apart."""
        profile = {
            pk: level + context.rng.gauss(0, 0.8)
            for pk in KitCompetency.objects.filter(kit__opening_id=application.opening_id).values_list(
                "pk", flat=True
            )
        }
        for member, submit in members:
            interview = services.assign_interviewer(
                application=application,
                interviewer=member,
                assigned_by=application.opening.hiring_manager,
                notify=False,  # demo people have demo addresses: nobody to e-mail
            )
            made["interviews"] += 1
            _score(context, interview, profile, submit=submit)
            when = _days_ago(context, scored, hour=11 + made["interviews"] % 6)
            Interview.objects.filter(pk=interview.pk).update(
                draft_saved_at=when, submitted_at=when if submit else None
            )
            made["submitted"] += int(submit)

    apply(candidates[0], kam, [], [3])
    apply(candidates[1], kam, [(Stage.SCREENING, "Phone screen booked.")], [12, 9])
    apply(
        candidates[4],
        kam,
        [(Stage.SCREENING, ""), (Stage.REJECTED, "Looking for a field sales role rather than key accounts.")],
        [30, 27, 24],
    )
    interviewing = apply(candidates[2], kam, [], [20])
    panel(interviewing, [(talent, True), (first_manager, False)], 3.1 + context.rng.random() * 0.4, 5)
    _dated(context, interviewing, [20, 8])
    offered = apply(candidates[3], kam, [], [28])
    panel(offered, [(talent, True), (first_manager, True), (senior_kam, True)], 3.8, 14)
    services.record_decision(
        application=offered,
        outcome=Outcome.OFFER,
        reason=(
            "Strongest evidence on planning and growth inside accounts; the panel agreed. Offer at level 3 "
            "with a development goal on customer education."
        ),
        decided_by=first_manager,
    )
    _dated(context, offered, [28, 18, 2])
    Decision.objects.filter(application=offered).update(decided_at=_days_ago(context, 2, hour=16))
    moving_up = apply(internal, senior, [], [21])
    panel(moving_up, [(talent, True), (second_manager, True)], 3.6, 7)
    _dated(context, moving_up, [21, 10])
    apply(
        candidates[5],
        senior,
        [(Stage.SCREENING, ""), (Stage.WITHDRAWN, "Accepted another offer.")],
        [25, 22, 15],
    )
    return (
        f"2 positions, {len(candidates) + 1} candidates (1 employee), {made['interviews']} interviews, "
        f"{made['submitted']} scorecards submitted, 1 offer"
    )
