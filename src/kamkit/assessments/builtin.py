"""The built-in questionnaire, loaded by `kamkit up` and `kamkit migrate` after the frameworks.

Idempotent: the shipped file is attached once per release (``version`` in the file) to the newest
published version of its framework. A framework version that already has it is left alone.
"""

from __future__ import annotations

from itertools import zip_longest
from pathlib import Path

from kamkit.assessments import services
from kamkit.assessments.choices import QuestionnaireSource
from kamkit.assessments.documents import ItemDoc, QuestionnaireDoc, read
from kamkit.assessments.models import Questionnaire
from kamkit.core.setup import builtin_loader
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.frameworks.models import Framework

BUILTIN_DIR = Path(__file__).parent / "builtin"
QUESTIONNAIRE_FILES = ("kam-behaviours.yaml",)


def interleaved(items: list[ItemDoc]) -> list[ItemDoc]:
    """One item of each competency in turn, so raters do not answer a competency as one block."""
    by_competency: dict[str, list[ItemDoc]] = {}
    for item in items:
        by_competency.setdefault(item.competency, []).append(item)
    return [item for row in zip_longest(*by_competency.values()) for item in row if item is not None]


def load_file(path: Path) -> Questionnaire | None:
    doc: QuestionnaireDoc = read(path.read_text(encoding="utf-8"), format="yaml")
    framework = (
        Framework.objects.filter(slug=doc.framework, status=FrameworkStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if framework is None:
        return None
    if (
        Questionnaire.objects.filter(
            framework=framework, source=QuestionnaireSource.BUILTIN, builtin_release=doc.version
        ).exists()
        or Questionnaire.objects.filter(framework=framework, slug=doc.slug).exists()
    ):
        return None
    doc.items = interleaved(doc.items)
    return services.create_questionnaire(
        framework=framework, doc=doc, source=QuestionnaireSource.BUILTIN, builtin_release=doc.version
    )


@builtin_loader(30, "questionnaires")
def load_questionnaires() -> str | None:
    loaded = [q for q in (load_file(BUILTIN_DIR / name) for name in QUESTIONNAIRE_FILES) if q is not None]
    return f"loaded {', '.join(f'{q.name} ({q.framework})' for q in loaded)}" if loaded else None
