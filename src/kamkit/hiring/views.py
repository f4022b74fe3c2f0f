"""Hiring pages: positions and their candidates, candidates and their files, interview kits (page,
editor, PDF), the interviewer's scorecard, and the decision page with the panel's figures.

Seeing comes from the permission service; running a position (panel, kit, stages, decisions) is
``queries.manages``; a scorecard is written only by its interviewer and read under the
independence rule (``queries.readable_scorecards``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kamkit.core import permissions
from kamkit.core.choices import Action, Role
from kamkit.core.errors import ServiceError
from kamkit.core.forms import acting_user as _acting
from kamkit.core.forms import save_with_form as _save
from kamkit.core.views import ListPage, is_htmx
from kamkit.hiring import printouts, queries, services
from kamkit.hiring.choices import (
    ACTIVE_STAGES,
    FINAL_STAGES,
    OPENING_TRANSITIONS,
    STAGE_TRANSITIONS,
    InterviewStatus,
    OpeningStatus,
    Stage,
)
from kamkit.hiring.forms import (
    AnchorsForm,
    ApplyForm,
    AssignForm,
    AttachmentForm,
    CampaignChoiceForm,
    CandidateForm,
    DecisionForm,
    NewCandidateForm,
    OpeningForm,
    QuestionForm,
    RegenerateForm,
    ScheduleForm,
    ScorecardForm,
    StageForm,
)
from kamkit.hiring.models import (
    Application,
    Candidate,
    Interview,
    KitCompetency,
    KitQuestion,
    ManagedOpening,
    Opening,
)
from kamkit.users.models import User


class HiringListPage(ListPage):
    """The hiring area's lists share its tabs."""

    template_name = "hiring/list_page.html"
    tab = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "tab": self.tab}


class OpeningList(HiringListPage):
    model = Opening
    spec = queries.OPENING_LIST
    title = "Positions"
    tab = "positions"
    columns = [
        ("title", "Position"),
        ("manager", "Hiring manager"),
        ("level", "Level"),
        ("status", "Status"),
        ("", "Candidates"),
        ("opened", "Opened"),
    ]
    add_url_name = "hiring:opening_create"

    def base_queryset(self) -> QuerySet[Any]:
        return queries.openings_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["to_score"] = list(
            queries.my_interviews(self.request.user).filter(
                status=InterviewStatus.ASSIGNED, application__stage__in=ACTIVE_STAGES
            )[:20]
        )
        context["active_stages"] = ACTIVE_STAGES
        return context


class CandidateList(HiringListPage):
    model = Candidate
    spec = queries.CANDIDATE_LIST
    title = "Candidates"
    tab = "candidates"
    columns = [("name", "Candidate"), ("source", "Source"), ("", "Positions"), ("added", "Added")]
    add_url_name = "hiring:candidate_create"

    def base_queryset(self) -> QuerySet[Any]:
        return queries.candidates_for(self.request.user)


def my_interviews(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hiring/my_interviews.html",
        {"interviews": queries.my_interviews(request.user), "tab": "interviews"},
    )


# Helpers ------------------------------------------------------------------------------------------


def _opening(request: HttpRequest, pk: int) -> Opening:
    return get_object_or_404(queries.openings_for(request.user), pk=pk)


def _run(request: HttpRequest, opening: Opening) -> None:
    """Only the people running the position may change it; interviewers see it and nothing more."""
    if not queries.manages(request.user, opening):
        raise PermissionDenied(
            "Only the hiring manager, their managers, directors and admins run this position."
        )


def _managed_opening(request: HttpRequest, pk: int) -> Opening:
    opening = _opening(request, pk)
    _run(request, opening)
    return opening


def _candidate(request: HttpRequest, pk: int) -> Candidate:
    return get_object_or_404(queries.candidates_for(request.user), pk=pk)


def _managed_candidate(request: HttpRequest, pk: int) -> Candidate:
    candidate = _candidate(request, pk)
    if not queries.manages_candidate(request.user, candidate):
        raise PermissionDenied("Only the people running this candidate's hiring may change their record.")
    return candidate


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(queries.applications_for(request.user), pk=pk)


def _managed_application(request: HttpRequest, pk: int) -> Application:
    application = _application(request, pk)
    _run(request, application.opening)
    return application


