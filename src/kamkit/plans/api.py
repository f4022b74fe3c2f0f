"""API for account plans: objectives, actions and occurrences, team, reviews, opportunities,
dashboards, qualification scorecards and the calendar address."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.accounts import queries as account_queries
from kamkit.accounts.models import Account, Deal, Product
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import queries, services, tracking
from kamkit.plans.models import (
    AccountPlan,
    ActionOccurrence,
    Objective,
    PlanAction,
    PlanMember,
    PlanTemplate,
    QualificationQuestion,
    QuestionSet,
    Scorecard,
)
from kamkit.plans.schemas import (
    AccountReviewCreate,
    AccountReviewRead,
    ActionOccurrenceMark,
    ActionOccurrenceRead,
    CalendarTokenCreated,
    CompletenessRead,
    ObjectiveCreate,
    ObjectiveRead,
    ObjectiveUpdate,
    OpportunityCreate,
    OpportunityRead,
    PlanActionCreate,
    PlanActionRead,
    PlanActionUpdate,
    PlanCreate,
    PlanDashboardRead,
    PlanMemberCreate,
    PlanMemberRead,
    PlanPeriodWrite,
    PlanRead,
    PlanSectionRead,
    PlanSectionWrite,
    PlanStatusWrite,
    PlanTemplateRead,
    PlanUpdate,
    QualificationQuestionRead,
    QualificationQuestionWrite,
    QuestionSetCreate,
    QuestionSetRead,
    QuestionSetUpdate,
    ScorecardAnswerWrite,
    ScorecardCreate,
    ScorecardDecisionWrite,
    ScorecardRead,
    TeamDashboardRead,
)
from kamkit.users.models import User

router = Router(tags=["plans"])


class PlanListParams(Schema):
    q: str | None = None
    sort: str | None = None
    status: str | None = None
    account: str | None = None
    owner: str | None = None
    period: str | None = None


def _acting(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _pick(queryset: QuerySet[Any], pk: int | None, field: str, what: str) -> Any:
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ServiceError(f"Unknown {what}.", errors={field: [f"No {what} with id {pk} here."]})
    return found


def _people(pk: int | None, field: str) -> User | None:
    picked: User | None = _pick(User.objects.filter(is_active=True), pk, field, "active user")
    return picked


def _plan(request: HttpRequest, plan_id: int) -> AccountPlan:
    return get_object_or_404(queries.plans_for(request.user), pk=plan_id)


def _changeable_plan(request: HttpRequest, plan_id: int) -> AccountPlan:
    """Work on a plan needs the right to change its account (404 when it may not even be seen)."""
    plan = _plan(request, plan_id)
    permissions.require(request.user, Action.CHANGE, plan.account)
    return plan


def _inside(request: HttpRequest, queryset: QuerySet[Any], pk: int, account_path: str) -> Any:
    """An object under a plan, and the right to change the account it sits in."""
    obj = get_object_or_404(queryset, pk=pk)
    account = obj
    for name in account_path.split("."):
        account = getattr(account, name)
    permissions.require(request.user, Action.CHANGE, account)
    return obj


# Plans -----------------------------------------------------------------------------------------------


@router.get("/plans", response={200: list[PlanRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_plans(request: HttpRequest, params: Query[PlanListParams]) -> Any:
    return queries.PLAN_LIST.apply(queries.plans_for(request.user), params.dict())


@router.post("/plans", response={201: PlanRead, **ERROR_RESPONSES})
def create_plan(request: HttpRequest, payload: PlanCreate) -> Any:
    """A first draft for a key account and period (sections from the template, if one is given)."""
    account: Account = _pick(
        account_queries.accounts_for(request.user), payload.account_id, "account_id", "account"
    )
    permissions.require(request.user, Action.CHANGE, account)
    template = _pick(PlanTemplate.objects.all(), payload.template_id, "template_id", "plan template")
    with transaction.atomic():
        plan = services.create_plan(
            account=account,
            period=payload.period,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            template=template,
            created_by=_acting(request),
        )
    return Status(201, plan)


@router.get("/plans/{plan_id}", response={200: PlanRead, **ERROR_RESPONSES})
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    return _plan(request, plan_id)


@router.patch("/plans/{plan_id}", response={200: PlanRead, **ERROR_RESPONSES})
def update_plan(request: HttpRequest, plan_id: int, payload: PlanUpdate) -> Any:
    plan = _changeable_plan(request, plan_id)
    data = payload.dict(exclude_unset=True)
    with transaction.atomic():
        return services.update_plan(
            plan=plan,
            period=data.get("period") or plan.period,
            starts_on=data.get("starts_on") or plan.starts_on,
            ends_on=data.get("ends_on") or plan.ends_on,
            situation=data["situation"] if data.get("situation") is not None else plan.situation,
        )


@router.delete("/plans/{plan_id}", response={204: None, **ERROR_RESPONSES})
def delete_plan(request: HttpRequest, plan_id: int) -> Any:
    plan = _plan(request, plan_id)
    permissions.require(request.user, Action.DELETE, plan)
    with transaction.atomic():
        services.delete_plan(plan=plan)
    return Status(204, None)


@router.post("/plans/{plan_id}/status", response={200: PlanRead, **ERROR_RESPONSES})
def set_plan_status(request: HttpRequest, plan_id: int, payload: PlanStatusWrite) -> Any:
    """Draft, agreed, active, closed. Activating a version closes the one active before it."""
    plan = _changeable_plan(request, plan_id)
    with transaction.atomic():
        services.set_plan_status(plan=plan, status=payload.status)
    return plan


@router.post("/plans/{plan_id}/versions", response={201: PlanRead, **ERROR_RESPONSES})
def start_new_version(request: HttpRequest, plan_id: int) -> Any:
    """A draft copy of the plan (objectives, actions, team) as its next version."""
    plan = _changeable_plan(request, plan_id)
    with transaction.atomic():
        return Status(201, services.start_new_version(plan=plan, created_by=_acting(request)))


@router.post("/plans/{plan_id}/next-period", response={201: PlanRead, **ERROR_RESPONSES})
def start_next_period(request: HttpRequest, plan_id: int, payload: PlanPeriodWrite) -> Any:
    """Next period's plan from this one, dates moved on by the distance between the periods."""
    plan = _changeable_plan(request, plan_id)
    with transaction.atomic():
        new = services.start_next_period(
            plan=plan,
            period=payload.period,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            created_by=_acting(request),
        )
    return Status(201, new)


