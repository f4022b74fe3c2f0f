"""Every write to openings, candidates, applications, kits, interviews, scorecards and decisions.

Callers own the transaction and ask the permission service first (``queries.manages`` for what
only the people running an opening may do); the rules here hold whoever calls: pages, API, demo.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kamkit.core import audit
from kamkit.core.choices import AuditAction
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import kits, queries
from kamkit.hiring.choices import (
    ANCHOR_LABELS,
    FINAL_STAGES,
    OPENING_TRANSITIONS,
    OUTCOME_STAGE,
    RECRUITING,
    STAGE_TRANSITIONS,
    STAR_PARTS,
    AttachmentKind,
    CandidateSource,
    InterviewStatus,
    OpeningStatus,
    Outcome,
    QuestionSource,
    Recommendation,
    Stage,
    is_backward,
)
from kamkit.hiring.models import (
    Application,
    Candidate,
    CandidateAttachment,
    CompetencyRating,
    Decision,
    Interview,
    InterviewKit,
    KitCompetency,
    KitProbe,
    KitQuestion,
    Opening,
    QuestionNote,
    RatingAnchor,
    StageChange,
)
from kamkit.users.models import Team, User

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Extension -> (content type, what the file must start with; None: plain text, checked otherwise).
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".rtf": ("application/rtf", (b"{\\rtf",)),
    ".txt": ("text/plain", None),
}
ACCEPTED_FILES = "PDF, Word (.doc, .docx), OpenDocument text (.odt), RTF or plain text (.txt)"
PROBE_STARS = (*STAR_PARTS, "other")


def _refuse(detail: str, **errors: str) -> ServiceError:
    return ServiceError(detail, errors={name: [message] for name, message in errors.items()})


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _check_email(email: str, field: str, errors: dict[str, list[str]]) -> None:
    try:
        validate_email(email)
    except ValidationError:
        errors[field] = [f"{email!r} is not an e-mail address."]


# Openings --------------------------------------------------------------------------------------------


def _check_opening(
    *,
    title: str,
    benchmark: BenchmarkProfile,
    target_level: int,
    hiring_manager: User | None,
    headcount: int,
    errors: dict[str, list[str]],
) -> None:
    if not title:
        errors["title"] = ["Give the position a title, e.g. Key Account Manager, Retail."]
    if benchmark.framework.status == FrameworkStatus.DRAFT:
        errors["benchmark"] = [
            f"{benchmark} belongs to {benchmark.framework}, a draft; choose a benchmark of a "
            "published framework."
        ]
    if not 1 <= target_level <= 5:
        errors["target_level"] = [f"The target level is 1 to 5, not {target_level}."]
    if hiring_manager is None:
        errors["hiring_manager"] = ["Choose the hiring manager."]
    elif not hiring_manager.is_active:
        errors["hiring_manager"] = [f"{hiring_manager} is no longer active."]
    if headcount < 1:
        errors["headcount"] = ["Hire at least one person."]


def create_opening(
    *,
    title: str,
    benchmark: BenchmarkProfile,
    target_level: int,
    hiring_manager: User,
    created_by: User | None,
    team: Team | None = None,
    description: str = "",
    location: str = "",
    headcount: int = 1,
    opened_on: dt.date | None = None,
) -> Opening:
    """A new position, with its interview kit built from the benchmark's framework."""
    title = _tidy(title)
    errors: dict[str, list[str]] = {}
    _check_opening(
        title=title,
        benchmark=benchmark,
        target_level=target_level,
        hiring_manager=hiring_manager,
        headcount=headcount,
        errors=errors,
    )
    if errors:
        raise ServiceError("The position was not opened.", errors=errors)
    opening = Opening.objects.create(
        title=title,
        benchmark=benchmark,
        target_level=target_level,
        hiring_manager=hiring_manager,
        team=team,
        description=description.strip(),
        location=_tidy(location),
        headcount=headcount,
        opened_on=opened_on or timezone.localdate(),
        created_by=created_by,
    )
    build_kit(opening=opening, by=created_by)
    return opening


@dataclass(frozen=True)
class OpeningChanges:
    """What to change; None leaves a field as it is (``clear_team`` removes the team)."""

    title: str | None = None
    benchmark: BenchmarkProfile | None = None
    target_level: int | None = None
    hiring_manager: User | None = None
    team: Team | None = None
    clear_team: bool = False
    description: str | None = None
    location: str | None = None
    headcount: int | None = None


