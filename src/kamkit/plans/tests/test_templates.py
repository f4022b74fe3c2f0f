"""Plan templates are configurable: admins and directors create, change, reorder, copy and retire
them (pages and API); everyone else reads them; the built-in one is read-only (copy it to change it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kamkit.accounts.tests.fixtures import Book
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.core.queries import history_of
from kamkit.plans import builtin, services
from kamkit.plans.models import AccountPlan, PlanTemplate, PlanTemplateSection
from kamkit.plans.tests.fixtures import make_plan
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]


def lean() -> PlanTemplate:
    builtin.load_plan_content()
    return PlanTemplate.objects.get(slug="lean-one-page")


def keys(template: PlanTemplate) -> list[str]:
    return list(template.sections.values_list("key", flat=True))


# Services --------------------------------------------------------------------------------------------


def test_a_template_is_built_section_by_section_and_reordered(db: None) -> None:
    # given a new template
    template = services.create_template(name="  Growth   plan ", description="For accounts we grow")
    assert template.name == "Growth plan" and template.slug == "growth-plan" and not template.is_builtin
    # when sections are added, changed, moved and removed
    services.add_template_section(template=template, key="goal", title="Goal", prompt="Where to?")
    services.add_template_section(template=template, key="whitespace", title="Whitespace")
    risks = services.add_template_section(template=template, key="risks", title="Risks")
    services.update_template_section(
        section=risks, key="threats", title="Threats", prompt="Who could hurt us"
    )
    services.reorder_template_sections(template=template, keys=["threats", "goal", "whitespace"])
    services.move_template_section(section=PlanTemplateSection.objects.get(key="whitespace"), offset=-1)
    services.remove_template_section(section=PlanTemplateSection.objects.get(key="goal"))
    # then the template holds them in the order given
    assert keys(template) == ["threats", "whitespace"]
    assert template.sections.get(key="threats").prompt == "Who could hurt us"


def test_section_and_name_rules_name_the_field(db: None) -> None:
    template = services.create_template(name="Growth plan")
    services.add_template_section(template=template, key="goal", title="Goal")
    with pytest.raises(ServiceError) as duplicate:
        services.add_template_section(template=template, key="goal", title="Another goal")
    assert duplicate.value.errors == {"key": ["Growth plan has a section 'goal' already."]}
    with pytest.raises(ServiceError) as badly:
        services.add_template_section(template=template, key="Key Players!", title="")
    assert set(badly.value.errors) == {"key", "title"}
    with pytest.raises(ServiceError) as same_name:
        services.create_template(name="growth PLAN")
    assert same_name.value.errors["name"] == ["A template called 'growth PLAN' exists already."]
    with pytest.raises(ServiceError) as wrong_order:
        services.reorder_template_sections(template=template, keys=["goal", "goal"])
    assert "keys" in wrong_order.value.errors


def test_the_builtin_template_is_read_only_and_copied_to_change(db: None) -> None:
    # given the built-in lean one-page template
    template = lean()
    section = template.sections.get(key="goal")
    # when anyone tries to change it, they are told to copy it
    for attempt in (
        lambda: services.update_template(template=template, name="Mine", description=""),
        lambda: services.add_template_section(template=template, key="extra", title="Extra"),
        lambda: services.update_template_section(section=section, key="goal", title="Aim", prompt=""),
        lambda: services.remove_template_section(section=section),
        lambda: services.reorder_template_sections(template=template, keys=list(reversed(keys(template)))),
    ):
        with pytest.raises(ConflictError, match="copy it to change it"):
            attempt()
    # then a copy has the same sections and can be changed
    copy = services.copy_template(template=template)
    assert copy.name == "Lean one-page plan (copy)" and not copy.is_builtin
    assert keys(copy) == keys(template) == ["goal", "opportunities", "risks", "key-players", "next-steps"]
    services.update_template_section(
        section=copy.sections.get(key="goal"), key="goal", title="Aim", prompt="Where we aim"
    )
    assert template.sections.get(key="goal").title == "Goal"
    # and loading the built-in content again leaves the copy alone
    builtin.load_plan_content()
    assert copy.sections.get(key="goal").title == "Aim"


def test_a_retired_template_is_not_offered_and_plans_keep_their_sections(org: Org, book: Book) -> None:
    template = services.create_template(name="Short plan")
    services.add_template_section(template=template, key="goal", title="Goal")
    plan = services.create_plan(
        account=book.alpha,
        period="FY2031",
        starts_on=dt.date(2031, 1, 1),
        ends_on=dt.date(2031, 12, 31),
        template=template,
    )
    services.add_template_section(template=template, key="later", title="Added later")
    services.set_template_active(template=template, is_active=False)
    # the plan made before keeps its own sections
    assert list(plan.sections.values_list("key", flat=True)) == ["goal"]
    # a retired template is refused for a new plan, by name
    with pytest.raises(ServiceError) as refused:
        services.create_plan(
            account=book.alpha,
            period="FY2032",
            starts_on=dt.date(2032, 1, 1),
            ends_on=dt.date(2032, 12, 31),
            template=template,
        )
    assert refused.value.errors == {"template": ["Short plan is retired; pick another template."]}
    # and the built-in one may be retired too (what is offered, not its content)
    assert services.set_template_active(template=lean(), is_active=False).is_active is False


def test_template_changes_are_audited(org: Org) -> None:
    from kamkit.core.audit import acting_as

    template = services.create_template(name="Growth plan")
    with acting_as(org.director):
        services.update_template(template=template, name="Growth plan 2", description="")
    entry = history_of(template).first()
    assert entry is not None and entry.actor_id == org.director.pk
    assert entry.changes["name"] == ["Growth plan", "Growth plan 2"]


# Pages -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "director"])
def test_admins_and_directors_manage_templates_on_the_pages(org: Org, who: str) -> None:
    client = signed_in(getattr(org, who))
    template = lean()
    # the built-in template says it is read-only and offers a copy, not edit links
    page = client.get(f"/plans/templates/{template.pk}/").content.decode()
    assert "read-only" in page and "Make a copy" in page and "Add a section" not in page
    refused = client.post(
        f"/plans/templates/{template.pk}/", {"section-title": "Extra", "section-key": "extra"}
    ).content.decode()
    assert "make a copy and change that" in refused and "extra" not in keys(template)
    copied = client.post(f"/plans/templates/{template.pk}/copy/", {"copy-name": "Our lean plan"})
    copy = PlanTemplate.objects.get(name="Our lean plan")
    assert copied["Location"] == f"/plans/templates/{copy.pk}/"
    # the copy takes a new section; a bad key is refused on its field with the input kept
    bad = client.post(
        f"/plans/templates/{copy.pk}/", {"section-title": "Whitespace", "section-key": "White Space"}
    ).content.decode()
    assert "Lower-case letters, digits and single hyphens" in bad and 'value="Whitespace"' in bad
    client.post(
        f"/plans/templates/{copy.pk}/",
        {"section-title": "Whitespace", "section-key": "whitespace", "section-prompt": "Who else could buy"},
    )
    assert keys(copy)[-1] == "whitespace"
    # moved up, renamed and removed
    whitespace = copy.sections.get(key="whitespace")
    client.post(f"/plans/template-sections/{whitespace.pk}/move/", {"direction": "up"})
    assert keys(copy)[-2:] == ["whitespace", "next-steps"]
    client.post(
        f"/plans/template-sections/{whitespace.pk}/",
        {"key": "whitespace", "title": "Where else", "prompt": "Divisions not buying yet"},
    )
    assert copy.sections.get(key="whitespace").title == "Where else"
    client.post(f"/plans/template-sections/{whitespace.pk}/", {"key": "x", "title": "x", "delete": "1"})
    assert "whitespace" not in keys(copy)
    # renamed, retired and offered again
    client.post(f"/plans/templates/{copy.pk}/", {"template-name": "Lean plus", "template-description": ""})
    client.post(f"/plans/templates/{copy.pk}/offered/", {"is_active": "0"})
    copy.refresh_from_db()
    assert copy.name == "Lean plus" and copy.is_active is False
    listing = client.get("/plans/templates/").content.decode()
    assert "Lean plus" in listing and "retired" in listing
    # a retired template is not offered when starting a plan
    assert "Lean plus" not in client.get("/plans/new/").content.decode()
    # a new one from scratch
    made = client.post("/plans/templates/", {"name": "Renewal plan", "description": "Before a renewal"})
    assert made["Location"] == f"/plans/templates/{PlanTemplate.objects.get(name='Renewal plan').pk}/"


@pytest.mark.parametrize("who", ["north_manager", "kam_a", "viewer", "interviewer"])
def test_others_read_templates_but_may_not_change_them(org: Org, who: str) -> None:
    # given a template of the organisation's own
    template = services.create_template(name="Growth plan")
    section = services.add_template_section(template=template, key="goal", title="Goal")
    client = signed_in(getattr(org, who))
    # they may read it
    assert client.get("/plans/templates/").status_code == 200
    page = client.get(f"/plans/templates/{template.pk}/").content.decode()
    assert "Goal" in page and "Add a section" not in page and "Make a copy" not in page
    # but every change is refused with 403
    for url, data in (
        ("/plans/templates/", {"name": "Sneaky"}),
        (f"/plans/templates/{template.pk}/", {"template-name": "Sneaky"}),
        (f"/plans/templates/{template.pk}/", {"section-title": "Sneaky", "section-key": "sneaky"}),
        (f"/plans/templates/{template.pk}/copy/", {}),
        (f"/plans/templates/{template.pk}/offered/", {"is_active": "0"}),
        (f"/plans/template-sections/{section.pk}/", {"key": "goal", "title": "Sneaky"}),
        (f"/plans/template-sections/{section.pk}/move/", {"direction": "down"}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert client.get(f"/plans/template-sections/{section.pk}/").status_code == 403
    template.refresh_from_db()
    assert template.name == "Growth plan" and template.is_active and keys(template) == ["goal"]
    assert PlanTemplate.objects.count() == 1


# API -------------------------------------------------------------------------------------------------


def test_templates_through_the_api(org: Org, api_as: ApiAs) -> None:
    api = api_as(org.director)
    template = lean()
    # the built-in one is read-only: changes answer 409 and say to copy it
    refused = api.patch(f"/plan-templates/{template.pk}", {"name": "Mine"})
    assert refused.status_code == 409 and "copy it" in refused.json()["detail"]
    assert api.post(f"/plan-templates/{template.pk}/sections", {"key": "x", "title": "X"}).status_code == 409
    section_id = api.get(f"/plan-templates/{template.pk}").json()["sections"][0]["id"]
    assert api.patch(f"/plan-template-sections/{section_id}", {"title": "Aim"}).status_code == 409
    assert api.delete(f"/plan-template-sections/{section_id}").status_code == 409
    # it may be retired and offered again
    assert api.patch(f"/plan-templates/{template.pk}", {"is_active": False}).json()["is_active"] is False
    assert api.patch(f"/plan-templates/{template.pk}", {"is_active": True}).json()["is_active"] is True
    # a copy is changed freely
    copy = api.post(f"/plan-templates/{template.pk}/copy", {"name": "Our lean plan"})
    assert copy.status_code == 201 and copy.json()["is_builtin"] is False
    copy_id = copy.json()["id"]
    added = api.post(
        f"/plan-templates/{copy_id}/sections", {"key": "whitespace", "title": "Whitespace", "prompt": "Where"}
    )
    assert added.status_code == 201 and added.json()["order"] == 5
    bad_key = api.post(f"/plan-templates/{copy_id}/sections", {"key": "Bad Key", "title": "Bad"})
    assert bad_key.status_code == 400 and bad_key.json()["errors"][0]["field"] == "key"
    order = ["whitespace", "goal", "opportunities", "risks", "key-players", "next-steps"]
    reordered = api.put(f"/plan-templates/{copy_id}/section-order", {"keys": order})
    assert [s["key"] for s in reordered.json()["sections"]] == order
    wrong = api.put(f"/plan-templates/{copy_id}/section-order", {"keys": ["goal"]})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "keys"
    renamed = api.patch(f"/plan-template-sections/{added.json()['id']}", {"title": "Where else"})
    assert renamed.json()["title"] == "Where else" and renamed.json()["key"] == "whitespace"
    assert api.delete(f"/plan-template-sections/{added.json()['id']}").status_code == 204
    described = api.patch(f"/plan-templates/{copy_id}", {"description": "Ours", "is_active": False})
    assert described.json()["description"] == "Ours" and described.json()["is_active"] is False
    made = api.post("/plan-templates", {"name": "Renewal plan"})
    assert made.status_code == 201 and made.json()["sections"] == []
    assert api.post("/plan-templates", {"name": "renewal PLAN"}).status_code == 400
    names = [t["name"] for t in api_as(org.kam_a).get("/plan-templates").json()]
    assert {"Lean one-page plan", "Our lean plan", "Renewal plan"} <= set(names)


@pytest.mark.parametrize("who", ["north_manager", "kam_a", "viewer"])
def test_only_admins_and_directors_change_templates_through_the_api(
    org: Org, api_as: ApiAs, who: str
) -> None:
    template = services.create_template(name="Growth plan")
    section = services.add_template_section(template=template, key="goal", title="Goal")
    api = api_as(getattr(org, who))
    assert api.get(f"/plan-templates/{template.pk}").status_code == 200
    assert api.post("/plan-templates", {"name": "Sneaky"}).status_code == 403
    assert api.patch(f"/plan-templates/{template.pk}", {"is_active": False}).status_code == 403
    assert api.post(f"/plan-templates/{template.pk}/copy", {}).status_code == 403
    assert api.post(f"/plan-templates/{template.pk}/sections", {"key": "x", "title": "X"}).status_code == 403
    assert api.put(f"/plan-templates/{template.pk}/section-order", {"keys": ["goal"]}).status_code == 403
    assert api.patch(f"/plan-template-sections/{section.pk}", {"title": "X"}).status_code == 403
    assert api.delete(f"/plan-template-sections/{section.pk}").status_code == 403
    assert PlanTemplate.objects.count() == 1 and keys(template) == ["goal"]


def test_a_plan_cannot_start_from_a_retired_template_through_the_api(
    org: Org, book: Book, api_as: ApiAs
) -> None:
    template = services.create_template(name="Old plan")
    services.set_template_active(template=template, is_active=False)
    refused = api_as(org.kam_a).post(
        "/plans",
        {
            "account_id": book.alpha.pk,
            "period": "FY2031",
            "starts_on": "2031-01-01",
            "ends_on": "2031-12-31",
            "template_id": template.pk,
        },
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "template_id"
    assert not AccountPlan.objects.filter(period="FY2031").exists()
    assert make_plan(book.alpha, period="Other").template is None


def test_the_template_list_costs_the_same_with_more_templates(org: Org) -> None:
    lean()
    client = signed_in(org.kam_a)
    with CaptureQueriesContext(connection) as few:
        client.get("/plans/templates/")
    for n in range(6):
        made = services.create_template(name=f"Template {n}")
        services.add_template_section(template=made, key="goal", title=f"Goal {n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/plans/templates/").content.decode()
    assert "Template 5" in page and "Goal 5" in page
    assert len(many) == len(few)
