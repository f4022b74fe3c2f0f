"""The demo hiring: positions on the built-in benchmark, every stage, an employee moving up, panels
with submitted and draft scorecards, one offer; and the pages open on it."""

from __future__ import annotations

import pytest

from kamkit.core import demo
from kamkit.hiring import queries
from kamkit.hiring.choices import InterviewStatus, Outcome, Stage
from kamkit.hiring.models import Application, Candidate, Decision, Interview, Opening, StageChange
from kamkit.users.models import User
from kamkit.users.tests.fixtures import PASSWORD, signed_in

pytestmark = pytest.mark.django_db


def test_demo_builds_a_believable_hiring_round() -> None:
    lines = demo.generate(demo.DemoSize(people=40, accounts=0, deals=0), seed=7)
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
    demo.generate(demo.DemoSize(people=40, accounts=0, deals=0), seed=7)
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
        demo.generate(demo.DemoSize(people=40, accounts=0, deals=0), seed=7)
    # then its seven interviews are there, and nobody at a demo address was e-mailed about them
    assert Interview.objects.count() == 7
    assert [m.subject for m in mail.outbox if m.subject.startswith("Interview:")] == []