def update_opening(*, opening: Opening, changes: OpeningChanges, by: User | None) -> Opening:
    """Change a position. A new benchmark or level rebuilds the kit while it is untouched and unused;
    once interviewers have started scoring, neither may change (their scorecards would lose meaning)."""
    title = _tidy(changes.title) if changes.title is not None else opening.title
    benchmark = changes.benchmark or opening.benchmark
    target_level = changes.target_level if changes.target_level is not None else opening.target_level
    hiring_manager = changes.hiring_manager or opening.hiring_manager
    headcount = changes.headcount if changes.headcount is not None else opening.headcount
    errors: dict[str, list[str]] = {}
    _check_opening(
        title=title,
        benchmark=benchmark,
        target_level=target_level,
        hiring_manager=hiring_manager,
        headcount=headcount,
        errors=errors,
    )
    if changes.hiring_manager is None and hiring_manager is not None:
        errors.pop("hiring_manager", None)  # an unchanged manager who left is not this change's fault
    reshaped = benchmark.pk != opening.benchmark_id or target_level != opening.target_level
    if reshaped and queries.scoring_started(opening):
        errors["target_level" if benchmark.pk == opening.benchmark_id else "benchmark"] = [
            "Interviewers have started scoring against the current kit; open a new position instead."
        ]
    if errors:
        raise ServiceError("The position was not saved.", errors=errors)
    opening.title, opening.benchmark, opening.target_level = title, benchmark, target_level
    opening.hiring_manager, opening.headcount = hiring_manager, headcount
    if changes.clear_team:
        opening.team = None
    elif changes.team is not None:
        opening.team = changes.team
    if changes.description is not None:
        opening.description = changes.description.strip()
    if changes.location is not None:
        opening.location = _tidy(changes.location)
    opening.save()
    kit = InterviewKit.objects.filter(opening=opening).first()
    if reshaped and (kit is None or kit.edited_at is None):
        build_kit(opening=opening, by=by)
    return opening


def set_opening_status(*, opening: Opening, status: str) -> Opening:
    """Put on hold, fill, close or reopen a position (see choices.OPENING_TRANSITIONS)."""
    if status not in OpeningStatus.values:
        raise _refuse(
            f"{status!r} is not a status of a position.", status="Choose open, on hold, filled or closed."
        )
    if status == opening.status:
        return opening
    if status not in OPENING_TRANSITIONS[opening.status]:
        raise ConflictError(
            f"A position that is {opening.get_status_display().lower()} cannot become "
            f"{OpeningStatus(status).label.lower()}.",
            errors={"status": [f"From {opening.get_status_display().lower()} it can only be reopened."]},
        )
    opening.status = status
    opening.closed_on = (
        timezone.localdate() if status in (OpeningStatus.FILLED, OpeningStatus.CLOSED) else None
    )
    opening.save()
    return opening


def delete_opening(*, opening: Opening) -> None:
    if opening.applications.exists():
        raise ConflictError(
            "Candidates were considered for this position; close it instead so their records keep it.",
            errors={"applications": [f"{opening.applications.count()} candidates."]},
        )
    opening.delete()


# Interview kits -----------------------------------------------------------------------------------


def _sources(opening: Opening) -> list[kits.CompetencyText]:
    """The framework's competencies with their levels, questions and probes (a fixed number of queries)."""
    from kamkit.frameworks import queries as framework_queries
    from kamkit.frameworks.choices import Pole

    importance = dict(opening.benchmark.targets.values_list("competency_id", "importance"))
    competencies = framework_queries.competencies_with_content(opening.benchmark.framework)
    sources = []
    for competency in competencies:
        indicators = list(competency.indicators.all())
        sources.append(
            kits.CompetencyText(
                id=competency.pk,
                name=competency.name,
                definition=competency.definition,
                low=[i.text for i in indicators if i.pole == Pole.LOW],
                high=[i.text for i in indicators if i.pole == Pole.HIGH],
                levels={
                    level.level: kits.LevelText(
                        level=level.level,
                        summary=level.summary,
                        behaviours=[b.text for b in level.behaviours.all()],
                        questions=[
                            kits.QuestionText(q.text, [(p.text, p.star) for p in q.probes.all()])
                            for q in level.questions.all()
                        ],
                    )
                    for level in competency.levels.all()
                },
                importance=importance.get(competency.pk),
            )
        )
    return sources


