from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from kamkit.core.choices import Role


class TeamRef(Schema):
    id: int
    name: str


class UserRef(Schema):
    id: int
    full_name: str
    email: str


class UserRead(Schema):
    id: int
    email: str
    full_name: str
    title: str
    role: Role
    team: TeamRef | None
    manager: UserRef | None
    on_leave: bool
    is_active: bool


class UserCreate(Schema):
    email: str = Field(min_length=3, max_length=254)
    full_name: str = Field(min_length=1, max_length=150)
    title: str = ""
    role: Role = Role.ACCOUNT_MANAGER
    team_id: int | None = None
    manager_id: int | None = None
    password: str | None = None
    invite: bool = Field(default=True, description="Without a password: e-mail a set-password link.")


class UserUpdate(Schema):
    full_name: str | None = Field(default=None, min_length=1, max_length=150)
    title: str | None = None
    phone: str | None = None
    role: Role | None = None
    team_id: int | None = None
    manager_id: int | None = None
    on_leave: bool | None = None
    is_active: bool | None = None


class TeamRead(Schema):
    id: int
    name: str
    description: str
    lead: UserRef | None


class TeamCreate(Schema):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    lead_id: int | None = None


class TeamUpdate(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = None
    lead_id: int | None = None


class TokenRead(Schema):
    id: int
    name: str
    key_hint: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreate(Schema):
    name: str = Field(min_length=1, max_length=100)


class TokenCreated(TokenRead):
    key: str = Field(description="The token itself. Shown once; store it now.")
