"""Every write to frameworks and benchmark profiles. Callers own the transaction.

Published versions are read-only: each write below checks ``_require_draft`` first, so the rule
holds for the web pages, the API, the command line and imports alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from kamkit.core import audit
from kamkit.core.choices import AuditAction
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.frameworks import queries
from kamkit.frameworks.choices import FrameworkSource, FrameworkStatus, Pole, TipKind
from kamkit.frameworks.documents import (
    DocumentError,
    FrameworkDoc,
    LevelDoc,
    QuestionDoc,
    check,
    read,
    slugify_name,
)
from kamkit.frameworks.models import (
    BenchmarkProfile,
    BenchmarkTarget,
    Competency,
    Framework,
    Indicator,
    InterviewQuestion,
    LevelBehaviour,
    Probe,
    ProficiencyLevel,
    Tip,
)


def _require_draft(framework: Framework) -> None:
    if framework.status != FrameworkStatus.DRAFT:
        raise ConflictError(
            f"{framework} is {framework.get_status_display().lower()} and cannot change; "
            "start a new version to edit it.",
            errors={"status": ["Only drafts can be edited."]},
        )


def _audit_content(framework: Framework, what: str, before: list[str], after: list[str]) -> None:
    """Content rows are written in bulk; one entry on the framework says what changed."""
    audit.record(framework, AuditAction.UPDATE, {what: [before, after]})


def _write_content(framework: Framework, doc: FrameworkDoc) -> None:
    """Create the competencies and everything under them in a handful of bulk inserts."""
    competencies = Competency.objects.bulk_create(
        [
            Competency(
                framework=framework, name=c.name, definition=c.definition, weight=c.weight, order=position
            )
            for position, c in enumerate(doc.competencies)
        ]
    )
    indicators: list[Indicator] = []
    tips: list[Tip] = []
    new_levels: list[ProficiencyLevel] = []
    level_docs: list[LevelDoc] = []
    for competency, source in zip(competencies, doc.competencies, strict=True):
        indicators += [
            Indicator(competency=competency, pole=Pole.LOW, text=t, order=i) for i, t in enumerate(source.low)
        ]
        indicators += [
            Indicator(competency=competency, pole=Pole.HIGH, text=t, order=i)
            for i, t in enumerate(source.high)
        ]
        tips += [
            Tip(competency=competency, kind=TipKind.MINDSET, text=t, order=i)
            for i, t in enumerate(source.mindset_tips)
        ]
        tips += [
            Tip(competency=competency, kind=TipKind.PRACTICE, text=t, order=i)
            for i, t in enumerate(source.practice_tips)
        ]
        for level_doc in source.levels:
            new_levels.append(
                ProficiencyLevel(competency=competency, level=level_doc.level, summary=level_doc.summary)
            )
            level_docs.append(level_doc)
    Indicator.objects.bulk_create(indicators)
    Tip.objects.bulk_create(tips)
    saved_levels = ProficiencyLevel.objects.bulk_create(new_levels)
    behaviours: list[LevelBehaviour] = []
    new_questions: list[InterviewQuestion] = []
    question_docs: list[QuestionDoc] = []
    for level, level_doc in zip(saved_levels, level_docs, strict=True):
        behaviours += [
            LevelBehaviour(level=level, text=t, order=i) for i, t in enumerate(level_doc.behaviours)
        ]
        for i, question in enumerate(level_doc.questions):
            new_questions.append(InterviewQuestion(level=level, text=question.text, order=i))
            question_docs.append(question)
    LevelBehaviour.objects.bulk_create(behaviours)
    questions = InterviewQuestion.objects.bulk_create(new_questions)
    Probe.objects.bulk_create(
        [
            Probe(question=question, text=probe.text, star=probe.star, order=i)
            for question, question_doc in zip(questions, question_docs, strict=True)
            for i, probe in enumerate(question_doc.probes)
        ]
    )


def create_framework(
    *,
    doc: FrameworkDoc,
    source: str = FrameworkSource.MANUAL,
    slug: str | None = None,
    publish: bool = False,
    builtin_release: int | None = None,
) -> Framework:
    """A new framework, or the next version of the family with the same slug (as a draft)."""
    check(doc)
    family = slugify_name(slug or doc.slug or doc.name)
    exists = Framework.objects.filter(slug=family).exists()
    version = queries.next_version(family) if exists else doc.version
    framework = Framework.objects.create(
        slug=family,
        version=version,
        name=doc.name,
        role=doc.role,
        description=doc.description,
        source=source,
        builtin_release=builtin_release,
        based_on=Framework.objects.filter(slug=family).order_by("-version").first(),
    )
    _write_content(framework, doc)
    _audit_content(framework, "content", [], queries.summary_lines(doc))
    if publish:
        publish_framework(framework=framework)
    return framework


@dataclass
class ImportResult:
    doc: FrameworkDoc
    slug: str
    version: int
    framework: Framework | None = None
    summary: list[str] = field(default_factory=list)


def import_document(
    *,
    text: str,
    filename: str = "",
    format: str | None = None,
    slug: str | None = None,
    dry_run: bool = False,
    publish: bool = False,
) -> ImportResult:
    """Read a YAML, JSON or text document and store it whole, or refuse it whole with the reason."""
    try:
        doc = read(text, filename=filename, format=format)
    except DocumentError as exc:
        where = {"line": [f"Line {exc.line}: {exc.reason}"]} if exc.line else {"document": [exc.reason]}
        raise ServiceError(f"The document was not imported: {exc}", errors=where) from None
    family = slugify_name(slug or doc.slug or doc.name)
    version = queries.next_version(family) if Framework.objects.filter(slug=family).exists() else doc.version
    result = ImportResult(doc=doc, slug=family, version=version, summary=queries.summary_lines(doc))
    if not dry_run:
        result.framework = create_framework(
            doc=doc, source=FrameworkSource.IMPORTED, slug=family, publish=publish
        )
    return result


def replace_content(*, framework: Framework, doc: FrameworkDoc) -> Framework:
    """Rewrite a draft from a document; benchmark targets follow their competency by name."""
    _require_draft(framework)
    check(doc)
    before = queries.summary_lines(queries.document_of(framework))
    kept_targets = [
        (target.profile_id, target.competency.name.casefold(), target)
        for target in BenchmarkTarget.objects.filter(profile__framework=framework).select_related(
            "competency"
        )
    ]
    framework.competencies.all().delete()
    framework.name, framework.role, framework.description = doc.name, doc.role, doc.description
    framework.save()
    _write_content(framework, doc)
    by_name = {c.name.casefold(): c for c in framework.competencies.all()}
    for profile_id, name, target in kept_targets:
        if name in by_name:
            BenchmarkTarget.objects.create(
                profile_id=profile_id,
                competency=by_name[name],
                band_low=target.band_low,
                band_high=target.band_high,
                importance=target.importance,
            )
    _audit_content(framework, "content", before, queries.summary_lines(doc))
    return framework


def update_framework(*, framework: Framework, name: str, role: str, description: str) -> Framework:
    _require_draft(framework)
    if not name.strip():
        raise ServiceError("A framework needs a name.", errors={"name": ["Give the framework a name."]})
    framework.name, framework.role, framework.description = name.strip(), role.strip(), description.strip()
    framework.save()
    return framework


def publish_framework(*, framework: Framework) -> Framework:
    """Freeze a draft. The family's previously published version is retired: new work uses this one."""
    _require_draft(framework)
    if not framework.competencies.exists():
        raise ServiceError(
            "A framework without competencies cannot be published.",
            errors={"competencies": ["Add at least one competency."]},
        )
    for older in Framework.objects.filter(slug=framework.slug, status=FrameworkStatus.PUBLISHED):
        older.status = FrameworkStatus.RETIRED
        older.save()
    framework.status = FrameworkStatus.PUBLISHED
    framework.published_at = timezone.now()
    framework.save()
    return framework


