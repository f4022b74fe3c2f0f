"""Plan pages: list, plan, objectives and actions, execution (marking occurrences), team, reviews,
opportunities and their qualification, dashboards, the status report and the calendar feed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kamkit.accounts import queries as account_queries
from kamkit.accounts.models import Account, Deal
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.forms import acting_user as _acting
from kamkit.core.forms import save_with_form as _save
from kamkit.core.views import ListPage, is_htmx
from kamkit.plans import ics, queries, recurrence, report, services, tracking
from kamkit.plans.choices import PLAN_TRANSITIONS, Decision, TeamSide
from kamkit.plans.forms import (
    ActionForm,
    DecisionForm,
    MarkForm,
    MemberForm,
    ObjectiveForm,
    OpportunityForm,
    PeriodForm,
    PlanEditForm,
    PlanForm,
    QuestionForm,
    QuestionSetForm,
    ReviewForm,
    ScorecardForm,
    SectionForm,
    StartScorecardForm,
)
from kamkit.plans.models import (
    AccountPlan,
    ActionOccurrence,
    CalendarFeed,
    Objective,
    PlanAction,
    PlanMember,
    QuestionSet,
    Scorecard,
)
from kamkit.users.models import Team


class PlanList(ListPage):
    model = AccountPlan
    spec = queries.PLAN_LIST
    title = "Account plans"
    columns = [
        ("account", "Account"),
        ("period", "Period"),
        ("version", "Version"),
        ("status", "Status"),
        ("owner", "Owner"),
        ("updated", "Last change"),
    ]
    add_url_name = "plans:create"

    def base_queryset(self) -> Any:
        return queries.plans_for(self.request.user)


def _plan(request: HttpRequest, pk: int) -> AccountPlan:
    return get_object_or_404(queries.plans_for(request.user), pk=pk)


def _changeable(request: HttpRequest, pk: int) -> AccountPlan:
    plan = _plan(request, pk)
    permissions.require(request.user, Action.CHANGE, plan.account)
    return plan


def _can_change(request: HttpRequest, plan: AccountPlan) -> bool:
    return not plan.is_closed and permissions.can(request.user, Action.CHANGE, plan.account)


def _form_page(
    request: HttpRequest, form: Form, title: str, plan: AccountPlan | None = None, **extra: Any
) -> HttpResponse:
    return render(request, "plans/form.html", {"form": form, "title": title, "plan": plan, **extra})


def _step(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """A button on a page (no form to redisplay): the refusal becomes an error message."""
    try:
        with transaction.atomic():
            action()
    except ServiceError as exc:
        details = "; ".join(m for ms in exc.errors.values() for m in ms)
        messages.error(request, f"{exc.detail} {details}".strip())
        return False
    messages.success(request, success)
    return True


# Plans -----------------------------------------------------------------------------------------------


def plan_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, Action.ADD, AccountPlan)
    accounts = permissions.permitted(request.user, Account, Action.CHANGE).filter(is_key_account=True)
    this_year = timezone.localdate().year
    initial: dict[str, Any] = {
        "period": f"FY{this_year}",
        "starts_on": dt.date(this_year, 1, 1),
        "ends_on": dt.date(this_year, 12, 31),
        "account": request.GET.get("account"),
    }
    form = PlanForm(request.POST or None, initial=initial, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        permissions.require(request.user, Action.CHANGE, data["account"])
        plan = _save(
            form,
            lambda: services.create_plan(
                account=data["account"],
                period=data["period"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                template=data["template"],
                created_by=_acting(request),
            ),
        )
        if plan is not None:
            messages.success(request, f"{plan} created as a draft.")
            return redirect("plans:detail", pk=plan.pk)
    return _form_page(request, form, "Start an account plan")


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    objectives = list(
        plan.objectives.select_related("owner").prefetch_related("deals", "actions", "actions__owner")
    )
    completeness = queries.plan_completeness(plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "can_change": _can_change(request, plan),
            "completeness": completeness,
            "completion": queries.plan_completion(plan),
            "rows": queries.objective_rows(objectives, plan),
            "sections": plan.sections.all(),
            "members": plan.members.select_related("user", "contact"),
            "opportunities": queries.opportunities_of(plan),
            "reviews": plan.reviews.prefetch_related("our_attendees", "customer_attendees")[:5],
            "versions": queries.versions_of(plan),
            "transitions": sorted(PLAN_TRANSITIONS[plan.status]),
            "member_form": MemberForm(plan=plan),
        },
    )


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _changeable(request, pk)
    initial = {f: getattr(plan, f) for f in PlanEditForm.base_fields}
    form = PlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "refresh" in request.POST:
            if _step(
                request,
                lambda: services.refresh_situation(plan=plan),
                "Situation rewritten from the profile.",
            ):
                return redirect("plans:edit", pk=plan.pk)
        elif form.is_valid():
            d = form.cleaned_data
            saved = _save(
                form,
                lambda: services.update_plan(
                    plan=plan,
                    period=d["period"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    situation=d["situation"],
                ),
            )
            if saved is not None:
                messages.success(request, f"{saved} saved.")
                return redirect("plans:detail", pk=plan.pk)
    return _form_page(request, form, f"Edit {plan}", plan, refresh_situation=True)


@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    permissions.require(request.user, Action.DELETE, plan)
    account_pk = plan.account_id
    if _step(request, lambda: services.delete_plan(plan=plan), f"{plan} deleted."):
        return redirect(reverse("plans:list") + f"?account={account_pk}")
    return redirect("plans:detail", pk=pk)


def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    plan = _changeable(request, pk)
    section = get_object_or_404(plan.sections, key=key)
    form = SectionForm(request.POST or None, initial={"text": section.text})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.save_section(plan=plan, key=key, text=form.cleaned_data["text"]))
    ):
        messages.success(request, f"{section.title} saved.")
        return redirect(reverse("plans:detail", args=[plan.pk]) + f"#section-{key}")
    form.fields["text"].label = section.title
    form.fields["text"].help_text = section.prompt
    return _form_page(request, form, f"{section.title} · {plan}", plan)


@require_POST
def plan_status(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _changeable(request, pk)
    try:
        with transaction.atomic():
            closed = services.set_plan_status(plan=plan, status=request.POST.get("status", ""))
    except ServiceError as exc:
        details = "; ".join(m for ms in exc.errors.values() for m in ms)
        messages.error(request, f"{exc.detail} {details}".strip())
    else:
        messages.success(request, f"{plan} is {plan.get_status_display().lower()}.")
        for other in closed:
            messages.info(request, f"{other} was closed: one version is active at a time.")
    return redirect("plans:detail", pk=plan.pk)


@require_POST
def plan_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _changeable(request, pk)
    made: list[AccountPlan] = []
    if _step(
        request,
        lambda: made.append(services.start_new_version(plan=plan, created_by=_acting(request))),
        "A draft copy was made as the next version.",
    ):
        return redirect("plans:detail", pk=made[0].pk)
    return redirect("plans:detail", pk=plan.pk)


def plan_next_period(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _changeable(request, pk)
    starts = plan.ends_on + dt.timedelta(days=1)
    initial = {
        "period": re.sub(r"\d+$", lambda m: str(int(m.group()) + 1).zfill(len(m.group())), plan.period),
        "starts_on": starts,
        "ends_on": recurrence.shift_date(plan.ends_on, plan.starts_on, starts),
    }
    form = PeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        new = _save(
            form,
            lambda: services.start_next_period(
                plan=plan,
                period=d["period"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                created_by=_acting(request),
            ),
        )
        if new is not None:
            messages.success(request, f"{new} started from {plan}.")
            return redirect("plans:detail", pk=new.pk)
    return _form_page(request, form, f"Plan the next period from {plan}", plan)


# Objectives and actions ------------------------------------------------------------------------------


def _objective_input(form: ObjectiveForm) -> services.ObjectiveInput:
    d = form.cleaned_data
    return services.ObjectiveInput(
        title=d["title"],
        description=d["description"],
        owner=d["owner"],
        metric_kind=d["metric_kind"],
        metric=d["metric"],
        unit=d["unit"],
        baseline=d["baseline"],
        target=d["target"],
        current=d["current"],
        due_on=d["due_on"],
        confirmed_realistic=d["confirmed_realistic"],
        deals=list(d["deals"]),
    )


def objective_form(
    request: HttpRequest, pk: int | None = None, objective_pk: int | None = None
) -> HttpResponse:
    objective: Objective | None = None
    if objective_pk is not None:
        objective = get_object_or_404(queries.objectives_for(request.user), pk=objective_pk)
        plan = objective.plan
        permissions.require(request.user, Action.CHANGE, plan.account)
    else:
        assert pk is not None
        plan = _changeable(request, pk)
    if objective is not None:
        initial: dict[str, Any] = {
            f: getattr(objective, f) for f in ObjectiveForm.base_fields if f != "deals"
        }
        initial["deals"] = list(objective.deals.all())
    else:
        initial = {"owner": plan.account.owner_id or request.user.pk, "due_on": plan.ends_on}
    form = ObjectiveForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST":
        if "delete" in request.POST and objective is not None:
            if _step(
                request, lambda: services.delete_objective(objective=objective), f"{objective} removed."
            ):
                return redirect("plans:detail", pk=plan.pk)
        elif form.is_valid():
            data = _objective_input(form)
            saved = _save(
                form,
                lambda: (
                    services.update_objective(objective=objective, data=data)
                    if objective
                    else services.create_objective(plan=plan, data=data)
                ),
            )
            if saved is not None:
                messages.success(request, f"{saved} saved.")
                return redirect(reverse("plans:detail", args=[plan.pk]) + f"#objective-{saved.pk}")
    title = f"Edit {objective}" if objective else "Add an objective"
    return _form_page(request, form, title, plan, smart_form=True, objective=objective)


def _action_input(form: ActionForm) -> services.ActionInput:
    d = form.cleaned_data
    return services.ActionInput(
        title=d["title"],
        description=d["description"],
        owner=d["owner"],
        cadence=d["cadence"],
        first_due_on=d["first_due_on"],
        repeat_until=d["repeat_until"],
    )


def action_form(
    request: HttpRequest, objective_pk: int | None = None, action_pk: int | None = None
) -> HttpResponse:
    action: PlanAction | None = None
    if action_pk is not None:
        action = get_object_or_404(queries.actions_for(request.user), pk=action_pk)
        objective = action.objective
    else:
        objective = get_object_or_404(queries.objectives_for(request.user), pk=objective_pk)
    plan = objective.plan
    permissions.require(request.user, Action.CHANGE, plan.account)
    if action is not None:
        initial: dict[str, Any] = {f: getattr(action, f) for f in ActionForm.base_fields}
    else:
        initial = {
            "owner": objective.owner_id or request.user.pk,
            "first_due_on": max(plan.starts_on, timezone.localdate()),
        }
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "delete" in request.POST and action is not None:
            if _step(request, lambda: services.delete_action(action=action), f"{action} removed."):
                return redirect("plans:detail", pk=plan.pk)
        elif form.is_valid():
            data = _action_input(form)
            saved = _save(
                form,
                lambda: (
                    services.update_action(action=action, data=data)
                    if action
                    else services.create_action(objective=objective, data=data)
                ),
            )
            if saved is not None:
                messages.success(request, f"{saved} saved; its dates are on the execution page.")
                return redirect(reverse("plans:detail", args=[plan.pk]) + f"#objective-{objective.pk}")
    title = f"Edit {action}" if action else f"Add an action to {objective}"
    return _form_page(request, form, title, plan, action=action)


# Execution -------------------------------------------------------------------------------------------


def execution(request: HttpRequest, pk: int) -> HttpResponse:
    """Each action's occurrences, to mark done, skipped or missed (a window around today unless ?all)."""
    plan = _plan(request, pk)
    today = queries.today()
    show_all = request.GET.get("all") == "1"
    actions = []
    for action in queries.action_occurrences(plan):
        occurrences = list(action.occurrences.all())
        if not show_all:
            occurrences = [
                o
                for o in occurrences
                if today - dt.timedelta(days=35) <= o.due_on <= today + dt.timedelta(days=35)
                or (o.status == "pending" and o.due_on < today)
            ]
        actions.append(
            (action, [(o, tracking.effective_state(o.status, o.due_on, today)) for o in occurrences])
        )
    return render(
        request,
        "plans/execution.html",
        {
            "plan": plan,
            "actions": actions,
            "show_all": show_all,
            "can_change": _can_change(request, plan),
            "completion": queries.plan_completion(plan),
        },
    )


