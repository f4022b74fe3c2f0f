"""API for competency frameworks, their competencies and benchmark profiles."""

from dataclasses import asdict
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.frameworks import queries, services
from kamkit.frameworks.compare import compare
from kamkit.frameworks.documents import DocumentError, competency_to_dict, from_dict, to_dict, write
from kamkit.frameworks.models import BenchmarkProfile, Competency, Framework
from kamkit.frameworks.schemas import (
    BenchmarkRead,
    BenchmarkWrite,
    ComparisonRead,
    CompetencyRead,
    CompetencyWrite,
    FrameworkDocument,
    FrameworkRead,
    FrameworkUpdate,
    ImportResultRead,
)

router = Router(tags=["frameworks"])

CONTENT_TYPES = {"json": "application/json", "yaml": "application/yaml", "md": "text/markdown"}


class FrameworkListParams(Schema):
    q: str | None = None
    sort: str | None = None
    status: str | None = None
    slug: str | None = None


def _framework(request: HttpRequest, framework_id: int) -> Framework:
    return get_object_or_404(queries.frameworks_for(request.user), pk=framework_id)


def _editable(request: HttpRequest, framework_id: int) -> Framework:
    framework = _framework(request, framework_id)
    permissions.require(request.user, Action.CHANGE, framework)
    return framework


def _doc(payload: FrameworkDocument) -> Any:
    try:
        return from_dict(payload.dict())
    except DocumentError as exc:
        raise ServiceError(
            f"The framework document is not valid: {exc.reason}", errors={"document": [exc.reason]}
        ) from None


def _with_count(framework: Framework) -> Framework:
    framework.competency_count = framework.competencies.count()  # type: ignore[attr-defined]
    return framework


def _competency_read(competency: Competency) -> dict[str, Any]:
    loaded = queries.with_content(Competency.objects.filter(pk=competency.pk)).get()
    return {
        **competency_to_dict(queries.competency_document(loaded)),
        "id": loaded.pk,
        "framework_id": loaded.framework_id,
        "order": loaded.order,
    }