def build_kit(*, opening: Opening, by: User | None) -> InterviewKit:
    """(Re)build the kit from the framework: any edits made by hand are replaced."""
    framework = opening.benchmark.framework
    plans = kits.plan_kit(_sources(opening), opening.target_level, framework=str(framework))
    kit = InterviewKit.objects.filter(opening=opening).first()
    if kit is None:
        kit = InterviewKit(opening=opening)
    else:
        kit.competencies.all().delete()
    kit.framework = framework
    kit.target_level = opening.target_level
    kit.generated_at = timezone.now()
    kit.generated_by = by
    kit.edited_at = None
    kit.save()
    rows = KitCompetency.objects.bulk_create(
        [
            KitCompetency(
                kit=kit,
                competency_id=plan.competency_id,
                name=plan.name,
                definition=plan.definition,
                importance=plan.importance,
                order=position,
                level_below=plan.level_below,
                behaviours_below=plan.behaviours_below,
                level_at=plan.level_at,
                level_summary=plan.level_summary,
                behaviours_at=plan.behaviours_at,
                level_above=plan.level_above,
                behaviours_above=plan.behaviours_above,
                note=plan.note,
            )
            for position, plan in enumerate(plans)
        ]
    )
    RatingAnchor.objects.bulk_create(
        [
            RatingAnchor(competency=row, rating=anchor.rating, label=anchor.label, text=anchor.text)
            for row, plan in zip(rows, plans, strict=True)
            for anchor in plan.anchors
        ]
    )
    pairs = [(row, question) for row, plan in zip(rows, plans, strict=True) for question in plan.questions]
    questions = KitQuestion.objects.bulk_create(
        [
            KitQuestion(
                competency=row,
                text=question.text,
                order=position,
                source=QuestionSource.FRAMEWORK,
                level=opening.target_level,
            )
            for position, (row, question) in enumerate(pairs)
        ]
    )
    KitProbe.objects.bulk_create(
        [
            KitProbe(question=question, text=text, star=star, order=position)
            for question, (_, source) in zip(questions, pairs, strict=True)
            for position, (text, star) in enumerate(source.probes)
        ]
    )
    audit.record(
        kit,
        AuditAction.UPDATE,
        {
            "content": [
                None,
                f"built from {framework} for level {opening.target_level}: {len(rows)} competencies, "
                f"{len(questions)} questions",
            ]
        },
    )
    return kit


def _require_unused(opening: Opening, what: str) -> None:
    if queries.scoring_started(opening):
        raise ConflictError(
            f"Interviewers have started scoring with this kit; {what} would make their scorecards "
            "incomparable. Wording can still be corrected.",
            errors={"kit": ["The kit is in use."]},
        )


def regenerate_kit(*, opening: Opening, by: User | None, confirm: bool) -> InterviewKit:
    """Rebuild the kit from the framework, replacing every edit; it must be confirmed."""
    if not confirm:
        raise _refuse(
            "Rebuilding the kit replaces every change made to it by hand; confirm to go ahead.",
            confirm="Tick the box to confirm that your edits may be replaced.",
        )
    _require_unused(opening, "rebuilding it")
    return build_kit(opening=opening, by=by)


def _touch(kit: InterviewKit) -> None:
    kit.edited_at = timezone.now()
    kit.save(update_fields=["edited_at", "updated_at"])


def update_kit_competency(
    *,
    competency: KitCompetency,
    included: bool | None = None,
    anchors: Mapping[int, str] | None = None,
) -> KitCompetency:
    """Drop or restore a competency, or rewrite its rating guide (all five steps need words)."""
    kit = competency.kit
    if included is not None and included != competency.included:
        _require_unused(kit.opening, "dropping or restoring a competency")
        if not included and not kit.competencies.filter(included=True).exclude(pk=competency.pk).exists():
            raise _refuse(
                "A kit needs one competency to rate at least.",
                included=f"{competency.name} is the last competency left in the kit.",
            )
        competency.included = included
        competency.save()
    if anchors is not None:
        errors = {
            f"anchor_{rating}": [f"Say what a {rating} sounds like."]
            for rating in range(1, 6)
            if not anchors.get(rating, "").strip()
        }
        if errors:
            raise ServiceError("The rating guide was not saved.", errors=errors)
        existing = {anchor.rating: anchor for anchor in competency.anchors.all()}
        for rating in range(1, 6):
            anchor = existing.get(rating) or RatingAnchor(
                competency=competency, rating=rating, label=ANCHOR_LABELS[rating]
            )
            anchor.text = anchors[rating].strip()
            anchor.save()
    _touch(kit)
    return competency


