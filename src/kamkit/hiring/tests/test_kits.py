"""Interview kits: what a kit holds for each target level, competencies the framework describes only
in part or not at all, editing per position, rebuilding, and the lock once scoring started."""

from __future__ import annotations

import pytest

from kamkit.core.errors import ConflictError, ServiceError
from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import kits, services
from kamkit.hiring.models import InterviewKit, KitQuestion
from kamkit.hiring.tests.fixtures import Hiring, kit_competency, open_position, score
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("target", [1, 2, 3, 4, 5])
def test_kit_content_for_each_target_level(org: Org, hiring_benchmark: BenchmarkProfile, target: int) -> None:
    # given a competency described at all five levels
    opening = open_position(org, hiring_benchmark, level=target)
    kit = InterviewKit.objects.get(opening=opening)
    planning = kit_competency(opening, "Planning")
    # then the kit holds the target level's behaviours and the levels either side, where they exist
    assert (kit.target_level, kit.framework_id) == (target, hiring_benchmark.framework_id)
    assert planning.level_at == target and planning.level_summary == f"Planning level {target} summary."
    assert planning.behaviours_at == [f"Planning L{target} behaviour {i}." for i in (1, 2, 3)]
    if target == 1:
        assert planning.level_below is None and planning.behaviours_below == []
    else:
        assert planning.level_below == target - 1
        assert planning.behaviours_below == [f"Planning L{target - 1} behaviour {i}." for i in (1, 2, 3)]
    if target == 5:
        assert planning.level_above is None and planning.behaviours_above == []
    else:
        assert planning.level_above == target + 1
        assert planning.behaviours_above[0] == f"Planning L{target + 1} behaviour 1."
    # and the target level's questions (only those), each with its STAR-tagged probes
    questions = list(planning.questions.order_by("order"))
    assert [q.text for q in questions] == [
        f"Planning L{target} question 1.",
        f"Planning L{target} question 2.",
    ]
    assert {q.level for q in questions} == {target}
    probes = [(p.text, p.star) for p in questions[0].probes.order_by("order")]
    assert probes == [
        (f"Planning L{target} Q1 {part}?", part) for part in ("situation", "task", "action", "result")
    ]
    # and a five-step rating guide built from the framework's words
    anchors = {a.rating: a for a in planning.anchors.all()}
    assert sorted(anchors) == [1, 2, 3, 4, 5]
    assert anchors[3].label == "At the level"
    assert f"Planning level {target} summary." in anchors[3].text
    assert all(f"Planning L{target} behaviour {i}." in anchors[3].text for i in (1, 2, 3))
    low_signs = "Typical of a low score:\n- Planning low 1.\n- Planning low 2.\n- Planning low 3."
    assert low_signs in anchors[1].text
    assert "Planning low 4." not in anchors[1].text  # three signs at most
    if target >= 3:
        assert f"reaches level {target - 2} at most: Planning level {target - 2} summary." in anchors[1].text
    elif target == 2:
        assert "Falls short even of level 1: Planning level 1 summary." in anchors[1].text
    else:
        assert "None of the level 1 behaviours" in anchors[1].text
    if target < 5:
        assert f"Planning L{target + 1} behaviour 1." in anchors[4].text
        assert f"Works at level {target + 1}: Planning level {target + 1} summary." in anchors[5].text
        assert "Typical of a high score:\n- Planning high 1." in anchors[5].text
    else:
        assert "Goes beyond level 5" in anchors[5].text
    assert planning.note == ""


@pytest.mark.parametrize(
    ("target", "below", "above"), [(1, None, 2), (2, None, 3), (4, 3, None), (5, 4, None)]
)
def test_a_competency_described_at_some_levels_only(
    org: Org, hiring_benchmark: BenchmarkProfile, target: int, below: int | None, above: int | None
) -> None:
    # given Listening, described at levels 2, 3 and 4 only
    opening = open_position(org, hiring_benchmark, level=target)
    listening = kit_competency(opening, "Listening")
    assert listening.level_below == below and listening.level_above == above
    if target in (1, 5):
        # then a missing target level is said plainly, and the kit still has a full guide
        assert listening.level_at is None and not listening.questions.exists()
        assert f"Level {target} is not described for Listening" in listening.note
        assert "levels 2, 3, 4" in listening.note
    else:
        assert listening.level_at == target and listening.note == ""
    assert listening.anchors.count() == 5


