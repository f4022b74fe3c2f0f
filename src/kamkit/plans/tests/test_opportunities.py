"""Opportunities edited from the plan: an opportunity is an accounts Deal written through the deal
services; the plan adds only its own rules (open plan, same account, objectives of this plan).
Inline editing through htmx on the plan page, a plain page without JavaScript, and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from kamkit.accounts.choices import DealStatus
from kamkit.accounts.models import Deal, Product, ProductLine
from kamkit.accounts.tests.fixtures import Book
from kamkit.core.audit import acting_as
from kamkit.core.errors import ConflictError, ServiceError
from kamkit.core.queries import history_of
from kamkit.plans import services
from kamkit.plans.choices import PlanStatus
from kamkit.plans.tests.fixtures import Plans, make_objective
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]
HTMX = {"HX-Request": "true"}


def product(name: str = "Forklift fleet") -> Product:
    line = ProductLine.objects.get_or_create(name="Fleet")[0]
    return Product.objects.create(name=name, line=line)


def opportunity(plans: Plans, **fields: Any) -> Deal:
    values: dict[str, Any] = {"name": "Second site", "stage": "proposal", "amount": Decimal(25000)}
    values.update(fields)
    return services.add_opportunity(plan=plans.alpha, data=services.OpportunityInput(**values))


# Services --------------------------------------------------------------------------------------------


def test_an_opportunity_added_from_the_plan_is_an_open_deal_of_the_account(org: Org, plans: Plans) -> None:
    # given the alpha plan and a second objective
    widen = make_objective(plans.alpha, title="Widen")
    fleet = product()
    # when an opportunity is added for both objectives
    deal = opportunity(plans, product=fleet, objectives=[plans.alpha_objective, widen])
    # then it is an open deal of the account, owned by the account's owner, engaged today
    assert (deal.account, deal.status, deal.stage, deal.owner) == (
        plans.alpha.account,
        DealStatus.OPEN,
        "proposal",
        org.kam_a,
    )
    assert deal.product == fleet and deal.engaged_on == timezone.localdate()
    assert set(deal.objectives.all()) == {plans.alpha_objective, widen}


def test_the_deal_rules_are_the_deal_services_not_a_copy(org: Org, plans: Plans) -> None:
    # a negative value is refused by the deal services' own rule, on its field
    with pytest.raises(ServiceError) as negative:
        opportunity(plans, amount=Decimal(-5))
    assert negative.value.errors == {"amount": ["Cannot be negative."]}
    # whatever the deal services decide is what the plan answers (here: a made-up rule)
    with (
        mock.patch("kamkit.accounts.services.deal_errors", return_value={"stage": ["Not this quarter."]}),
        pytest.raises(ServiceError) as refused,
    ):
        opportunity(plans)
    assert refused.value.errors == {"stage": ["Not this quarter."]}
    assert not Deal.objects.filter(name="Second site").exists()


def test_the_plan_s_own_rules_are_named_on_their_fields(org: Org, plans: Plans, book: Book) -> None:
    south_objective = plans.south.objectives.get()
    with pytest.raises(ServiceError) as refused:
        opportunity(plans, name=" ", stage="won", objectives=[south_objective])
    assert set(refused.value.errors) == {"name", "stage", "objectives"}
    assert "A new opportunity is open" in refused.value.errors["stage"][0]
    beta_deal = Deal.objects.create(account=book.beta, name="Beta deal")
    data = services.OpportunityInput(name="Moved", stage="proposal")
    with pytest.raises(ServiceError, match="another account"):
        services.update_opportunity(plan=plans.alpha, deal=beta_deal, data=data)
    services.set_plan_status(plan=plans.alpha, status=PlanStatus.CLOSED)
    with pytest.raises(ConflictError, match="closed"):
        opportunity(plans)


def test_changing_stage_value_close_product_and_objectives(org: Org, plans: Plans) -> None:
    # given an opportunity for the alpha objective, and another plan's link to it kept aside
    widen = make_objective(plans.alpha, title="Widen")
    deal = opportunity(plans, objectives=[plans.alpha_objective])
    close = timezone.localdate() + dt.timedelta(days=60)
    fleet = product()
    # when its stage, value, expected close, product and objectives change
    with acting_as(org.kam_b):
        services.update_opportunity(
            plan=plans.alpha,
            deal=deal,
            data=services.OpportunityInput(
                name="Second site, phase 1",
                stage="negotiation",
                amount=Decimal(30000),
                expected_close_on=close,
                product=fleet,
                objectives=[widen],
            ),
        )
    deal.refresh_from_db()
    # then the deal holds them, and the links moved from one objective to the other (audited)
    assert (deal.name, deal.stage, deal.amount, deal.expected_close_on, deal.product) == (
        "Second site, phase 1",
        "negotiation",
        Decimal(30000),
        close,
        fleet,
    )
    assert list(deal.objectives.all()) == [widen]
    link = history_of(widen).first()
    assert (
        link is not None
        and link.actor_id == org.kam_b.pk
        and link.changes["deals"][1] == ["Second site, phase 1"]
    )
    # when it is won, it is closed today and leaves the open opportunities of the plan
    services.update_opportunity(
        plan=plans.alpha, deal=deal, data=services.OpportunityInput(name=deal.name, stage="won")
    )
    deal.refresh_from_db()
    assert (deal.status, deal.closed_on) == (DealStatus.WON, timezone.localdate())
    assert list(deal.objectives.all()) == [widen]  # None: links left as they were
    from kamkit.plans import queries

    assert deal not in queries.opportunities_of(plans.alpha)
    # and reopened, it is open again without a close date
    services.update_opportunity(
        plan=plans.alpha, deal=deal, data=services.OpportunityInput(name=deal.name, stage="engaging")
    )
    deal.refresh_from_db()
    assert (deal.status, deal.closed_on) == (DealStatus.OPEN, None)


# Pages -----------------------------------------------------------------------------------------------


def test_editing_an_opportunity_inline_through_htmx(org: Org, plans: Plans) -> None:
    deal = opportunity(plans)
    client = signed_in(org.kam_b)  # the backup owner may change the account
    url = f"/plans/{plans.alpha.pk}/opportunities/{deal.pk}/"
    plan_page = client.get(f"/plans/{plans.alpha.pk}/").content.decode()
    assert f'hx-get="{url}"' in plan_page and f'id="opportunity-{deal.pk}"' in plan_page
    # the edit link swaps the row for a form in the row
    form_row = client.get(url, headers=HTMX).content.decode()
    assert form_row.startswith(f'<tr id="opportunity-{deal.pk}"') and "<html" not in form_row
    assert 'name="stage"' in form_row and 'value="Second site"' in form_row
    # a refusal comes back in the same row, with the input kept and the message on its field
    refused = client.post(
        url, {"name": "Second site", "stage": "proposal", "amount": "-1"}, headers=HTMX
    ).content.decode()
    assert "<html" not in refused and "id_amount_error" in refused and 'value="-1"' in refused
    # a good change comes back as the row, showing the new stage, value and objective
    saved = client.post(
        url,
        {
            "name": "Second site",
            "stage": "negotiation",
            "amount": "40000",
            "objectives": [plans.alpha_objective.pk],
        },
        headers=HTMX,
    ).content.decode()
    assert "Negotiation" in saved and "40,000" in saved and "Sell into two more divisions" in saved
    deal.refresh_from_db()
    assert deal.stage == "negotiation" and deal.amount == Decimal(40000)
    # cancel shows the row again; won says it left the list
    assert "Negotiation" in client.get(url + "?row=1", headers=HTMX).content.decode()
    won = client.post(url, {"name": "Second site", "stage": "won"}, headers=HTMX).content.decode()
    assert "is won and leaves the open ones" in won


def test_editing_an_opportunity_without_javascript(org: Org, plans: Plans) -> None:
    deal = opportunity(plans)
    client = signed_in(org.kam_a)
    url = f"/plans/{plans.alpha.pk}/opportunities/{deal.pk}/"
    page = client.get(url).content.decode()
    assert "<html" in page and "Edit Second site" in page
    saved = client.post(url, {"name": "Second site", "stage": "engaging", "amount": "100"})
    assert saved["Location"] == f"/plans/{plans.alpha.pk}/#opportunities"
    deal.refresh_from_db()
    assert deal.stage == "engaging" and deal.amount == Decimal(100)
    added = client.post(
        f"/plans/{plans.alpha.pk}/opportunities/new/",
        {"name": "Third site", "stage": "prospecting", "objectives": [plans.alpha_objective.pk]},
    )
    assert added.status_code == 302
    assert list(Deal.objects.get(name="Third site").objectives.all()) == [plans.alpha_objective]
    assert 'value="won"' not in client.get(f"/plans/{plans.alpha.pk}/opportunities/new/").content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("viewer", 403), ("north_manager", 200), ("kam_south", 404), ("south_manager", 404), ("director", 200)],
)
def test_who_may_edit_an_opportunity_on_the_pages(org: Org, plans: Plans, who: str, status: int) -> None:
    deal = opportunity(plans)
    client = signed_in(getattr(org, who))
    url = f"/plans/{plans.alpha.pk}/opportunities/{deal.pk}/"
    assert client.get(url).status_code == status
    posted = client.post(url, {"name": "Changed", "stage": "engaging"})
    assert posted.status_code == (302 if status == 200 else status)
    deal.refresh_from_db()
    assert (deal.name == "Changed") == (status == 200)


def test_a_deal_of_another_account_is_not_found_through_the_plan(org: Org, plans: Plans, book: Book) -> None:
    beta_deal = Deal.objects.create(account=book.beta, name="Beta deal")
    assert (
        signed_in(org.director).get(f"/plans/{plans.alpha.pk}/opportunities/{beta_deal.pk}/").status_code
        == 404
    )


# API -------------------------------------------------------------------------------------------------


def test_opportunities_through_the_api(org: Org, plans: Plans, api_as: ApiAs) -> None:
    api = api_as(org.kam_a)
    widen = make_objective(plans.alpha, title="Widen")
    made = api.post(
        f"/plans/{plans.alpha.pk}/opportunities",
        {"name": "Second site", "stage": "proposal", "objective_ids": [plans.alpha_objective.pk, widen.pk]},
    )
    assert made.status_code == 201 and sorted(made.json()["objective_ids"]) == sorted(
        [plans.alpha_objective.pk, widen.pk]
    )
    deal_id = made.json()["id"]
    url = f"/plans/{plans.alpha.pk}/opportunities/{deal_id}"
    changed = api.patch(
        url,
        {"stage": "negotiation", "amount": "42000", "expected_close_on": "2031-03-31", "objective_ids": []},
    )
    assert changed.status_code == 200
    assert (changed.json()["stage"], changed.json()["amount"], changed.json()["objective_ids"]) == (
        "negotiation",
        "42000.00",
        [],
    )
    assert changed.json()["name"] == "Second site"  # not sent, kept
    negative = api.patch(url, {"amount": "-3"})
    assert negative.status_code == 400 and negative.json()["errors"][0]["field"] == "amount"
    strange = api.patch(url, {"objective_ids": [plans.south.objectives.get().pk]})
    assert strange.status_code == 400 and strange.json()["errors"][0]["field"] == "objective_ids"
    won = api.patch(url, {"stage": "won"}).json()
    assert won["status"] == "won"
    assert [o["id"] for o in api.get(f"/plans/{plans.alpha.pk}/opportunities").json()] == []
    assert api_as(org.viewer).patch(url, {"stage": "lost"}).status_code == 403
    assert api_as(org.kam_south).patch(url, {"stage": "lost"}).status_code == 404
    assert api.patch(f"/plans/{plans.south.pk}/opportunities/{deal_id}", {"stage": "lost"}).status_code == 404
    assert Deal.objects.get(pk=deal_id).stage == "won"
