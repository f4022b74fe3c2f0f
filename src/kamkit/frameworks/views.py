"""Framework pages: browse, read a competency, edit drafts, publish, compare, import, benchmarks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.forms import add_service_errors
from kamkit.core.views import ListPage
from kamkit.frameworks import queries, services
from kamkit.frameworks.compare import compare
from kamkit.frameworks.documents import DocumentError, read, write
from kamkit.frameworks.forms import (
    BenchmarkForm,
    CompetencyForm,
    DocumentForm,
    FrameworkForm,
    ImportForm,
    lines,
)
from kamkit.frameworks.models import BenchmarkProfile, Competency, Framework

CONTENT_TYPES = {"json": "application/json", "yaml": "application/yaml", "md": "text/markdown"}


class FrameworkList(ListPage):
    model = Framework
    spec = queries.FRAMEWORK_LIST
    title = "Competency frameworks"
    columns = [
        ("name", "Framework"),
        ("version", "Version"),
        ("status", "Status"),
        ("", "Role"),
        ("", "Competencies"),
    ]
    add_url_name = "frameworks:import"

    def base_queryset(self) -> Any:
        return queries.frameworks_for(self.request.user)


def _framework(request: HttpRequest, pk: int) -> Framework:
    return get_object_or_404(queries.frameworks_for(request.user), pk=pk)


def _changeable(request: HttpRequest, pk: int) -> Framework:
    framework = _framework(request, pk)
    permissions.require(request.user, Action.CHANGE, framework)
    return framework


def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk)
    return render(
        request,
        "frameworks/framework_detail.html",
        {
            "framework": framework,
            "competencies": queries.competency_counts(framework),
            "versions": queries.versions_of(framework),
            "benchmarks": queries.benchmarks_of(framework),
            "can_change": permissions.can(request.user, Action.CHANGE, framework),
        },
    )


def competency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competency = get_object_or_404(
        queries.with_content(
            Competency.objects.filter(framework__in=queries.frameworks_for(request.user))
        ).select_related("framework"),
        pk=pk,
    )
    doc = queries.competency_document(competency)
    return render(
        request,
        "frameworks/competency_detail.html",
        {
            "competency": competency,
            "framework": competency.framework,
            "doc": doc,
            "pairs": _side_by_side(doc.low, doc.high),
            "can_change": competency.framework.is_draft
            and permissions.can(request.user, Action.CHANGE, competency.framework),
        },
    )


def _side_by_side(low: list[str], high: list[str]) -> list[tuple[str, str]]:
    size = max(len(low), len(high))
    return [(low[i] if i < len(low) else "", high[i] if i < len(high) else "") for i in range(size)]


def framework_edit(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _changeable(request, pk)
    initial = {"name": framework.name, "role": framework.role, "description": framework.description}
    form = FrameworkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_framework(framework=framework, **form.cleaned_data)
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("frameworks:detail", pk=framework.pk)
    return render(
        request, "frameworks/form.html", {"form": form, "title": f"Edit {framework}", "framework": framework}
    )


def framework_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a whole draft as Markdown, YAML or JSON; a bad line is named and nothing is lost."""
    framework = _changeable(request, pk)
    chosen = request.GET.get("format", "md") if request.GET.get("format") in CONTENT_TYPES else "md"
    initial = {"format": chosen, "text": write(queries.document_of(framework), chosen)}
    form = DocumentForm(request.POST or None, initial=initial)
    error_line = None
    if request.method == "POST" and form.is_valid():
        try:
            doc = read(form.cleaned_data["text"], format=form.cleaned_data["format"])
            with transaction.atomic():
                services.replace_content(framework=framework, doc=doc)
        except DocumentError as exc:
            error_line = exc.line
            form.add_error("text", str(exc))
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The draft was rewritten from the document.")
            return redirect("frameworks:detail", pk=framework.pk)
    return render(
        request,
        "frameworks/document_form.html",
        {"form": form, "framework": framework, "error_line": error_line, "formats": list(CONTENT_TYPES)},
    )


@require_POST
def framework_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish, retire, start a new version or delete a draft."""
    framework = _changeable(request, pk)
    try:
        with transaction.atomic():
            if action == "publish":
                services.publish_framework(framework=framework)
                messages.success(request, f"{framework} is published; it can no longer change.")
            elif action == "retire":
                services.retire_framework(framework=framework)
                messages.success(request, f"{framework} is retired.")
            elif action == "new-version":
                draft = services.start_new_version(framework=framework)
                messages.success(
                    request, f"{draft} is a draft copy of version {framework.version}: edit it here."
                )
                return redirect("frameworks:detail", pk=draft.pk)
            elif action == "delete":
                permissions.require(request.user, Action.DELETE, framework)
                services.delete_draft(framework=framework)
                messages.success(request, f"Draft {framework} deleted.")
                return redirect("frameworks:list")
            else:
                return render(request, "404.html", status=404)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    return redirect("frameworks:detail", pk=framework.pk)


def framework_export(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk)
    chosen = request.GET.get("format", "json")
    if chosen not in CONTENT_TYPES:
        return HttpResponse(
            f"Unknown format {chosen!r}; use json, yaml or md.", status=400, content_type="text/plain"
        )
    response = HttpResponse(write(queries.document_of(framework), chosen), content_type=CONTENT_TYPES[chosen])
    response["Content-Disposition"] = f'attachment; filename="{framework.slug}-v{framework.version}.{chosen}"'
    return response


def framework_import(request: HttpRequest) -> HttpResponse:
    """Upload or paste a document, see what it holds, then import it whole."""
    permissions.require(request.user, Action.ADD, Framework)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        confirmed = request.POST.get("confirm") == "1"
        try:
            with transaction.atomic():
                result = services.import_document(
                    text=data["text"],
                    filename=data["filename"],
                    slug=data["slug"] or None,
                    dry_run=not confirmed,
                    publish=data["publish"],
                )
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            if result.framework is not None:
                messages.success(request, f"Imported {result.framework}.")
                return redirect("frameworks:detail", pk=result.framework.pk)
            preview = result
            form = ImportForm(
                initial={"text": data["text"], "slug": result.slug, "publish": data["publish"]},
            )
    return render(request, "frameworks/import.html", {"form": form, "preview": preview})


def framework_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between two versions: ``pk`` is the newer; ``?with=`` the older (default: its source)."""
    new = _framework(request, pk)
    versions = queries.versions_of(new).exclude(pk=new.pk)
    other_id = request.GET.get("with") or (new.based_on_id and str(new.based_on_id)) or ""
    old = versions.filter(pk=int(other_id)).first() if other_id.isdigit() else None
    comparison = compare(queries.document_of(old), queries.document_of(new)) if old else None
    return render(
        request,
        "frameworks/compare.html",
        {"new": new, "old": old, "versions": versions, "comparison": comparison},
    )


