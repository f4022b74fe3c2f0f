"""The permission service: the one place that decides who may see or change what.

Each model declares *where its people are* with an ``AccessPolicy`` (which fields point at the
owning users, the team, the assigned users) and *what kind of data it is*. The rules below turn
a user's role into a queryset filter (``visible_to``) and into a yes/no for one object (``can``),
so views, the API, exports and tasks all ask the same question and get the same answer.

Kinds of data:
- ``business``: accounts, plans, deals. Everyone signed in may read within their scope; viewers
  read everything (executives want one picture); account managers their own; managers their
  team and everyone below them.
- ``people``: assessments, development, performance, candidates. Only the owner (the subject),
  their management line, directors and admins; viewers see only their own.
- ``reference``: frameworks, teams, questionnaires. Everyone reads; admins and directors edit.
- ``directory``: users. Everyone reads names and teams; admins edit; a user edits themself.
- ``private``: API tokens. The owner only (admins may revoke).
- ``audit``: the trail. Admins and directors see all; others see the history of what they see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from kamkit.core.choices import Action, Role

if TYPE_CHECKING:
    from kamkit.users.models import User

Kind = Literal["business", "people", "reference", "directory", "private", "audit"]

FULL_ACCESS_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR})

# Which roles may create an object of each kind at all (the object's scope is checked too).
ADD_ROLES: dict[str, frozenset[str]] = {
    "business": frozenset({Role.ADMIN, Role.DIRECTOR, Role.MANAGER, Role.ACCOUNT_MANAGER}),
    "people": frozenset({Role.ADMIN, Role.DIRECTOR, Role.MANAGER}),
    "reference": frozenset({Role.ADMIN, Role.DIRECTOR}),
    "directory": frozenset({Role.ADMIN}),
    "private": frozenset(Role.values),
    "audit": frozenset(),
}


@dataclass(frozen=True)
class AccessPolicy:
    """Where a model's people are. Each path is an ORM lookup ending at a user id or team id.

    ``owners``: users who own the object (account owner, backup owner, assessment subject).
    ``teams``: the team the object belongs to. ``assignees``: users assigned to work on it
    (interviewers on a candidate), who may see and change it but not own it.
    ``owner_adds``: roles allowed to create objects they own even where ADD_ROLES says no
    (an account manager adding their own self-assessment). ``never``: users who may not see the
    object whatever their role (a candidate their own candidacy, even when they run the position).
    ``delete_roles``: when given, only these roles may delete, each within its own scope (deleting
    a customer account takes its deals and plans with it); None: whoever may change it may delete.
    """

    kind: Kind
    owners: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    owner_adds: frozenset[str] = field(default_factory=frozenset)
    never: tuple[str, ...] = ()
    delete_roles: frozenset[str] | None = None


def policy_for(model: type[Model]) -> AccessPolicy:
    policy = getattr(model, "access_policy", None)
    if not isinstance(policy, AccessPolicy):
        raise TypeError(f"{model.__name__} declares no access_policy; the permission service refuses it.")
    return policy


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return str(user.role)


def managed_user_ids(user: User) -> set[int]:
    """The user and everyone below them in the reporting lines (cached on the user object)."""
    cached: set[int] | None = getattr(user, "_kamkit_managed_ids", None)
    if cached is not None:
        return cached
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    seen: set[int] = {user.pk}
    frontier = {user.pk}
    while frontier:
        below = set(user_model._default_manager.filter(manager_id__in=frontier).values_list("id", flat=True))
        frontier = below - seen
        seen |= frontier
    user._kamkit_managed_ids = seen  # type: ignore[attr-defined]
    return seen


def led_team_ids(user: User) -> set[int]:
    cached: set[int] | None = getattr(user, "_kamkit_led_team_ids", None)
    if cached is not None:
        return cached
    from kamkit.users.models import Team

    ids = set(Team.objects.filter(lead_id=user.pk).values_list("id", flat=True))
    user._kamkit_led_team_ids = ids  # type: ignore[attr-defined]
    return ids


def _any(paths: tuple[str, ...], values: set[int] | int) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        lookup = f"{path}__in" if isinstance(values, set) else path
        condition |= Q(**{lookup: values})
    return condition


def _own(policy: AccessPolicy, user: User) -> Q:
    return _any(policy.owners, user.pk) | _any(policy.assignees, user.pk)


def _managed(policy: AccessPolicy, user: User) -> Q:
    return (
        _any(policy.owners, managed_user_ids(user))
        | _any(policy.teams, led_team_ids(user))
        | _any(policy.assignees, user.pk)
    )


ALL = Q()
NOTHING = Q(pk__in=[])


def scope(user: Any, model: type[Model], action: str) -> Q:
    """The filter selecting the objects of ``model`` that ``user`` may ``action`` (view/change/delete)."""
    policy = policy_for(model)
    condition = _role_scope(user, policy, action)
    if policy.never and condition is not NOTHING:
        return condition & ~_any(policy.never, user.pk)
    return condition


def _role_scope(user: Any, policy: AccessPolicy, action: str) -> Q:
    role = role_of(user)
    if role is None or not _role_may_delete(policy, role, action):
        return NOTHING
    reading = action == Action.VIEW
    if role == Role.ADMIN:
        return ALL
    if role == Role.DIRECTOR:
        if policy.kind == "private" or (policy.kind == "directory" and not reading):
            return _own(policy, user)
        return ALL
    if policy.kind == "reference" or policy.kind == "directory":
        if reading:
            return ALL
        return _own(policy, user) if policy.kind == "directory" else NOTHING
    if policy.kind == "private":
        return _own(policy, user)
    if policy.kind == "audit":
        return NOTHING  # others read an object's history through the object (see audit views)
    if role == Role.VIEWER:
        if not reading:
            return NOTHING
        return ALL if policy.kind == "business" else _own(policy, user)
    if role == Role.MANAGER:
        return _managed(policy, user)
    # account managers and interviewers: what they own or are assigned to
    return _own(policy, user)


def _role_may_delete(policy: AccessPolicy, role: str, action: str) -> bool:
    """False only for a delete by a role the policy leaves out; any other action passes."""
    return action != Action.DELETE or policy.delete_roles is None or role in policy.delete_roles


def visible_to(user: Any, model_or_queryset: type[Model] | QuerySet[Any]) -> QuerySet[Any]:
    """The objects ``user`` may see. Every list, export and API collection starts here."""
    return permitted(user, model_or_queryset, Action.VIEW)


def permitted(user: Any, model_or_queryset: type[Model] | QuerySet[Any], action: str) -> QuerySet[Any]:
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    condition = scope(user, queryset.model, action)
    if condition is NOTHING:
        return queryset.none()
    if condition is ALL:
        return queryset
    return queryset.filter(condition).distinct()


def _instance_in_scope(user: User, obj: Model, policy: AccessPolicy) -> bool:
    """For objects not saved yet: evaluate the policy paths on the instance itself."""
    role = role_of(user)
    if user.pk in {_resolve(obj, path) for path in policy.never}:
        return False
    if role in FULL_ACCESS_ROLES:
        return True
    owner_ids = {_resolve(obj, path) for path in policy.owners}
    assignee_ids = {_resolve(obj, path) for path in policy.assignees}
    team_ids = {_resolve(obj, path) for path in policy.teams}
    if user.pk in owner_ids or user.pk in assignee_ids:
        return True
    if role == Role.MANAGER:
        return bool(owner_ids & managed_user_ids(user)) or bool(team_ids & led_team_ids(user))
    return False


def _resolve(obj: Any, path: str) -> Any:
    *relations, last = path.split("__")
    for name in relations:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    if last in ("id", "pk"):
        return obj.pk
    return getattr(obj, f"{last}_id", getattr(obj, last, None))


def can(user: Any, action: str, target: Model | type[Model]) -> bool:
    """May ``user`` do ``action`` on ``target`` (an object, or a model class for 'add' in general)."""
    model = target if isinstance(target, type) else type(target)
    policy = policy_for(model)
    role = role_of(user)
    if role is None:
        return False
    if action == Action.ADD:
        allowed = role in ADD_ROLES[policy.kind] or role in policy.owner_adds
        if not allowed:
            return False
        if isinstance(target, type) or policy.kind in ("reference", "directory"):
            return True
        return _instance_in_scope(user, target, policy)
    if isinstance(target, type):
        return scope(user, model, action) is not NOTHING
    if target.pk is None:
        return _role_may_delete(policy, role, action) and _instance_in_scope(user, target, policy)
    return permitted(user, model, action).filter(pk=target.pk).exists()


def require(user: Any, action: str, target: Model | type[Model]) -> None:
    """Raise PermissionDenied unless ``can``; views turn it into 403 and the API into a JSON 403."""
    if not can(user, action, target):
        raise PermissionDenied(f"You may not {action} this {target._meta.verbose_name}.")