@router.get("/plans/{plan_id}/sections", response={200: list[PlanSectionRead], **ERROR_RESPONSES})
def list_sections(request: HttpRequest, plan_id: int) -> Any:
    return _plan(request, plan_id).sections.all()


@router.put("/plans/{plan_id}/sections/{key}", response={200: PlanSectionRead, **ERROR_RESPONSES})
def save_section(request: HttpRequest, plan_id: int, key: str, payload: PlanSectionWrite) -> Any:
    plan = _changeable_plan(request, plan_id)
    if not plan.sections.filter(key=key).exists():
        raise ServiceError("No such section.", errors={"key": [f"{plan} has no section {key!r}."]})
    with transaction.atomic():
        return services.save_section(plan=plan, key=key, text=payload.text)


@router.get("/plans/{plan_id}/completeness", response={200: CompletenessRead, **ERROR_RESPONSES})
def plan_completeness(request: HttpRequest, plan_id: int) -> Any:
    result = queries.plan_completeness(_plan(request, plan_id))
    return {
        "score": result.score,
        "points": result.points,
        "gaps": [{"part": g.part, "message": g.message} for g in result.gaps],
    }


def _month(row: queries.MonthRow) -> dict[str, Any]:
    c = row.completion
    return {
        "month": row.month,
        "planned": row.planned,
        "due": c.due,
        "done": c.done,
        "skipped": c.skipped,
        "missed": c.missed,
        "rate": c.rate,
    }