def competency_form(request: HttpRequest, framework_pk: int, pk: int | None = None) -> HttpResponse:
    framework = _changeable(request, framework_pk)
    competency = get_object_or_404(framework.competencies, pk=pk) if pk else None
    initial: dict[str, Any] = {}
    if competency is not None:
        doc = queries.competency_document(
            queries.with_content(framework.competencies.filter(pk=competency.pk)).get()
        )
        initial = {
            "name": doc.name,
            "definition": doc.definition,
            "weight": doc.weight,
            "low": "\n".join(doc.low),
            "high": "\n".join(doc.high),
            "mindset_tips": "\n".join(doc.mindset_tips),
            "practice_tips": "\n".join(doc.practice_tips),
        }
    form = CompetencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payload = services.CompetencyInput(
            name=data["name"],
            definition=data["definition"],
            weight=data["weight"],
            low=lines(data["low"]),
            high=lines(data["high"]),
            mindset_tips=lines(data["mindset_tips"]),
            practice_tips=lines(data["practice_tips"]),
        )
        try:
            with transaction.atomic():
                saved = services.save_competency(framework=framework, data=payload, competency=competency)
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved} saved.")
            return redirect("frameworks:competency", pk=saved.pk)
    title = f"Edit {competency}" if competency else f"Add a competency to {framework}"
    return render(request, "frameworks/form.html", {"form": form, "title": title, "framework": framework})


@require_POST
def competency_delete(request: HttpRequest, framework_pk: int, pk: int) -> HttpResponse:
    framework = _changeable(request, framework_pk)
    competency = get_object_or_404(framework.competencies, pk=pk)
    try:
        with transaction.atomic():
            services.delete_competency(competency=competency)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"{competency} removed from the draft.")
    return redirect("frameworks:detail", pk=framework.pk)


def benchmark_form(request: HttpRequest, framework_pk: int, pk: int | None = None) -> HttpResponse:
    """The benchmark profile editor: a role's target band and importance per competency."""
    framework = _framework(request, framework_pk)
    profile = get_object_or_404(framework.benchmarks, pk=pk) if pk else None
    permissions.require(request.user, Action.CHANGE if profile else Action.ADD, profile or BenchmarkProfile)
    initial = (
        {"role": profile.role, "name": profile.name, "description": profile.description} if profile else {}
    )
    form = BenchmarkForm(request.POST or None, initial=initial, framework=framework, profile=profile)
    if request.method == "POST" and form.is_valid():
        targets = form.targets()
        if not form.errors:
            try:
                with transaction.atomic():
                    if profile is None:
                        profile = services.create_benchmark(
                            framework=framework,
                            role=form.cleaned_data["role"],
                            name=form.cleaned_data["name"],
                            description=form.cleaned_data["description"],
                        )
                    else:
                        services.update_benchmark(
                            profile=profile,
                            role=form.cleaned_data["role"],
                            name=form.cleaned_data["name"],
                            description=form.cleaned_data["description"],
                        )
                    services.set_targets(
                        profile=profile,
                        targets=[services.TargetInput(c, low, high, imp) for c, low, high, imp in targets],
                    )
            except ServiceError as exc:
                by_name = {c.name: f"c{c.pk}_low" for c in form.competencies}
                exc.errors = {by_name.get(k, k): v for k, v in exc.errors.items()}
                add_service_errors(form, exc)
            else:
                messages.success(request, f"{profile} saved.")
                return redirect("frameworks:detail", pk=framework.pk)
    title = f"Edit {profile}" if profile else f"Add a benchmark to {framework}"
    return render(
        request, "frameworks/benchmark_form.html", {"form": form, "title": title, "framework": framework}
    )


@require_POST
def benchmark_delete(request: HttpRequest, framework_pk: int, pk: int) -> HttpResponse:
    framework = _framework(request, framework_pk)
    profile = get_object_or_404(framework.benchmarks, pk=pk)
    permissions.require(request.user, Action.DELETE, profile)
    with transaction.atomic():
        services.delete_benchmark(profile=profile)
    messages.success(request, f"{profile} deleted.")
    return redirect("frameworks:detail", pk=framework.pk)
