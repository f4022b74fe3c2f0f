"""Candidate pages: the list, adding and editing a candidate, erasing them, their files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.forms import acting_user, save_with_form
from kamkit.hiring import queries, services
from kamkit.hiring.choices import RECRUITING
from kamkit.hiring.forms import ApplyForm, AttachmentForm, CampaignChoiceForm, CandidateForm, NewCandidateForm
from kamkit.hiring.models import Candidate, Opening
from kamkit.hiring.views.common import HiringListPage, candidate_or_404, form_page, managed_candidate, step


class CandidateList(HiringListPage):
    model = Candidate
    spec = queries.CANDIDATE_LIST
    title = "Candidates"
    tab = "candidates"
    columns = [("name", "Candidate"), ("source", "Source"), ("", "Positions"), ("added", "Added")]
    add_url_name = "hiring:candidate_create"

    def base_queryset(self) -> QuerySet[Any]:
        return queries.candidates_for(self.request.user)


def _recruiting(request: HttpRequest) -> QuerySet[Opening]:
    return queries.managed_openings(request.user).filter(status__in=RECRUITING)


def candidate_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, Action.ADD, Candidate)
    openings = _recruiting(request)
    form = NewCandidateForm(
        request.POST or None,
        request.FILES or None,
        openings=openings,
        initial={"opening": request.GET.get("opening")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> Candidate:
            candidate = services.create_candidate(
                data=form.candidate_input(), created_by=acting_user(request)
            )
            if data["opening"] is not None:
                services.add_application(
                    candidate=candidate, opening=data["opening"], added_by=acting_user(request)
                )
            if data["file"] is not None:
                services.add_attachment(
                    candidate=candidate, upload=data["file"], kind="cv", uploaded_by=acting_user(request)
                )
            return candidate

        candidate = save_with_form(form, create)
        if candidate is not None:
            messages.success(request, f"{candidate} added.")
            return redirect("hiring:candidate", pk=candidate.pk)
    return form_page(request, form, "Add a candidate", multipart=True)


def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = managed_candidate(request, pk)
    initial = {
        "user": candidate.user,
        "full_name": candidate.full_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "source": candidate.source,
        "source_detail": candidate.source_detail,
        "notes": candidate.notes,
    }
    form = CandidateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = save_with_form(
            form, lambda: services.update_candidate(candidate=candidate, data=form.candidate_input())
        )
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("hiring:candidate", pk=candidate.pk)
    return form_page(request, form, f"Edit {candidate}", candidate=candidate)


def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_or_404(request, pk)
    runs = queries.manages_candidate(request.user, candidate)
    applications = list(queries.applications_for(request.user).filter(candidate=candidate))
    context: dict[str, Any] = {
        "candidate": candidate,
        "runs": runs,
        "applications": applications,
        "attachments": queries.attachments_for(request.user).filter(candidate=candidate),
    }
    if runs:
        context["histories"] = queries.histories_by_application(request.user, applications)
        context["attachment_form"] = AttachmentForm()
        openings = _recruiting(request).exclude(applications__candidate=candidate)
        context["apply_form"] = ApplyForm(openings=openings) if openings.exists() else None
        campaigns = queries.campaigns_for_candidate(request.user, candidate)
        context["campaign_form"] = CampaignChoiceForm(campaigns=campaigns) if campaigns.exists() else None
        context["assessments"] = candidate.assessments.select_related("campaign")
    return render(request, "hiring/candidate_detail.html", context)


@require_POST
def candidate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = managed_candidate(request, pk)
    if not queries.may_erase_candidate(request.user, candidate):
        raise PermissionDenied(queries.ERASE_REFUSED)
    if request.POST.get("confirm") != candidate.full_name:
        messages.error(request, f"Type the candidate's name ({candidate.full_name}) to confirm the deletion.")
        return redirect("hiring:candidate", pk=candidate.pk)
    name = str(candidate)
    if step(
        request, lambda: services.delete_candidate(candidate=candidate), f"{name} and their records deleted."
    ):
        return redirect("hiring:candidates")
    return redirect("hiring:candidate", pk=candidate.pk)


@require_POST
def candidate_apply(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = managed_candidate(request, pk)
    form = ApplyForm(request.POST, openings=_recruiting(request))
    if not form.is_valid():
        messages.error(request, "Choose one of the positions you run.")
        return redirect("hiring:candidate", pk=candidate.pk)
    opening = form.cleaned_data["opening"]
    step(
        request,
        lambda: services.add_application(candidate=candidate, opening=opening, added_by=acting_user(request)),
        f"{candidate} added to {opening}.",
    )
    return redirect("hiring:candidate", pk=candidate.pk)


@require_POST
def candidate_assess(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = managed_candidate(request, pk)
    form = CampaignChoiceForm(
        request.POST, campaigns=queries.campaigns_for_candidate(request.user, candidate)
    )
    if not form.is_valid():
        messages.error(request, "Choose a campaign you may add this candidate to.")
        return redirect("hiring:candidate", pk=candidate.pk)
    campaign = form.cleaned_data["campaign"]
    step(
        request,
        lambda: services.add_to_campaign(
            candidate=candidate, campaign=campaign, default_raters=form.cleaned_data["default_raters"]
        ),
        f"{candidate} added to {campaign}.",
    )
    return redirect("hiring:candidate", pk=candidate.pk)


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = managed_candidate(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = save_with_form(
            form,
            lambda: services.add_attachment(
                candidate=candidate,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                uploaded_by=acting_user(request),
            ),
        )
        if attachment is not None:
            messages.success(request, f"{attachment.original_name} kept with {candidate}.")
            return redirect("hiring:candidate", pk=candidate.pk)
    errors = [str(e) for errs in form.errors.values() for e in errs]
    messages.error(request, "The file was not kept: " + " ".join(errors))
    return redirect("hiring:candidate", pk=candidate.pk)


def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file itself, for whoever may see the candidate (never a public address)."""
    attachment = get_object_or_404(queries.attachments_for(request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(queries.attachments_for(request.user), pk=pk)
    candidate = managed_candidate(request, attachment.candidate_id)
    step(
        request,
        lambda: services.delete_attachment(attachment=attachment),
        f"{attachment.original_name} deleted.",
    )
    return redirect("hiring:candidate", pk=candidate.pk)