@router.get("/plans/{plan_id}/dashboard", response={200: PlanDashboardRead, **ERROR_RESPONSES})
def plan_dashboard(request: HttpRequest, plan_id: int) -> Any:
    """Completion by month, objectives on track / at risk / off track, and what slipped."""
    board = queries.plan_dashboard(_plan(request, plan_id))
    c = board.completion
    return {
        "plan_id": board.plan.pk,
        "due": c.due,
        "done": c.done,
        "skipped": c.skipped,
        "missed": c.missed,
        "rate": c.rate,
        "mean_worth": board.mean_worth,
        "months": [_month(m) for m in board.months],
        "objectives": [
            {
                "objective_id": r.objective.pk,
                "title": r.objective.title,
                "track": r.track.value,
                "progress": r.progress,
                "elapsed": r.elapsed,
            }
            for r in board.objectives
        ],
        "tracks": board.tracks,
        "slipped": [
            {"day": s.day, "what": s.what, "detail": s.detail, "kind": s.kind} for s in board.slipped
        ],
    }


@router.get("/plan-dashboard", response={200: TeamDashboardRead, **ERROR_RESPONSES})
def team_dashboard(request: HttpRequest, team: int | None = None) -> Any:
    """Every active plan the caller may see (a manager: their people's accounts); ``team`` keeps
    the plans of that team's accounts."""
    board = queries.team_dashboard(request.user, team_id=team)
    return {
        "due": board.completion.due,
        "done": board.completion.done,
        "rate": board.completion.rate,
        "tracks": board.tracks,
        "months": [_month(m) for m in board.months],
        "plans": [
            {
                "plan_id": r.plan.pk,
                "account": str(r.plan.account),
                "owner": str(r.plan.account.owner or ""),
                "period": r.plan.period,
                "due": r.completion.due,
                "done": r.completion.done,
                "rate": r.completion.rate,
                "overdue": r.overdue,
                "tracks": r.tracks,
            }
            for r in board.rows
        ],
    }


@router.get("/plan-templates", response={200: list[PlanTemplateRead], **ERROR_RESPONSES})
def list_templates(request: HttpRequest) -> Any:
    return permissions.visible_to(request.user, PlanTemplate).prefetch_related("sections")


# Team ------------------------------------------------------------------------------------------------


@router.get("/plans/{plan_id}/team", response={200: list[PlanMemberRead], **ERROR_RESPONSES})
def list_team(request: HttpRequest, plan_id: int) -> Any:
    return _plan(request, plan_id).members.select_related("user", "contact")


@router.post("/plans/{plan_id}/team", response={201: PlanMemberRead, **ERROR_RESPONSES})
def add_member(request: HttpRequest, plan_id: int, payload: PlanMemberCreate) -> Any:
    plan = _changeable_plan(request, plan_id)
    contact = _pick(plan.account.contacts.all(), payload.contact_id, "contact_id", "contact at this account")
    user = _people(payload.user_id, "user_id")
    try:
        with transaction.atomic():
            member = services.add_member(
                plan=plan,
                side=payload.side,
                role=payload.role,
                user=user,
                contact=contact,
                responsibilities=payload.responsibilities,
            )
    except ServiceError as exc:
        raise _api_fields(exc) from None
    return Status(201, member)


@router.delete("/plan-members/{member_id}", response={204: None, **ERROR_RESPONSES})
def remove_member(request: HttpRequest, member_id: int) -> Any:
    member = _inside(
        request,
        permissions.visible_to(request.user, PlanMember).select_related("plan__account"),
        member_id,
        "plan.account",
    )
    with transaction.atomic():
        services.remove_member(member=member)
    return Status(204, None)


# Objectives ------------------------------------------------------------------------------------------


def _deals(plan: AccountPlan, ids: list[int]) -> list[Deal]:
    deals = list(Deal.objects.filter(account_id=plan.account_id, pk__in=ids))
    if len(deals) != len(set(ids)):
        raise ServiceError(
            "Unknown opportunity.", errors={"deal_ids": [f"Not all of them are at {plan.account}."]}
        )
    return deals


