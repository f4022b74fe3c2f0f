"""Plan pages: what each role may open and change, forms that keep input and name each SMART
element, marking through htmx, flat query counts, the report as PDF, and qualification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kamkit.accounts.models import Account
from kamkit.accounts.tests.fixtures import Book, make_account
from kamkit.plans import builtin, services
from kamkit.plans.choices import OccurrenceStatus, PlanStatus
from kamkit.plans.models import AccountPlan, Objective, PlanTemplate, QuestionSet, Scorecard
from kamkit.plans.tests.fixtures import Plans, make_plan
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db


def _pages(plans: Plans) -> list[str]:
    plan, objective, action = plans.alpha, plans.alpha_objective, plans.alpha_action
    return [
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/execution/",
        f"/plans/{plan.pk}/execution/?all=1",
        f"/plans/{plan.pk}/dashboard/",
        f"/plans/{plan.pk}/report/",
        f"/plans/objectives/{objective.pk}/",
        f"/plans/actions/{action.pk}/",
    ]


def test_every_plan_page_opens_for_the_owner(org: Org, plans: Plans) -> None:
    builtin.load_plan_content()
    client = signed_in(org.kam_a)
    plan = plans.alpha
    for url in [
        *_pages(plans),
        "/plans/",
        "/plans/new/",
        "/plans/dashboard/",
        "/plans/calendar/",
        "/plans/question-sets/",
        f"/plans/question-sets/{QuestionSet.objects.get().pk}/",
        f"/plans/{plan.pk}/edit/",
        f"/plans/{plan.pk}/sections/goal/",
        f"/plans/{plan.pk}/objectives/new/",
        f"/plans/objectives/{plans.alpha_objective.pk}/actions/new/",
        f"/plans/{plan.pk}/team/",
        f"/plans/{plan.pk}/reviews/new/",
        f"/plans/{plan.pk}/opportunities/new/",
        f"/plans/{plan.pk}/next-period/",
        "/plans/templates/",
        f"/plans/templates/{PlanTemplate.objects.get().pk}/",
        f"/plans/{plan.pk}/opportunities/{services.create_opportunity(plan=plan, name='Upgrade').pk}/",
        "/plans/new/accounts/?account=alp",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Alpha Industries" in client.get(f"/plans/{plan.pk}/").content.decode()


# role -> (sees alpha, may change alpha, sees south, may start plans)
ROLES = {
    "admin": (True, True, True, True),
    "director": (True, True, True, True),
    "north_manager": (True, True, False, True),
    "south_manager": (False, False, True, True),
    "kam_a": (True, True, False, True),
    "kam_b": (True, True, False, True),  # backup owner of alpha
    "kam_south": (False, False, True, True),
    "viewer": (True, False, True, False),
    "interviewer": (False, False, False, False),
}


@pytest.mark.parametrize("who", ROLES)
def test_each_role_sees_and_changes_what_it_may(org: Org, plans: Plans, who: str) -> None:
    sees_alpha, changes_alpha, sees_south, adds = ROLES[who]
    client = signed_in(getattr(org, who))
    listing = client.get("/plans/").content.decode()
    assert ("Alpha Industries" in listing) == sees_alpha
    assert ("Southern Power" in listing) == sees_south
    for url in _pages(plans)[:5]:
        assert client.get(url).status_code == (200 if sees_alpha else 404), url
    assert client.get(f"/plans/{plans.south.pk}/").status_code == (200 if sees_south else 404)
    edit = client.get(f"/plans/{plans.alpha.pk}/edit/").status_code
    assert edit == (200 if changes_alpha else 403 if sees_alpha else 404)
    assert client.get("/plans/new/").status_code == (200 if adds else 403)
    occurrence = plans.alpha_action.occurrences.order_by("due_on").first()
    assert occurrence is not None
    marked = client.post(f"/plans/occurrences/{occurrence.pk}/mark/", {"status": "done"})
    assert marked.status_code == (302 if changes_alpha else 403 if sees_alpha else 404)
    occurrence.refresh_from_db()
    assert (occurrence.status == OccurrenceStatus.DONE) == changes_alpha
    objective = client.post(
        f"/plans/{plans.alpha.pk}/objectives/new/", {"title": "Sneaky", "metric_kind": "other"}
    )
    assert objective.status_code == (200 if changes_alpha else 403 if sees_alpha else 404)
    draft = make_plan(plans.alpha.account, period="Side draft")
    deleted = client.post(f"/plans/{draft.pk}/delete/")
    assert deleted.status_code == (302 if changes_alpha else 403 if sees_alpha else 404)
    assert AccountPlan.objects.filter(pk=draft.pk).exists() != changes_alpha


def test_plan_list_query_count_does_not_grow_with_rows(org: Org, plans: Plans) -> None:
    client = signed_in(org.director)
    with CaptureQueriesContext(connection) as few:
        client.get("/plans/")
    for n in range(8):
        account = make_account(f"Extra {n}", owner=org.kam_b, is_key_account=True)
        make_plan(account, status=PlanStatus.ACTIVE if n % 2 else PlanStatus.DRAFT)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/plans/?sort=-updated").content.decode()
    assert "Extra 7" in page
    assert len(many) == len(few)
    assert "Extra 1" not in client.get("/plans/?status=draft").content.decode()


def test_starting_a_plan_through_the_form(org: Org, book: Book) -> None:
    client = signed_in(org.kam_a)
    page = client.get(f"/plans/new/?account={book.alpha.pk}").content.decode()
    assert "Beta Logistics" not in page  # only accounts kam_a may change
    refused = client.post(
        "/plans/new/",
        {"account": book.alpha.pk, "period": "FY2027", "starts_on": "2027-12-31", "ends_on": "2027-01-01"},
    )
    assert "The period cannot end before it starts." in refused.content.decode()
    assert 'value="FY2027"' in refused.content.decode()
    made = client.post(
        "/plans/new/",
        {"account": book.alpha.pk, "period": "FY2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
    )
    plan = AccountPlan.objects.get(account=book.alpha)
    assert made.status_code == 302 and made["Location"] == f"/plans/{plan.pk}/"
    assert (
        client.post(
            "/plans/new/",
            {"account": book.beta.pk, "period": "X", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
        ).status_code
        == 200
    )
    assert not AccountPlan.objects.filter(account=book.beta).exists()


def test_objective_form_names_each_missing_element_and_keeps_input(org: Org, plans: Plans) -> None:
    client = signed_in(org.kam_a)
    url = f"/plans/{plans.alpha.pk}/objectives/new/"
    response = client.post(
        url, {"title": "Grow in the north", "metric_kind": "volume", "unit": "sites", "owner": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Specific: name the person who owns this objective.",
        "Measurable: say what is measured",
        "Measurable: give the baseline, where it starts.",
        "Measurable: give the target value to reach.",
        "Time-bound: give the date it is due.",
    ):
        assert message in page, message
    assert 'id="id_owner_error"' in page and 'id="id_due_on_error"' in page  # each on its own field
    assert 'value="Grow in the north"' in page and 'value="sites"' in page
    assert not Objective.objects.filter(title="Grow in the north").exists()
    untitled = client.post(url, {"metric_kind": "volume"}).content.decode()
    assert "Say in a few words what the objective is." in untitled and "Specific: name the person" in untitled
    late = (plans.alpha.ends_on + dt.timedelta(days=3)).isoformat()
    outside = client.post(
        url,
        {
            "title": "Late",
            "metric_kind": "volume",
            "owner": org.kam_a.pk,
            "metric": "Sites",
            "baseline": "1",
            "target": "3",
            "due_on": late,
        },
    )
    assert "is outside the plan period" in outside.content.decode()
    saved = client.post(
        url,
        {
            "title": "On time",
            "metric_kind": "volume",
            "owner": org.kam_a.pk,
            "metric": "Sites",
            "baseline": "1",
            "target": "3",
            "due_on": plans.alpha.ends_on.isoformat(),
        },
    )
    assert saved.status_code == 302


def test_adding_an_action_generates_its_dates(org: Org, plans: Plans) -> None:
    client = signed_in(org.kam_b)
    url = f"/plans/objectives/{plans.alpha_objective.pk}/actions/new/"
    bad = client.post(url, {"title": "Review", "cadence": "monthly", "owner": ""})
    assert "Name who does it." in bad.content.decode() and 'value="Review"' in bad.content.decode()
    first = timezone.localdate()
    ok = client.post(
        url,
        {"title": "Review", "cadence": "monthly", "owner": org.kam_b.pk, "first_due_on": first.isoformat()},
    )
    assert ok.status_code == 302
    action = plans.alpha_objective.actions.get(title="Review")
    assert action.occurrences.count() >= 8 and action.occurrences.first().due_on == first  # type: ignore[union-attr]


def test_execution_page_query_count_does_not_grow_with_marks(org: Org, plans: Plans) -> None:
    client = signed_in(org.kam_a)
    url = f"/plans/{plans.alpha.pk}/execution/?all=1"
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for occurrence in plans.alpha_action.occurrences.filter(due_on__lt=timezone.localdate()):
        services.mark_occurrence(occurrence=occurrence, status="done", marked_by=org.kam_b)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert "by Kam B" in page
    assert len(after) == len(before)


def test_marking_through_htmx_returns_only_the_row(org: Org, plans: Plans) -> None:
    client = signed_in(org.kam_a)
    occurrence = plans.alpha_action.occurrences.filter(due_on__lt=timezone.localdate()).first()
    assert occurrence is not None
    response = client.post(
        f"/plans/occurrences/{occurrence.pk}/mark/",
        {"status": "done", "note": "Good call", "worth": "4"},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert f'id="occurrence-{occurrence.pk}"' in fragment and 'data-state="done"' in fragment
    occurrence.refresh_from_db()
    assert (occurrence.status, occurrence.note, occurrence.worth, occurrence.marked_by) == (
        "done",
        "Good call",
        4,
        org.kam_a,
    )
    future = plans.alpha_action.occurrences.filter(due_on__gt=timezone.localdate()).first()
    assert future is not None
    refused = client.post(
        f"/plans/occurrences/{future.pk}/mark/", {"status": "missed"}, headers={"HX-Request": "true"}
    )
    assert "it cannot be missed" in refused.content.decode()
    window = client.get(f"/plans/{plans.alpha.pk}/execution/").content.decode()
    assert "Overdue" in window and "Good call" not in window  # 100 days ago: outside the five weeks
    assert "Good call" in client.get(f"/plans/{plans.alpha.pk}/execution/?all=1").content.decode()


def test_status_buttons_versions_and_deleting_a_draft(org: Org, plans: Plans) -> None:
    client = signed_in(org.kam_a)
    plan = plans.alpha
    response = client.post(f"/plans/{plan.pk}/new-version/")
    draft = AccountPlan.objects.get(account=plan.account, version=2)
    assert response["Location"] == f"/plans/{draft.pk}/"
    client.post(f"/plans/{draft.pk}/status/", {"status": "agreed"})
    client.post(f"/plans/{draft.pk}/status/", {"status": "active"})
    plan.refresh_from_db()
    draft.refresh_from_db()
    assert (plan.status, draft.status) == (PlanStatus.CLOSED, PlanStatus.ACTIVE)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "This plan is closed" in page and "Add an objective" not in page
    client.post(f"/plans/{draft.pk}/status/", {"status": "draft"})  # not allowed from active
    draft.refresh_from_db()
    assert draft.status == PlanStatus.ACTIVE
    client.post(f"/plans/{draft.pk}/new-version/")
    third = AccountPlan.objects.get(account=plan.account, version=3)
    assert client.post(f"/plans/{third.pk}/delete/").status_code == 302
    assert not AccountPlan.objects.filter(pk=third.pk).exists()
    assert signed_in(org.viewer).post(f"/plans/{draft.pk}/status/", {"status": "closed"}).status_code == 403


def test_team_review_section_and_opportunity_forms(org: Org, plans: Plans) -> None:
    client = signed_in(org.kam_a)
    plan = plans.alpha
    bad = client.post(f"/plans/{plan.pk}/team/", {"side": "customer", "role": "Sponsor"})
    assert (
        "Pick the person at the customer." in bad.content.decode()
        and 'value="Sponsor"' in bad.content.decode()
    )
    assert (
        client.post(
            f"/plans/{plan.pk}/team/", {"side": "ours", "user": org.kam_b.pk, "role": "Backup"}
        ).status_code
        == 302
    )
    assert (
        client.post(f"/plans/{plan.pk}/sections/goal/", {"text": "Be their first call."}).status_code == 302
    )
    review = client.post(
        f"/plans/{plan.pk}/reviews/new/", {"held_on": timezone.localdate().isoformat(), "decisions": ""}
    )
    assert "Write what changed, what was decided" in review.content.decode()
    ok = client.post(
        f"/plans/{plan.pk}/reviews/new/",
        {
            "held_on": timezone.localdate().isoformat(),
            "our_attendees": [org.kam_a.pk],
            "decisions": "Go north",
        },
    )
    assert ok.status_code == 302
    opportunity = client.post(
        f"/plans/{plan.pk}/opportunities/new/",
        {
            "name": "North depot",
            "amount": "12000",
            "stage": "proposal",
            "objectives": [plans.alpha_objective.pk],
        },
    )
    assert opportunity.status_code == 302
    assert [d.name for d in plans.alpha_objective.deals.all()] == ["North depot"]
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Be their first call." in page and "Kam B" in page and "Go north" in page and "North depot" in page


def test_status_report_on_the_web_and_as_pdf(org: Org, plans: Plans) -> None:
    client = signed_in(org.viewer)
    page = client.get(f"/plans/{plans.alpha.pk}/report/").content.decode()
    assert "Status report: Alpha Industries" in page and "Sell into two more divisions" in page
    pdf = client.get(f"/plans/{plans.alpha.pk}/report/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "status-report-alpha-industries" in pdf["Content-Disposition"]
    by_account = client.get(f"/plans/accounts/{plans.alpha.account_id}/report/")
    assert by_account["Location"] == f"/plans/{plans.alpha.pk}/report/"
    no_plan = client.get(f"/plans/accounts/{Account.objects.get(name='Deep Foods').pk}/report/")
    assert no_plan.status_code == 302 and "/plans/?account=" in no_plan["Location"]


def test_qualifying_an_opportunity(org: Org, plans: Plans) -> None:
    builtin.load_plan_content()
    deal = services.create_opportunity(plan=plans.alpha, name="Upgrade")
    client = signed_in(org.kam_a)
    question_set = QuestionSet.objects.get()
    started = client.post(f"/plans/opportunities/{deal.pk}/", {"question_set": question_set.pk})
    scorecard = Scorecard.objects.get(deal=deal)
    assert started["Location"] == f"/plans/scorecards/{scorecard.pk}/"
    questions = list(question_set.questions.all())
    answers = {f"score_{q.pk}": "5" if q.round == 3 else "3" for q in questions}
    answers[f"answer_{questions[0].pk}"] = "Their old supplier went bust"
    assert client.post(f"/plans/scorecards/{scorecard.pk}/", answers).status_code == 302
    page = client.get(f"/plans/scorecards/{scorecard.pk}/").content.decode()
    assert '72<small class="muted"> / 100</small>' in page  # 14 questions scored 3, 6 scored 5
    no_reason = client.post(f"/plans/scorecards/{scorecard.pk}/", {"decision": "go", "reason": ""})
    assert "Give the reason for the decision." in no_reason.content.decode()
    client.post(f"/plans/scorecards/{scorecard.pk}/", {"decision": "go", "reason": "Budget and a champion"})
    scorecard.refresh_from_db()
    assert scorecard.decision == "go" and scorecard.decision_reason == "Budget and a champion"
    assert (
        signed_in(org.viewer)
        .post(f"/plans/scorecards/{scorecard.pk}/", {"decision": "no_go", "reason": "x"})
        .status_code
        == 403
    )
    assert signed_in(org.kam_south).get(f"/plans/scorecards/{scorecard.pk}/").status_code == 404


def test_question_sets_are_edited_by_admins_and_directors(org: Org) -> None:
    builtin.load_plan_content()
    assert (
        signed_in(org.kam_a).post("/plans/question-sets/", {"name": "Mine", "round_names": "One"}).status_code
        == 403
    )
    made = signed_in(org.director).post(
        "/plans/question-sets/", {"name": "Quick check", "round_names": "Fit\nMoney", "is_active": "on"}
    )
    quick = QuestionSet.objects.get(name="Quick check")
    assert made["Location"] == f"/plans/question-sets/{quick.pk}/"
    bad = signed_in(org.director).post(
        f"/plans/question-sets/{quick.pk}/", {"q-round": "5", "q-text": "Who pays?"}
    )
    assert (
        "Quick check has rounds 1 to 2." in bad.content.decode()
        and 'value="Who pays?"' in bad.content.decode()
    )
    signed_in(org.admin).post(f"/plans/question-sets/{quick.pk}/", {"q-round": "2", "q-text": "Who pays?"})
    assert quick.questions.get().text == "Who pays?"
    assert signed_in(org.kam_a).get(f"/plans/question-sets/{quick.pk}/").status_code == 200


def test_calendar_page_shows_the_address_once(org: Org, plans: Plans) -> None:
    client = signed_in(org.kam_a)
    assert "Make my calendar address" in client.get("/plans/calendar/").content.decode()
    made = client.post("/plans/calendar/").content.decode()
    assert "/plans/calendar/cal_" in made and "shown only once" in made
    again = client.get("/plans/calendar/").content.decode()
    assert "/plans/calendar/cal_" not in again and "Make a new address" in again


def test_home_page_counts_overdue_actions(org: Org, plans: Plans) -> None:
    page = signed_in(org.kam_a).get("/").content.decode()
    assert "Overdue plan actions" in page and "Active account plans" in page
