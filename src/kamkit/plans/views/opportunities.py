"""Opportunities from the plan: adding and changing them, and the opportunity page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from kamkit.accounts.choices import DealStatus
from kamkit.accounts.models import Deal
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.forms import acting_user as _acting
from kamkit.core.forms import save_with_form as _save
from kamkit.core.views import is_htmx
from kamkit.plans import queries, services
from kamkit.plans.forms import OpportunityForm, StartScorecardForm
from kamkit.plans.models import AccountPlan
from kamkit.plans.views.common import changeable_plan, form_page


def _opportunity_input(form: OpportunityForm) -> services.OpportunityInput:
    d = form.cleaned_data
    return services.OpportunityInput(
        name=d["name"],
        stage=d["stage"],
        amount=d["amount"],
        expected_close_on=d["expected_close_on"],
        product=d["product"],
        owner=d["owner"],
        objectives=list(d["objectives"]),
    )


def opportunity_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A new open opportunity in the plan's account, for the objectives ticked."""
    plan = changeable_plan(request, pk)
    wanted = request.GET.get("objective", "")
    initial = {"objectives": [int(wanted)] if wanted.isdigit() else []}
    form = OpportunityForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _opportunity_input(form)
        deal = _save(form, lambda: services.add_opportunity(plan=plan, data=data))
        if deal is not None:
            messages.success(request, f"Opportunity {deal} added.")
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#opportunities")
    return form_page(request, form, f"Add an opportunity · {plan.account}", plan)


def _row(request: HttpRequest, plan: AccountPlan, deal: Deal, note: str = "") -> HttpResponse:
    """The opportunity's row on the plan page (or a note that it left the list of open ones)."""
    shown = queries.opportunities_of(plan).filter(pk=deal.pk).first()
    return render(
        request,
        "plans/partials/opportunity_row.html",
        {"d": shown, "deal": deal, "plan": plan, "can_change": True, "note": note},
    )


def opportunity_edit(request: HttpRequest, pk: int, deal_pk: int) -> HttpResponse:
    """Change an opportunity from the plan: stage, value, expected close, product, owner and the
    objectives it serves. Inline on the plan page through htmx, or as a page without JavaScript."""
    plan = changeable_plan(request, pk)
    deal: Deal = get_object_or_404(
        queries.deals_for(request.user).filter(account_id=plan.account_id), pk=deal_pk
    )
    inline = is_htmx(request)
    if inline and request.method == "GET" and request.GET.get("row") == "1":
        return _row(request, plan, deal)
    initial: dict[str, Any] = {
        "name": deal.name,
        "stage": deal.stage,
        "amount": deal.amount,
        "expected_close_on": deal.expected_close_on,
        "product": deal.product_id,
        "owner": deal.owner_id,
        "objectives": [o.pk for o in deal.objectives.filter(plan=plan)],
    }
    form = OpportunityForm(request.POST or None, plan=plan, adding=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _opportunity_input(form)
        saved = _save(form, lambda: services.update_opportunity(plan=plan, deal=deal, data=data))
        if saved is not None:
            status = saved.get_status_display().lower()
            note = "" if saved.status == DealStatus.OPEN else f"{saved} is {status} and leaves the open ones."
            if inline:
                return _row(request, plan, saved, note)
            messages.success(request, f"Opportunity {saved} saved. {note}".strip())
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#opportunities")
    if inline:
        return render(
            request, "plans/partials/opportunity_form_row.html", {"form": form, "deal": deal, "plan": plan}
        )
    return form_page(request, form, f"Edit {deal} · {plan.account}", plan)


def opportunity_detail(request: HttpRequest, deal_pk: int) -> HttpResponse:
    deal: Deal = get_object_or_404(queries.deals_for(request.user), pk=deal_pk)
    can_change = permissions.can(request.user, Action.CHANGE, deal.account)
    form = StartScorecardForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, Action.CHANGE, deal.account)
        if form.is_valid():
            scorecard = _save(
                form,
                lambda: services.start_scorecard(
                    deal=deal, question_set=form.cleaned_data["question_set"], created_by=_acting(request)
                ),
            )
            if scorecard is not None:
                return redirect("plans:scorecard", pk=scorecard.pk)
    scorecards = [(s, queries.scorecard_profile(s)) for s in queries.scorecards_of(request.user, deal)]
    return render(
        request,
        "plans/opportunity.html",
        {
            "deal": deal,
            "can_change": can_change,
            "form": form,
            "scorecards": scorecards,
            "objectives": queries.objectives_for(request.user).filter(deals=deal),
        },
    )