def _objective_input(
    plan: AccountPlan, data: dict[str, Any], deals: list[Deal] | None
) -> services.ObjectiveInput:
    return services.ObjectiveInput(
        title=data.get("title") or "",
        description=data.get("description") or "",
        owner=_people(data.get("owner_id"), "owner_id"),
        metric_kind=data.get("metric_kind") or "other",
        metric=data.get("metric") or "",
        unit=data.get("unit") or "",
        baseline=data.get("baseline"),
        target=data.get("target"),
        current=data.get("current"),
        due_on=data.get("due_on"),
        confirmed_realistic=bool(data.get("confirmed_realistic")),
        deals=deals,
    )


def _objectives() -> QuerySet[Objective]:
    return Objective.objects.select_related("owner", "plan__account").prefetch_related("deals")


@router.get("/plans/{plan_id}/objectives", response={200: list[ObjectiveRead], **ERROR_RESPONSES})
def list_objectives(request: HttpRequest, plan_id: int) -> Any:
    return _objectives().filter(plan=_plan(request, plan_id))


@router.post("/plans/{plan_id}/objectives", response={201: ObjectiveRead, **ERROR_RESPONSES})
def create_objective(request: HttpRequest, plan_id: int, payload: ObjectiveCreate) -> Any:
    """A SMART objective: each missing element is a 400 error on its own field (owner_id, metric,
    baseline, target, due_on); a revenue target far above the account's history needs
    confirmed_realistic."""
    plan = _changeable_plan(request, plan_id)
    data = _objective_input(plan, payload.dict(), _deals(plan, payload.deal_ids))
    try:
        with transaction.atomic():
            objective = services.create_objective(plan=plan, data=data)
    except ServiceError as exc:
        raise _api_fields(exc) from None
    return Status(201, _objectives().get(pk=objective.pk))


def _api_fields(exc: ServiceError) -> ServiceError:
    """Service errors name form fields; the API names the ids it takes."""
    renamed = {"owner": "owner_id", "deals": "deal_ids", "user": "user_id", "contact": "contact_id"}
    exc.errors = {renamed.get(name, name): messages for name, messages in exc.errors.items()}
    return exc


@router.get("/objectives/{objective_id}", response={200: ObjectiveRead, **ERROR_RESPONSES})
def get_objective(request: HttpRequest, objective_id: int) -> Any:
    return get_object_or_404(
        _objectives().filter(pk__in=queries.objectives_for(request.user)), pk=objective_id
    )


@router.patch("/objectives/{objective_id}", response={200: ObjectiveRead, **ERROR_RESPONSES})
def update_objective(request: HttpRequest, objective_id: int, payload: ObjectiveUpdate) -> Any:
    """Change what is sent; the whole objective must still be SMART afterwards."""
    objective: Objective = _inside(
        request, queries.objectives_for(request.user), objective_id, "plan.account"
    )
    sent = payload.dict(exclude_unset=True)
    current = {
        "title": objective.title,
        "description": objective.description,
        "owner_id": objective.owner_id,
        "metric_kind": objective.metric_kind,
        "metric": objective.metric,
        "unit": objective.unit,
        "baseline": objective.baseline,
        "target": objective.target,
        "current": objective.current,
        "due_on": objective.due_on,
        "confirmed_realistic": objective.confirmed_realistic,
    }
    deals = _deals(objective.plan, sent.pop("deal_ids")) if sent.get("deal_ids") is not None else None
    try:
        with transaction.atomic():
            services.update_objective(
                objective=objective, data=_objective_input(objective.plan, {**current, **sent}, deals)
            )
    except ServiceError as exc:
        raise _api_fields(exc) from None
    return _objectives().get(pk=objective.pk)


