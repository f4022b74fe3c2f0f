"""The plan's team and its reviews."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kamkit.core.forms import acting_user as _acting
from kamkit.core.forms import save_with_form as _save
from kamkit.plans import services
from kamkit.plans.choices import TeamSide
from kamkit.plans.forms import MemberForm, ReviewForm
from kamkit.plans.models import PlanMember
from kamkit.plans.views.common import changeable_plan, form_page, step

# Team, reviews, opportunities ------------------------------------------------------------------------


def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = changeable_plan(request, pk)
    form = MemberForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        added = _save(
            form,
            lambda: services.add_member(
                plan=plan,
                side=d["side"],
                role=d["role"],
                user=d["user"] if d["side"] == TeamSide.OURS else None,
                contact=d["contact"] if d["side"] == TeamSide.CUSTOMER else None,
                responsibilities=d["responsibilities"],
            ),
        )
        if added is not None:
            messages.success(request, f"{added.person} added to the team.")
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#team")
    return form_page(request, form, f"Add to the team · {plan}", plan)


@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    plan = changeable_plan(request, pk)
    member = get_object_or_404(PlanMember, pk=member_pk, plan=plan)
    step(request, lambda: services.remove_member(member=member), f"{member.person} removed from the team.")
    return redirect(reverse("plans:detail", args=[plan.pk]) + "#team")


def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = changeable_plan(request, pk)
    form = ReviewForm(request.POST or None, plan=plan, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        review = _save(
            form,
            lambda: services.record_review(
                plan=plan,
                held_on=d["held_on"],
                what_changed=d["what_changed"],
                decisions=d["decisions"],
                revisions=d["revisions"],
                our_attendees=list(d["our_attendees"]),
                customer_attendees=list(d["customer_attendees"]),
                other_attendees=d["other_attendees"],
                next_review_on=d["next_review_on"],
                recorded_by=_acting(request),
            ),
        )
        if review is not None:
            messages.success(request, "Review recorded.")
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#reviews")
    return form_page(request, form, f"Record a review · {plan}", plan)