@router.get("/frameworks", response={200: list[FrameworkRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_frameworks(request: HttpRequest, params: Query[FrameworkListParams]) -> Any:
    return queries.FRAMEWORK_LIST.apply(queries.frameworks_for(request.user), params.dict())


@router.post("/frameworks", response={201: FrameworkRead, **ERROR_RESPONSES})
def create_framework(request: HttpRequest, payload: FrameworkDocument) -> Any:
    """A new draft from a document in the export shape (or the next draft version of its slug)."""
    permissions.require(request.user, Action.ADD, Framework)
    doc = _doc(payload)
    with transaction.atomic():
        framework = services.create_framework(doc=doc)
    return Status(201, _with_count(framework))


@router.post("/frameworks/import", response={201: ImportResultRead, 200: ImportResultRead, **ERROR_RESPONSES})
def import_framework(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    publish: Form[bool] = False,
    slug: Form[str] = "",
) -> Any:
    """Upload YAML, JSON or a text/Markdown competency document; refused whole with the line at fault."""
    permissions.require(request.user, Action.ADD, Framework)
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    with transaction.atomic():
        result = services.import_document(
            text=text, filename=file.name or "", slug=slug or None, dry_run=dry_run, publish=publish
        )
    body = {
        "slug": result.slug,
        "version": result.version,
        "dry_run": dry_run,
        "summary": result.summary,
        "framework": _with_count(result.framework) if result.framework else None,
    }
    return Status(200 if dry_run else 201, body)


@router.get("/frameworks/{framework_id}", response={200: FrameworkRead, **ERROR_RESPONSES})
def get_framework(request: HttpRequest, framework_id: int) -> Any:
    return _framework(request, framework_id)


@router.patch("/frameworks/{framework_id}", response={200: FrameworkRead, **ERROR_RESPONSES})
def update_framework(request: HttpRequest, framework_id: int, payload: FrameworkUpdate) -> Any:
    framework = _editable(request, framework_id)
    with transaction.atomic():
        services.update_framework(
            framework=framework, name=payload.name, role=payload.role, description=payload.description
        )
    return _with_count(framework)


@router.delete("/frameworks/{framework_id}", response={204: None, **ERROR_RESPONSES})
def delete_framework(request: HttpRequest, framework_id: int) -> Any:
    framework = _framework(request, framework_id)
    permissions.require(request.user, Action.DELETE, framework)
    with transaction.atomic():
        services.delete_draft(framework=framework)
    return Status(204, None)


@router.get("/frameworks/{framework_id}/document", response={200: FrameworkDocument, **ERROR_RESPONSES})
def get_document(request: HttpRequest, framework_id: int) -> Any:
    return to_dict(queries.document_of(_framework(request, framework_id)))


@router.put("/frameworks/{framework_id}/document", response={200: FrameworkRead, **ERROR_RESPONSES})
def replace_document(request: HttpRequest, framework_id: int, payload: FrameworkDocument) -> Any:
    """Rewrite a draft's whole content."""
    framework = _editable(request, framework_id)
    doc = _doc(payload)
    with transaction.atomic():
        services.replace_content(framework=framework, doc=doc)
    return _with_count(framework)


@router.get(
    "/frameworks/{framework_id}/export",
    response={200: FrameworkDocument, **ERROR_RESPONSES},
    openapi_extra={
        "responses": {
            200: {
                "description": "The framework in the chosen format (JSON, YAML or Markdown).",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/FrameworkDocument"}},
                    "application/yaml": {"schema": {"type": "string"}},
                    "text/markdown": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def export_framework(
    request: HttpRequest, framework_id: int, format: Literal["json", "yaml", "md"] = "json"
) -> Any:
    framework = _framework(request, framework_id)
    response = HttpResponse(write(queries.document_of(framework), format), content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{framework.slug}-v{framework.version}.{format}"'
    return response


@router.post("/frameworks/{framework_id}/publish", response={200: FrameworkRead, **ERROR_RESPONSES})
def publish_framework(request: HttpRequest, framework_id: int) -> Any:
    framework = _editable(request, framework_id)
    with transaction.atomic():
        services.publish_framework(framework=framework)
    return _with_count(framework)


@router.post("/frameworks/{framework_id}/retire", response={200: FrameworkRead, **ERROR_RESPONSES})
def retire_framework(request: HttpRequest, framework_id: int) -> Any:
    framework = _editable(request, framework_id)
    with transaction.atomic():
        services.retire_framework(framework=framework)
    return _with_count(framework)


@router.post("/frameworks/{framework_id}/versions", response={201: FrameworkRead, **ERROR_RESPONSES})
def start_new_version(request: HttpRequest, framework_id: int) -> Any:
    """A draft copy to edit: published versions never change."""
    framework = _editable(request, framework_id)
    with transaction.atomic():
        draft = services.start_new_version(framework=framework)
    return Status(201, _with_count(draft))


@router.get(
    "/frameworks/{framework_id}/compare/{other_id}", response={200: ComparisonRead, **ERROR_RESPONSES}
)
def compare_versions(request: HttpRequest, framework_id: int, other_id: int) -> Any:
    """What changed from ``framework_id`` (old) to ``other_id`` (new)."""
    old, new = _framework(request, framework_id), _framework(request, other_id)
    comparison = compare(queries.document_of(old), queries.document_of(new))
    data = asdict(comparison)
    data.pop("has_changes", None)
    return {"old_id": old.pk, "new_id": new.pk, **data}


@router.get(
    "/frameworks/{framework_id}/competencies", response={200: list[CompetencyRead], **ERROR_RESPONSES}
)
def list_competencies(request: HttpRequest, framework_id: int) -> Any:
    framework = _framework(request, framework_id)
    return [
        {
            **competency_to_dict(queries.competency_document(c)),
            "id": c.pk,
            "framework_id": c.framework_id,
            "order": c.order,
        }
        for c in queries.competencies_with_content(framework)
    ]


def _competency_input(payload: CompetencyWrite) -> services.CompetencyInput:
    return services.CompetencyInput(
        name=payload.name,
        definition=payload.definition,
        weight=payload.weight,
        low=payload.low,
        high=payload.high,
        mindset_tips=payload.tips.mindset,
        practice_tips=payload.tips.practice,
    )


@router.post("/frameworks/{framework_id}/competencies", response={201: CompetencyRead, **ERROR_RESPONSES})
def add_competency(request: HttpRequest, framework_id: int, payload: CompetencyWrite) -> Any:
    framework = _editable(request, framework_id)
    with transaction.atomic():
        competency = services.save_competency(framework=framework, data=_competency_input(payload))
    return Status(201, _competency_read(competency))


def _competency(request: HttpRequest, competency_id: int) -> Competency:
    return get_object_or_404(
        Competency.objects.filter(framework__in=queries.frameworks_for(request.user)).select_related(
            "framework"
        ),
        pk=competency_id,
    )


@router.get("/competencies/{competency_id}", response={200: CompetencyRead, **ERROR_RESPONSES})
def get_competency(request: HttpRequest, competency_id: int) -> Any:
    return _competency_read(_competency(request, competency_id))


@router.put("/competencies/{competency_id}", response={200: CompetencyRead, **ERROR_RESPONSES})
def update_competency(request: HttpRequest, competency_id: int, payload: CompetencyWrite) -> Any:
    competency = _competency(request, competency_id)
    permissions.require(request.user, Action.CHANGE, competency.framework)
    with transaction.atomic():
        services.save_competency(
            framework=competency.framework, data=_competency_input(payload), competency=competency
        )
    return _competency_read(competency)


@router.delete("/competencies/{competency_id}", response={204: None, **ERROR_RESPONSES})
def delete_competency(request: HttpRequest, competency_id: int) -> Any:
    competency = _competency(request, competency_id)
    permissions.require(request.user, Action.CHANGE, competency.framework)
    with transaction.atomic():
        services.delete_competency(competency=competency)
    return Status(204, None)


# Benchmark profiles ----------------------------------------------------------------------------


def _benchmark_read(profile: BenchmarkProfile) -> dict[str, Any]:
    return {
        "id": profile.pk,
        "framework_id": profile.framework_id,
        "role": profile.role,
        "name": profile.name,
        "description": profile.description,
        "targets": [
            {
                "competency_id": t.competency_id,
                "competency": t.competency.name,
                "band_low": t.band_low,
                "band_high": t.band_high,
                "importance": t.importance,
            }
            for t in profile.targets.select_related("competency").order_by("competency__order")
        ],
    }


def _set_targets(profile: BenchmarkProfile, payload: BenchmarkWrite) -> None:
    if payload.targets is None:
        return
    competencies = {c.pk: c for c in profile.framework.competencies.all()}
    unknown = [t.competency_id for t in payload.targets if t.competency_id not in competencies]
    if unknown:
        raise ServiceError(
            "Some targets name competencies of another framework.",
            errors={"targets": [f"Competency {pk} is not in {profile.framework}." for pk in unknown]},
        )
    services.set_targets(
        profile=profile,
        targets=[
            services.TargetInput(
                competency=competencies[t.competency_id],
                band_low=t.band_low,
                band_high=t.band_high,
                importance=t.importance,
            )
            for t in payload.targets
        ],
    )


@router.get("/frameworks/{framework_id}/benchmarks", response={200: list[BenchmarkRead], **ERROR_RESPONSES})
def list_benchmarks(request: HttpRequest, framework_id: int) -> Any:
    return [_benchmark_read(p) for p in _framework(request, framework_id).benchmarks.all()]


@router.post("/frameworks/{framework_id}/benchmarks", response={201: BenchmarkRead, **ERROR_RESPONSES})
def create_benchmark(request: HttpRequest, framework_id: int, payload: BenchmarkWrite) -> Any:
    framework = _framework(request, framework_id)
    permissions.require(request.user, Action.ADD, BenchmarkProfile)
    with transaction.atomic():
        profile = services.create_benchmark(
            framework=framework, role=payload.role, name=payload.name, description=payload.description
        )
        _set_targets(profile, payload)
    return Status(201, _benchmark_read(profile))


def _benchmark(request: HttpRequest, benchmark_id: int) -> BenchmarkProfile:
    return get_object_or_404(
        permissions.visible_to(request.user, BenchmarkProfile).select_related("framework"), pk=benchmark_id
    )


@router.get("/benchmarks/{benchmark_id}", response={200: BenchmarkRead, **ERROR_RESPONSES})
def get_benchmark(request: HttpRequest, benchmark_id: int) -> Any:
    return _benchmark_read(_benchmark(request, benchmark_id))


@router.put("/benchmarks/{benchmark_id}", response={200: BenchmarkRead, **ERROR_RESPONSES})
def update_benchmark(request: HttpRequest, benchmark_id: int, payload: BenchmarkWrite) -> Any:
    profile = _benchmark(request, benchmark_id)
    permissions.require(request.user, Action.CHANGE, profile)
    with transaction.atomic():
        services.update_benchmark(
            profile=profile, role=payload.role, name=payload.name, description=payload.description
        )
        _set_targets(profile, payload)
    return _benchmark_read(profile)


@router.delete("/benchmarks/{benchmark_id}", response={204: None, **ERROR_RESPONSES})
def delete_benchmark(request: HttpRequest, benchmark_id: int) -> Any:
    profile = _benchmark(request, benchmark_id)
    permissions.require(request.user, Action.DELETE, profile)
    with transaction.atomic():
        services.delete_benchmark(profile=profile)
    return Status(204, None)
