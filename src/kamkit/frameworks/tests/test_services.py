"""Framework services: built-in content, versions, immutability, import/export, benchmarks."""

from __future__ import annotations

import json

import pytest

from kamkit.core.errors import ConflictError, ServiceError
from kamkit.core.models import AuditEntry
from kamkit.frameworks import builtin, queries, services
from kamkit.frameworks.choices import FrameworkSource, FrameworkStatus
from kamkit.frameworks.compare import compare
from kamkit.frameworks.documents import to_dict, write
from kamkit.frameworks.models import BenchmarkTarget, Competency, Framework, Probe
from kamkit.frameworks.tests.fixtures import small_doc


def _content(framework: Framework) -> dict[str, object]:
    """The document without what legitimately differs between copies (version, slug)."""
    data = to_dict(queries.document_of(framework))
    data.pop("version")
    data.pop("slug")
    return data


# Built-in content ------------------------------------------------------------------------------


def test_builtin_frameworks_are_published_and_meet_the_content_rules(builtin_frameworks: dict) -> None:
    kam = builtin_frameworks["key-account-management"]
    planning = builtin_frameworks["account-planning"]
    assert kam.status == planning.status == FrameworkStatus.PUBLISHED
    assert kam.source == FrameworkSource.BUILTIN
    kam_doc = queries.document_of(kam)
    assert len(kam_doc.competencies) == 6
    for competency in kam_doc.competencies:
        assert competency.definition
        assert 4 <= len(competency.low) <= 7 and 4 <= len(competency.high) <= 7, competency.name
        assert len(competency.mindset_tips) + len(competency.practice_tips) >= 8, competency.name
        assert competency.mindset_tips and competency.practice_tips, competency.name
    (account_planning,) = queries.document_of(planning).competencies
    assert [level.level for level in account_planning.levels] == [1, 2, 3, 4, 5]
    for level in account_planning.levels:
        assert 4 <= len(level.behaviours) <= 6
        assert len(level.questions) == 2
        for question in level.questions:
            assert 4 <= len(question.probes) <= 5
    benchmark = kam.benchmarks.get()
    assert benchmark.role == "Key Account Manager"
    assert benchmark.targets.count() == 6


def test_builtin_loader_is_idempotent(builtin_frameworks: dict) -> None:
    # given the built-in content loaded once
    counts = (Framework.objects.count(), Competency.objects.count(), Probe.objects.count())
    # when it runs again
    result = builtin.load_frameworks()
    # then nothing is added
    assert result is None
    assert (Framework.objects.count(), Competency.objects.count(), Probe.objects.count()) == counts
    assert BenchmarkTarget.objects.count() == 6


# Versions and immutability -----------------------------------------------------------------------


def test_published_framework_refuses_every_edit(draft: Framework) -> None:
    services.publish_framework(framework=draft)
    competency = draft.competencies.first()
    assert competency is not None
    refused = [
        lambda: services.update_framework(framework=draft, name="New", role="", description=""),
        lambda: services.save_competency(framework=draft, data=services.CompetencyInput(name="New one")),
        lambda: services.delete_competency(competency=competency),
        lambda: services.replace_content(framework=draft, doc=small_doc("Other")),
        lambda: services.delete_draft(framework=draft),
        lambda: services.publish_framework(framework=draft),
    ]
    before = _content(draft)
    for attempt in refused:
        with pytest.raises(ConflictError, match="new version"):
            attempt()
    draft.refresh_from_db()
    assert _content(draft) == before


def test_new_version_copies_content_and_benchmarks_and_leaves_the_old_one_alone(draft: Framework) -> None:
    # given a published v1 with a benchmark
    profile = services.create_benchmark(framework=draft, role="Key Account Manager")
    listening = draft.competencies.get(name="Listening")
    services.set_targets(profile=profile, targets=[services.TargetInput(listening, 60, 80, 5)])
    services.publish_framework(framework=draft)
    # when a new version is started and edited
    v2 = services.start_new_version(framework=draft)
    assert (v2.version, v2.status, v2.based_on_id) == (2, FrameworkStatus.DRAFT, draft.pk)
    assert _content(v2) == _content(draft)
    copied = v2.benchmarks.get().targets.get()
    assert (copied.competency.framework_id, copied.band_low, copied.band_high) == (v2.pk, 60, 80)
    services.save_competency(
        framework=v2,
        competency=v2.competencies.get(name="Listening"),
        data=services.CompetencyInput(name="Active listening", low=["Interrupts."]),
    )
    # then v1 still says what it said
    assert queries.document_of(draft).competencies[0].name == "Listening"
    # and a second draft of the same family is refused while v2 is open
    with pytest.raises(ConflictError, match="already a draft"):
        services.start_new_version(framework=draft)
    # and publishing v2 retires v1
    services.publish_framework(framework=v2)
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.RETIRED


def test_replace_content_keeps_benchmark_targets_by_competency_name(draft: Framework) -> None:
    profile = services.create_benchmark(framework=draft, role="KAM")
    services.set_targets(
        profile=profile,
        targets=[
            services.TargetInput(draft.competencies.get(name="Listening"), 50, 70, 4),
            services.TargetInput(draft.competencies.get(name="Follow-through"), 40, 60, 2),
        ],
    )
    doc = small_doc()
    doc.competencies = doc.competencies[:1]  # Follow-through removed
    services.replace_content(framework=draft, doc=doc)
    targets = list(profile.targets.select_related("competency"))
    assert [(t.competency.name, t.band_low, t.band_high, t.importance) for t in targets] == [
        ("Listening", 50, 70, 4)
    ]


