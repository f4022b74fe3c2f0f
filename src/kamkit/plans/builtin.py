"""Built-in plan content, loaded by `kamkit up` and `kamkit migrate`: the lean one-page plan
template and the discovery question set for qualifying opportunities.

Idempotent: each shipped file is loaded once per release number (``version`` in the file). A
later release replaces the content of a built-in template, and adds its new questions to the
built-in question set (answered questions are never removed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kamkit.core.setup import builtin_loader
from kamkit.plans import services
from kamkit.plans.models import PlanTemplate, PlanTemplateSection, QuestionSet

BUILTIN_DIR = Path(__file__).parent / "builtin"
TEMPLATE_FILES = ("lean-one-page.yaml",)
QUESTION_FILES = ("discovery-questions.yaml",)


def _read(filename: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((BUILTIN_DIR / filename).read_text(encoding="utf-8"))
    return data


def load_template(data: dict[str, Any]) -> bool:
    """Create or refresh one built-in template; False when this release is already loaded."""
    template = PlanTemplate.objects.filter(slug=data["slug"]).first()
    release = int(data["version"])
    if template is not None and (template.builtin_release or 0) >= release:
        return False
    template = template or PlanTemplate(slug=data["slug"])
    template.name, template.description, template.builtin_release = data["name"], data["description"], release
    template.save()
    template.sections.all().delete()
    for order, section in enumerate(data["sections"]):
        PlanTemplateSection.objects.create(
            template=template,
            key=section["key"],
            title=section["title"],
            prompt=" ".join(section["prompt"].split()),
            order=order,
        )
    return True


def load_question_set(data: dict[str, Any]) -> bool:
    """Create the built-in question set, or add a later release's new questions to it."""
    question_set = QuestionSet.objects.filter(slug=data["slug"]).first()
    release = int(data["version"])
    if question_set is not None and (question_set.builtin_release or 0) >= release:
        return False
    round_names = [r["name"] for r in data["rounds"]]
    if question_set is None:
        question_set = services.create_question_set(
            name=data["name"], round_names=round_names, description=data["description"], slug=data["slug"]
        )
    question_set.builtin_release = release
    question_set.round_names = round_names
    question_set.save()
    known = set(question_set.questions.values_list("text", flat=True))
    for number, round_data in enumerate(data["rounds"], start=1):
        for question in round_data["questions"]:
            if question["text"] not in known:
                services.append_question(
                    question_set=question_set,
                    round=number,
                    text=question["text"],
                    guidance=question.get("guidance", ""),
                )
    return True


@builtin_loader(30, "plans")
def load_plan_content() -> str | None:
    loaded = []
    for filename in TEMPLATE_FILES:
        data = _read(filename)
        if load_template(data):
            loaded.append(data["name"])
    for filename in QUESTION_FILES:
        data = _read(filename)
        if load_question_set(data):
            loaded.append(data["name"])
    return f"loaded {', '.join(loaded)}" if loaded else None