def retire_framework(*, framework: Framework) -> Framework:
    if framework.status != FrameworkStatus.PUBLISHED:
        raise ConflictError(
            "Only a published framework can be retired.", errors={"status": ["Not published."]}
        )
    framework.status = FrameworkStatus.RETIRED
    framework.save()
    return framework


def start_new_version(*, framework: Framework) -> Framework:
    """A draft copy of ``framework`` (with its benchmark profiles) to edit; one open draft per family."""
    open_draft = Framework.objects.filter(slug=framework.slug, status=FrameworkStatus.DRAFT).first()
    if open_draft is not None:
        raise ConflictError(
            f"{open_draft} is already a draft of this framework; edit it or delete it first.",
            errors={"status": [f"Open draft: version {open_draft.version}."]},
        )
    doc = queries.document_of(framework)
    draft = Framework.objects.create(
        slug=framework.slug,
        version=queries.next_version(framework.slug),
        name=framework.name,
        role=framework.role,
        description=framework.description,
        source=FrameworkSource.MANUAL,
        based_on=framework,
    )
    _write_content(draft, doc)
    _audit_content(draft, "content", [f"copied from version {framework.version}"], queries.summary_lines(doc))
    by_name = {c.name.casefold(): c for c in draft.competencies.all()}
    for profile in queries.benchmarks_of(framework):
        copy = BenchmarkProfile.objects.create(
            framework=draft, role=profile.role, name=profile.name, description=profile.description
        )
        for target in profile.targets.all():
            BenchmarkTarget.objects.create(
                profile=copy,
                competency=by_name[target.competency.name.casefold()],
                band_low=target.band_low,
                band_high=target.band_high,
                importance=target.importance,
            )
    return draft


def delete_draft(*, framework: Framework) -> None:
    _require_draft(framework)
    framework.delete()


# Competencies of a draft ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetencyInput:
    name: str
    definition: str = ""
    weight: float = 1.0
    low: list[str] = field(default_factory=list)
    high: list[str] = field(default_factory=list)
    mindset_tips: list[str] = field(default_factory=list)
    practice_tips: list[str] = field(default_factory=list)


