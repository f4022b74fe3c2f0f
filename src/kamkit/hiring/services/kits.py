"""Interview kits: built as a copy of the framework's levels, then edited for the position.

Once interviewers have started scoring, changes that would make their scorecards incomparable
(removals, rebuilds) are refused; wording fixes and new questions stay possible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Max
from django.utils import timezone

from kamkit.core import audit
from kamkit.core.choices import AuditAction
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.hiring import kits, queries
from kamkit.hiring.choices import ANCHOR_LABELS, STAR_PARTS, QuestionSource
from kamkit.hiring.models import InterviewKit, KitCompetency, KitProbe, KitQuestion, Opening, RatingAnchor
from kamkit.hiring.services.common import refuse, tidy
from kamkit.users.models import User

PROBE_STARS = (*STAR_PARTS, "other")


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
        raise refuse(
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
            raise refuse(
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
    cleaned = [(tidy(probe), star) for probe, star in probes if probe.strip()]
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
    text = tidy(text)
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
    text = tidy(text)
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
        raise refuse(
            "That question is not one of this competency's framework questions.",
            question_id="Choose a question of this competency.",
        )
    return add_kit_question(
        competency=competency,
        text=source.text,
        probes=[(p.text, p.star) for p in source.probes.all()],
        level=source.level.level,
    )
