"""Plan templates: read by everyone, managed by admins and directors. The built-in template is
read-only (409): copy it to change it."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Status

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.plans import services
from kamkit.plans.api.base import router
from kamkit.plans.models import PlanTemplate, PlanTemplateSection
from kamkit.plans.schemas import (
    PlanTemplateCopy,
    PlanTemplateCreate,
    PlanTemplateRead,
    PlanTemplateSectionCreate,
    PlanTemplateSectionOrder,
    PlanTemplateSectionRead,
    PlanTemplateSectionUpdate,
    PlanTemplateUpdate,
)


def _templates(request: HttpRequest) -> QuerySet[PlanTemplate]:
    return permissions.visible_to(request.user, PlanTemplate).prefetch_related("sections")


def _template(request: HttpRequest, template_id: int, *, change: bool = False) -> PlanTemplate:
    template: PlanTemplate = get_object_or_404(_templates(request), pk=template_id)
    if change:
        permissions.require(request.user, Action.CHANGE, template)
    return template


def _fresh(request: HttpRequest, template_id: int) -> PlanTemplate:
    """The template read again, with its sections as they are now."""
    return _template(request, template_id)


@router.get("/plan-templates", response={200: list[PlanTemplateRead], **ERROR_RESPONSES})
def list_templates(request: HttpRequest) -> Any:
    """Every template, retired ones included (``is_active`` says which are offered for new plans)."""
    return _templates(request)


@router.get("/plan-templates/{template_id}", response={200: PlanTemplateRead, **ERROR_RESPONSES})
def get_template(request: HttpRequest, template_id: int) -> Any:
    return _template(request, template_id)


@router.post("/plan-templates", response={201: PlanTemplateRead, **ERROR_RESPONSES})
def create_template(request: HttpRequest, payload: PlanTemplateCreate) -> Any:
    """A new template without sections (add them next). Admins and directors."""
    permissions.require(request.user, Action.ADD, PlanTemplate)
    with transaction.atomic():
        made = services.create_template(name=payload.name, description=payload.description)
    return Status(201, _fresh(request, made.pk))


@router.patch("/plan-templates/{template_id}", response={200: PlanTemplateRead, **ERROR_RESPONSES})
def update_template(request: HttpRequest, template_id: int, payload: PlanTemplateUpdate) -> Any:
    """Rename, describe, retire (``is_active: false``) or offer again. Only ``is_active`` may change on
    the built-in template."""
    template = _template(request, template_id, change=True)
    data = payload.dict(exclude_unset=True)
    with transaction.atomic():
        name = data.get("name") or template.name
        description = data["description"] if data.get("description") is not None else template.description
        if (name, description) != (template.name, template.description):
            services.update_template(template=template, name=name, description=description)
        if data.get("is_active") is not None:
            services.set_template_active(template=template, is_active=data["is_active"])
    return _fresh(request, template.pk)


@router.post("/plan-templates/{template_id}/copy", response={201: PlanTemplateRead, **ERROR_RESPONSES})
def copy_template(request: HttpRequest, template_id: int, payload: PlanTemplateCopy) -> Any:
    """An editable copy with the same sections (the way to change the built-in template)."""
    template = _template(request, template_id)
    permissions.require(request.user, Action.ADD, PlanTemplate)
    with transaction.atomic():
        made = services.copy_template(template=template, name=payload.name)
    return Status(201, _fresh(request, made.pk))


@router.post(
    "/plan-templates/{template_id}/sections", response={201: PlanTemplateSectionRead, **ERROR_RESPONSES}
)
def add_template_section(request: HttpRequest, template_id: int, payload: PlanTemplateSectionCreate) -> Any:
    """A section at the end of the template."""
    template = _template(request, template_id, change=True)
    with transaction.atomic():
        section = services.add_template_section(
            template=template, key=payload.key, title=payload.title, prompt=payload.prompt
        )
    return Status(201, section)


@router.put(
    "/plan-templates/{template_id}/section-order", response={200: PlanTemplateRead, **ERROR_RESPONSES}
)
def reorder_template_sections(
    request: HttpRequest, template_id: int, payload: PlanTemplateSectionOrder
) -> Any:
    template = _template(request, template_id, change=True)
    with transaction.atomic():
        services.reorder_template_sections(template=template, keys=payload.keys)
    return _fresh(request, template.pk)


def _section(request: HttpRequest, section_id: int) -> PlanTemplateSection:
    section: PlanTemplateSection = get_object_or_404(
        permissions.visible_to(request.user, PlanTemplateSection).select_related("template"), pk=section_id
    )
    permissions.require(request.user, Action.CHANGE, section)
    return section


@router.patch(
    "/plan-template-sections/{section_id}", response={200: PlanTemplateSectionRead, **ERROR_RESPONSES}
)
def update_template_section(request: HttpRequest, section_id: int, payload: PlanTemplateSectionUpdate) -> Any:
    """Plans already started from the template keep their own copy of the section."""
    section = _section(request, section_id)
    data = payload.dict(exclude_unset=True)
    with transaction.atomic():
        return services.update_template_section(
            section=section,
            key=data.get("key") or section.key,
            title=data.get("title") or section.title,
            prompt=data["prompt"] if data.get("prompt") is not None else section.prompt,
        )


@router.delete("/plan-template-sections/{section_id}", response={204: None, **ERROR_RESPONSES})
def remove_template_section(request: HttpRequest, section_id: int) -> Any:
    section = _section(request, section_id)
    with transaction.atomic():
        services.remove_template_section(section=section)
    return Status(204, None)
