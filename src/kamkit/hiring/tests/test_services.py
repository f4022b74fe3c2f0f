"""Hiring services: stage moves and their history, candidates and files, panels and scorecards,
the independence rule, the panel's figures by hand, decisions, and the link to assessments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kamkit.assessments.choices import CampaignStatus
from kamkit.assessments.models import Assessment
from kamkit.core.audit import acting_as
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.core.queries import history_of
from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import queries, services
from kamkit.hiring.choices import InterviewStatus, OpeningStatus, Outcome, Recommendation, Stage
from kamkit.hiring.models import Candidate, CandidateAttachment, Decision, StageChange
from kamkit.hiring.tests.fixtures import ALL_FOUR, Hiring, add_candidate, open_position, score
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db


def moves(application: object) -> list[tuple[str, str]]:
    return list(
        StageChange.objects.filter(application=application)
        .order_by("changed_at", "id")
        .values_list("from_stage", "to_stage")
    )


# Stages and their history -----------------------------------------------------------------------------


def test_every_stage_move_is_recorded_with_who_and_when(org: Org, hiring_benchmark: BenchmarkProfile) -> None:
    opening = open_position(org, hiring_benchmark)
    before = timezone.now()
    application = add_candidate(org, opening)
    services.move_stage(application=application, to_stage=Stage.SCREENING, changed_by=org.north_manager)
    services.move_stage(application=application, to_stage=Stage.INTERVIEWING, changed_by=org.director)
    services.move_stage(
        application=application,
        to_stage=Stage.SCREENING,
        changed_by=org.north_manager,
        note="Needs a second call.",
    )
    assert moves(application) == [
        ("", Stage.APPLIED),
        (Stage.APPLIED, Stage.SCREENING),
        (Stage.SCREENING, Stage.INTERVIEWING),
        (Stage.INTERVIEWING, Stage.SCREENING),
    ]
    history = list(StageChange.objects.filter(application=application).order_by("changed_at", "id"))
    assert [c.changed_by for c in history] == [
        org.north_manager,
        org.north_manager,
        org.director,
        org.north_manager,
    ]
    assert all(before <= c.changed_at <= timezone.now() for c in history)
    assert history[-1].note == "Needs a second call."
    application.refresh_from_db()
    assert application.stage == Stage.SCREENING and application.stage_changed_at == history[-1].changed_at


@pytest.mark.parametrize(
    ("path", "target", "message"),
    [
        (
            [],
            Stage.OFFER,
            "From applied an application moves to screening, interviewing, rejected, withdrawn",
        ),
        ([], Stage.HIRED, "not to hired"),
        ([Stage.SCREENING], Stage.APPLIED, "needs a note"),
        ([], Stage.APPLIED, "already at applied"),
        ([Stage.REJECTED], Stage.INTERVIEWING, "final"),
        ([Stage.WITHDRAWN], Stage.SCREENING, "Reopen the application explicitly"),
        ([], "archived", "not a stage"),
    ],
)
def test_invalid_moves_are_refused_with_a_message(
    org: Org, hiring_benchmark: BenchmarkProfile, path: list[str], target: str, message: str
) -> None:
    application = add_candidate(org, open_position(org, hiring_benchmark))
    for stage in path:
        services.move_stage(application=application, to_stage=stage, changed_by=org.north_manager)
    before = moves(application)
    with pytest.raises(ServiceError, match=message):
        services.move_stage(application=application, to_stage=target, changed_by=org.north_manager)
    assert moves(application) == before


def test_a_final_stage_is_left_only_by_reopening_with_a_reason(
    org: Org, hiring_benchmark: BenchmarkProfile
) -> None:
    application = add_candidate(org, open_position(org, hiring_benchmark))
    services.move_stage(application=application, to_stage=Stage.REJECTED, changed_by=org.north_manager)
    with pytest.raises(ServiceError) as silent:
        services.move_stage(
            application=application, to_stage=Stage.SCREENING, changed_by=org.north_manager, reopen=True
        )
    assert silent.value.errors == {"note": ["Give the reason for reopening."]}
    with pytest.raises(ServiceError, match="active stage"):
        services.move_stage(
            application=application, to_stage=Stage.HIRED, changed_by=org.north_manager, reopen=True, note="x"
        )
    change = services.move_stage(
        application=application,
        to_stage=Stage.SCREENING,
        changed_by=org.north_manager,
        reopen=True,
        note="Rejected by mistake.",
    )
    assert change.reopened and change.from_stage == Stage.REJECTED
    assert moves(application)[-1] == (Stage.REJECTED, Stage.SCREENING)


def test_hiring_the_last_person_fills_the_position(org: Org, hiring: Hiring) -> None:
    score(hiring.first, ALL_FOUR)
    services.record_decision(
        application=hiring.application, outcome=Outcome.HIRE, reason="Strong.", decided_by=org.north_manager
    )
    hiring.opening.refresh_from_db()
    assert hiring.opening.status == OpeningStatus.FILLED and hiring.opening.closed_on == timezone.localdate()
    with pytest.raises(ConflictError, match="takes no new candidates"):
        add_candidate(org, hiring.opening, "Late Applicant")


def test_an_offer_or_a_hire_needs_a_submitted_scorecard_whichever_way_it_is_recorded(
    org: Org, hiring: Hiring
) -> None:
    # given nobody on the panel has submitted, a plain stage move may not skip the evidence either
    for stage in (Stage.OFFER, Stage.HIRED):
        with pytest.raises(ServiceError) as refused:
            services.move_stage(application=hiring.application, to_stage=stage, changed_by=org.north_manager)
        assert "submitted scorecard" in refused.value.errors["stage"][0]
    assert moves(hiring.application)[-1] == (Stage.APPLIED, Stage.INTERVIEWING)
    # once one is in, the move is made and written to the history with who and the note
    score(hiring.first, ALL_FOUR)
    change = services.move_stage(
        application=hiring.application, to_stage=Stage.OFFER, changed_by=org.director, note="Agreed by phone."
    )
    assert (change.from_stage, change.to_stage, change.changed_by, change.note) == (
        Stage.INTERVIEWING,
        Stage.OFFER,
        org.director,
        "Agreed by phone.",
    )


def test_the_evidence_rule_reads_the_same_for_a_decision_and_a_stage_move(org: Org, hiring: Hiring) -> None:
    # given nobody on the panel has submitted, an offer is refused the same way both ways
    with pytest.raises(ServiceError) as decided:
        services.record_decision(
            application=hiring.application, outcome=Outcome.OFFER, reason="Keen.", decided_by=None
        )
    with pytest.raises(ServiceError) as moved:
        services.move_stage(application=hiring.application, to_stage=Stage.OFFER, changed_by=None)
    assert decided.value.detail == moved.value.detail
    assert "Casey Candidate's panel" in decided.value.detail
    # each names the field its caller shows: the decision's outcome, the move's stage
    assert decided.value.errors == {"outcome": ["Wait for a submitted scorecard, or hold."]}
    assert moved.value.errors == {"stage": ["Wait for a submitted scorecard first."]}
    # a hold or a rejection needs no evidence
    services.record_decision(
        application=hiring.application, outcome=Outcome.HOLD, reason="Waiting.", decided_by=None
    )
    assert not Decision.objects.filter(outcome=Outcome.OFFER).exists()


def test_reopening_a_hire_reopens_the_position_it_filled(org: Org, hiring: Hiring) -> None:
    score(hiring.first, ALL_FOUR)
    services.record_decision(
        application=hiring.application, outcome=Outcome.HIRE, reason="Strong.", decided_by=org.north_manager
    )
    hiring.opening.refresh_from_db()
    assert hiring.opening.status == OpeningStatus.FILLED
    services.move_stage(
        application=hiring.application,
        to_stage=Stage.OFFER,
        changed_by=org.north_manager,
        reopen=True,
        note="The candidate turned the contract down.",
    )
    hiring.opening.refresh_from_db()
    assert hiring.opening.status == OpeningStatus.OPEN and hiring.opening.closed_on is None
    assert moves(hiring.application)[-1] == (Stage.HIRED, Stage.OFFER)


def test_position_status_moves(org: Org, hiring_benchmark: BenchmarkProfile) -> None:
    opening = open_position(org, hiring_benchmark)
    services.set_opening_status(opening=opening, status=OpeningStatus.CLOSED)
    with pytest.raises(ConflictError, match="cannot become on hold"):
        services.set_opening_status(opening=opening, status=OpeningStatus.ON_HOLD)
    services.set_opening_status(opening=opening, status=OpeningStatus.OPEN)
    assert opening.closed_on is None
    add_candidate(org, opening)
    with pytest.raises(ConflictError, match="close it instead"):
        services.delete_opening(opening=opening)


def test_a_position_needs_a_published_benchmark_and_a_level(
    org: Org, hiring_benchmark: BenchmarkProfile
) -> None:
    from kamkit.frameworks import services as framework_services
    from kamkit.hiring.tests.fixtures import hiring_doc, make_benchmark

    draft = framework_services.create_framework(doc=hiring_doc(), slug="hiring-draft")
    with pytest.raises(ServiceError) as refused:
        services.create_opening(
            title="  ",
            benchmark=make_benchmark(draft),
            target_level=7,
            hiring_manager=org.north_manager,
            created_by=org.north_manager,
            headcount=0,
        )
    assert set(refused.value.errors) == {"title", "benchmark", "target_level", "headcount"}


# Candidates and files ---------------------------------------------------------------------------------


def test_an_employee_is_a_candidate_once_with_their_name_and_address(org: Org) -> None:
    internal = services.create_candidate(
        data=services.CandidateInput(user=org.kam_a), created_by=org.north_manager
    )
    assert (internal.full_name, internal.email, internal.source) == (
        "Kam A",
        "kam.a@example.test",
        "internal",
    )
    with pytest.raises(ConflictError, match="already on file"):
        services.create_candidate(data=services.CandidateInput(user=org.kam_a), created_by=org.director)
    services.create_candidate(
        data=services.CandidateInput(full_name="Dana", email="Dana@Mail.test"), created_by=org.director
    )
    with pytest.raises(ConflictError) as twice:
        services.create_candidate(
            data=services.CandidateInput(full_name="Dana Again", email="dana@mail.test"),
            created_by=org.south_manager,
        )
    assert "someone else's hiring" in twice.value.errors["email"][0]
    with pytest.raises(ServiceError) as bad:
        services.create_candidate(
            data=services.CandidateInput(email="not-an-address"), created_by=org.director
        )
    assert set(bad.value.errors) == {"full_name", "email"}


def upload(name: str, content: bytes) -> ContentFile[bytes]:
    return ContentFile(content, name=name)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.exe", b"MZ....", "is not one of PDF"),
        ("cv.pdf", b"hello, not a pdf", "the content is not a .pdf file"),
        ("cv.txt", b"binary\x00data", "the content is not a .txt file"),
        ("cv.pdf", b"", "The file is empty"),
    ],
)
def test_attachments_are_checked_for_type_and_content(
    org: Org, hiring: Hiring, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        services.add_attachment(
            candidate=hiring.candidate, upload=upload(name, content), kind="cv", uploaded_by=org.north_manager
        )
    assert message in refused.value.errors["file"][0]
    assert not CandidateAttachment.objects.exists()


def test_an_attachment_over_ten_megabytes_is_refused(org: Org, hiring: Hiring) -> None:
    big = upload("cv.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ServiceError) as refused:
        services.add_attachment(
            candidate=hiring.candidate, upload=big, kind="cv", uploaded_by=org.north_manager
        )
    assert refused.value.errors["file"] == ["The file is 10.0 MB; files up to 10 MB are accepted."]


def test_files_are_kept_under_a_random_name_and_removed_with_the_candidate(
    org: Org, hiring: Hiring, django_capture_on_commit_callbacks: object
) -> None:
    from django.core.files.storage import default_storage

    kept = services.add_attachment(
        candidate=hiring.candidate,
        upload=upload("Casey CV.pdf", b"%PDF-1.7 casey"),
        kind="cv",
        uploaded_by=org.north_manager,
    )
    assert kept.original_name == "Casey CV.pdf" and kept.size == 14 and kept.content_type == "application/pdf"
    assert "Casey" not in kept.file.name and default_storage.exists(kept.file.name)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.delete_candidate(candidate=hiring.candidate)
    assert not default_storage.exists(kept.file.name)
    assert not Candidate.objects.exists() and not Decision.objects.exists()


# Panels and scorecards --------------------------------------------------------------------------------


def test_the_first_interviewer_moves_the_candidate_to_interviewing(org: Org, hiring: Hiring) -> None:
    assert hiring.application.stage == Stage.INTERVIEWING
    assert moves(hiring.application) == [("", Stage.APPLIED), (Stage.APPLIED, Stage.INTERVIEWING)]
    with pytest.raises(ConflictError, match="already on"):
        services.assign_interviewer(
            application=hiring.application, interviewer=org.kam_b, assigned_by=org.north_manager
        )


def test_a_candidate_cannot_interview_themself(org: Org, hiring_benchmark: BenchmarkProfile) -> None:
    opening = open_position(org, hiring_benchmark)
    candidate = services.create_candidate(
        data=services.CandidateInput(user=org.kam_a), created_by=org.north_manager
    )
    application = services.add_application(candidate=candidate, opening=opening, added_by=org.north_manager)
    with pytest.raises(ServiceError, match="is the candidate"):
        services.assign_interviewer(
            application=application, interviewer=org.kam_a, assigned_by=org.north_manager
        )


def test_submitting_needs_every_competency_rated_and_a_recommendation(hiring: Hiring) -> None:
    with pytest.raises(ServiceError) as refused:
        score(hiring.first, {"Planning": 4}, recommendation="")
    errors = refused.value.errors
    assert errors[""] == ["Rate every competency before submitting; missing: Listening, Follow-through."]
    assert "recommendation" in errors
    hiring.first.refresh_from_db()
    assert hiring.first.status == InterviewStatus.ASSIGNED and not hiring.first.ratings.exists()
    # a draft may be incomplete
    score(hiring.first, {"Planning": 4}, submit=False, recommendation="")
    assert hiring.first.ratings.count() == 1 and hiring.first.draft_saved_at is not None


def test_a_dropped_competency_is_not_rated(hiring: Hiring) -> None:
    from kamkit.hiring.tests.fixtures import kit_competency

    services.update_kit_competency(
        competency=kit_competency(hiring.opening, "Follow-through"), included=False
    )
    score(hiring.first, {"Planning": 4, "Listening": 3})
    assert hiring.first.status == InterviewStatus.SUBMITTED


def test_a_submitted_scorecard_is_locked_and_only_its_interviewer_writes_it(org: Org, hiring: Hiring) -> None:
    with pytest.raises(ConflictError, match="Only the interviewer"):
        score(hiring.first, ALL_FOUR, by=org.north_manager)
    score(hiring.first, ALL_FOUR)
    assert hiring.first.submitted_at is not None
    with pytest.raises(ConflictError, match="cannot change"):
        score(hiring.first, {"Planning": 1}, submit=False)
    with pytest.raises(ConflictError, match="stays part of the record"):
        services.remove_interviewer(interview=hiring.first)
    services.remove_interviewer(interview=hiring.second)  # not submitted: may leave the panel


def test_ratings_outside_one_to_five_are_refused(hiring: Hiring) -> None:
    with pytest.raises(ServiceError) as refused:
        score(hiring.first, {"Planning": 6}, submit=False)
    assert list(refused.value.errors.values()) == [["Rate 1 to 5, not 6."]]


def test_answers_missing_star_parts_are_flagged(hiring: Hiring) -> None:
    score(
        hiring.first,
        ALL_FOUR,
        notes={
            "Planning L3 question 1.": ("Told of a plan for a retailer; no numbers.", "STA"),
            "Planning L3 question 2.": ("Complete story.", "STAR"),
            "Listening L3 question 1.": ("", ""),  # not asked: no flag
        },
    )
    kit = queries.kit_of(hiring.opening)
    assert kit is not None
    view = queries.scorecard_view(hiring.first, kit)
    assert [(q.question.text, q.missing) for q in view.flagged] == [("Planning L3 question 1.", ["result"])]
    assert view.answered == 2 and view.rated == 3


def test_scorecard_content_stays_out_of_the_trail(org: Org, hiring: Hiring) -> None:
    with acting_as(org.interviewer):
        score(hiring.first, ALL_FOUR, submit=False)
        score(hiring.first, ALL_FOUR)
    entries = list(history_of(hiring.first))
    text = str([e.changes for e in entries])
    assert "Solid examples" not in text and "'yes'" not in text  # summary and recommendation
    assert any("submitted: 3 ratings" in str(e.changes.get("scorecard")) for e in entries)
    assert any(e.changes.get("status") == ["assigned", "submitted"] for e in entries)
    assert all(e.actor_label == org.interviewer.email for e in entries[:2])


# Independence -----------------------------------------------------------------------------------------


def readable(user: object, hiring: Hiring) -> set[str]:
    return {str(i.interviewer) for i in queries.readable_scorecards(user, hiring.application)}


def test_nobody_sees_another_scorecard_before_submitting_their_own(org: Org, hiring: Hiring) -> None:
    # given the first interviewer has a draft and the second has submitted
    score(hiring.first, {"Planning": 2}, submit=False)
    score(hiring.second, ALL_FOUR)
    # then the first sees only their own draft, the second their own only (the other is a draft)
    assert readable(org.interviewer, hiring) == {"Interviewer"}
    assert readable(org.kam_b, hiring) == {"Kam B"}
    # and the hiring manager sees submitted scorecards only, never a draft
    assert readable(org.north_manager, hiring) == {"Kam B"}
    assert readable(org.admin, hiring) == {"Kam B"}
    # when the first submits, both see both
    score(hiring.first, ALL_FOUR)
    assert readable(org.interviewer, hiring) == readable(org.kam_b, hiring) == {"Interviewer", "Kam B"}


def test_a_hiring_manager_on_the_panel_waits_like_everyone(org: Org, hiring: Hiring) -> None:
    mine = services.assign_interviewer(
        application=hiring.application, interviewer=org.north_manager, assigned_by=org.north_manager
    )
    score(hiring.second, ALL_FOUR)
    assert readable(org.north_manager, hiring) == {"North Manager"}
    summary = queries.panel_summary(org.north_manager, hiring.application)
    assert summary.blocked and summary.columns == [] and summary.rows[0].ratings == []
    score(mine, ALL_FOUR)
    summary = queries.panel_summary(org.north_manager, hiring.application)
    assert not summary.blocked and len(summary.columns) == 2


# The panel's figures ----------------------------------------------------------------------------------------


def test_the_panel_summary_by_hand(org: Org, hiring: Hiring) -> None:
    third = services.assign_interviewer(
        application=hiring.application, interviewer=org.kam_deep, assigned_by=org.north_manager
    )
    # Planning 4, 4, 5; Listening 2, 3, 2; Follow-through 5, 3, 5 (the last differs by 2: discuss)
    score(
        hiring.first, {"Planning": 4, "Listening": 2, "Follow-through": 5}, recommendation=Recommendation.YES
    )
    score(
        hiring.second, {"Planning": 4, "Listening": 3, "Follow-through": 3}, recommendation=Recommendation.NO
    )
    score(
        third, {"Planning": 5, "Listening": 2, "Follow-through": 5}, recommendation=Recommendation.STRONG_YES
    )
    summary = queries.panel_summary(org.north_manager, hiring.application)
    rows = {row.competency.name: row for row in summary.rows}
    planning = rows["Planning"]
    assert planning.ratings == [4, 4, 5]
    assert planning.spread.mean == pytest.approx(13 / 3)
    # sample SD: deviations -1/3, -1/3, 2/3 -> squares sum 6/9 = 2/3, / (3 - 1) = 1/3, sqrt = 0.5774
    assert planning.spread.sd == pytest.approx((1 / 3) ** 0.5)
    assert (planning.spread.minimum, planning.spread.maximum, planning.spread.range) == (4, 5, 1)
    assert not planning.spread.discuss and rows["Follow-through"].spread.discuss
    assert [row.competency.name for row in summary.discuss] == ["Follow-through"]
    # 0-100 as in assessments: (13/3 - 1) / 4 * 100 = 83.33, inside the 70-90 band: fit 100
    assert planning.spread.percent == pytest.approx(83.333, abs=1e-3) and planning.fit == 100
    # Listening mean 7/3 -> (7/3 - 1) / 4 * 100 = 33.33; band 60-80: 26.67 below -> fit 100 - 2 * 26.67
    assert rows["Listening"].fit == pytest.approx(100 - 2 * (60 - 100 / 3))
    # Follow-through mean 13/3 -> 83.33; band 50-75: 8.33 above -> fit 83.33
    # Overall fit, weighted by importance 5, 3, 2: (100 * 5 + 46.67 * 3 + 83.33 * 2) / 10 = 80.67
    assert summary.fit.overall == pytest.approx(
        (500 + (100 - 2 * (60 - 100 / 3)) * 3 + (100 - 2 * (100 / 12)) * 2) / 10
    )
    assert summary.gaps[0][0].competency_id == rows["Listening"].competency.competency_id
    # agreement over the three competencies (units) and three interviewers
    assert summary.agreement.method == "Krippendorff's alpha (interval)"
    assert summary.agreement.raters == 3 and summary.agreement.units == 3
    assert dict(summary.recommendations) == {"strong_no": 0, "no": 1, "yes": 1, "strong_yes": 1}


def test_agreement_needs_two_submitted_scorecards(org: Org, hiring: Hiring) -> None:
    score(hiring.first, ALL_FOUR)
    summary = queries.panel_summary(org.north_manager, hiring.application)
    assert summary.agreement.value is None and summary.agreement.meaning.startswith("Not enough data")
    assert [i.interviewer for i in summary.pending] == [org.kam_b]


# Decisions --------------------------------------------------------------------------------------------


def test_a_decision_moves_the_stage_through_the_history_and_keeps_the_evidence(
    org: Org, hiring: Hiring
) -> None:
    score(hiring.first, ALL_FOUR)
    score(hiring.second, {"Planning": 5, "Listening": 3, "Follow-through": 4})
    decision = services.record_decision(
        application=hiring.application,
        outcome=Outcome.OFFER,
        reason="Best planning evidence of the round.",
        decided_by=org.north_manager,
    )
    assert (decision.stage_before, decision.stage_after) == (Stage.INTERVIEWING, Stage.OFFER)
    assert decision.evidence["scorecards"] == 2
    assert decision.evidence["competencies"][0] == {
        "name": "Planning",
        "mean": 4.5,
        "min": 4,
        "max": 5,
        "sd": pytest.approx(0.7071, abs=1e-4),
    }
    assert decision.evidence["agreement"]["method"] == "Krippendorff's alpha (interval)"
    last = StageChange.objects.filter(application=hiring.application).latest("changed_at", "id")
    assert (last.from_stage, last.to_stage, last.changed_by) == (
        Stage.INTERVIEWING,
        Stage.OFFER,
        org.north_manager,
    )
    assert "Best planning evidence" in last.note
    hold = services.record_decision(
        application=hiring.application,
        outcome=Outcome.HOLD,
        reason="Waiting for budget.",
        decided_by=org.director,
    )
    assert hold.stage_after == Stage.OFFER


def test_decisions_are_checked(org: Org, hiring: Hiring) -> None:
    with pytest.raises(ServiceError) as empty:
        services.record_decision(
            application=hiring.application, outcome=Outcome.OFFER, reason=" ", decided_by=None
        )
    assert empty.value.errors == {"reason": ["Say why: the decision is kept with its reason."]}
    with pytest.raises(ServiceError, match="needs evidence"):
        services.record_decision(
            application=hiring.application, outcome=Outcome.HIRE, reason="Gut feeling.", decided_by=None
        )
    services.record_decision(
        application=hiring.application, outcome=Outcome.REJECT, reason="Not enough depth.", decided_by=None
    )
    with pytest.raises(ConflictError, match="reopen"):
        services.record_decision(
            application=hiring.application, outcome=Outcome.HOLD, reason="Again.", decided_by=None
        )


# Assessments ------------------------------------------------------------------------------------------


def test_a_candidate_added_to_a_campaign_is_linked_and_named_from_the_record(
    org: Org, hiring: Hiring, small: object
) -> None:
    from kamkit.assessments import services as assessment_services

    campaign = assessment_services.create_campaign(
        name="Candidates spring",
        questionnaire=small.questionnaire,  # type: ignore[attr-defined]
        due_date=timezone.localdate() + dt.timedelta(days=10),
        created_by=org.director,
    )
    assessment = services.add_to_campaign(candidate=hiring.candidate, campaign=campaign)
    assert assessment.candidate == hiring.candidate
    assert (assessment.candidate_name, assessment.candidate_email) == ("Casey Candidate", "casey@mail.test")
    assert assessment.invitations.get().rater_email == "casey@mail.test"  # their self-assessment link
    with pytest.raises(ConflictError, match="already assessed"):
        services.add_to_campaign(candidate=hiring.candidate, campaign=campaign)
    views = queries.assessment_views(hiring.candidate, hiring.opening)
    assert [v.label for v in views] == ["As a candidate in Candidates spring"]


def test_an_internal_candidate_shows_their_latest_completed_assessment(
    org: Org, small: object, round360: object
) -> None:
    from kamkit.assessments.tests.fixtures import launch

    # given kam_a was assessed in a closed 360 on the small framework, and applies internally
    launch(round360)  # type: ignore[arg-type]
    campaign = round360.campaign  # type: ignore[attr-defined]
    campaign.status, campaign.closed_at = CampaignStatus.CLOSED, timezone.now()
    campaign.save()
    benchmark = BenchmarkProfile.objects.get(framework=small.framework)  # type: ignore[attr-defined]
    opening = open_position(org, benchmark)
    candidate = services.create_candidate(
        data=services.CandidateInput(user=org.kam_a), created_by=org.north_manager
    )
    views = queries.assessment_views(candidate, opening)
    assert [v.label for v in views] == ["Current results as an employee (Spring 360)"]
    assert views[0].assessment == Assessment.objects.get(subject_user=org.kam_a)


def test_service_writes_are_audited_with_the_actor(org: Org, hiring_benchmark: BenchmarkProfile) -> None:
    with acting_as(org.north_manager):
        opening = open_position(org, hiring_benchmark, title="KAM Audit")
        application = add_candidate(org, opening)
        services.move_stage(application=application, to_stage=Stage.SCREENING, changed_by=org.north_manager)
    created = history_of(opening).last()
    assert created is not None and created.actor_label == org.north_manager.email
    assert created.changes["title"] == [None, "KAM Audit"]
    kit = opening.kit
    assert any("built from" in str(e.changes.get("content")) for e in history_of(kit))
    moved = history_of(application).first()
    assert moved is not None and moved.changes["stage"] == ["applied", "screening"]


def test_an_interviewer_is_emailed_the_kit_and_their_scorecard_link(
    org: Org, hiring: Hiring, django_capture_on_commit_callbacks: object
) -> None:
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        interview = services.assign_interviewer(
            application=hiring.application,
            interviewer=org.kam_deep,
            assigned_by=org.north_manager,
            scheduled_at=timezone.make_aware(dt.datetime(2030, 3, 1, 14, 30)),
        )
    message = mail.outbox[-1]
    assert message.to == ["kam.deep@example.test"]
    assert message.subject == "Interview: Casey Candidate for KAM North"
    assert f"/hiring/interviews/{interview.pk}/kit.pdf" in message.body
    assert f"/hiring/interviews/{interview.pk}/" in message.body
    assert "North Manager has asked you" in message.body and "01 March 2030 at 14:30" in message.body
    from kamkit.hiring.tasks import notify_interviewer

    services.remove_interviewer(interview=interview)
    assert notify_interviewer.call(interview.pk) is False  # removed meanwhile: nothing to send
