from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import reverse

register = template.Library()


@register.simple_tag
def history_url(obj: Model) -> str:
    """Link to the audit history of any object."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return reverse("core:history", args=[content_type.pk, obj.pk])