def test_publishing_an_empty_framework_is_refused(db: None) -> None:
    doc = small_doc()
    framework = services.create_framework(doc=doc)
    for competency in framework.competencies.all():
        services.delete_competency(competency=competency)
    with pytest.raises(ServiceError, match="without competencies"):
        services.publish_framework(framework=framework)


def test_framework_writes_are_in_the_audit_trail(draft: Framework) -> None:
    entry = AuditEntry.objects.filter(object_id=str(draft.pk), content_type__model="framework").first()
    assert entry is not None
    assert entry.changes["content"][1][0].startswith(
        "Listening: 2 low, 2 high, 2 tips, 1 levels, 1 questions"
    )


# Import and export ------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_export_then_import_round_trips_to_an_identical_framework(
    builtin_frameworks: dict, format: str
) -> None:
    for original in builtin_frameworks.values():
        text = write(queries.document_of(original), format)
        result = services.import_document(text=text, filename=f"x.{format}", slug=f"copy-{original.slug}")
        assert result.framework is not None
        assert _content(result.framework) == {**_content(original)}


def test_import_into_an_existing_family_adds_the_next_version_as_draft(builtin_frameworks: dict) -> None:
    kam = builtin_frameworks["key-account-management"]
    text = write(queries.document_of(kam), "json")
    result = services.import_document(text=text, filename="kam.json")
    assert (result.slug, result.version) == ("key-account-management", kam.version + 1)
    assert result.framework is not None and result.framework.status == FrameworkStatus.DRAFT
    assert result.summary[0] == (
        "Systematic account management: 6 low, 6 high, 12 tips, 5 levels, 10 questions"
    )


def test_dry_run_saves_nothing(db: None) -> None:
    text = json.dumps(to_dict(small_doc()))
    result = services.import_document(text=text, filename="a.json", dry_run=True)
    assert result.framework is None and result.version == 1
    assert not Framework.objects.exists()


@pytest.mark.parametrize(
    ("text", "filename", "message"),
    [
        ('{"name": "X",\n "competencies": [}', "x.json", "line 2"),
        ("name: X\ncompetencies:\n\t- name: A\n", "x.yaml", "line 3"),
        ('{"name": "X", "competencies": []}', "x.json", "no competencies"),
        (
            '{"name": "X", "competencies": [{"name": "A", "levels": [{"level": 7, "summary": "s"}]}]}',
            "x.json",
            "1 to 5",
        ),
        (
            '{"name": "X", "competencies": [{"name": "A", "levels": [{"level": 1, "summary": "s", '
            '"questions": [{"text": "Q", "probes": ["p"], "probe_stars": ["why"]}]}]}]}',
            "x.json",
            "STAR tag",
        ),
        ('{"name": "X", "competencies": [{"name": "A"}, {"name": "a"}]}', "x.json", "appears twice"),
    ],
)
def test_a_bad_document_is_refused_whole_with_the_reason(
    db: None, text: str, filename: str, message: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        services.import_document(text=text, filename=filename)
    assert message in str(refused.value.detail)
    assert not Framework.objects.exists() and not Competency.objects.exists()


# Comparison ---------------------------------------------------------------------------------------


def test_compare_names_added_removed_and_changed_parts() -> None:
    old, new = small_doc(), small_doc()
    new.competencies[0].high.append("Checks understanding at the end.")
    new.competencies[0].low.remove("Talks over the customer.")
    new.competencies[0].levels[0].questions[0].probes[1].star = "result"
    new.competencies[1].name = "Delivery"
    new.role = "Account Director"
    comparison = compare(old, new)
    assert comparison.fields["Role"] == ("Key Account Manager", "Account Director")
    kinds = {(c.name, c.kind) for c in comparison.competencies}
    assert kinds == {("Listening", "changed"), ("Delivery", "added"), ("Follow-through", "removed")}
    listening = next(c for c in comparison.competencies if c.name == "Listening")
    assert listening.lists["High-score indicators"].added == ["Checks understanding at the end."]
    assert listening.lists["Low-score indicators"].removed == ["Talks over the customer."]
    assert listening.lists["Level 1 probes"].added == [
        "Tell me about a meeting where you mostly listened. → What did you do next? [result]"
    ]
    assert not compare(old, small_doc()).has_changes


# Benchmarks -----------------------------------------------------------------------------------------


def test_benchmark_targets_are_checked_per_competency(draft: Framework, builtin_frameworks: dict) -> None:
    profile = services.create_benchmark(framework=draft, role="KAM")
    listening = draft.competencies.get(name="Listening")
    follow = draft.competencies.get(name="Follow-through")
    foreign = builtin_frameworks["key-account-management"].competencies.first()
    with pytest.raises(ServiceError) as refused:
        services.set_targets(
            profile=profile,
            targets=[
                services.TargetInput(listening, 80, 60, 3),
                services.TargetInput(follow, 10, 20, 9),
                services.TargetInput(foreign, 10, 20, 3),
            ],
        )
    errors = refused.value.errors
    assert errors["Listening"] == ["the band's low end (80) is above its high end (60)"]
    assert errors["Follow-through"] == ["importance must be 1 to 5, not 9"]
    assert errors[foreign.name] == ["belongs to another framework"]
    assert not profile.targets.exists()
    with pytest.raises(ConflictError):
        services.create_benchmark(framework=draft, role="kam")
