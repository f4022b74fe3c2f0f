"""Qualification question sets are configurable: rounds, questions per round, their order and the
active flag, in the pages and the API, by admins and directors. The built-in discovery set is
read-only (copy it to change it); it may only be retired or offered again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kamkit.core.errors import ConflictError, ServiceError
from kamkit.plans import builtin, services
from kamkit.plans.models import QualificationQuestion, QuestionSet
from kamkit.plans.tests.fixtures import Plans
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


def discovery() -> QuestionSet:
    builtin.load_plan_content()
    return QuestionSet.objects.get(slug="discovery-questions")


def texts(question_set: QuestionSet, round_number: int) -> list[str]:
    return list(question_set.questions.filter(round=round_number).values_list("text", flat=True))


def quick_check() -> QuestionSet:
    question_set = services.create_question_set(name="Quick check", round_names=["Fit", "Money"])
    for round_number, text in (
        (1, "Why now?"),
        (1, "Who else?"),
        (1, "What failed before?"),
        (2, "Who pays?"),
    ):
        services.add_question(question_set=question_set, round=round_number, text=text)
    return question_set


# Services --------------------------------------------------------------------------------------------


def test_questions_are_ordered_within_their_round(db: None) -> None:
    question_set = quick_check()
    assert texts(question_set, 1) == ["Why now?", "Who else?", "What failed before?"]
    # moving one up and one down
    services.move_question(question=QualificationQuestion.objects.get(text="What failed before?"), offset=-1)
    assert texts(question_set, 1) == ["Why now?", "What failed before?", "Who else?"]
    services.move_question(question=QualificationQuestion.objects.get(text="Why now?"), offset=1)
    assert texts(question_set, 1) == ["What failed before?", "Why now?", "Who else?"]
    # a whole new order: each question keeps its round
    ids = {q.text: q.pk for q in question_set.questions.all()}
    services.reorder_questions(
        question_set=question_set,
        question_ids=[ids["Who pays?"], ids["Who else?"], ids["Why now?"], ids["What failed before?"]],
    )
    assert texts(question_set, 1) == ["Who else?", "Why now?", "What failed before?"]
    assert texts(question_set, 2) == ["Who pays?"]
    # moving a question to another round puts it at that round's end
    services.update_question(
        question=QualificationQuestion.objects.get(text="Who else?"), round=2, text="Who else?"
    )
    assert texts(question_set, 2) == ["Who pays?", "Who else?"]
    with pytest.raises(ServiceError) as partial:
        services.reorder_questions(question_set=question_set, question_ids=[ids["Who pays?"]])
    assert "question_ids" in partial.value.errors


def test_rounds_can_be_renamed_added_and_only_empty_ones_dropped(db: None) -> None:
    question_set = quick_check()
    services.update_question_set(
        question_set=question_set,
        name="Quick check",
        round_names=["Fit", "Money", "Timing"],
        description="Three rounds now",
        is_active=True,
    )
    services.add_question(question_set=question_set, round=3, text="When do they decide?")
    with pytest.raises(ServiceError) as dropped:
        services.update_question_set(
            question_set=question_set, name="Quick check", round_names=["Fit"], description="", is_active=True
        )
    assert dropped.value.errors == {"round_names": ["Questions are filed under 3 rounds; name each of them."]}


def test_the_builtin_set_is_read_only_and_copied_to_change(org: Org, plans: Plans) -> None:
    question_set = discovery()
    question = question_set.questions.first()
    assert question is not None and question_set.is_builtin
    for attempt in (
        lambda: services.add_question(question_set=question_set, round=1, text="Mine?"),
        lambda: services.update_question(question=question, round=1, text="Reworded"),
        lambda: services.remove_question(question=question),
        lambda: services.move_question(question=question, offset=1),
        lambda: services.update_question_set(
            question_set=question_set,
            name="Renamed",
            round_names=list(question_set.round_names),
            description=question_set.description,
            is_active=True,
        ),
    ):
        with pytest.raises(ConflictError, match="copy it to change it"):
            attempt()
    # it may be retired: no new scorecards start from it
    services.update_question_set(
        question_set=question_set,
        name=question_set.name,
        round_names=list(question_set.round_names),
        description=question_set.description,
        is_active=False,
    )
    deal = services.create_opportunity(plan=plans.alpha, name="Upgrade")
    with pytest.raises(ServiceError, match="not started"):
        services.start_scorecard(deal=deal, question_set=question_set)
    # a copy has the same rounds and questions in the same order, and can be changed
    copy = services.copy_question_set(question_set=question_set, name="Our discovery questions")
    assert copy.round_names == question_set.round_names and copy.is_active and not copy.is_builtin
    for round_number in (1, 2, 3):
        assert texts(copy, round_number) == texts(question_set, round_number)
    services.add_question(question_set=copy, round=3, text="What would make you say no?")
    assert copy.questions.count() == 21 and question_set.questions.count() == 20
    with pytest.raises(ServiceError) as taken:
        services.copy_question_set(question_set=question_set, name="Our discovery questions")
    assert "name" in taken.value.errors


def test_answered_questions_are_kept(org: Org, plans: Plans) -> None:
    question_set = quick_check()
    deal = services.create_opportunity(plan=plans.alpha, name="Upgrade")
    scorecard = services.start_scorecard(deal=deal, question_set=question_set)
    answered = question_set.questions.get(text="Who pays?")
    services.save_answers(scorecard=scorecard, answers=[services.AnswerInput(question=answered, score=4)])
    with pytest.raises(ConflictError, match="reword it rather than remove it"):
        services.remove_question(question=answered)


# Pages -----------------------------------------------------------------------------------------------


def test_a_director_edits_reorders_and_copies_question_sets_on_the_pages(org: Org) -> None:
    client = signed_in(org.director)
    question_set = quick_check()
    page = client.get(f"/plans/question-sets/{question_set.pk}/").content.decode()
    assert "Add a question" in page and "edit</a>" in page and "Move down" in page
    why = question_set.questions.get(text="Why now?")
    # reword it and move it to the second round
    assert client.get(f"/plans/questions/{why.pk}/").status_code == 200
    bad = client.post(
        f"/plans/questions/{why.pk}/", {"round": "7", "text": "Why this year?"}
    ).content.decode()
    assert "Quick check has rounds 1 to 2." in bad and 'value="Why this year?"' in bad
    client.post(f"/plans/questions/{why.pk}/", {"round": "2", "text": "Why this year?", "guidance": ""})
    assert texts(question_set, 2) == ["Who pays?", "Why this year?"]
    # move it up, then remove another
    client.post(f"/plans/questions/{why.pk}/move/", {"direction": "up"})
    assert texts(question_set, 2) == ["Why this year?", "Who pays?"]
    other = question_set.questions.get(text="Who else?")
    client.post(f"/plans/questions/{other.pk}/", {"round": "1", "text": "x", "delete": "1"})
    assert not QualificationQuestion.objects.filter(pk=other.pk).exists()
    # retire it through the set form (the active flag)
    client.post(
        f"/plans/question-sets/{question_set.pk}/",
        {"set-name": "Quick check", "set-round_names": "Fit\nMoney", "set-description": ""},
    )
    question_set.refresh_from_db()
    assert question_set.is_active is False
    # the built-in set shows no edit controls, only a copy and the offered switch
    builtin_set = discovery()
    builtin_page = client.get(f"/plans/question-sets/{builtin_set.pk}/").content.decode()
    assert "read-only" in builtin_page and "Add a question" not in builtin_page
    assert "Make a copy" in builtin_page and "Stop offering it" in builtin_page
    refused = client.post(
        f"/plans/question-sets/{builtin_set.pk}/", {"q-round": "1", "q-text": "Mine?"}, follow=True
    )
    assert "make a copy and change that" in refused.content.decode()
    copied = client.post(f"/plans/question-sets/{builtin_set.pk}/copy/", {"copy-name": "Ours"})
    copy = QuestionSet.objects.get(name="Ours")
    assert copied["Location"] == f"/plans/question-sets/{copy.pk}/" and copy.questions.count() == 20
    client.post(f"/plans/question-sets/{builtin_set.pk}/", {"offered": "0"})
    builtin_set.refresh_from_db()
    assert builtin_set.is_active is False


@pytest.mark.parametrize("who", ["north_manager", "kam_a", "viewer"])
def test_others_may_not_change_question_sets_on_the_pages(org: Org, who: str) -> None:
    question_set = quick_check()
    question = question_set.questions.get(text="Why now?")
    client = signed_in(getattr(org, who))
    assert client.get(f"/plans/question-sets/{question_set.pk}/").status_code == 200
    assert client.get(f"/plans/questions/{question.pk}/").status_code == 403
    for url, data in (
        (f"/plans/questions/{question.pk}/", {"round": "1", "text": "Sneaky"}),
        (f"/plans/questions/{question.pk}/move/", {"direction": "down"}),
        (f"/plans/question-sets/{question_set.pk}/copy/", {}),
        (f"/plans/question-sets/{question_set.pk}/", {"offered": "0"}),
    ):
        assert client.post(url, data).status_code == 403, url
    question.refresh_from_db()
    assert question.text == "Why now?" and QuestionSet.objects.count() == 1


# API -------------------------------------------------------------------------------------------------


def test_question_sets_through_the_api(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.admin)
    builtin_set = discovery()
    question_id = builtin_set.questions.values_list("pk", flat=True).first()
    # the built-in set: 409 with the way out named
    renamed = api.patch(f"/question-sets/{builtin_set.pk}", {"name": "Mine"})
    assert renamed.status_code == 409 and "copy it" in renamed.json()["detail"]
    assert (
        api.post(f"/question-sets/{builtin_set.pk}/questions", {"round": 1, "text": "Mine?"}).status_code
        == 409
    )
    assert (
        api.put(f"/qualification-questions/{question_id}", {"round": 1, "text": "Mine?"}).status_code == 409
    )
    assert api.delete(f"/qualification-questions/{question_id}").status_code == 409
    assert api.get(f"/question-sets/{builtin_set.pk}").json()["is_builtin"] is True
    # but it may be retired
    assert api.patch(f"/question-sets/{builtin_set.pk}", {"is_active": False}).json()["is_active"] is False
    # a copy, its questions reordered and one moved to another round
    copy = api.post(f"/question-sets/{builtin_set.pk}/copy", {"name": "Our discovery"})
    assert (
        copy.status_code == 201 and copy.json()["is_builtin"] is False and len(copy.json()["questions"]) == 20
    )
    questions = copy.json()["questions"]
    order = [q["id"] for q in reversed(questions)]
    reordered = api.put(f"/question-sets/{copy.json()['id']}/question-order", {"question_ids": order}).json()
    first_round = [q for q in reordered["questions"] if q["round"] == 1]
    assert [q["id"] for q in first_round] == [q["id"] for q in reversed(questions) if q["round"] == 1]
    assert [q["order"] for q in first_round] == list(range(len(first_round)))
    bad = api.put(f"/question-sets/{copy.json()['id']}/question-order", {"question_ids": order[:3]})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "question_ids"
    moved = api.put(
        f"/qualification-questions/{questions[0]['id']}", {"round": 3, "text": questions[0]["text"]}
    )
    assert moved.json()["round"] == 3
    rounds = api.patch(
        f"/question-sets/{copy.json()['id']}", {"round_names": ["Need", "Means", "Motives", "Timing"]}
    )
    assert rounds.json()["round_names"] == ["Need", "Means", "Motives", "Timing"]


@pytest.mark.parametrize("who", ["north_manager", "kam_a", "viewer"])
def test_only_admins_and_directors_change_question_sets_through_the_api(
    org: Org, api_as: ApiAs, who: str
) -> None:
    question_set = quick_check()
    ids = list(question_set.questions.values_list("pk", flat=True))
    api = api_as(getattr(org, who))
    assert api.post(f"/question-sets/{question_set.pk}/copy", {}).status_code == 403
    assert (
        api.put(f"/question-sets/{question_set.pk}/question-order", {"question_ids": ids}).status_code == 403
    )
    assert api.put(f"/qualification-questions/{ids[0]}", {"round": 1, "text": "Sneaky"}).status_code == 403
    assert api.patch(f"/question-sets/{question_set.pk}", {"is_active": False}).status_code == 403
    assert QuestionSet.objects.count() == 1
