"""Base models every domain model builds on, and the audit trail they write to."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from kamkit.core.choices import AuditAction, ImportKind, ImportStatus
from kamkit.core.permissions import AccessPolicy


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditedModel(TimestampedModel):
    """A business object: its creates, changes and deletes are recorded in the audit trail.

    The values loaded from the database are kept so that a save can record before/after values
    without reading the row again. Bulk operations bypass this; services that use them record
    a summary entry themselves.
    """

    access_policy: ClassVar[AccessPolicy]
    _audit_loaded: dict[str, Any]
    # Fields whose values must never be copied into the audit trail (only "changed" is kept).
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset()
    audit_ignored_fields: ClassVar[frozenset[str]] = frozenset({"created_at", "updated_at"})

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, *, fetch_mode: Any = None) -> Self:
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._audit_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def audit_snapshot(self) -> dict[str, Any]:
        """Current values of the audited concrete fields, keyed by attribute name."""
        return {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.attname not in self.audit_ignored_fields
        }


class AuditEntry(models.Model):
    """Who did what to which business object, when, with the values before and after."""

    timestamp = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="E-mail, or cli:/task: origin.")
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, help_text="field -> [before, after]")

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="audit")

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-timestamp"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_repr}"


class ImportRun(AuditedModel):
    """One import of a CRM file: what it was, who started it, what it did or why it was refused.

    Imports write their rows in bulk, which bypasses the audit trail; the audit entries of this
    row (created when the import starts, updated when it ends) are the audit summary instead.
    A refused run is kept: it is written outside the transaction that would have held the rows.
    Imports from the web pages (and the API when asked) are queued for the worker: the run is
    recorded as queued at once, so the person can follow it while it waits and runs.
    """

    UNFINISHED: ClassVar[frozenset[str]] = frozenset({ImportStatus.QUEUED, ImportStatus.RUNNING})

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    dry_run = models.BooleanField(default=False, help_text="A check of the whole file: nothing is written.")
    row_count = models.PositiveIntegerField(default=0, help_text="Rows in the file, not the header.")
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0, help_text="Stored rows changed.")
    unchanged_count = models.PositiveIntegerField(default=0, help_text="Stored rows left as they were.")
    skipped_count = models.PositiveIntegerField(default=0, help_text="Rows left out on purpose (an option).")
    error_count = models.PositiveIntegerField(default=0)
    errors_report = models.TextField(blank=True, help_text="The first 200 lines of the error report.")
    also_created = models.JSONField(
        default=list, blank=True, help_text='Other things it created on the way, e.g. ["2 products"].'
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    access_policy: ClassVar[AccessPolicy] = AccessPolicy(kind="business", owners=("started_by",))

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Import of {self.get_kind_display().lower()} from {self.filename or 'a file'} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status not in self.UNFINISHED


class ScheduledJob(models.Model):
    """The last day a daily job was queued, so several workers queue it once a day between them.

    Internal bookkeeping of the worker (no audit, no access policy): people never change it.
    """

    name = models.CharField(max_length=80, unique=True)
    last_queued_on = models.DateField(null=True, blank=True, help_text="Local date (TIME_ZONE).")
    last_queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (last queued {self.last_queued_on or 'never'})"
