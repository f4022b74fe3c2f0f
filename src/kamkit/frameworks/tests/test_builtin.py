"""The shipped Key Account Management framework: what a fresh install gets, and the upgrade from release 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kamkit.assessments.models import Questionnaire
from kamkit.core import setup
from kamkit.frameworks import builtin, queries
from kamkit.frameworks.choices import FrameworkSource, FrameworkStatus
from kamkit.frameworks.documents import read
from kamkit.frameworks.models import BenchmarkProfile, Framework

KAM = "key-account-management"
RELEASE_1 = Path(__file__).parent / "data" / "key-account-management-release-1.yaml"
STAR_PARTS = {"situation", "task", "action", "result"}


def assert_full_levels(framework: Framework) -> None:
    """Every competency described at levels 1-5, each level with behaviours and STAR-probed questions."""
    doc = queries.document_of(framework)
    assert len(doc.competencies) == 6
    for competency in doc.competencies:
        assert [level.level for level in competency.levels] == [1, 2, 3, 4, 5], competency.name
        seen: set[str] = set()
        for level in competency.levels:
            where = f"{competency.name} level {level.level}"
            assert level.summary, where
            assert 4 <= len(level.behaviours) <= 6, where
            # each level steps up: no behaviour is simply repeated at another level
            assert not seen & set(level.behaviours), where
            seen |= set(level.behaviours)
            assert len(level.questions) >= 2, where
            for question in level.questions:
                assert 4 <= len(question.probes) <= 5, question.text
                assert {probe.star for probe in question.probes} >= STAR_PARTS, question.text


def attached(framework: Framework) -> tuple[list[str], list[str]]:
    benchmarks = sorted(framework.benchmarks.values_list("role", flat=True))
    questionnaires = sorted(Questionnaire.objects.filter(framework=framework).values_list("slug", flat=True))
    return benchmarks, questionnaires


def row_counts() -> tuple[int, int, int]:
    return Framework.objects.count(), BenchmarkProfile.objects.count(), Questionnaire.objects.count()


def test_a_fresh_database_gets_release_2_with_levels_benchmark_and_questionnaire(db: None) -> None:
    # given an empty database
    assert not Framework.objects.exists()
    # when the built-in loaders run, as `kamkit up` and `kamkit migrate` run them
    setup.load_builtin()
    # then there is exactly one KAM framework, published, from release 2
    (kam,) = Framework.objects.filter(slug=KAM)
    assert kam.status == FrameworkStatus.PUBLISHED and kam.source == FrameworkSource.BUILTIN
    assert (kam.builtin_release, kam.version) == (2, 2)
    assert_full_levels(kam)
    # and the benchmark and the questionnaire belong to it
    assert attached(kam) == (["Key Account Manager"], ["kam-behaviours"])
    assert kam.benchmarks.get().targets.count() == 6
    assert Questionnaire.objects.get(slug="kam-behaviours").items.count() == 36


def test_an_installation_with_release_1_gets_release_2_as_its_next_version(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a database where an earlier kamkit loaded release 1 (no levels), its benchmark and questionnaire
    assert read(RELEASE_1.read_text(encoding="utf-8"), filename=RELEASE_1.name).version == 1
    shutil.copytree(builtin.BUILTIN_DIR, tmp_path, dirs_exist_ok=True)
    shutil.copyfile(RELEASE_1, tmp_path / "key-account-management.yaml")
    with monkeypatch.context() as patched:
        patched.setattr(builtin, "BUILTIN_DIR", tmp_path)
        setup.load_builtin()
    v1 = Framework.objects.get(slug=KAM)
    assert (v1.version, v1.builtin_release, v1.status) == (1, 1, FrameworkStatus.PUBLISHED)
    assert not queries.document_of(v1).competencies[0].levels
    assert attached(v1) == (["Key Account Manager"], ["kam-behaviours"])
    # when this kamkit's loaders run
    lines = setup.load_builtin()
    # then release 2 is the family's version 2, published, and version 1 is retired
    assert any("Key Account Management" in line for line in lines), lines
    v1.refresh_from_db()
    v2 = Framework.objects.get(slug=KAM, version=2)
    assert v1.status == FrameworkStatus.RETIRED
    assert (v2.status, v2.builtin_release, v2.based_on) == (FrameworkStatus.PUBLISHED, 2, v1)
    assert_full_levels(v2)
    # and the benchmark and questionnaire are attached to version 2, while version 1 keeps its own
    assert attached(v2) == (["Key Account Manager"], ["kam-behaviours"])
    assert v2.benchmarks.get().targets.count() == 6
    assert attached(v1) == (["Key Account Manager"], ["kam-behaviours"])
    # and the unchanged Account Planning release is not loaded twice
    assert Framework.objects.filter(slug="account-planning").count() == 1
    # and running the loaders again adds nothing
    before = row_counts()
    setup.load_builtin()
    assert row_counts() == before
