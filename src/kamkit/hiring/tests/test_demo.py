"""The demo hiring: positions on the built-in benchmark, every stage, an employee moving up, panels
with submitted and draft scorecards, one offer; and the pages open on it."""

from __future__ import annotations

import datetime as dt
from random import Random

import pytest

from kamkit.core import demo
from kamkit.hiring import queries
from kamkit.hiring.choices import InterviewStatus, Outcome, Stage
from kamkit.hiring.models import (
    Application,
    Candidate,
    CandidateAttachment,
    Decision,
    Interview,
    InterviewKit,
    Opening,
    StageChange,
)
from kamkit.users.models import User
from kamkit.users.tests.fixtures import PASSWORD, signed_in

pytestmark = pytest.mark.django_db

SIZE = demo.DemoSize(people=40, accounts=0, deals=0)


def test_demo_builds_a_believable_hiring_round() -> None:
    lines = demo.generate(SIZE, seed=7, as_of=dt.date(2026, 11, 1))
    assert any(line.startswith("hiring: 2 positions, 7 candidates (1 employee)") for line in lines)
    openings = list(Opening.objects.select_related("benchmark__framework").order_by("target_level"))
    assert [o.target_level for o in openings] == [3, 4]
    assert {o.benchmark.role for o in openings} == {"Key Account Manager"}
    assert {o.benchmark.framework.slug for o in openings} == {"key-account-management"}
    stages = set(Application.objects.values_list("stage", flat=True))
    assert stages == {
        Stage.APPLIED,
        Stage.SCREENING,
        Stage.INTERVIEWING,
        Stage.OFFER,
        Stage.REJECTED,
        Stage.WITHDRAWN,
    }
    internal = Candidate.objects.get(user__isnull=False)
    assert internal.applications.get().stage == Stage.INTERVIEWING
    assert Interview.objects.filter(status=InterviewStatus.SUBMITTED).count() == 6
    assert (
        Interview.objects.filter(status=InterviewStatus.ASSIGNED, draft_saved_at__isnull=False).count() == 1
    )
    assert Decision.objects.get().outcome == Outcome.OFFER
    # the history is dated over weeks, oldest first
    offered = Application.objects.get(stage=Stage.OFFER)
    dates = list(
        StageChange.objects.filter(application=offered)
        .order_by("changed_at")
        .values_list("changed_at", flat=True)
    )
    assert len(dates) == 3 and (dates[-1] - dates[0]).days >= 20
    # the offer's panel agrees enough to compute, and the employee's current results show
    director = User.objects.get(role="director")
    summary = queries.panel_summary(director, offered)
    assert len(summary.columns) == 3 and summary.agreement.raters == 3
    moving_up = internal.applications.get()
    assert [v.label.split(" (")[0] for v in queries.assessment_views(internal, moving_up.opening)] == [
        "Current results as an employee"
    ]


def test_the_pages_open_on_the_demo(client: object) -> None:
    demo.generate(SIZE, seed=7, as_of=dt.date(2026, 11, 1))
    director = User.objects.get(role="director")
    director.set_password(PASSWORD)
    director.save()
    browser = signed_in(director)
    offered = Application.objects.get(stage=Stage.OFFER)
    for url in [
        "/hiring/",
        "/hiring/candidates/",
        f"/hiring/positions/{offered.opening_id}/",
        f"/hiring/positions/{offered.opening_id}/kit/",
        f"/hiring/applications/{offered.pk}/",
        f"/hiring/applications/{offered.pk}/decision/",
        f"/hiring/candidates/{offered.candidate_id}/",
    ]:
        assert browser.get(url).status_code == 200, url


def test_the_demo_sends_no_interview_mail(django_capture_on_commit_callbacks: object) -> None:
    from django.core import mail

    # given the demo builds its panels inside a transaction that commits
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        demo.generate(SIZE, seed=7, as_of=dt.date(2026, 11, 1))
    # then its seven interviews are there, and nobody at a demo address was e-mailed about them
    assert Interview.objects.count() == 7
    assert [m.subject for m in mail.outbox if m.subject.startswith("Interview:")] == []


def test_the_hiring_round_is_dated_back_from_the_demos_day() -> None:
    # given a demo made as of a day that is not today
    day = dt.date(2027, 6, 15)
    demo.generate(SIZE, seed=7, as_of=day)
    context = demo.DemoContext(size=SIZE, seed=7, rng=Random(7), as_of=day)
    # then the positions opened 40 and 30 days before, their kits were built that day
    opened = dict(Opening.objects.values_list("target_level", "opened_on"))
    assert opened == {3: day - dt.timedelta(days=40), 4: day - dt.timedelta(days=30)}
    for kit in InterviewKit.objects.select_related("opening"):
        assert kit.generated_at == context.at(kit.opening.opened_on, dt.time(9))
    assert CandidateAttachment.objects.get().uploaded_at < context.now
    # and every scorecard was written after its application reached interviews and before the decision
    decision = Decision.objects.get()
    assert decision.decided_at == context.at(day - dt.timedelta(days=2), dt.time(16))
    for interview in Interview.objects.select_related("application"):
        interviewing = StageChange.objects.get(application=interview.application, to_stage=Stage.INTERVIEWING)
        assert interview.draft_saved_at is not None
        assert interviewing.changed_at < interview.draft_saved_at < context.now
        if interview.application_id == decision.application_id:
            assert interview.submitted_at is not None and interview.submitted_at < decision.decided_at
    assert not StageChange.objects.filter(changed_at__gt=context.now).exists()
