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


class ImportKind(models.TextChoices):
    """What a CRM file import brings in."""

    ACCOUNTS = "accounts", "Accounts"
    CONTACTS = "contacts", "Contacts"
    DEALS = "deals", "Deals"
    PRODUCTS = "products", "Products"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued (waiting for the worker)"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    DRY_RUN = "dry_run", "Checked (dry run, nothing written)"
    REFUSED = "refused", "Refused (nothing written)"
    FAILED = "failed", "Failed (nothing written)"
