"""What changed between two versions of a framework: a plain function on two documents."""

from __future__ import annotations

from dataclasses import dataclass, field

from kamkit.frameworks.documents import CompetencyDoc, FrameworkDoc


@dataclass
class ListChange:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class CompetencyChange:
    name: str
    kind: str  # added, removed, changed
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)
    lists: dict[str, ListChange] = field(default_factory=dict)


@dataclass
class Comparison:
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)
    competencies: list[CompetencyChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.fields or self.competencies)


def _list_change(old: list[str], new: list[str]) -> ListChange | None:
    change = ListChange(added=[x for x in new if x not in old], removed=[x for x in old if x not in new])
    if change.added or change.removed:
        return change
    if old != new:
        return ListChange(added=["(same items, new order)"])
    return None


def _lists_of(competency: CompetencyDoc) -> dict[str, list[str]]:
    lists = {
        "Low-score indicators": competency.low,
        "High-score indicators": competency.high,
        "Mindset tips": competency.mindset_tips,
        "Practice tips": competency.practice_tips,
    }
    for level in competency.levels:
        lists[f"Level {level.level} behaviours"] = level.behaviours
        lists[f"Level {level.level} questions"] = [q.text for q in level.questions]
        lists[f"Level {level.level} probes"] = [
            f"{q.text} → {p.text} [{p.star}]" for q in level.questions for p in q.probes
        ]
    return lists


def _compare_competency(old: CompetencyDoc, new: CompetencyDoc) -> CompetencyChange | None:
    change = CompetencyChange(name=new.name, kind="changed")
    if old.definition != new.definition:
        change.fields["Definition"] = (old.definition, new.definition)
    if old.weight != new.weight:
        change.fields["Weight"] = (f"{old.weight:g}", f"{new.weight:g}")
    old_levels = {level.level: level for level in old.levels}
    for level in new.levels:
        before = old_levels.get(level.level)
        if before is not None and before.summary != level.summary:
            change.fields[f"Level {level.level} summary"] = (before.summary, level.summary)
    old_lists, new_lists = _lists_of(old), _lists_of(new)
    for key in dict.fromkeys([*old_lists, *new_lists]):
        diff = _list_change(old_lists.get(key, []), new_lists.get(key, []))
        if diff is not None:
            change.lists[key] = diff
    return change if change.fields or change.lists else None


def compare(old: FrameworkDoc, new: FrameworkDoc) -> Comparison:
    """Competencies are matched by name (case-insensitively); a renamed one shows as removed + added."""
    result = Comparison()
    for label, before, after in (
        ("Name", old.name, new.name),
        ("Role", old.role, new.role),
        ("Description", old.description, new.description),
    ):
        if before != after:
            result.fields[label] = (before, after)
    old_by_name = {c.name.casefold(): c for c in old.competencies}
    new_names = {c.name.casefold() for c in new.competencies}
    for competency in new.competencies:
        previous = old_by_name.get(competency.name.casefold())
        if previous is None:
            result.competencies.append(CompetencyChange(name=competency.name, kind="added"))
            continue
        change = _compare_competency(previous, competency)
        if change is None:
            result.unchanged.append(competency.name)
        else:
            result.competencies.append(change)
    for competency in old.competencies:
        if competency.name.casefold() not in new_names:
            result.competencies.append(CompetencyChange(name=competency.name, kind="removed"))
    old_order = [c.name.casefold() for c in old.competencies if c.name.casefold() in new_names]
    new_order = [c.name.casefold() for c in new.competencies if c.name.casefold() in old_by_name]
    if old_order != new_order:
        result.fields["Order of competencies"] = (
            ", ".join(c.name for c in old.competencies),
            ", ".join(c.name for c in new.competencies),
        )
    return result