@router.delete("/objectives/{objective_id}", response={204: None, **ERROR_RESPONSES})
def delete_objective(request: HttpRequest, objective_id: int) -> Any:
    objective = _inside(request, queries.objectives_for(request.user), objective_id, "plan.account")
    with transaction.atomic():
        services.delete_objective(objective=objective)
    return Status(204, None)


# Actions and occurrences -----------------------------------------------------------------------------


def _action_input(data: dict[str, Any]) -> services.ActionInput:
    return services.ActionInput(
        title=data.get("title") or "",
        description=data.get("description") or "",
        owner=_people(data.get("owner_id"), "owner_id"),
        cadence=data.get("cadence") or "once",
        first_due_on=data.get("first_due_on"),
        repeat_until=data.get("repeat_until"),
    )


@router.get("/objectives/{objective_id}/actions", response={200: list[PlanActionRead], **ERROR_RESPONSES})
def list_actions(request: HttpRequest, objective_id: int) -> Any:
    objective = get_object_or_404(queries.objectives_for(request.user), pk=objective_id)
    return objective.actions.select_related("owner")


@router.post("/objectives/{objective_id}/actions", response={201: PlanActionRead, **ERROR_RESPONSES})
def create_action(request: HttpRequest, objective_id: int, payload: PlanActionCreate) -> Any:
    """An action with its dated occurrences over the plan period."""
    objective = _inside(request, queries.objectives_for(request.user), objective_id, "plan.account")
    try:
        with transaction.atomic():
            action = services.create_action(objective=objective, data=_action_input(payload.dict()))
    except ServiceError as exc:
        raise _api_fields(exc) from None
    return Status(201, action)


@router.get("/plan-actions/{action_id}", response={200: PlanActionRead, **ERROR_RESPONSES})
def get_action(request: HttpRequest, action_id: int) -> Any:
    return get_object_or_404(queries.actions_for(request.user), pk=action_id)


@router.patch("/plan-actions/{action_id}", response={200: PlanActionRead, **ERROR_RESPONSES})
def update_action(request: HttpRequest, action_id: int, payload: PlanActionUpdate) -> Any:
    """Future unmarked occurrences follow the new cadence and dates; marked ones never change."""
    action: PlanAction = _inside(
        request, queries.actions_for(request.user), action_id, "objective.plan.account"
    )
    current = {
        "title": action.title,
        "description": action.description,
        "owner_id": action.owner_id,
        "cadence": action.cadence,
        "first_due_on": action.first_due_on,
        "repeat_until": action.repeat_until,
    }
    try:
        with transaction.atomic():
            return services.update_action(
                action=action, data=_action_input({**current, **payload.dict(exclude_unset=True)})
            )
    except ServiceError as exc:
        raise _api_fields(exc) from None


@router.delete("/plan-actions/{action_id}", response={204: None, **ERROR_RESPONSES})
def delete_action(request: HttpRequest, action_id: int) -> Any:
    action = _inside(request, queries.actions_for(request.user), action_id, "objective.plan.account")
    with transaction.atomic():
        services.delete_action(action=action)
    return Status(204, None)


def _occurrence_read(occurrence: ActionOccurrence) -> dict[str, Any]:
    return {
        "id": occurrence.pk,
        "action_id": occurrence.action_id,
        "due_on": occurrence.due_on,
        "status": occurrence.status,
        "state": tracking.effective_state(occurrence.status, occurrence.due_on, queries.today()),
        "note": occurrence.note,
        "worth": occurrence.worth,
        "marked_at": occurrence.marked_at,
    }


@router.get(
    "/plan-actions/{action_id}/occurrences", response={200: list[ActionOccurrenceRead], **ERROR_RESPONSES}
)
def list_occurrences(request: HttpRequest, action_id: int) -> Any:
    action = get_object_or_404(queries.actions_for(request.user), pk=action_id)
    return [_occurrence_read(o) for o in action.occurrences.all()]


