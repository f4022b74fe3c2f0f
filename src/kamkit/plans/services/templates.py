"""Plan templates: the sections a new plan starts with. Reference data (admins and directors manage
them; the permission service decides who may call these). The built-in template is read-only: a
later release of kamkit replaces its content, so changes go into a copy instead.
"""

from __future__ import annotations

import re

from django.utils.text import slugify

from kamkit.core.errors import ConflictError, ServiceError
from kamkit.plans.models import PlanTemplate, PlanTemplateSection

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _require_editable(template: PlanTemplate) -> None:
    if template.is_builtin:
        raise ConflictError(
            f"{template} ships with kamkit and is read-only; copy it to change it.",
            errors={"": ["Built-in templates are replaced by later releases; make a copy and change that."]},
        )


def _unique_slug(name: str, wanted: str = "") -> str:
    base = slugify(wanted or name)[:72] or "template"
    slug, number = base, 2
    while PlanTemplate.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _name_errors(name: str, template: PlanTemplate | None = None) -> dict[str, list[str]]:
    if not name:
        return {"name": ["Give the template a name."]}
    if len(name) > 150:
        return {"name": ["At most 150 characters."]}
    clash = PlanTemplate.objects.filter(name__iexact=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        return {"name": [f"A template called {name!r} exists already."]}
    return {}


def create_template(*, name: str, description: str = "", slug: str = "") -> PlanTemplate:
    """A new template without sections (add them next)."""
    name = " ".join(name.split())
    errors = _name_errors(name)
    if errors:
        raise ServiceError("The template was not created.", errors=errors)
    return PlanTemplate.objects.create(
        slug=_unique_slug(name, slug), name=name, description=description.strip()
    )


def update_template(*, template: PlanTemplate, name: str, description: str) -> PlanTemplate:
    _require_editable(template)
    name = " ".join(name.split())
    errors = _name_errors(name, template)
    if errors:
        raise ServiceError("The template was not saved.", errors=errors)
    template.name, template.description = name, description.strip()
    template.save()
    return template


def set_template_active(*, template: PlanTemplate, is_active: bool) -> PlanTemplate:
    """Retire a template (no longer offered for new plans; plans made from it keep their sections)
    or offer it again. Allowed for the built-in one too: it changes what is offered, not its content."""
    if template.is_active != is_active:
        template.is_active = is_active
        template.save()
    return template


def copy_template(*, template: PlanTemplate, name: str = "") -> PlanTemplate:
    """An editable copy with the same sections (the way to change a built-in template)."""
    name = " ".join(name.split()) or f"{template.name} (copy)"
    errors = _name_errors(name)
    if errors:
        raise ServiceError("The template was not copied.", errors=errors)
    copy = PlanTemplate.objects.create(slug=_unique_slug(name), name=name, description=template.description)
    for order, section in enumerate(template.sections.all()):
        PlanTemplateSection.objects.create(
            template=copy, key=section.key, title=section.title, prompt=section.prompt, order=order
        )
    return copy


def _section_errors(
    template: PlanTemplate, key: str, title: str, section: PlanTemplateSection | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not key:
        errors["key"] = ["Give the section a short key, e.g. key-players."]
    elif len(key) > 40 or not KEY_PATTERN.match(key):
        errors["key"] = ["Lower-case letters, digits and single hyphens, at most 40 (e.g. key-players)."]
    else:
        clash = template.sections.filter(key=key)
        if section is not None:
            clash = clash.exclude(pk=section.pk)
        if clash.exists():
            errors["key"] = [f"{template} has a section {key!r} already."]
    if not title:
        errors["title"] = ["Give the section a title."]
    elif len(title) > 150:
        errors["title"] = ["At most 150 characters."]
    return errors


def add_template_section(
    *, template: PlanTemplate, key: str, title: str, prompt: str = ""
) -> PlanTemplateSection:
    """A section at the end of the template."""
    _require_editable(template)
    key, title = key.strip().lower(), " ".join(title.split())
    errors = _section_errors(template, key, title)
    if errors:
        raise ServiceError("The section was not added.", errors=errors)
    last = max(template.sections.values_list("order", flat=True), default=-1)
    return PlanTemplateSection.objects.create(
        template=template, key=key, title=title, prompt=prompt.strip(), order=last + 1
    )


def update_template_section(
    *, section: PlanTemplateSection, key: str, title: str, prompt: str
) -> PlanTemplateSection:
    """Change a section; plans already made from the template keep their own copy of it."""
    template = section.template
    _require_editable(template)
    key, title = key.strip().lower(), " ".join(title.split())
    errors = _section_errors(template, key, title, section)
    if errors:
        raise ServiceError("The section was not saved.", errors=errors)
    section.key, section.title, section.prompt = key, title, prompt.strip()
    section.save()
    return section


def remove_template_section(*, section: PlanTemplateSection) -> None:
    _require_editable(section.template)
    section.delete()


def reorder_template_sections(*, template: PlanTemplate, keys: list[str]) -> list[PlanTemplateSection]:
    """Put the sections in the order of ``keys``, which names each section once."""
    _require_editable(template)
    sections = {s.key: s for s in template.sections.all()}
    if sorted(keys) != sorted(sections) or len(set(keys)) != len(keys):
        raise ServiceError(
            "The sections were not reordered.",
            errors={"keys": [f"Name each section once: {', '.join(sorted(sections)) or 'none yet'}."]},
        )
    ordered = [sections[key] for key in keys]
    for order, section in enumerate(ordered):
        if section.order != order:
            section.order = order
            section.save()
    return ordered


def move_template_section(*, section: PlanTemplateSection, offset: int) -> list[PlanTemplateSection]:
    """Move a section up (offset -1) or down (+1) among its template's sections."""
    keys = list(section.template.sections.values_list("key", flat=True))
    index = keys.index(section.key)
    target = min(max(index + offset, 0), len(keys) - 1)
    keys.insert(target, keys.pop(index))
    return reorder_template_sections(template=section.template, keys=keys)
