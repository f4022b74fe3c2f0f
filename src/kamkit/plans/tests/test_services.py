"""Plan services: versions and periods, occurrences kept in step, closed plans, team, reviews,
opportunities, qualification, the calendar token and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kamkit.accounts import services as account_services
from kamkit.accounts.choices import DealStatus
from kamkit.accounts.tests.fixtures import Book
from kamkit.core.audit import acting_as
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.core.queries import history_of
from kamkit.plans import builtin, queries, services
from kamkit.plans.choices import Cadence, Decision, OccurrenceStatus, PlanStatus, TeamSide
from kamkit.plans.models import AccountPlan, CalendarFeed, PlanTemplate, QuestionSet
from kamkit.plans.tests.fixtures import Plans, make_action, make_objective, make_plan
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db
D = dt.date


def test_plans_are_for_key_accounts_and_one_per_period(org: Org, book: Book) -> None:
    with pytest.raises(ServiceError) as refused:
        make_plan(book.deep)
    assert "mark Deep Foods as a key account first" in refused.value.errors["account"][0]
    with pytest.raises(ServiceError) as bad_dates:
        services.create_plan(account=book.alpha, period=" ", starts_on=D(2027, 2, 1), ends_on=D(2027, 1, 1))
    assert set(bad_dates.value.errors) == {"period", "ends_on"}
    plan = make_plan(book.alpha, period="FY2027")
    with pytest.raises(ConflictError) as twice:
        make_plan(book.alpha, period="fy2027")
    assert "start a new version of it instead" in twice.value.errors["period"][0]
    assert [s.key for s in plan.sections.all()] == ["goal", "opportunities", "risks", "next-steps"]


def test_a_plan_starts_from_the_template_and_the_profile(org: Org, book: Book) -> None:
    builtin.load_plan_content()
    account_services.save_profile_section(
        account=book.alpha, kind="goals", text="Double exports by 2028.", reviewer=org.kam_a
    )
    template = PlanTemplate.objects.get(slug="lean-one-page")
    plan = services.create_plan(
        account=book.alpha,
        period="FY2027",
        starts_on=D(2027, 1, 1),
        ends_on=D(2027, 12, 31),
        template=template,
    )
    assert [s.title for s in plan.sections.all()] == [
        "Goal",
        "Opportunities",
        "Risks",
        "Key players",
        "Next steps",
    ]
    assert "Company goals: Double exports by 2028." in plan.situation
    assert "Won in the last 12 months: 0" in plan.situation


def test_activating_a_new_version_closes_the_old_one(org: Org, book: Book) -> None:
    first = make_plan(book.alpha, status=PlanStatus.ACTIVE)
    objective = make_objective(first)
    action = make_action(objective)
    services.add_member(plan=first, side=TeamSide.OURS, user=org.kam_a, role="Lead")
    done = action.occurrences.order_by("due_on").first()
    assert done is not None
    services.mark_occurrence(occurrence=done, status=OccurrenceStatus.DONE, marked_by=org.kam_a)
    # when a new version is started, it is a draft copy of everything, execution marks included
    second = services.start_new_version(plan=first, created_by=org.kam_a)
    assert (second.version, second.status, second.based_on) == (2, PlanStatus.DRAFT, first)
    assert [o.title for o in second.objectives.all()] == [objective.title]
    copied = second.objectives.get().actions.get()
    assert copied.occurrences.count() == action.occurrences.count()
    assert copied.occurrences.get(status=OccurrenceStatus.DONE).due_on == done.due_on
    assert second.members.get().user == org.kam_a
    with pytest.raises(ConflictError, match="already a draft"):
        services.start_new_version(plan=first)
    # then activating it closes the first
    closed = services.set_plan_status(plan=second, status=PlanStatus.ACTIVE)
    assert closed == [first]
    first.refresh_from_db()
    assert first.status == PlanStatus.CLOSED and first.closed_at is not None
    assert AccountPlan.objects.filter(account=book.alpha, status=PlanStatus.ACTIVE).get() == second
    with pytest.raises(ConflictError, match="cannot become"):
        services.set_plan_status(plan=first, status=PlanStatus.ACTIVE)


def test_closed_plans_cannot_change(org: Org, plans: Plans) -> None:
    services.set_plan_status(plan=plans.alpha, status=PlanStatus.CLOSED)
    with pytest.raises(ConflictError, match="closed"):
        make_objective(plans.alpha)
    occurrence = plans.alpha_action.occurrences.first()
    assert occurrence is not None
    with pytest.raises(ConflictError, match="closed"):
        services.mark_occurrence(occurrence=occurrence, status=OccurrenceStatus.DONE)
    with pytest.raises(ConflictError, match="only drafts can be deleted"):
        services.delete_plan(plan=plans.alpha)


def test_next_period_moves_dates_and_starts_from_where_objectives_ended(org: Org, book: Book) -> None:
    plan = make_plan(book.alpha, period="FY2027", starts_on=D(2027, 1, 1), ends_on=D(2027, 12, 31))
    objective = make_objective(plan, due_on=D(2027, 3, 31), current=Decimal(3))
    make_action(objective, cadence=Cadence.MONTHLY, first_due_on=D(2027, 1, 31), repeat_until=D(2027, 6, 30))
    new = services.start_next_period(
        plan=plan, period="FY2028", starts_on=D(2028, 1, 1), ends_on=D(2028, 12, 31)
    )
    copy = new.objectives.get()
    assert (copy.due_on, copy.baseline, copy.current, copy.target) == (
        D(2028, 3, 31),
        Decimal(3),
        None,
        Decimal(4),
    )
    action = copy.actions.get()
    assert (action.first_due_on, action.repeat_until) == (D(2028, 1, 31), D(2028, 6, 30))
    assert list(action.occurrences.values_list("due_on", flat=True)) == [
        D(2028, 1, 31),
        D(2028, 2, 29),
        D(2028, 3, 31),
        D(2028, 4, 30),
        D(2028, 5, 31),
        D(2028, 6, 30),
    ]
    assert new.based_on == plan and new.version == 1
    with pytest.raises(ServiceError, match="next period"):
        services.start_next_period(
            plan=plan, period="FY2026", starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31)
        )


def test_changing_an_action_never_touches_marked_occurrences(org: Org, book: Book) -> None:
    today = timezone.localdate()
    plan = make_plan(book.alpha)
    action = make_action(
        make_objective(plan), cadence=Cadence.WEEKLY, first_due_on=today + dt.timedelta(days=1)
    )
    first, second = action.occurrences.order_by("due_on")[:2]
    services.mark_occurrence(occurrence=second, status=OccurrenceStatus.DONE, note="Early", worth=4)
    services.update_action(
        action=action,
        data=services.ActionInput(
            title="Call", owner=org.kam_a, cadence=Cadence.MONTHLY, first_due_on=today + dt.timedelta(days=3)
        ),
    )
    dates = set(action.occurrences.values_list("due_on", flat=True))
    assert first.due_on not in dates  # unmarked and no longer on the cadence: gone
    assert second.due_on in dates  # marked: kept
    assert today + dt.timedelta(days=3) in dates
    with pytest.raises(ConflictError, match="1 marked occurrence"):
        services.delete_action(action=action)
    history = history_of(action).first()
    assert history is not None and "occurrences" in history.changes


def test_action_rules(org: Org, plans: Plans) -> None:
    plan = plans.alpha
    with pytest.raises(ServiceError) as refused:
        services.create_action(
            objective=plans.alpha_objective,
            data=services.ActionInput(
                title="",
                owner=None,
                first_due_on=plan.ends_on + dt.timedelta(days=1),
                repeat_until=plan.starts_on,
            ),
        )
    assert set(refused.value.errors) == {"title", "owner", "first_due_on", "repeat_until"}
    future = plans.alpha_action.occurrences.filter(due_on__gt=timezone.localdate()).first()
    assert future is not None
    with pytest.raises(ServiceError, match="not marked"):
        services.mark_occurrence(occurrence=future, status=OccurrenceStatus.MISSED)
    with pytest.raises(ServiceError):
        services.mark_occurrence(occurrence=future, status=OccurrenceStatus.DONE, worth=6)


def test_team_reviews_and_opportunities(org: Org, plans: Plans, book: Book) -> None:
    plan = plans.alpha
    buyer = account_services.create_contact(
        account=book.alpha, data=account_services.ContactInput(last_name="Buyer")
    )
    stranger = account_services.create_contact(
        account=book.beta, data=account_services.ContactInput(last_name="Else")
    )
    with pytest.raises(ServiceError) as wrong_side:
        services.add_member(plan=plan, side=TeamSide.CUSTOMER, role="Sponsor", contact=stranger)
    assert "does not work at Alpha Industries" in wrong_side.value.errors["contact"][0]
    services.add_member(plan=plan, side=TeamSide.CUSTOMER, role="Sponsor", contact=buyer)
    with pytest.raises(ConflictError):
        services.add_member(plan=plan, side=TeamSide.CUSTOMER, role="Again", contact=buyer)
    with pytest.raises(ServiceError) as empty_review:
        services.record_review(plan=plan, held_on=timezone.localdate() + dt.timedelta(days=1))
    assert set(empty_review.value.errors) == {"held_on", "decisions", "our_attendees"}
    review = services.record_review(
        plan=plan, held_on=timezone.localdate(), decisions="Keep going", customer_attendees=[buyer]
    )
    assert list(review.customer_attendees.all()) == [buyer]
    deal = services.create_opportunity(
        plan=plan, name="Second site", amount=Decimal(25000), objective=plans.alpha_objective
    )
    assert (deal.account, deal.status, deal.owner) == (book.alpha, DealStatus.OPEN, org.kam_a)
    assert list(plans.alpha_objective.deals.all()) == [deal]
    linked = history_of(plans.alpha_objective).first()
    assert linked is not None and linked.changes["deals"] == [[], ["Second site"]]
    with pytest.raises(ServiceError) as closed_stage:
        services.create_opportunity(plan=plan, name="Done deal", stage="won")
    assert "stage" in closed_stage.value.errors


def test_audit_trail_records_plan_work_with_the_actor(org: Org, plans: Plans) -> None:
    occurrence = plans.alpha_action.occurrences.order_by("due_on").first()
    assert occurrence is not None
    with acting_as(org.kam_b):
        services.mark_occurrence(occurrence=occurrence, status=OccurrenceStatus.SKIPPED, note="Holiday")
    entry = history_of(occurrence).first()
    assert entry is not None and entry.actor_label == org.kam_b.email
    assert entry.changes["status"] == ["pending", "skipped"]
    assert entry.changes["note"] == ["", "Holiday"]
    objective_entry = history_of(plans.alpha_objective).last()
    assert objective_entry is not None and objective_entry.action == "create"


def test_calendar_token_is_stored_as_a_hash_and_rotates(org: Org) -> None:
    with acting_as(org.kam_a):
        first = services.rotate_calendar_token(user=org.kam_a)
    feed = CalendarFeed.objects.get(user=org.kam_a)
    assert feed.token_hash == CalendarFeed.hash_token(first) and first not in feed.token_hash
    assert queries.calendar_user(first) == org.kam_a
    second = services.rotate_calendar_token(user=org.kam_a)
    assert queries.calendar_user(first) is None and queries.calendar_user(second) == org.kam_a
    changes = history_of(feed).first()
    assert changes is not None and changes.changes["token_hash"] == ["(hidden)", "(changed)"]
    services.revoke_calendar_token(user=org.kam_a)
    assert queries.calendar_user(second) is None


def test_builtin_content_loads_once(db: None) -> None:
    assert builtin.load_plan_content() == "loaded Lean one-page plan, Discovery questions"
    assert builtin.load_plan_content() is None
    questions = QuestionSet.objects.get(slug="discovery-questions")
    assert questions.questions.count() == 20
    assert len(questions.round_names) == 3
    assert sorted(set(questions.questions.values_list("round", flat=True))) == [1, 2, 3]
    assert PlanTemplate.objects.get(slug="lean-one-page").sections.count() == 5


def test_qualification_scorecard_flow(org: Org, plans: Plans) -> None:
    builtin.load_plan_content()
    question_set = QuestionSet.objects.get(slug="discovery-questions")
    deal = services.create_opportunity(plan=plans.alpha, name="Upgrade")
    scorecard = services.start_scorecard(deal=deal, question_set=question_set, created_by=org.kam_a)
    questions = list(question_set.questions.all())
    # score round 1 all 4, round 2 all 2, leave round 3 open
    services.save_answers(
        scorecard=scorecard,
        answers=[
            services.AnswerInput(question=q, answer="Some answer", score=4 if q.round == 1 else 2)
            for q in questions
            if q.round in (1, 2)
        ],
    )
    profile = queries.scorecard_profile(scorecard)
    assert (profile.total, profile.scored, profile.maximum) == (7 * 4 + 7 * 2, 14, 100)
    assert [r.mean for r in profile.rounds] == [4.0, 2.0, None]
    with pytest.raises(ServiceError) as bad_score:
        services.save_answers(
            scorecard=scorecard, answers=[services.AnswerInput(question=questions[0], score=0)]
        )
    assert f"score_{questions[0].pk}" in bad_score.value.errors
    with pytest.raises(ServiceError) as no_reason:
        services.decide(scorecard=scorecard, decision=Decision.NO_GO, reason=" ")
    assert no_reason.value.errors == {"reason": ["Give the reason for the decision."]}
    services.decide(
        scorecard=scorecard, decision=Decision.NO_GO, reason="No budget this year.", decided_by=org.kam_a
    )
    assert scorecard.decision == Decision.NO_GO and scorecard.decided_at is not None
    with pytest.raises(ConflictError):
        services.remove_question(question=questions[0])


def test_question_sets_are_reference_data_with_rounds(org: Org, plans: Plans) -> None:
    made = services.create_question_set(name="Short check", round_names=["Fit", "Money"])
    with pytest.raises(ServiceError) as bad_round:
        services.add_question(question_set=made, round=3, text="Who pays?")
    assert bad_round.value.errors == {"round": ["Short check has rounds 1 to 2."]}
    question = services.add_question(question_set=made, round=2, text="Who pays?")
    with pytest.raises(ServiceError, match="not saved"):
        services.update_question_set(
            question_set=made, name="Short", round_names=["Fit"], description="", is_active=True
        )
    services.remove_question(question=question)
    deal = services.create_opportunity(plan=plans.alpha, name="Upgrade")
    with pytest.raises(ServiceError) as empty:
        services.start_scorecard(deal=deal, question_set=made)
    assert empty.value.errors == {"question_set": ["Short check has no questions yet."]}


def test_deleting_a_person_or_an_account_cascades_through_plans(org: Org, plans: Plans, book: Book) -> None:
    from kamkit.accounts.models import Account
    from kamkit.users.models import User

    member = services.add_member(plan=plans.alpha, side=TeamSide.OURS, user=org.kam_b, role="Backup")
    User.objects.filter(pk=org.kam_b.pk).delete()  # the audit trail names each removed row
    assert not type(member).objects.filter(pk=member.pk).exists()
    Account.objects.filter(pk=book.alpha.pk).delete()
    assert not AccountPlan.objects.filter(pk=plans.alpha.pk).exists()