@router.post("/occurrences/{occurrence_id}/mark", response={200: ActionOccurrenceRead, **ERROR_RESPONSES})
def mark_occurrence(request: HttpRequest, occurrence_id: int, payload: ActionOccurrenceMark) -> Any:
    """Done, skipped or missed, with a note and its worth to the plan (1-5); 'pending' clears it."""
    occurrence = _inside(
        request, queries.occurrences_for(request.user), occurrence_id, "action.objective.plan.account"
    )
    with transaction.atomic():
        services.mark_occurrence(
            occurrence=occurrence,
            status=payload.status,
            note=payload.note,
            worth=payload.worth,
            marked_by=_acting(request),
        )
    return _occurrence_read(occurrence)


# Reviews and opportunities ---------------------------------------------------------------------------


@router.get("/plans/{plan_id}/reviews", response={200: list[AccountReviewRead], **ERROR_RESPONSES})
def list_reviews(request: HttpRequest, plan_id: int) -> Any:
    return _plan(request, plan_id).reviews.prefetch_related("our_attendees", "customer_attendees")


@router.post("/plans/{plan_id}/reviews", response={201: AccountReviewRead, **ERROR_RESPONSES})
def record_review(request: HttpRequest, plan_id: int, payload: AccountReviewCreate) -> Any:
    plan = _changeable_plan(request, plan_id)
    ours = list(User.objects.filter(pk__in=payload.our_attendee_ids))
    if len(ours) != len(set(payload.our_attendee_ids)):
        raise ServiceError(
            "Unknown person.", errors={"our_attendee_ids": ["Some ids are not people of ours."]}
        )
    theirs = list(plan.account.contacts.filter(pk__in=payload.customer_attendee_ids))
    if len(theirs) != len(set(payload.customer_attendee_ids)):
        raise ServiceError(
            "Unknown contact.", errors={"customer_attendee_ids": [f"Not all of them are at {plan.account}."]}
        )
    with transaction.atomic():
        review = services.record_review(
            plan=plan,
            held_on=payload.held_on,
            what_changed=payload.what_changed,
            decisions=payload.decisions,
            revisions=payload.revisions,
            our_attendees=ours,
            customer_attendees=theirs,
            other_attendees=payload.other_attendees,
            next_review_on=payload.next_review_on,
            recorded_by=_acting(request),
        )
    return Status(201, review)


@router.get("/plans/{plan_id}/opportunities", response={200: list[OpportunityRead], **ERROR_RESPONSES})
def list_opportunities(request: HttpRequest, plan_id: int) -> Any:
    """The account's open deals, with the objectives of this plan each one is linked to."""
    return queries.opportunities_of(_plan(request, plan_id))


@router.post("/plans/{plan_id}/opportunities", response={201: OpportunityRead, **ERROR_RESPONSES})
def create_opportunity(request: HttpRequest, plan_id: int, payload: OpportunityCreate) -> Any:
    """An opportunity in the plan's account (an open deal), linked to one of its objectives if given."""
    plan = _changeable_plan(request, plan_id)
    objective = _pick(plan.objectives.all(), payload.objective_id, "objective_id", "objective of this plan")
    product = _pick(Product.objects.all(), payload.product_id, "product_id", "product")
    owner = _people(payload.owner_id, "owner_id")
    with transaction.atomic():
        deal = services.create_opportunity(
            plan=plan,
            name=payload.name,
            amount=payload.amount,
            stage=payload.stage,
            expected_close_on=payload.expected_close_on,
            product=product,
            owner=owner,
            objective=objective,
        )
    return Status(201, queries.opportunities_of(plan).get(pk=deal.pk))


# Qualification ---------------------------------------------------------------------------------------


def _question_sets(request: HttpRequest) -> QuerySet[QuestionSet]:
    return permissions.visible_to(request.user, QuestionSet).prefetch_related("questions")


@router.get("/question-sets", response={200: list[QuestionSetRead], **ERROR_RESPONSES})
def list_question_sets(request: HttpRequest) -> Any:
    return _question_sets(request)


