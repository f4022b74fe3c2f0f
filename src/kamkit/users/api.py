"""API for people, teams and personal tokens."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.users import queries, services
from kamkit.users.models import ApiToken, Team, User
from kamkit.users.schemas import (
    TeamCreate,
    TeamRead,
    TeamUpdate,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)

router = Router(tags=["people"])


class ListParams(Schema):
    q: str | None = None
    sort: str | None = None
    role: str | None = None
    team: str | None = None
    active: str | None = None


def _user_or_error(request: HttpRequest, pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    found: User | None = queries.people_for(request.user).filter(pk=pk).first()
    if found is None:
        raise ServiceError("Unknown person.", errors={field: [f"No visible user with id {pk}."]})
    return found


def _team_or_error(pk: int | None) -> Team | None:
    if pk is None:
        return None
    found = Team.objects.filter(pk=pk).first()
    if found is None:
        raise ServiceError("Unknown team.", errors={"team_id": [f"No team with id {pk}."]})
    return found


@router.get("/me", response={200: UserRead, **ERROR_RESPONSES})
def me(request: HttpRequest) -> Any:
    return queries.people_for(request.user).get(pk=request.user.pk or 0)


@router.get("/users", response={200: list[UserRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_users(request: HttpRequest, params: Query[ListParams]) -> Any:
    return queries.USER_LIST.apply(queries.people_for(request.user), params.dict())


@router.get("/users/{user_id}", response={200: UserRead, **ERROR_RESPONSES})
def get_user(request: HttpRequest, user_id: int) -> Any:
    return get_object_or_404(queries.people_for(request.user), pk=user_id)


@router.post("/users", response={201: UserRead, **ERROR_RESPONSES})
def create_user(request: HttpRequest, payload: UserCreate) -> Any:
    permissions.require(request.user, Action.ADD, User)
    with transaction.atomic():
        user = services.create_user(
            email=payload.email,
            full_name=payload.full_name,
            title=payload.title,
            role=payload.role,
            team=_team_or_error(payload.team_id),
            manager=_user_or_error(request, payload.manager_id, "manager_id"),
            password=payload.password,
            invite=payload.invite,
        )
    return Status(201, user)


@router.patch("/users/{user_id}", response={200: UserRead, **ERROR_RESPONSES})
def update_user(request: HttpRequest, user_id: int, payload: UserUpdate) -> Any:
    user = get_object_or_404(queries.people_for(request.user), pk=user_id)
    permissions.require(request.user, Action.CHANGE, user)
    data = payload.dict(exclude_unset=True)
    acting: User = request.user  # type: ignore[assignment]
    changes = services.UserChanges(
        full_name=data.get("full_name"),
        title=data.get("title"),
        phone=data.get("phone"),
        role=data.get("role"),
        team=_team_or_error(data.get("team_id")),
        clear_team="team_id" in data and data["team_id"] is None,
        manager=_user_or_error(request, data.get("manager_id"), "manager_id"),
        clear_manager="manager_id" in data and data["manager_id"] is None,
        on_leave=data.get("on_leave"),
        is_active=data.get("is_active"),
    )
    with transaction.atomic():
        return services.update_user(actor=acting, user=user, changes=changes)


@router.get("/teams", response={200: list[TeamRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_teams(request: HttpRequest, q: str | None = None, sort: str | None = None) -> Any:
    return queries.TEAM_LIST.apply(queries.teams_for(request.user), {"q": q, "sort": sort})


@router.get("/teams/{team_id}", response={200: TeamRead, **ERROR_RESPONSES})
def get_team(request: HttpRequest, team_id: int) -> Any:
    return get_object_or_404(queries.teams_for(request.user), pk=team_id)


@router.post("/teams", response={201: TeamRead, **ERROR_RESPONSES})
def create_team(request: HttpRequest, payload: TeamCreate) -> Any:
    permissions.require(request.user, Action.ADD, Team)
    with transaction.atomic():
        team = services.create_team(
            name=payload.name,
            description=payload.description,
            lead=_user_or_error(request, payload.lead_id, "lead_id"),
        )
    return Status(201, team)


@router.patch("/teams/{team_id}", response={200: TeamRead, **ERROR_RESPONSES})
def update_team(request: HttpRequest, team_id: int, payload: TeamUpdate) -> Any:
    team = get_object_or_404(queries.teams_for(request.user), pk=team_id)
    permissions.require(request.user, Action.CHANGE, team)
    with transaction.atomic():
        return services.update_team(
            team=team,
            name=payload.name,
            description=payload.description,
            lead=_user_or_error(request, payload.lead_id, "lead_id"),
            clear_lead="lead_id" in payload.model_fields_set and payload.lead_id is None,
        )


@router.get("/tokens", response={200: list[TokenRead], **ERROR_RESPONSES}, tags=["tokens"])
@paginate(LimitOffsetPagination)
def list_tokens(request: HttpRequest) -> Any:
    return queries.tokens_of(request.user)  # type: ignore[arg-type]


@router.post("/tokens", response={201: TokenCreated, **ERROR_RESPONSES}, tags=["tokens"])
def create_token(request: HttpRequest, payload: TokenCreate) -> Any:
    with transaction.atomic():
        created = services.create_token(user=request.user, name=payload.name)  # type: ignore[arg-type]
    token = created.token
    return Status(201, {**TokenRead.model_validate(token).model_dump(), "key": created.key})


@router.post("/tokens/{token_id}/revoke", response={200: TokenRead, **ERROR_RESPONSES}, tags=["tokens"])
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    token = get_object_or_404(permissions.permitted(request.user, ApiToken, Action.CHANGE), pk=token_id)
    with transaction.atomic():
        return services.revoke_token(token=token)