def test_a_competency_without_levels_still_gets_a_kit_that_says_so(
    org: Org, hiring_benchmark: BenchmarkProfile
) -> None:
    opening = open_position(org, hiring_benchmark, level=3)
    follow = kit_competency(opening, "Follow-through")
    assert follow.level_at is None and follow.behaviours_at == [] and not follow.questions.exists()
    assert "describes no proficiency levels for Follow-through" in follow.note
    assert "Add your own questions" in follow.note
    anchors = {a.rating: a.text for a in follow.anchors.all()}
    assert "Typical of a low score:\n- Forgets promises." in anchors[1]
    assert "- Keeps every promise." in anchors[5] and "- Confirms when done." in anchors[5]
    assert follow.importance == 2  # from the benchmark


def test_plan_refuses_a_level_outside_one_to_five() -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        kits.plan_competency(kits.CompetencyText(None, "X"), 6, framework="F")


def test_edits_are_kept_per_position_and_never_touch_the_framework(
    org: Org, hiring_benchmark: BenchmarkProfile
) -> None:
    opening = open_position(org, hiring_benchmark)
    other = open_position(org, hiring_benchmark, title="KAM South")
    planning = kit_competency(opening, "Planning")
    question = planning.questions.order_by("order").first()
    assert question is not None
    # when the hiring manager rewrites a question, adds one, drops a competency and edits the guide
    services.update_kit_question(
        question=question,
        text="Walk me through your last account plan.",
        probes=[("What changed?", "result")],
    )
    added = services.add_kit_question(
        competency=planning, text="What would you plan first here?", probes=[("Why that?", "other")]
    )
    services.update_kit_competency(competency=kit_competency(opening, "Follow-through"), included=False)
    services.update_kit_competency(competency=planning, anchors={r: f"Guide {r}" for r in range(1, 6)})
    # then this kit changed, the other position's kit and the framework did not
    assert [q.text for q in planning.questions.order_by("order")] == [
        "Walk me through your last account plan.",
        "Planning L3 question 2.",
        "What would you plan first here?",
    ]
    assert [(p.text, p.star) for p in added.probes.all()] == [("Why that?", "other")]
    assert not kit_competency(opening, "Follow-through").included
    assert list(planning.anchors.values_list("text", flat=True)) == [f"Guide {r}" for r in range(1, 6)]
    assert kit_competency(other, "Planning").questions.filter(text="Planning L3 question 1.").exists()
    assert (
        hiring_benchmark.framework.competencies.get(name="Planning")
        .levels.get(level=3)
        .questions.filter(text="Planning L3 question 1.")
        .exists()
    )
    assert InterviewKit.objects.get(opening=opening).edited_at is not None


def test_kit_edits_are_checked(org: Org, hiring_benchmark: BenchmarkProfile) -> None:
    opening = open_position(org, hiring_benchmark)
    planning = kit_competency(opening, "Planning")
    with pytest.raises(ServiceError) as empty:
        services.add_kit_question(competency=planning, text="  ", probes=[])
    assert empty.value.errors == {"text": ["Write the question."]}
    with pytest.raises(ServiceError) as tag:
        services.add_kit_question(competency=planning, text="Why?", probes=[("Who?", "people")])
    assert "not people" in tag.value.errors["probes"][0]
    with pytest.raises(ServiceError) as guide:
        services.update_kit_competency(competency=planning, anchors={1: "a", 2: "", 3: "c", 4: "d", 5: "e"})
    assert guide.value.errors == {"anchor_2": ["Say what a 2 sounds like."]}
    for name in ("Listening", "Follow-through"):
        services.update_kit_competency(competency=kit_competency(opening, name), included=False)
    with pytest.raises(ServiceError, match="one competency to rate at least"):
        services.update_kit_competency(competency=planning, included=False)