@router.get("/question-sets/{set_id}", response={200: QuestionSetRead, **ERROR_RESPONSES})
def get_question_set(request: HttpRequest, set_id: int) -> Any:
    return get_object_or_404(_question_sets(request), pk=set_id)


@router.post("/question-sets", response={201: QuestionSetRead, **ERROR_RESPONSES})
def create_question_set(request: HttpRequest, payload: QuestionSetCreate) -> Any:
    """Reference data: admins and directors add question sets."""
    permissions.require(request.user, Action.ADD, QuestionSet)
    with transaction.atomic():
        made = services.create_question_set(
            name=payload.name, round_names=payload.round_names, description=payload.description
        )
    return Status(201, made)


@router.patch("/question-sets/{set_id}", response={200: QuestionSetRead, **ERROR_RESPONSES})
def update_question_set(request: HttpRequest, set_id: int, payload: QuestionSetUpdate) -> Any:
    question_set = get_object_or_404(_question_sets(request), pk=set_id)
    permissions.require(request.user, Action.CHANGE, question_set)
    data = payload.dict(exclude_unset=True)
    with transaction.atomic():
        services.update_question_set(
            question_set=question_set,
            name=data.get("name") or question_set.name,
            round_names=data.get("round_names") or list(question_set.round_names),
            description=data.get("description", question_set.description) or "",
            is_active=data.get("is_active", question_set.is_active),
        )
    return get_object_or_404(_question_sets(request), pk=set_id)


@router.post(
    "/question-sets/{set_id}/questions", response={201: QualificationQuestionRead, **ERROR_RESPONSES}
)
def add_question(request: HttpRequest, set_id: int, payload: QualificationQuestionWrite) -> Any:
    question_set = get_object_or_404(_question_sets(request), pk=set_id)
    permissions.require(request.user, Action.CHANGE, question_set)
    with transaction.atomic():
        made = services.add_question(
            question_set=question_set, round=payload.round, text=payload.text, guidance=payload.guidance
        )
    return Status(201, made)


def _question(request: HttpRequest, question_id: int) -> QualificationQuestion:
    question = get_object_or_404(
        permissions.visible_to(request.user, QualificationQuestion).select_related("question_set"),
        pk=question_id,
    )
    permissions.require(request.user, Action.CHANGE, question)
    return question


@router.put(
    "/qualification-questions/{question_id}", response={200: QualificationQuestionRead, **ERROR_RESPONSES}
)
def update_question(request: HttpRequest, question_id: int, payload: QualificationQuestionWrite) -> Any:
    question = _question(request, question_id)
    with transaction.atomic():
        return services.update_question(
            question=question, round=payload.round, text=payload.text, guidance=payload.guidance
        )


@router.delete("/qualification-questions/{question_id}", response={204: None, **ERROR_RESPONSES})
def remove_question(request: HttpRequest, question_id: int) -> Any:
    question = _question(request, question_id)
    with transaction.atomic():
        services.remove_question(question=question)
    return Status(204, None)


def scorecard_read(scorecard: Scorecard) -> dict[str, Any]:
    profile = queries.scorecard_profile(scorecard)
    stored = {a.question_id: a for a in scorecard.answers.all()}
    answers = []
    for question in scorecard.question_set.questions.all():
        answer = stored.get(question.pk)
        answers.append(
            {
                "question_id": question.pk,
                "round": question.round,
                "question": question.text,
                "answer": answer.answer if answer else "",
                "score": answer.score if answer else None,
            }
        )
    return {
        "id": scorecard.pk,
        "deal_id": scorecard.deal_id,
        "question_set_id": scorecard.question_set_id,
        "decision": scorecard.decision,
        "decision_reason": scorecard.decision_reason,
        "decided_at": scorecard.decided_at,
        "total": profile.total,
        "maximum": profile.maximum,
        "scored": profile.scored,
        "questions": profile.questions,
        "rounds": [vars(r) for r in profile.rounds],
        "answers": answers,
    }


def _deal(request: HttpRequest, deal_id: int) -> Deal:
    return get_object_or_404(queries.deals_for(request.user), pk=deal_id)