def _swap(items: Iterable[Any], item: Any, direction: int) -> None:
    """Move ``item`` one place up (-1) or down (+1) among ``items`` and renumber them."""
    ordered = list(items)
    index = next(i for i, other in enumerate(ordered) if other.pk == item.pk)
    target = index + direction
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, other in enumerate(ordered):
        if other.order != position:
            other.order = position
            other.save()


def move_kit_competency(*, competency: KitCompetency, direction: int) -> None:
    _swap(competency.kit.competencies.all(), competency, 1 if direction > 0 else -1)
    _touch(competency.kit)


def _check_question(text: str, probes: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = ["Write the question."]
    cleaned = [(_tidy(probe), star) for probe, star in probes if probe.strip()]
    unknown = sorted({star for _, star in cleaned if star not in PROBE_STARS})
    if unknown:
        errors["probes"] = [f"Tag each probe with one of {', '.join(PROBE_STARS)}, not {', '.join(unknown)}."]
    if errors:
        raise ServiceError("The question was not saved.", errors=errors)
    return cleaned


def _write_probes(question: KitQuestion, probes: list[tuple[str, str]]) -> None:
    before = [f"{p.star}: {p.text}" for p in question.probes.all()]
    question.probes.all().delete()
    KitProbe.objects.bulk_create(
        [KitProbe(question=question, text=text, star=star, order=i) for i, (text, star) in enumerate(probes)]
    )
    after = [f"{star}: {text}" for text, star in probes]
    if before != after:
        audit.record(question, AuditAction.UPDATE, {"probes": [before, after]})


def add_kit_question(
    *,
    competency: KitCompetency,
    text: str,
    probes: Sequence[tuple[str, str]] = (),
    level: int | None = None,
) -> KitQuestion:
    """A question of the interviewer's own (or one taken from another level of the framework)."""
    text = " ".join(text.split())
    cleaned = _check_question(text, probes)
    highest = competency.questions.aggregate(highest=Max("order"))["highest"]
    question = KitQuestion.objects.create(
        competency=competency,
        text=text,
        order=(highest + 1) if highest is not None else 0,
        source=QuestionSource.ADDED if level is None else QuestionSource.FRAMEWORK,
        level=level,
    )
    _write_probes(question, cleaned)
    _touch(competency.kit)
    return question


def update_kit_question(
    *, question: KitQuestion, text: str, probes: Sequence[tuple[str, str]]
) -> KitQuestion:
    text = " ".join(text.split())
    cleaned = _check_question(text, probes)
    question.text = text
    question.save()
    _write_probes(question, cleaned)
    _touch(question.competency.kit)
    return question


def delete_kit_question(*, question: KitQuestion) -> None:
    kit = question.competency.kit
    _require_unused(kit.opening, "removing a question")
    question.delete()
    _touch(kit)


def move_kit_question(*, question: KitQuestion, direction: int) -> None:
    _swap(question.competency.questions.all(), question, 1 if direction > 0 else -1)
    _touch(question.competency.kit)


def copy_framework_question(*, competency: KitCompetency, question_id: int) -> KitQuestion:
    """Add a question of another level of the competency (with its probes) to the kit."""
    from kamkit.frameworks.models import InterviewQuestion

    source = (
        InterviewQuestion.objects.filter(pk=question_id, level__competency_id=competency.competency_id or 0)
        .select_related("level")
        .first()
    )
    if source is None:
        raise _refuse(
            "That question is not one of this competency's framework questions.",
            question_id="Choose a question of this competency.",
        )
    return add_kit_question(
        competency=competency,
        text=source.text,
        probes=[(p.text, p.star) for p in source.probes.all()],
        level=source.level.level,
    )


# Candidates ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateInput:
    full_name: str = ""
    email: str = ""
    phone: str = ""
    user: User | None = None
    source: str = CandidateSource.OTHER
    source_detail: str = ""
    notes: str = ""


def _check_candidate(data: CandidateInput, current: Candidate | None) -> CandidateInput:
    full_name = _tidy(data.full_name)
    email = data.email.strip().lower()
    if data.user is not None:
        full_name = full_name or data.user.full_name
        email = email or data.user.email.lower()
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = ["Give the candidate's name."]
    if email:
        _check_email(email, "email", errors)
    if data.source not in CandidateSource.values:
        errors["source"] = [f"{data.source!r} is not a source kamkit knows."]
    if data.user is not None and not data.user.is_active:
        errors["user"] = [f"{data.user} is no longer active."]
    if errors:
        raise ServiceError("The candidate was not saved.", errors=errors)
    others = Candidate.objects.exclude(pk=current.pk) if current is not None else Candidate.objects.all()
    if data.user is not None and others.filter(user=data.user).exists():
        raise ConflictError(
            f"{data.user} is already on file as a candidate.",
            errors={"user": ["This employee already has a candidate record; add it to the opening instead."]},
        )
    if email and others.filter(email=email).exists():
        raise ConflictError(
            f"A candidate with the address {email} is already on file.",
            errors={
                "email": [
                    "Already on file. If you cannot see them, they are in someone else's hiring: "
                    "ask a director or admin to add them to your position."
                ]
            },
        )
    return CandidateInput(
        full_name=full_name,
        email=email,
        phone=_tidy(data.phone),
        user=data.user,
        source=CandidateSource.INTERNAL if data.user is not None else data.source,
        source_detail=_tidy(data.source_detail),
        notes=data.notes.strip(),
    )


def create_candidate(*, data: CandidateInput, created_by: User | None) -> Candidate:
    """A new candidate. For an employee (``user``) name and address default to their account's."""
    clean = _check_candidate(data, None)
    return Candidate.objects.create(
        full_name=clean.full_name,
        email=clean.email,
        phone=clean.phone,
        user=clean.user,
        source=clean.source,
        source_detail=clean.source_detail,
        notes=clean.notes,
        created_by=created_by,
    )


def update_candidate(*, candidate: Candidate, data: CandidateInput) -> Candidate:
    clean = _check_candidate(data, candidate)
    candidate.full_name, candidate.email, candidate.phone = clean.full_name, clean.email, clean.phone
    candidate.user, candidate.source = clean.user, clean.source
    candidate.source_detail, candidate.notes = clean.source_detail, clean.notes
    candidate.save()
    return candidate


def _remove_files_on_commit(names: Sequence[str]) -> None:
    from django.core.files.storage import default_storage

    def remove() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(remove)


def delete_candidate(*, candidate: Candidate) -> None:
    """Erase a candidate and everything about them (applications, scorecards, files), e.g. on request."""
    files = [a.file.name for a in candidate.attachments.all() if a.file.name]
    candidate.delete()
    _remove_files_on_commit(files)


def check_attachment(*, name: str, size: int, head: bytes) -> str:
    """The content type of an acceptable upload, or a refusal saying what is wrong with it."""
    extension = os.path.splitext(name)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise _refuse(
            f"{name}: kamkit keeps {ACCEPTED_FILES} files only.",
            file=f"{name or 'This file'} is not one of {ACCEPTED_FILES}.",
        )
    if size > MAX_ATTACHMENT_BYTES:
        limit = MAX_ATTACHMENT_BYTES // (1024 * 1024)
        raise _refuse(
            f"{name} is {size / (1024 * 1024):.1f} MB; the limit is {limit} MB.",
            file=f"The file is {size / (1024 * 1024):.1f} MB; files up to {limit} MB are accepted.",
        )
    if size == 0:
        raise _refuse(f"{name} is empty.", file="The file is empty.")
    content_type, signatures = ATTACHMENT_TYPES[extension]
    if signatures is None:
        looks_right = b"\x00" not in head
    else:
        looks_right = any(head.startswith(signature) for signature in signatures)
    if not looks_right:
        raise _refuse(
            f"{name} does not look like a {extension} file.",
            file=f"The name ends in {extension}, but the content is not a {extension} file.",
        )
    return content_type


def add_attachment(
    *, candidate: Candidate, upload: File[Any], kind: str, uploaded_by: User | None
) -> CandidateAttachment:
    """Keep a CV or other document (checked for type, size and content) with the candidate."""
    if kind not in AttachmentKind.values:
        raise _refuse(f"{kind!r} is not a kind of document.", kind="Choose CV, cover letter or other.")
    name = os.path.basename(upload.name or "")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    size = upload.size if upload.size is not None else len(head)
    content_type = check_attachment(name=name, size=size, head=head)
    attachment = CandidateAttachment(
        candidate=candidate,
        kind=kind,
        original_name=name[:255],
        size=size,
        content_type=content_type,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def delete_attachment(*, attachment: CandidateAttachment) -> None:
    name = attachment.file.name
    attachment.delete()
    if name:
        _remove_files_on_commit([name])


# Applications and stages --------------------------------------------------------------------------


def add_application(
    *, candidate: Candidate, opening: Opening, added_by: User | None, note: str = ""
) -> Application:
    """Consider ``candidate`` for ``opening``: they start at 'applied', and the history says so."""
    if opening.status not in RECRUITING:
        raise ConflictError(
            f"{opening} is {opening.get_status_display().lower()} and takes no new candidates.",
            errors={"opening": ["Reopen the position first."]},
        )
    if Application.objects.filter(candidate=candidate, opening=opening).exists():
        raise ConflictError(
            f"{candidate} is already a candidate for {opening}.",
            errors={"opening": ["Already considered for this position."]},
        )
    application = Application.objects.create(candidate=candidate, opening=opening, added_by=added_by)
    StageChange.objects.create(
        application=application,
        from_stage="",
        to_stage=Stage.APPLIED,
        changed_at=application.stage_changed_at,
        changed_by=added_by,
        note=note.strip(),
    )
    return application


def move_stage(
    *,
    application: Application,
    to_stage: str,
    changed_by: User | None,
    note: str = "",
    reopen: bool = False,
) -> StageChange:
    """Move an application to another stage: every move is checked here and written to its history.

    Forward moves follow ``STAGE_TRANSITIONS``; a move back needs a note; leaving a final stage
    (hired, rejected, withdrawn) needs ``reopen`` and a note."""
    note = note.strip()
    current = application.stage
    if to_stage not in Stage.values:
        raise _refuse(f"{to_stage!r} is not a stage.", stage="Choose one of the stages.")
    if to_stage == current:
        raise _refuse(
            f"{application.candidate} is already at {Stage(current).label.lower()}.",
            stage="Choose another stage.",
        )
    reopening = current in FINAL_STAGES
    if reopening:
        if not reopen:
            raise ConflictError(
                f"{application.candidate} is {Stage(current).label.lower()}: that is final. Reopen the "
                "application explicitly to move it again.",
                errors={"stage": [f"{Stage(current).label} is a final stage; tick 'reopen' and say why."]},
            )
        if to_stage in FINAL_STAGES:
            raise _refuse(
                "A reopened application goes back to an active stage.",
                stage="Choose applied, screening, interviewing or offer.",
            )
        if not note:
            raise _refuse("Say why the application is reopened.", note="Give the reason for reopening.")
    elif to_stage not in STAGE_TRANSITIONS[current]:
        allowed = ", ".join(Stage(s).label.lower() for s in Stage.values if s in STAGE_TRANSITIONS[current])
        raise ConflictError(
            f"From {Stage(current).label.lower()} an application moves to {allowed}; not to "
            f"{Stage(to_stage).label.lower()}.",
            errors={"stage": [f"Not possible from {Stage(current).label.lower()}."]},
        )
    elif is_backward(current, to_stage) and not note:
        raise _refuse(
            f"Moving back to {Stage(to_stage).label.lower()} needs a note saying why.",
            note="Say why the candidate moves back.",
        )
    now = timezone.now()
    application.stage = to_stage
    application.stage_changed_at = now
    application.save()
    change = StageChange.objects.create(
        application=application,
        from_stage=current,
        to_stage=to_stage,
        changed_at=now,
        changed_by=changed_by,
        note=note,
        reopened=reopening,
    )
    if to_stage == Stage.HIRED:
        _fill_when_complete(application.opening)
    return change


def _fill_when_complete(opening: Opening) -> None:
    hired = opening.applications.filter(stage=Stage.HIRED).count()
    if hired >= opening.headcount and opening.status in RECRUITING:
        set_opening_status(opening=opening, status=OpeningStatus.FILLED)


# Interviews ---------------------------------------------------------------------------------------


def assign_interviewer(
    *,
    application: Application,
    interviewer: User,
    assigned_by: User | None,
    scheduled_at: dt.datetime | None = None,
) -> Interview:
    """Put someone on the candidate's panel; they are e-mailed the kit and their scorecard's link once
    the transaction commits. The first interviewer moves an applied or screened candidate to
    interviewing (written to the stage history)."""
    if application.stage in FINAL_STAGES:
        raise ConflictError(
            f"{application.candidate} is {application.get_stage_display().lower()}; reopen the "
            "application before interviewing.",
            errors={"stage": ["Final stage."]},
        )
    if not interviewer.is_active:
        raise _refuse(f"{interviewer} is no longer active.", interviewer="Choose an active colleague.")
    if application.candidate.user_id == interviewer.pk:
        raise _refuse(
            f"{interviewer} is the candidate.", interviewer="A candidate cannot interview themself."
        )
    if application.interviews.filter(interviewer=interviewer).exists():
        raise ConflictError(
            f"{interviewer} is already on {application.candidate}'s panel.",
            errors={"interviewer": ["Already on the panel."]},
        )
    interview = Interview.objects.create(
        application=application, interviewer=interviewer, scheduled_at=scheduled_at, assigned_by=assigned_by
    )
    from kamkit.hiring.tasks import notify_interviewer

    interview_id = interview.pk
    transaction.on_commit(lambda: notify_interviewer.enqueue(interview_id))
    if application.stage in (Stage.APPLIED, Stage.SCREENING):
        move_stage(
            application=application,
            to_stage=Stage.INTERVIEWING,
            changed_by=assigned_by,
            note=f"{interviewer} assigned to interview.",
        )
    return interview


def schedule_interview(*, interview: Interview, scheduled_at: dt.datetime | None) -> Interview:
    interview.scheduled_at = scheduled_at
    interview.save()
    return interview


def remove_interviewer(*, interview: Interview) -> None:
    """Take someone off the panel; a draft is discarded, a submitted scorecard is kept."""
    if interview.is_submitted:
        raise ConflictError(
            f"{interview.interviewer} has submitted their scorecard; it stays part of the record.",
            errors={"interview": ["Submitted scorecards are kept."]},
        )
    interview.delete()


@dataclass(frozen=True)
class NoteInput:
    notes: str = ""
    situation: bool = False
    task: bool = False
    action: bool = False
    result: bool = False


@dataclass(frozen=True)
class RatingInput:
    rating: int | None = None
    evidence: str = ""


def save_scorecard(
    *,
    interview: Interview,
    by: User,
    notes: Mapping[int, NoteInput],
    ratings: Mapping[int, RatingInput],
    recommendation: str = "",
    summary: str = "",
    submit: bool = False,
) -> Interview:
    """Store the interviewer's notes (by kit question id) and ratings (by kit competency id),
    replacing their draft. ``submit`` makes the scorecard final: it needs a rating for every
    competency in the kit and an overall recommendation, and cannot change afterwards."""
    if by.pk != interview.interviewer_id:
        raise ConflictError(
            "Only the interviewer writes their scorecard.", errors={"interviewer": ["Not your scorecard."]}
        )
    if interview.is_submitted:
        raise ConflictError(
            "This scorecard was submitted and cannot change.", errors={"status": ["Already submitted."]}
        )
    kit = InterviewKit.objects.get(opening_id=interview.application.opening_id)
    competencies = {c.pk: c for c in kit.competencies.filter(included=True)}
    questions = set(
        KitQuestion.objects.filter(competency__in=list(competencies)).values_list("pk", flat=True)
    )
    errors: dict[str, list[str]] = {}
    for question_id in notes:
        if question_id not in questions:
            errors[f"note-{question_id}"] = ["Not a question of this kit."]
    given: dict[int, tuple[int, str]] = {}
    for competency_id, value in ratings.items():
        if competency_id not in competencies:
            errors[f"rating-{competency_id}"] = ["Not a competency of this kit."]
        elif value.rating is not None:
            rating = value.rating
            if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
                errors[f"rating-{competency_id}"] = [f"Rate 1 to 5, not {rating!r}."]
            else:
                given[competency_id] = (rating, value.evidence.strip())
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = [f"{recommendation!r} is not a recommendation."]
    if submit and not errors:
        missing = [c.name for pk, c in competencies.items() if pk not in given]
        if missing:
            for pk, competency in competencies.items():
                if pk not in given:
                    errors[f"rating-{pk}"] = [f"Rate {competency.name} before submitting."]
            errors[""] = [f"Rate every competency before submitting; missing: {', '.join(missing)}."]
        if not recommendation:
            errors["recommendation"] = ["Give your overall recommendation before submitting."]
    if errors:
        raise ServiceError("The scorecard was not saved.", errors=errors)
    interview.notes.all().delete()
    QuestionNote.objects.bulk_create(
        [
            QuestionNote(
                interview=interview,
                question_id=question_id,
                notes=note.notes.strip(),
                star_situation=note.situation,
                star_task=note.task,
                star_action=note.action,
                star_result=note.result,
            )
            for question_id, note in notes.items()
            if note.notes.strip() or note.situation or note.task or note.action or note.result
        ]
    )
    interview.ratings.all().delete()
    CompetencyRating.objects.bulk_create(
        [
            CompetencyRating(
                interview=interview, competency_id=competency_id, rating=rating, evidence=evidence
            )
            for competency_id, (rating, evidence) in given.items()
        ]
    )
    now = timezone.now()
    interview.recommendation = recommendation
    interview.summary = summary.strip()
    interview.draft_saved_at = now
    if submit:
        interview.status = InterviewStatus.SUBMITTED
        interview.submitted_at = now
    interview.save()
    if submit:
        # The values stay out of the trail (the panel may read it); the counts say what was sent.
        audit.record(
            interview,
            AuditAction.UPDATE,
            {"scorecard": [None, f"submitted: {len(given)} ratings, notes on {len(notes)} questions"]},
        )
    return interview


# Decisions -------------------------------------------------------------------------------------------


def record_decision(
    *, application: Application, outcome: str, reason: str, decided_by: User | None
) -> Decision:
    """The hiring manager's decision and why. Offer, hire and reject move the stage (through
    ``move_stage``, so the history shows it); hold keeps it. The panel's figures are kept with it."""
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [f"{outcome!r} is not an outcome; choose offer, hire, hold or reject."]
    if not reason:
        errors["reason"] = ["Say why: the decision is kept with its reason."]
    if errors:
        raise ServiceError("The decision was not recorded.", errors=errors)
    if application.stage in FINAL_STAGES:
        raise ConflictError(
            f"{application.candidate} is already {application.get_stage_display().lower()}; reopen the "
            "application to decide again.",
            errors={"outcome": ["The application is in a final stage."]},
        )
    submitted = application.interviews.filter(status=InterviewStatus.SUBMITTED).count()
    if outcome in (Outcome.OFFER, Outcome.HIRE) and not submitted:
        raise _refuse(
            "An offer or a hire needs evidence: no interviewer has submitted a scorecard yet.",
            outcome="Wait for a submitted scorecard, or hold.",
        )
    target = OUTCOME_STAGE[outcome]
    stage_before = application.stage
    if target is not None and target != application.stage:
        move_stage(
            application=application,
            to_stage=target,
            changed_by=decided_by,
            note=f"Decision: {Outcome(outcome).label.lower()}. {reason}",
        )
    return Decision.objects.create(
        application=application,
        outcome=outcome,
        reason=reason,
        decided_by=decided_by,
        stage_before=stage_before,
        stage_after=application.stage,
        evidence=queries.panel_snapshot(application),
    )


# Assessments -----------------------------------------------------------------------------------------


def add_to_campaign(*, candidate: Candidate, campaign: Any, default_raters: bool = True) -> Any:
    """Assess the candidate in an assessment campaign: an employee as themself, anyone else by the
    candidate's name and address; the assessment is linked to the candidate either way."""
    from kamkit.assessments import services as assessment_services
    from kamkit.assessments.models import Assessment

    if Assessment.objects.filter(campaign=campaign, candidate=candidate).exists():
        raise ConflictError(
            f"{candidate} is already assessed in {campaign}.",
            errors={"campaign": ["Already in this campaign."]},
        )
    if candidate.user is not None:
        assessment = assessment_services.add_subject(
            campaign=campaign, subject_user=candidate.user, default_raters=default_raters
        )
    else:
        assessment = assessment_services.add_subject(
            campaign=campaign,
            candidate_name=candidate.full_name,
            candidate_email=candidate.email,
            default_raters=default_raters,
        )
    assessment.candidate = candidate
    assessment.save()
    return assessment