@require_POST
def occurrence_mark(request: HttpRequest, occurrence_pk: int) -> HttpResponse:
    occurrence: ActionOccurrence = get_object_or_404(queries.occurrences_for(request.user), pk=occurrence_pk)
    plan = occurrence.action.objective.plan
    permissions.require(request.user, Action.CHANGE, plan.account)
    form = MarkForm(request.POST)
    error = ""
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                services.mark_occurrence(
                    occurrence=occurrence,
                    status=d["status"],
                    note=d["note"],
                    worth=d["worth"],
                    marked_by=_acting(request),
                )
        except ServiceError as exc:
            occurrence.refresh_from_db()
            error = "; ".join(m for ms in exc.errors.values() for m in ms) or exc.detail
    else:
        error = "; ".join(str(m) for ms in form.errors.values() for m in ms)
    if is_htmx(request):
        state = tracking.effective_state(occurrence.status, occurrence.due_on, queries.today())
        return render(
            request,
            "plans/partials/occurrence_row.html",
            {"occurrence": occurrence, "state": state, "can_change": True, "error": error},
        )
    if error:
        messages.error(request, error)
    return redirect(reverse("plans:execution", args=[plan.pk]) + f"#occurrence-{occurrence.pk}")


# Team, reviews, opportunities ------------------------------------------------------------------------


