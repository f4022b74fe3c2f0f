"""Choices shared by every app: the roles that the permission service reasons about."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    DIRECTOR = "director", "Director"
    MANAGER = "manager", "Manager"
    ACCOUNT_MANAGER = "account_manager", "Account manager"
    INTERVIEWER = "interviewer", "Interviewer"
    VIEWER = "viewer", "Viewer"


class Action(models.TextChoices):
    VIEW = "view", "View"
    ADD = "add", "Add"
    CHANGE = "change", "Change"
    DELETE = "delete", "Delete"


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
