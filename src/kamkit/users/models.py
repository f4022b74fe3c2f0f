"""People and organisation: users with a role, a team and a manager; teams; API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from kamkit.core.choices import Role
from kamkit.core.models import AuditedModel
from kamkit.core.permissions import AccessPolicy


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        """Low-level creation used by Django internals; application code uses users.services."""
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class Team(AuditedModel):
    """A group of people, usually a regional or segment sales team, led by a manager."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        "User", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="reference")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser, AuditedModel):
    """A person who signs in. The role decides what they may do; the manager line, whom they see."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True, help_text="Job title, e.g. Key Account Manager")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ACCOUNT_MANAGER)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="Reports to",
    )
    phone = models.CharField(max_length=40, blank=True)
    on_leave = models.BooleanField(default=False, help_text="Away: their accounts need their backup owner.")
    is_active = models.BooleanField(default=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="directory", owners=("id",))
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"password"})
    audit_ignored_fields: ClassVar[frozenset[str]] = frozenset({"created_at", "updated_at", "last_login"})

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["role"]), models.Index(fields=["manager"])]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role == Role.ADMIN


class ApiToken(AuditedModel):
    """A personal API token. Only a hash is stored; the key is shown once when created."""

    PREFIX = "kk_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    key_hint = models.CharField(max_length=12, help_text="The first characters, to tell tokens apart.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="private", owners=("user",))
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset({"key_hash"})
    audit_ignored_fields: ClassVar[frozenset[str]] = frozenset({"created_at", "updated_at", "last_used_at"})

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class LoginFailure(models.Model):
    """A failed sign-in, kept for the rate limit (shared by every app process through the database)."""

    email = models.CharField(max_length=254, db_index=True)
    client_address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} from {self.client_address} at {self.at:%Y-%m-%d %H:%M}"