def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _changeable(request, pk)
    form = MemberForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        added = _save(
            form,
            lambda: services.add_member(
                plan=plan,
                side=d["side"],
                role=d["role"],
                user=d["user"] if d["side"] == TeamSide.OURS else None,
                contact=d["contact"] if d["side"] == TeamSide.CUSTOMER else None,
                responsibilities=d["responsibilities"],
            ),
        )
        if added is not None:
            messages.success(request, f"{added.person} added to the team.")
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#team")
    return _form_page(request, form, f"Add to the team · {plan}", plan)


@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    plan = _changeable(request, pk)
    member = get_object_or_404(PlanMember, pk=member_pk, plan=plan)
    _step(request, lambda: services.remove_member(member=member), f"{member.person} removed from the team.")
    return redirect(reverse("plans:detail", args=[plan.pk]) + "#team")


def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _changeable(request, pk)
    form = ReviewForm(request.POST or None, plan=plan, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        review = _save(
            form,
            lambda: services.record_review(
                plan=plan,
                held_on=d["held_on"],
                what_changed=d["what_changed"],
                decisions=d["decisions"],
                revisions=d["revisions"],
                our_attendees=list(d["our_attendees"]),
                customer_attendees=list(d["customer_attendees"]),
                other_attendees=d["other_attendees"],
                next_review_on=d["next_review_on"],
                recorded_by=_acting(request),
            ),
        )
        if review is not None:
            messages.success(request, "Review recorded.")
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#reviews")
    return _form_page(request, form, f"Record a review · {plan}", plan)


def opportunity_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _changeable(request, pk)
    form = OpportunityForm(
        request.POST or None, plan=plan, initial={"objective": request.GET.get("objective")}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        deal = _save(
            form,
            lambda: services.create_opportunity(
                plan=plan,
                name=d["name"],
                amount=d["amount"],
                stage=d["stage"],
                expected_close_on=d["expected_close_on"],
                product=d["product"],
                owner=d["owner"],
                objective=d["objective"],
            ),
        )
        if deal is not None:
            messages.success(request, f"Opportunity {deal} added.")
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#opportunities")
    return _form_page(request, form, f"Add an opportunity · {plan.account}", plan)


# Dashboards and the status report --------------------------------------------------------------------


def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return render(request, "plans/dashboard.html", {"plan": plan, "board": queries.plan_dashboard(plan)})


def team_dashboard(request: HttpRequest) -> HttpResponse:
    """Execution across the plans the user may see; ?team= narrows it to one team's accounts."""
    raw = request.GET.get("team", "")
    team = Team.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    return render(
        request,
        "plans/team_dashboard.html",
        {
            "board": queries.team_dashboard(request.user, team_id=team.pk if team else None),
            "teams": Team.objects.order_by("name"),
            "team": team,
        },
    )


def status_report(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    data = report.status_report(plan)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(report.status_report_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.filename(plan)}"'
        return response
    return render(request, "plans/report.html", {"plan": plan, "report": data})


def account_report(request: HttpRequest, account_pk: int) -> HttpResponse:
    """The status report of an account: its active plan's, else its newest plan's."""
    account = get_object_or_404(account_queries.accounts_for(request.user), pk=account_pk)
    plan = report.current_plan(account)
    if plan is None:
        messages.info(request, f"{account} has no account plan yet.")
        return redirect(reverse("plans:list") + f"?account={account.pk}")
    url = reverse("plans:report", args=[plan.pk])
    return redirect(url + ("?format=pdf" if request.GET.get("format") == "pdf" else ""))


# Qualification ---------------------------------------------------------------------------------------


def opportunity_detail(request: HttpRequest, deal_pk: int) -> HttpResponse:
    deal: Deal = get_object_or_404(queries.deals_for(request.user), pk=deal_pk)
    can_change = permissions.can(request.user, Action.CHANGE, deal.account)
    form = StartScorecardForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, Action.CHANGE, deal.account)
        if form.is_valid():
            scorecard = _save(
                form,
                lambda: services.start_scorecard(
                    deal=deal, question_set=form.cleaned_data["question_set"], created_by=_acting(request)
                ),
            )
            if scorecard is not None:
                return redirect("plans:scorecard", pk=scorecard.pk)
    scorecards = [
        (s, queries.scorecard_profile(s)) for s in queries.scorecards_for(request.user).filter(deal=deal)
    ]
    return render(
        request,
        "plans/opportunity.html",
        {
            "deal": deal,
            "can_change": can_change,
            "form": form,
            "scorecards": scorecards,
            "objectives": queries.objectives_for(request.user).filter(deals=deal),
        },
    )


def scorecard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard: Scorecard = get_object_or_404(queries.scorecards_for(request.user), pk=pk)
    deal = scorecard.deal
    can_change = permissions.can(request.user, Action.CHANGE, deal.account)
    questions = queries.questions_of(scorecard.question_set)
    stored = {a.question_id: a for a in scorecard.answers.all()}
    initial: dict[str, Any] = {}
    for q in questions:
        if q.pk in stored:
            initial[f"answer_{q.pk}"] = stored[q.pk].answer
            initial[f"score_{q.pk}"] = stored[q.pk].score
    answers_form = ScorecardForm(initial=initial, questions=questions)
    decision_form = DecisionForm(
        initial={
            "decision": scorecard.decision if scorecard.decision != Decision.PENDING else None,
            "reason": scorecard.decision_reason,
        }
    )
    if request.method == "POST":
        permissions.require(request.user, Action.CHANGE, deal.account)
        if "decision" in request.POST:
            decision_form = DecisionForm(request.POST)
            if decision_form.is_valid() and _save(
                decision_form,
                lambda: services.decide(
                    scorecard=scorecard,
                    decision=decision_form.cleaned_data["decision"],
                    reason=decision_form.cleaned_data["reason"],
                    decided_by=_acting(request),
                ),
            ):
                messages.success(request, f"Decision recorded: {scorecard.get_decision_display()}.")
                return redirect("plans:scorecard", pk=scorecard.pk)
        else:
            answers_form = ScorecardForm(request.POST, questions=questions)
            if answers_form.is_valid():
                d = answers_form.cleaned_data
                items = [
                    services.AnswerInput(question=q, answer=d[f"answer_{q.pk}"], score=d[f"score_{q.pk}"])
                    for q in questions
                ]
                if _save(answers_form, lambda: services.save_answers(scorecard=scorecard, answers=items)):
                    messages.success(request, "Answers saved.")
                    return redirect("plans:scorecard", pk=scorecard.pk)
    rounds: dict[int, list[tuple[Any, Any, Any]]] = {}
    for q in questions:
        rounds.setdefault(q.round, []).append(
            (q, answers_form[f"answer_{q.pk}"], answers_form[f"score_{q.pk}"])
        )
    return render(
        request,
        "plans/scorecard.html",
        {
            "scorecard": scorecard,
            "deal": deal,
            "can_change": can_change,
            "profile": queries.scorecard_profile(scorecard),
            "answers_form": answers_form,
            "decision_form": decision_form,
            "rounds": [
                (scorecard.question_set.round_name(n), fields) for n, fields in sorted(rounds.items())
            ],
        },
    )


def question_sets(request: HttpRequest) -> HttpResponse:
    can_add = permissions.can(request.user, Action.ADD, QuestionSet)
    form = QuestionSetForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, Action.ADD, QuestionSet)
        if form.is_valid():
            d = form.cleaned_data
            made = _save(
                form,
                lambda: services.create_question_set(
                    name=d["name"], round_names=form.rounds(), description=d["description"]
                ),
            )
            if made is not None:
                messages.success(request, f"{made} created; add its questions.")
                return redirect("plans:question_set", pk=made.pk)
    return render(
        request,
        "plans/question_sets.html",
        {"sets": queries.question_sets_for(request.user), "form": form, "can_add": can_add},
    )


def question_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = get_object_or_404(queries.question_sets_for(request.user), pk=pk)
    can_change = permissions.can(request.user, Action.CHANGE, question_set)
    question_form = QuestionForm(prefix="q")
    set_form = QuestionSetForm(
        prefix="set",
        initial={
            "name": question_set.name,
            "description": question_set.description,
            "round_names": "\n".join(question_set.round_names or []),
            "is_active": question_set.is_active,
        },
    )
    if request.method == "POST":
        permissions.require(request.user, Action.CHANGE, question_set)
        if "q-text" in request.POST:
            question_form = QuestionForm(request.POST, prefix="q")
            if question_form.is_valid():
                d = question_form.cleaned_data
                if _save(
                    question_form,
                    lambda: services.add_question(
                        question_set=question_set, round=d["round"], text=d["text"], guidance=d["guidance"]
                    ),
                ):
                    messages.success(request, "Question added.")
                    return redirect("plans:question_set", pk=question_set.pk)
        else:
            set_form = QuestionSetForm(request.POST, prefix="set")
            if set_form.is_valid():
                d = set_form.cleaned_data
                if _save(
                    set_form,
                    lambda: services.update_question_set(
                        question_set=question_set,
                        name=d["name"],
                        round_names=set_form.rounds(),
                        description=d["description"],
                        is_active=d["is_active"],
                    ),
                ):
                    messages.success(request, f"{question_set} saved.")
                    return redirect("plans:question_set", pk=question_set.pk)
    questions = queries.questions_of(question_set)
    rounds = [
        (question_set.round_name(n), [q for q in questions if q.round == n])
        for n in sorted({q.round for q in questions} | set(range(1, len(question_set.round_names or []) + 1)))
    ]
    return render(
        request,
        "plans/question_set.html",
        {
            "question_set": question_set,
            "rounds": rounds,
            "can_change": can_change,
            "question_form": question_form,
            "set_form": set_form,
        },
    )


# Calendar --------------------------------------------------------------------------------------------


def calendar_page(request: HttpRequest) -> HttpResponse:
    """Subscribe to your plan actions in a calendar program; the address is shown once."""
    user = _acting(request)
    new_url = ""
    if request.method == "POST":
        if "revoke" in request.POST:
            with transaction.atomic():
                services.revoke_calendar_token(user=user)
            messages.success(request, "Calendar address switched off.")
            return redirect("plans:calendar")
        with transaction.atomic():
            token = services.rotate_calendar_token(user=user)
        new_url = request.build_absolute_uri(reverse("plans:calendar_feed", args=[token]))
    feed = CalendarFeed.objects.filter(user=user).first()
    count = queries.calendar_occurrences(user).count()
    return render(request, "plans/calendar.html", {"feed": feed, "new_url": new_url, "count": count})


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret iCalendar address: no session (calendar programs have none); the token is the key."""
    user = queries.calendar_user(token)
    if user is None:
        raise Http404("No such calendar.")
    CalendarFeed.objects.filter(user=user).update(last_fetched_at=timezone.now())
    body = ics.build_calendar(
        queries.calendar_occurrences(user),
        base_url=settings.KAMKIT_BASE_URL,
        owner_name=str(user),
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kamkit-plan-actions.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