@router.get("/opportunities/{deal_id}/scorecards", response={200: list[ScorecardRead], **ERROR_RESPONSES})
def list_scorecards(request: HttpRequest, deal_id: int) -> Any:
    deal = _deal(request, deal_id)
    return [scorecard_read(s) for s in queries.scorecards_for(request.user).filter(deal=deal)]


@router.post("/opportunities/{deal_id}/scorecards", response={201: ScorecardRead, **ERROR_RESPONSES})
def start_scorecard(request: HttpRequest, deal_id: int, payload: ScorecardCreate) -> Any:
    deal = _deal(request, deal_id)
    permissions.require(request.user, Action.CHANGE, deal.account)
    question_set = _pick(
        QuestionSet.objects.all(), payload.question_set_id, "question_set_id", "question set"
    )
    with transaction.atomic():
        scorecard = services.start_scorecard(
            deal=deal, question_set=question_set, created_by=_acting(request)
        )
    return Status(201, scorecard_read(scorecard))


def _scorecard(request: HttpRequest, scorecard_id: int, *, change: bool) -> Scorecard:
    scorecard: Scorecard = get_object_or_404(queries.scorecards_for(request.user), pk=scorecard_id)
    if change:
        permissions.require(request.user, Action.CHANGE, scorecard.deal.account)
    return scorecard


@router.get("/scorecards/{scorecard_id}", response={200: ScorecardRead, **ERROR_RESPONSES})
def get_scorecard(request: HttpRequest, scorecard_id: int) -> Any:
    return scorecard_read(_scorecard(request, scorecard_id, change=False))


@router.put("/scorecards/{scorecard_id}/answers", response={200: ScorecardRead, **ERROR_RESPONSES})
def save_answers(request: HttpRequest, scorecard_id: int, payload: list[ScorecardAnswerWrite]) -> Any:
    """Answers and scores (1 poor fit to 5 strong fit) for the questions sent; others stay."""
    scorecard = _scorecard(request, scorecard_id, change=True)
    questions = {q.pk: q for q in scorecard.question_set.questions.all()}
    unknown = [str(a.question_id) for a in payload if a.question_id not in questions]
    if unknown:
        raise ServiceError(
            "Unknown question.",
            errors={"question_id": [f"Not in {scorecard.question_set}: {', '.join(unknown)}."]},
        )
    with transaction.atomic():
        services.save_answers(
            scorecard=scorecard,
            answers=[
                services.AnswerInput(question=questions[a.question_id], answer=a.answer, score=a.score)
                for a in payload
            ],
        )
    return scorecard_read(scorecard)


@router.post("/scorecards/{scorecard_id}/decision", response={200: ScorecardRead, **ERROR_RESPONSES})
def decide(request: HttpRequest, scorecard_id: int, payload: ScorecardDecisionWrite) -> Any:
    """Go or no go, with the reason (required)."""
    scorecard = _scorecard(request, scorecard_id, change=True)
    with transaction.atomic():
        services.decide(
            scorecard=scorecard, decision=payload.decision, reason=payload.reason, decided_by=_acting(request)
        )
    return scorecard_read(scorecard)


# Calendar --------------------------------------------------------------------------------------------


def calendar_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("plans:calendar_feed", args=[token]))


@router.post("/calendar-token", response={201: CalendarTokenCreated, **ERROR_RESPONSES}, tags=["tokens"])
def rotate_calendar_token(request: HttpRequest) -> Any:
    """A new secret calendar address for your plan actions (the previous one stops working)."""
    with transaction.atomic():
        token = services.rotate_calendar_token(user=_acting(request))
    return Status(201, {"url": calendar_url(request, token), "hint": token[:10]})


@router.delete("/calendar-token", response={204: None, **ERROR_RESPONSES}, tags=["tokens"])
def revoke_calendar_token(request: HttpRequest) -> Any:
    with transaction.atomic():
        services.revoke_calendar_token(user=_acting(request))
    return Status(204, None)
