"""Every write to people, teams and tokens. Callers own the transaction; the audit trail records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kamkit.core.choices import Role
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.users.models import ApiToken, LoginFailure, Team, User


def _check_manager(user: User | None, manager: User | None) -> None:
    """Refuse a reporting line that would loop back (A reports to B reports to A)."""
    if manager is None or user is None or user.pk is None:
        return
    seen: set[int] = set()
    current: User | None = manager
    while current is not None:
        if current.pk == user.pk:
            raise ServiceError(
                "Reporting lines cannot loop.",
                errors={"manager": [f"{manager} already reports (directly or not) to {user}."]},
            )
        if current.pk in seen:
            break
        seen.add(current.pk)
        current = current.manager


def create_user(
    *,
    email: str,
    full_name: str,
    password: str | None = None,
    role: str = Role.ACCOUNT_MANAGER,
    title: str = "",
    team: Team | None = None,
    manager: User | None = None,
    validate: bool = True,
    invite: bool = False,
) -> User:
    """Add a person. Without a password and with ``invite``, they are e-mailed a set-password link."""
    email = User.objects.normalize_email(email).strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(
            "The e-mail address is not valid.",
            errors={"email": [f"{email!r} is not an e-mail address."]},
        ) from None
    if User.objects.filter(email__iexact=email).exists():
        raise ConflictError(
            "A user with this e-mail already exists.",
            errors={"email": [f"{email} is already taken."]},
        )
    if role not in Role.values:
        raise ServiceError("Unknown role.", errors={"role": [f"{role!r} is not one of {Role.values}."]})
    user = User(email=email, full_name=full_name.strip(), role=role, title=title, team=team, manager=manager)
    if password:
        if validate:
            _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if invite and not password:
        from kamkit.users.tasks import send_invitation

        transaction.on_commit(lambda: send_invitation.enqueue(user.pk))
    return user


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError("The password is too weak.", errors={"password": list(exc.messages)}) from None


@dataclass(frozen=True)
class UserChanges:
    full_name: str | None = None
    title: str | None = None
    role: str | None = None
    team: Team | None = None
    clear_team: bool = False
    manager: User | None = None
    clear_manager: bool = False
    phone: str | None = None
    on_leave: bool | None = None
    is_active: bool | None = None


def admin_only_fields(changes: UserChanges) -> list[str]:
    """The parts of a change that only an admin may make (role, team, reporting line, leave, status)."""
    fields = []
    if changes.role is not None:
        fields.append("role")
    if changes.team is not None or changes.clear_team:
        fields.append("team")
    if changes.manager is not None or changes.clear_manager:
        fields.append("manager")
    if changes.on_leave is not None:
        fields.append("on_leave")
    if changes.is_active is not None:
        fields.append("is_active")
    return fields


def update_user(*, actor: User | None, user: User, changes: UserChanges) -> User:
    """Change a person. ``actor`` is who asks (None for the command line and tasks): people change
    their own name, title and phone; only admins change role, team, reporting line, leave and status.
    Whether ``actor`` may change ``user`` at all is the permission service's question, asked first."""
    if actor is not None and not actor.is_admin:
        refused = admin_only_fields(changes)
        if refused:
            raise ServiceError(
                "Only admins change roles, teams, reporting lines, leave and status.",
                errors={name: ["Admins only."] for name in refused},
            )
    if changes.manager is not None:
        _check_manager(user, changes.manager)
        user.manager = changes.manager
    if changes.clear_manager:
        user.manager = None
    if changes.team is not None:
        user.team = changes.team
    if changes.clear_team:
        user.team = None
    if changes.role is not None:
        if changes.role not in Role.values:
            raise ServiceError("Unknown role.", errors={"role": [f"{changes.role!r} is not a role."]})
        user.role = changes.role
    for name in ("full_name", "title", "phone", "on_leave", "is_active"):
        value = getattr(changes, name)
        if value is not None:
            setattr(user, name, value)
    user.save()
    return user


def set_password(*, user: User, password: str) -> User:
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


def create_team(*, name: str, description: str = "", lead: User | None = None) -> Team:
    if Team.objects.filter(name__iexact=name.strip()).exists():
        raise ConflictError("A team with this name exists.", errors={"name": [f"{name} is taken."]})
    return Team.objects.create(name=name.strip(), description=description, lead=lead)


def update_team(
    *,
    team: Team,
    name: str | None = None,
    description: str | None = None,
    lead: User | None = None,
    clear_lead: bool = False,
) -> Team:
    """Change a team; ``None`` leaves a field as it is, ``clear_lead`` leaves the team without a lead."""
    if name is not None:
        if Team.objects.filter(name__iexact=name.strip()).exclude(pk=team.pk).exists():
            raise ConflictError("A team with this name exists.", errors={"name": [f"{name} is taken."]})
        team.name = name.strip()
    if description is not None:
        team.description = description
    if lead is not None:
        team.lead = lead
    elif clear_lead:
        team.lead = None
    team.save()
    return team


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    key: str


def create_token(*, user: User, name: str) -> NewToken:
    """A new personal API token; the key is returned once and only its hash is kept."""
    name = name.strip() or "API token"
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name[:100], key_hash=ApiToken.hash_key(key), key_hint=key[:10]
    )
    return NewToken(token=token, key=key)


def revoke_token(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save()
    return token


def user_for_token(key: str) -> User | None:
    """The active user behind an active token, or None. Marks the token as used (at most per minute)."""
    if not key.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# Sign-in rate limit -------------------------------------------------------------------------


def login_blocked(*, email: str, client_address: str) -> bool:
    """Too many recent failures for this e-mail address or from this client address."""
    since = timezone.now() - dt.timedelta(seconds=settings.KAMKIT_LOGIN_WINDOW_SECONDS)
    limit = settings.KAMKIT_LOGIN_MAX_FAILURES
    recent = LoginFailure.objects.filter(at__gte=since)
    by_email = recent.filter(email=email.strip().lower()).count()
    by_address = recent.filter(client_address=client_address).count()
    # An address may try a few more accounts than one account may be tried from anywhere.
    return by_email >= limit or by_address >= limit * 4


def record_login_failure(*, email: str, client_address: str) -> None:
    with transaction.atomic():
        LoginFailure.objects.create(email=email.strip().lower()[:254], client_address=client_address)
        old = timezone.now() - dt.timedelta(days=1)
        LoginFailure.objects.filter(at__lt=old).delete()


def clear_login_failures(*, email: str) -> None:
    LoginFailure.objects.filter(Q(email=email.strip().lower())).delete()
