"""Plan templates: everyone reads them; admins and directors create, change, copy and retire them.
The built-in one is read-only (copy it to change it)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.forms import save_with_form as _save
from kamkit.plans import queries, services
from kamkit.plans.forms import CopyForm, TemplateForm, TemplateSectionForm
from kamkit.plans.models import PlanTemplate, PlanTemplateSection
from kamkit.plans.views.common import step


def templates(request: HttpRequest) -> HttpResponse:
    can_add = permissions.can(request.user, Action.ADD, PlanTemplate)
    form = TemplateForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, Action.ADD, PlanTemplate)
        if form.is_valid():
            d = form.cleaned_data
            made = _save(form, lambda: services.create_template(name=d["name"], description=d["description"]))
            if made is not None:
                messages.success(request, f"{made} created; add its sections.")
                return redirect("plans:template", pk=made.pk)
    return render(
        request,
        "plans/templates.html",
        {"templates": queries.templates_for(request.user), "form": form, "can_add": can_add},
    )


def _template(request: HttpRequest, pk: int) -> PlanTemplate:
    template: PlanTemplate = get_object_or_404(queries.templates_for(request.user), pk=pk)
    return template


def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The template's sections in order; its managers edit, add, move and remove them here."""
    template = _template(request, pk)
    can_change = permissions.can(request.user, Action.CHANGE, template)
    template_form = TemplateForm(
        prefix="template", initial={"name": template.name, "description": template.description}
    )
    section_form = TemplateSectionForm(prefix="section")
    if request.method == "POST":
        permissions.require(request.user, Action.CHANGE, template)
        if "section-title" in request.POST:
            section_form = TemplateSectionForm(request.POST, prefix="section")
            if section_form.is_valid():
                d = section_form.cleaned_data
                added = _save(
                    section_form,
                    lambda: services.add_template_section(
                        template=template, key=d["key"], title=d["title"], prompt=d["prompt"]
                    ),
                )
                if added is not None:
                    messages.success(request, f"{added} added.")
                    return redirect("plans:template", pk=template.pk)
        else:
            template_form = TemplateForm(request.POST, prefix="template")
            if template_form.is_valid():
                d = template_form.cleaned_data
                if _save(
                    template_form,
                    lambda: services.update_template(
                        template=template, name=d["name"], description=d["description"]
                    ),
                ):
                    messages.success(request, f"{template} saved.")
                    return redirect("plans:template", pk=template.pk)
    return render(
        request,
        "plans/template.html",
        {
            "template": template,
            "sections": list(template.sections.all()),
            "can_change": can_change,
            "can_add": permissions.can(request.user, Action.ADD, PlanTemplate),
            "editable": can_change and not template.is_builtin,
            "template_form": template_form,
            "section_form": section_form,
            "copy_form": CopyForm(prefix="copy"),
        },
    )


@require_POST
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """An editable copy (the way to change the built-in template)."""
    template = _template(request, pk)
    permissions.require(request.user, Action.ADD, PlanTemplate)
    form = CopyForm(request.POST, prefix="copy")
    name = form.cleaned_data["name"] if form.is_valid() else ""
    made: list[PlanTemplate] = []
    if step(
        request,
        lambda: made.append(services.copy_template(template=template, name=name)),
        f"A copy of {template} was made; change it as you need.",
    ):
        return redirect("plans:template", pk=made[0].pk)
    return redirect("plans:template", pk=template.pk)


@require_POST
def template_offered(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire a template (not offered for new plans) or offer it again."""
    template = _template(request, pk)
    permissions.require(request.user, Action.CHANGE, template)
    offered = request.POST.get("is_active") == "1"
    step(
        request,
        lambda: services.set_template_active(template=template, is_active=offered),
        f"{template} is {'offered for new plans' if offered else 'retired (not offered for new plans)'}.",
    )
    return redirect("plans:template", pk=template.pk)


def _section(request: HttpRequest, pk: int) -> PlanTemplateSection:
    section: PlanTemplateSection = get_object_or_404(
        permissions.visible_to(request.user, PlanTemplateSection).select_related("template"), pk=pk
    )
    permissions.require(request.user, Action.CHANGE, section)
    return section


def template_section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    template = section.template
    initial = {"key": section.key, "title": section.title, "prompt": section.prompt}
    form = TemplateSectionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "delete" in request.POST:
            if step(
                request,
                lambda: services.remove_template_section(section=section),
                f"{section} removed from {template}.",
            ):
                return redirect("plans:template", pk=template.pk)
        elif form.is_valid():
            d = form.cleaned_data
            if _save(
                form,
                lambda: services.update_template_section(
                    section=section, key=d["key"], title=d["title"], prompt=d["prompt"]
                ),
            ):
                messages.success(request, f"{section} saved.")
                return redirect("plans:template", pk=template.pk)
    return render(
        request,
        "plans/template_section.html",
        {"form": form, "section": section, "template": template, "title": f"{section.title} · {template}"},
    )


@require_POST
def template_section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    step(
        request,
        lambda: services.move_template_section(section=section, offset=offset),
        f"{section} moved {'up' if offset < 0 else 'down'}.",
    )
    return redirect("plans:template", pk=section.template_id)