def _step(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """A button without a form to redisplay: a refusal becomes an error message."""
    try:
        with transaction.atomic():
            action()
    except ServiceError as exc:
        details = " ".join(m for ms in exc.errors.values() for m in ms if m not in exc.detail)
        messages.error(request, f"{exc.detail} {details}".strip())
        return False
    messages.success(request, success)
    return True


def _form_page(request: HttpRequest, form: Any, title: str, **extra: Any) -> HttpResponse:
    return render(request, "hiring/form.html", {"form": form, "title": title, **extra})


def _hiring_managers(request: HttpRequest) -> QuerySet[User]:
    """Who this user may make hiring manager: themself and their line (managers), anyone (directors)."""
    people = User.objects.filter(is_active=True, role__in=[Role.ADMIN, Role.DIRECTOR, Role.MANAGER]).order_by(
        "full_name"
    )
    allowed = [
        p.pk for p in people if permissions.can(request.user, Action.ADD, ManagedOpening(hiring_manager=p))
    ]
    return people.filter(pk__in=allowed)


def _recruiting(request: HttpRequest) -> QuerySet[Opening]:
    return queries.managed_openings(request.user).filter(
        status__in=[OpeningStatus.OPEN, OpeningStatus.ON_HOLD]
    )


# Positions -------------------------------------------------------------------------------------------


def opening_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, Action.ADD, Opening)
    managers = _hiring_managers(request)
    form = OpeningForm(
        request.POST or None,
        managers=managers,
        initial={
            "hiring_manager": request.user if managers.filter(pk=request.user.pk or 0).exists() else None,
            "benchmark": queries.default_benchmark(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        probe = ManagedOpening(hiring_manager=data["hiring_manager"], team=data["team"])
        if not permissions.can(request.user, Action.ADD, probe):
            form.add_error("hiring_manager", "You may open positions for yourself and the people below you.")
        else:
            opening = _save(
                form,
                lambda: services.create_opening(
                    title=data["title"],
                    benchmark=data["benchmark"],
                    target_level=data["target_level"],
                    hiring_manager=data["hiring_manager"],
                    team=data["team"],
                    location=data["location"],
                    headcount=data["headcount"],
                    description=data["description"],
                    created_by=_acting(request),
                ),
            )
            if opening is not None:
                messages.success(request, f"{opening} is open; its interview kit is ready to review.")
                return redirect("hiring:opening", pk=opening.pk)
    return _form_page(request, form, "Open a position")


def opening_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opening = _managed_opening(request, pk)
    managers = _hiring_managers(request) | User.objects.filter(pk=opening.hiring_manager_id or 0)
    initial = {
        "title": opening.title,
        "benchmark": opening.benchmark,
        "target_level": opening.target_level,
        "hiring_manager": opening.hiring_manager,
        "team": opening.team,
        "location": opening.location,
        "headcount": opening.headcount,
        "description": opening.description,
    }
    form = OpeningForm(
        request.POST or None, initial=initial, managers=managers.distinct(), current=opening.benchmark
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = services.OpeningChanges(
            title=data["title"],
            benchmark=data["benchmark"],
            target_level=data["target_level"],
            hiring_manager=data["hiring_manager"],
            team=data["team"],
            clear_team=data["team"] is None,
            location=data["location"],
            headcount=data["headcount"],
            description=data["description"],
        )
        saved = _save(
            form, lambda: services.update_opening(opening=opening, changes=changes, by=_acting(request))
        )
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("hiring:opening", pk=opening.pk)
    return _form_page(request, form, f"Edit {opening}", opening=opening)


def opening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opening = _opening(request, pk)
    runs = queries.manages(request.user, opening)
    applications = list(
        queries.applications_for(request.user).filter(opening=opening).order_by("stage_changed_at", "id")
    )
    counts = queries.panel_counts([a.pk for a in applications])
    for application in applications:
        application.panel = counts.get(application.pk, (0, 0))  # type: ignore[attr-defined]
    board = [(Stage(stage), [a for a in applications if a.stage == stage]) for stage in ACTIVE_STAGES]
    closed = [a for a in applications if a.stage in FINAL_STAGES]
    context: dict[str, Any] = {
        "opening": opening,
        "runs": runs,
        "board": board,
        "closed": closed,
        "kit": getattr(opening, "kit", None),
        "statuses": sorted(OPENING_TRANSITIONS[opening.status], key=list(OpeningStatus.values).index),
    }
    if runs:
        taken = [a.candidate_id for a in applications]
        context["apply_form"] = ApplyForm(
            candidates=queries.managed_candidates(request.user).exclude(pk__in=taken).order_by("full_name")
        )
        context["calibration"] = queries.opening_agreement(opening)
    return render(request, "hiring/opening_detail.html", context)


@require_POST
def opening_status(request: HttpRequest, pk: int) -> HttpResponse:
    opening = _managed_opening(request, pk)
    status = request.POST.get("status", "")
    label = dict(OpeningStatus.choices).get(status, status)
    _step(
        request, lambda: services.set_opening_status(opening=opening, status=status), f"{opening}: {label}."
    )
    return redirect("hiring:opening", pk=opening.pk)


@require_POST
def opening_delete(request: HttpRequest, pk: int) -> HttpResponse:
    opening = _managed_opening(request, pk)
    permissions.require(request.user, Action.DELETE, opening)
    if _step(request, lambda: services.delete_opening(opening=opening), f"{opening} deleted."):
        return redirect("hiring:list")
    return redirect("hiring:opening", pk=opening.pk)


@require_POST
def opening_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an existing candidate to this position."""
    opening = _managed_opening(request, pk)
    form = ApplyForm(request.POST, candidates=queries.managed_candidates(request.user))
    if not form.is_valid():
        messages.error(request, "Choose a candidate to add.")
        return redirect("hiring:opening", pk=opening.pk)
    candidate = form.cleaned_data["candidate"]
    if _step(
        request,
        lambda: services.add_application(candidate=candidate, opening=opening, added_by=_acting(request)),
        f"{candidate} added to {opening}.",
    ):
        application = Application.objects.get(candidate=candidate, opening=opening)
        return redirect("hiring:application", pk=application.pk)
    return redirect("hiring:opening", pk=opening.pk)


# Interview kits -------------------------------------------------------------------------------------


def _kit_context(request: HttpRequest, opening: Opening) -> dict[str, Any]:
    kit = queries.kit_of(opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    runs = queries.manages(request.user, opening)
    if runs:
        queries.attach_suggestions(kit)
    return {
        "opening": opening,
        "kit": kit,
        "runs": runs,
        "in_use": runs and queries.scoring_started(opening),
        "stale": queries.kit_is_stale(kit, opening),
        "regenerate_form": RegenerateForm(),
    }


def kit_page(request: HttpRequest, pk: int) -> HttpResponse:
    opening = _opening(request, pk)
    return render(request, "hiring/kit.html", _kit_context(request, opening))


def kit_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    opening = _opening(request, pk)
    kit = queries.kit_of(opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    return _pdf_response(printouts.kit_pdf(kit, opening), f"interview-kit-{opening.pk}.pdf")


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_POST
def kit_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    opening = _managed_opening(request, pk)
    form = RegenerateForm(request.POST)
    confirm = form.is_valid() and form.cleaned_data["confirm"]
    _step(
        request,
        lambda: services.regenerate_kit(opening=opening, by=_acting(request), confirm=confirm),
        "The kit was rebuilt from the framework.",
    )
    return redirect("hiring:kit", pk=opening.pk)


def _kit_competency(request: HttpRequest, pk: int) -> KitCompetency:
    competency = get_object_or_404(
        permissions.visible_to(request.user, KitCompetency).select_related("kit", "kit__opening"), pk=pk
    )
    _run(request, competency.kit.opening)
    return competency


def _kit_fragment(request: HttpRequest, competency: KitCompetency, error: str = "") -> HttpResponse:
    """htmx gets the competency's block again; a plain post goes back to the kit page."""
    if is_htmx(request):
        opening = competency.kit.opening
        context = _kit_context(request, opening)
        fresh = next(c for c in context["kit"].competencies.all() if c.pk == competency.pk)
        return render(request, "hiring/partials/kit_competency.html", {**context, "c": fresh, "error": error})
    if error:
        messages.error(request, error)
    return redirect(f"{reverse('hiring:kit', args=[competency.kit.opening_id])}#competency-{competency.pk}")


def _refusal(exc: ServiceError) -> str:
    details = " ".join(m for ms in exc.errors.values() for m in ms if m not in exc.detail)
    return f"{exc.detail} {details}".strip()


@require_POST
def kit_competency(request: HttpRequest, pk: int) -> HttpResponse:
    """The kit editor's actions on one competency: drop or restore it, move it, rewrite its guide,
    add a question of your own or one from another level of the framework."""
    competency = _kit_competency(request, pk)
    action = request.POST.get("action", "")
    try:
        with transaction.atomic():
            if action in ("drop", "restore"):
                services.update_kit_competency(competency=competency, included=action == "restore")
            elif action in ("up", "down"):
                services.move_kit_competency(competency=competency, direction=1 if action == "down" else -1)
            elif action == "anchors":
                anchors_form = AnchorsForm(request.POST)
                anchors_form.is_valid()
                services.update_kit_competency(competency=competency, anchors=anchors_form.anchors())
            elif action == "add_question":
                question_form = QuestionForm(request.POST)
                question_form.is_valid()
                services.add_kit_question(
                    competency=competency,
                    text=question_form.cleaned_data.get("text", ""),
                    probes=question_form.probe_list(),
                )
            elif action == "copy_question":
                raw = request.POST.get("question_id", "")
                services.copy_framework_question(
                    competency=competency, question_id=int(raw) if raw.isdigit() else 0
                )
            else:
                raise Http404("No such action.")
    except ServiceError as exc:
        return _kit_fragment(request, competency, _refusal(exc))
    return _kit_fragment(request, competency)


@require_POST
def kit_question(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(
        permissions.visible_to(request.user, KitQuestion).select_related(
            "competency", "competency__kit", "competency__kit__opening"
        ),
        pk=pk,
    )
    competency = question.competency
    _run(request, competency.kit.opening)
    action = request.POST.get("action", "")
    try:
        with transaction.atomic():
            if action == "save":
                form = QuestionForm(request.POST)
                form.is_valid()
                services.update_kit_question(
                    question=question, text=form.cleaned_data.get("text", ""), probes=form.probe_list()
                )
            elif action == "delete":
                services.delete_kit_question(question=question)
            elif action in ("up", "down"):
                services.move_kit_question(question=question, direction=1 if action == "down" else -1)
            else:
                raise Http404("No such action.")
    except ServiceError as exc:
        return _kit_fragment(request, competency, _refusal(exc))
    return _kit_fragment(request, competency)


# Candidates -------------------------------------------------------------------------------------------


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
            candidate = services.create_candidate(data=form.candidate_input(), created_by=_acting(request))
            if data["opening"] is not None:
                services.add_application(
                    candidate=candidate, opening=data["opening"], added_by=_acting(request)
                )
            if data["file"] is not None:
                services.add_attachment(
                    candidate=candidate, upload=data["file"], kind="cv", uploaded_by=_acting(request)
                )
            return candidate

        candidate = _save(form, create)
        if candidate is not None:
            messages.success(request, f"{candidate} added.")
            return redirect("hiring:candidate", pk=candidate.pk)
    return _form_page(request, form, "Add a candidate", multipart=True)


def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _managed_candidate(request, pk)
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
        saved = _save(
            form, lambda: services.update_candidate(candidate=candidate, data=form.candidate_input())
        )
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("hiring:candidate", pk=candidate.pk)
    return _form_page(request, form, f"Edit {candidate}", candidate=candidate)


def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    runs = queries.manages_candidate(request.user, candidate)
    applications = list(queries.applications_for(request.user).filter(candidate=candidate))
    context: dict[str, Any] = {
        "candidate": candidate,
        "runs": runs,
        "applications": applications,
        "attachments": queries.attachments_for(request.user).filter(candidate=candidate),
    }
    if runs:
        context["histories"] = [
            (application, queries.stage_history(request.user, application)) for application in applications
        ]
        context["attachment_form"] = AttachmentForm()
        openings = _recruiting(request).exclude(applications__candidate=candidate)
        context["apply_form"] = ApplyForm(openings=openings) if openings.exists() else None
        campaigns = queries.campaigns_for_candidate(request.user, candidate)
        context["campaign_form"] = CampaignChoiceForm(campaigns=campaigns) if campaigns.exists() else None
        context["assessments"] = candidate.assessments.select_related("campaign")
    return render(request, "hiring/candidate_detail.html", context)


@require_POST
def candidate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _managed_candidate(request, pk)
    permissions.require(request.user, Action.DELETE, candidate)
    if request.POST.get("confirm") != candidate.full_name:
        messages.error(request, f"Type the candidate's name ({candidate.full_name}) to confirm the deletion.")
        return redirect("hiring:candidate", pk=candidate.pk)
    name = str(candidate)
    if _step(
        request, lambda: services.delete_candidate(candidate=candidate), f"{name} and their records deleted."
    ):
        return redirect("hiring:candidates")
    return redirect("hiring:candidate", pk=candidate.pk)


@require_POST
def candidate_apply(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _managed_candidate(request, pk)
    form = ApplyForm(request.POST, openings=_recruiting(request))
    if not form.is_valid():
        messages.error(request, "Choose one of the positions you run.")
        return redirect("hiring:candidate", pk=candidate.pk)
    opening = form.cleaned_data["opening"]
    _step(
        request,
        lambda: services.add_application(candidate=candidate, opening=opening, added_by=_acting(request)),
        f"{candidate} added to {opening}.",
    )
    return redirect("hiring:candidate", pk=candidate.pk)


@require_POST
def candidate_assess(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _managed_candidate(request, pk)
    form = CampaignChoiceForm(
        request.POST, campaigns=queries.campaigns_for_candidate(request.user, candidate)
    )
    if not form.is_valid():
        messages.error(request, "Choose a campaign you may add this candidate to.")
        return redirect("hiring:candidate", pk=candidate.pk)
    campaign = form.cleaned_data["campaign"]
    _step(
        request,
        lambda: services.add_to_campaign(
            candidate=candidate, campaign=campaign, default_raters=form.cleaned_data["default_raters"]
        ),
        f"{candidate} added to {campaign}.",
    )
    return redirect("hiring:candidate", pk=candidate.pk)


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _managed_candidate(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = _save(
            form,
            lambda: services.add_attachment(
                candidate=candidate,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                uploaded_by=_acting(request),
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
    candidate = _managed_candidate(request, attachment.candidate_id)
    _step(
        request,
        lambda: services.delete_attachment(attachment=attachment),
        f"{attachment.original_name} deleted.",
    )
    return redirect("hiring:candidate", pk=candidate.pk)


# Applications -------------------------------------------------------------------------------------


def _stage_choices(application: Application) -> list[tuple[str, str]]:
    if application.stage in FINAL_STAGES:
        return [(stage, Stage(stage).label) for stage in ACTIVE_STAGES]
    allowed = STAGE_TRANSITIONS[application.stage]
    return [(stage, label) for stage, label in Stage.choices if stage in allowed]


def _panel_people(application: Application) -> QuerySet[User]:
    taken = list(application.interviews.values_list("interviewer_id", flat=True))
    if application.candidate.user_id:
        taken.append(application.candidate.user_id)
    return User.objects.filter(is_active=True).exclude(pk__in=taken).order_by("full_name")


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    runs = queries.manages(request.user, application.opening)
    readable = set(queries.readable_scorecards(request.user, application).values_list("pk", flat=True))
    interviews = list(queries.interviews_for(request.user).filter(application=application))
    context: dict[str, Any] = {
        "application": application,
        "candidate": application.candidate,
        "opening": application.opening,
        "runs": runs,
        "interviews": [(interview, interview.pk in readable) for interview in interviews],
        "mine": next((i for i in interviews if i.interviewer_id == request.user.pk), None),
    }
    if runs:
        stage_form = StageForm()
        stage_form.fields["stage"].choices = [("", "Choose a stage…"), *_stage_choices(application)]  # type: ignore[attr-defined]
        context.update(
            stage_form=stage_form,
            final=application.stage in FINAL_STAGES,
            assign_form=AssignForm(people=_panel_people(application)),
            history=queries.stage_history(request.user, application),
            decisions=queries.decisions_for(request.user, application),
        )
    return render(request, "hiring/application_detail.html", context)


@require_POST
def application_stage(request: HttpRequest, pk: int) -> HttpResponse:
    application = _managed_application(request, pk)
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a stage.")
        return redirect("hiring:application", pk=application.pk)
    data = form.cleaned_data
    _step(
        request,
        lambda: services.move_stage(
            application=application,
            to_stage=data["stage"],
            changed_by=_acting(request),
            note=data["note"],
            reopen=data["reopen"],
        ),
        f"{application.candidate} moved to {Stage(data['stage']).label.lower()}.",
    )
    return redirect("hiring:application", pk=application.pk)


@require_POST
def interview_assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _managed_application(request, pk)
    form = AssignForm(request.POST, people=_panel_people(application))
    if not form.is_valid():
        problems = " ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"The interviewer was not assigned: {problems}")
        return redirect("hiring:application", pk=application.pk)
    interviewer = form.cleaned_data["interviewer"]
    _step(
        request,
        lambda: services.assign_interviewer(
            application=application,
            interviewer=interviewer,
            assigned_by=_acting(request),
            scheduled_at=form.cleaned_data["scheduled_at"],
        ),
        f"{interviewer} is on {application.candidate}'s panel.",
    )
    return redirect("hiring:application", pk=application.pk)


def _interview(request: HttpRequest, pk: int) -> Interview:
    return get_object_or_404(queries.interviews_for(request.user), pk=pk)


@require_POST
def interview_remove(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview(request, pk)
    _run(request, interview.application.opening)
    _step(
        request,
        lambda: services.remove_interviewer(interview=interview),
        f"{interview.interviewer} is off the panel.",
    )
    return redirect("hiring:application", pk=interview.application_id)


@require_POST
def interview_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview(request, pk)
    _run(request, interview.application.opening)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        _step(
            request,
            lambda: services.schedule_interview(
                interview=interview, scheduled_at=form.cleaned_data["scheduled_at"]
            ),
            "Interview time saved.",
        )
    else:
        messages.error(request, "Give a date and time like 2027-03-01 14:30.")
    return redirect("hiring:application", pk=interview.application_id)


# Scorecards ---------------------------------------------------------------------------------------------


def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """The interviewer fills their scorecard here (draft or submit); others read it once the
    independence rule allows, and get a 404 before (as if it did not exist)."""
    interview = _interview(request, pk)
    application = interview.application
    if not queries.readable_scorecards(request.user, application).filter(pk=interview.pk).exists():
        raise Http404("No such scorecard, or not yet: scorecards are shown once their interviewer submits.")
    kit = queries.kit_of(application.opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    writing = interview.interviewer_id == request.user.pk and not interview.is_submitted
    form = None
    if writing:
        form = ScorecardForm(request.POST or None, kit=kit, interview=interview)
        if request.method == "POST" and form.is_valid():
            submit = request.POST.get("action") == "submit"
            saved = _save(
                form,
                lambda: services.save_scorecard(
                    interview=interview,
                    by=_acting(request),
                    notes=form.notes(),
                    ratings=form.ratings(),
                    recommendation=form.cleaned_data["recommendation"],
                    summary=form.cleaned_data["summary"],
                    submit=submit,
                ),
            )
            if saved is not None:
                if submit:
                    messages.success(request, "Scorecard submitted. You can now see the panel's ratings.")
                else:
                    messages.success(request, "Draft saved; only you can see it.")
                return redirect("hiring:scorecard", pk=interview.pk)
    elif request.method == "POST":
        raise PermissionDenied("Only the interviewer writes this scorecard, and only until they submit it.")
    view = queries.scorecard_view(interview, kit)
    panel = None
    if interview.is_submitted and interview.interviewer_id == request.user.pk:
        panel = queries.panel_summary(request.user, application)
    return render(
        request,
        "hiring/scorecard.html",
        {
            "interview": interview,
            "application": application,
            "opening": application.opening,
            "kit": kit,
            "form": form,
            "view": view,
            "missing": {q.question.pk: q.missing for c in view.competencies for q in c.questions},
            "panel": panel,
            "runs": queries.manages(request.user, application.opening),
        },
    )


def interview_kit_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The kit printed for one interview: the candidate's and interviewer's names, room for notes."""
    interview = _interview(request, pk)
    opening = interview.application.opening
    kit = queries.kit_of(opening)
    if kit is None:
        raise Http404("This position has no interview kit.")
    content = printouts.kit_pdf(kit, opening, interview=interview)
    return _pdf_response(content, f"interview-{interview.pk}.pdf")


# Decisions ---------------------------------------------------------------------------------------------


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel's figures, the candidate's assessment results and fit, and the decision form."""
    application = _managed_application(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded = _save(
            form,
            lambda: services.record_decision(
                application=application,
                outcome=data["outcome"],
                reason=data["reason"],
                decided_by=_acting(request),
            ),
        )
        if recorded is not None:
            messages.success(request, f"Decision recorded: {recorded.get_outcome_display().lower()}.")
            return redirect("hiring:decision", pk=application.pk)
    return render(
        request,
        "hiring/decision.html",
        {
            "application": application,
            "candidate": application.candidate,
            "opening": application.opening,
            "panel": queries.panel_summary(request.user, application),
            "assessments": queries.assessment_views(application.candidate, application.opening),
            "decisions": queries.decisions_for(request.user, application),
            "form": form,
            "final": application.stage in FINAL_STAGES,
        },
    )