def test_questions_and_competencies_move_up_and_down(org: Org, hiring_benchmark: BenchmarkProfile) -> None:
    opening = open_position(org, hiring_benchmark)
    planning = kit_competency(opening, "Planning")
    second = planning.questions.get(text="Planning L3 question 2.")
    services.move_kit_question(question=second, direction=-1)
    assert planning.questions.order_by("order").first().text == "Planning L3 question 2."  # type: ignore[union-attr]
    services.move_kit_competency(competency=kit_competency(opening, "Follow-through"), direction=-1)
    order = list(
        InterviewKit.objects.get(opening=opening)
        .competencies.order_by("order")
        .values_list("name", flat=True)
    )
    assert order == ["Planning", "Follow-through", "Listening"]
    services.move_kit_competency(
        competency=kit_competency(opening, "Planning"), direction=-1
    )  # already first
    assert (
        list(
            InterviewKit.objects.get(opening=opening)
            .competencies.order_by("order")
            .values_list("name", flat=True)
        )
        == order
    )


def test_a_question_from_another_level_can_be_added(org: Org, hiring_benchmark: BenchmarkProfile) -> None:
    opening = open_position(org, hiring_benchmark)
    planning = kit_competency(opening, "Planning")
    from kamkit.frameworks.models import InterviewQuestion

    source = InterviewQuestion.objects.get(text="Planning L4 question 1.")
    copied = services.copy_framework_question(competency=planning, question_id=source.pk)
    assert copied.level == 4 and copied.probes.count() == 4
    stranger = InterviewQuestion.objects.get(text="Listening L3 question 1.")
    with pytest.raises(ServiceError, match="not one of this competency"):
        services.copy_framework_question(competency=planning, question_id=stranger.pk)


def test_rebuilding_needs_confirmation_and_replaces_the_edits(
    org: Org, hiring_benchmark: BenchmarkProfile
) -> None:
    opening = open_position(org, hiring_benchmark)
    planning = kit_competency(opening, "Planning")
    services.add_kit_question(competency=planning, text="My own question.", probes=[])
    with pytest.raises(ServiceError) as refused:
        services.regenerate_kit(opening=opening, by=org.north_manager, confirm=False)
    assert "confirm" in refused.value.errors
    assert KitQuestion.objects.filter(text="My own question.").exists()
    services.regenerate_kit(opening=opening, by=org.north_manager, confirm=True)
    assert not KitQuestion.objects.filter(text="My own question.").exists()
    kit = InterviewKit.objects.get(opening=opening)
    assert kit.edited_at is None and kit.generated_by == org.north_manager
    assert kit_competency(opening, "Planning").questions.count() == 2


def test_a_new_level_rebuilds_an_untouched_kit_and_flags_an_edited_one(
    org: Org, hiring_benchmark: BenchmarkProfile
) -> None:
    from kamkit.hiring import queries

    opening = open_position(org, hiring_benchmark, level=3)
    services.update_opening(
        opening=opening, changes=services.OpeningChanges(target_level=4), by=org.north_manager
    )
    assert kit_competency(opening, "Planning").level_at == 4
    services.add_kit_question(competency=kit_competency(opening, "Planning"), text="Mine.", probes=[])
    services.update_opening(
        opening=opening, changes=services.OpeningChanges(target_level=2), by=org.north_manager
    )
    kit = InterviewKit.objects.get(opening=opening)
    assert kit.target_level == 4 and queries.kit_is_stale(kit, opening)


def test_once_scoring_started_the_kit_keeps_its_shape(hiring: Hiring, org: Org) -> None:
    # given one interviewer saved a draft with the kit
    score(hiring.first, {"Planning": 3}, submit=False)
    planning = kit_competency(hiring.opening, "Planning")
    question = planning.questions.first()
    assert question is not None
    # then rebuilding, removing questions, dropping competencies and changing the level are refused
    with pytest.raises(ConflictError, match="started scoring"):
        services.regenerate_kit(opening=hiring.opening, by=org.north_manager, confirm=True)
    with pytest.raises(ConflictError, match="started scoring"):
        services.delete_kit_question(question=question)
    with pytest.raises(ConflictError, match="started scoring"):
        services.update_kit_competency(competency=planning, included=False)
    with pytest.raises(ServiceError) as level:
        services.update_opening(
            opening=hiring.opening, changes=services.OpeningChanges(target_level=4), by=org.north_manager
        )
    assert "target_level" in level.value.errors
    # but wording can be corrected and questions added
    services.update_kit_question(question=question, text="Corrected wording.", probes=[])
    services.add_kit_question(competency=planning, text="One more.", probes=[])