def _clean(lines: list[str]) -> list[str]:
    return [" ".join(line.split()) for line in lines if line.strip()]


def save_competency(
    *, framework: Framework, data: CompetencyInput, competency: Competency | None = None
) -> Competency:
    """Add a competency to a draft or change one; its indicator and tip lists are replaced whole."""
    _require_draft(framework)
    name = " ".join(data.name.split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["A competency needs a name."]
    clash = framework.competencies.filter(name__iexact=name)
    if competency is not None:
        clash = clash.exclude(pk=competency.pk)
    if name and clash.exists():
        errors["name"] = [f"This framework already has a competency called {name!r}."]
    if data.weight < 0:
        errors["weight"] = ["The weight cannot be negative."]
    if errors:
        raise ServiceError("The competency was not saved.", errors=errors)
    if competency is None:
        order = framework.competencies.count()
        competency = Competency(framework=framework, order=order)
    competency.name, competency.definition, competency.weight = name, data.definition.strip(), data.weight
    competency.save()
    competency.indicators.all().delete()
    competency.tips.all().delete()
    Indicator.objects.bulk_create(
        [
            Indicator(competency=competency, pole=Pole.LOW, text=t, order=i)
            for i, t in enumerate(_clean(data.low))
        ]
        + [
            Indicator(competency=competency, pole=Pole.HIGH, text=t, order=i)
            for i, t in enumerate(_clean(data.high))
        ]
    )
    Tip.objects.bulk_create(
        [
            Tip(competency=competency, kind=TipKind.MINDSET, text=t, order=i)
            for i, t in enumerate(_clean(data.mindset_tips))
        ]
        + [
            Tip(competency=competency, kind=TipKind.PRACTICE, text=t, order=i)
            for i, t in enumerate(_clean(data.practice_tips))
        ]
    )
    audit.record(framework, AuditAction.UPDATE, {"competency": [None, name]})
    return competency


def delete_competency(*, competency: Competency) -> None:
    framework = competency.framework
    _require_draft(framework)
    name = competency.name
    competency.delete()
    audit.record(framework, AuditAction.UPDATE, {"competency": [name, None]})


# Benchmark profiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetInput:
    competency: Competency
    band_low: int
    band_high: int
    importance: int


def create_benchmark(
    *, framework: Framework, role: str, name: str = "", description: str = ""
) -> BenchmarkProfile:
    role = " ".join(role.split())
    if not role:
        raise ServiceError(
            "A benchmark needs a role.", errors={"role": ["Name the role, e.g. Key Account Manager."]}
        )
    if framework.benchmarks.filter(role__iexact=role).exists():
        raise ConflictError(
            f"{framework} already has a benchmark for {role}.", errors={"role": [f"{role} has a benchmark."]}
        )
    return BenchmarkProfile.objects.create(
        framework=framework, role=role, name=name.strip() or f"{role} benchmark", description=description
    )


def update_benchmark(
    *, profile: BenchmarkProfile, role: str, name: str, description: str
) -> BenchmarkProfile:
    role = " ".join(role.split())
    if not role:
        raise ServiceError("A benchmark needs a role.", errors={"role": ["Name the role."]})
    if profile.framework.benchmarks.filter(role__iexact=role).exclude(pk=profile.pk).exists():
        raise ConflictError("Another benchmark has this role.", errors={"role": [f"{role} has a benchmark."]})
    profile.role, profile.name, profile.description = role, name.strip() or f"{role} benchmark", description
    profile.save()
    return profile


def set_targets(*, profile: BenchmarkProfile, targets: list[TargetInput]) -> BenchmarkProfile:
    """Replace the profile's targets; every problem is reported against the competency it concerns."""
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for target in targets:
        key = target.competency.name
        problems = []
        if target.competency.framework_id != profile.framework_id:
            problems.append("belongs to another framework")
        if target.competency.pk in seen:
            problems.append("appears twice")
        seen.add(target.competency.pk)
        if not (0 <= target.band_low <= 100 and 0 <= target.band_high <= 100):
            problems.append("the band must lie between 0 and 100")
        elif target.band_low > target.band_high:
            problems.append(
                f"the band's low end ({target.band_low}) is above its high end ({target.band_high})"
            )
        if not 1 <= target.importance <= 5:
            problems.append(f"importance must be 1 to 5, not {target.importance}")
        if problems:
            errors[key] = problems
    if errors:
        raise ServiceError("The benchmark targets were not saved.", errors=errors)
    existing: dict[int, BenchmarkTarget] = {t.competency_id: t for t in profile.targets.all()}
    for target in targets:
        row = existing.pop(target.competency.pk, None) or BenchmarkTarget(
            profile=profile, competency=target.competency
        )
        row.band_low, row.band_high, row.importance = target.band_low, target.band_high, target.importance
        row.save()
    for leftover in existing.values():
        leftover.delete()
    return profile


def delete_benchmark(*, profile: BenchmarkProfile) -> None:
    profile.delete()
