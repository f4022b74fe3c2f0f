"""Assessment pages: campaigns, subjects and raters, answering (signed in or by personal link),
individual and team reports, exports, questionnaires and the scale-quality page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kamkit.assessments import queries, reports, services
from kamkit.assessments.choices import LinkState
from kamkit.assessments.documents import CONTENT_TYPES, XLSX, write_bytes
from kamkit.assessments.forms import (
    AnswerForm,
    CampaignForm,
    ItemForm,
    QuestionnaireCopyForm,
    QuestionnaireForm,
    QuestionnaireImportForm,
    RaterForm,
    SubjectForm,
)
from kamkit.assessments.models import Assessment, Campaign, Item, Questionnaire, RaterInvitation
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.forms import acting_user as _acting
from kamkit.core.forms import add_service_errors
from kamkit.core.forms import save_with_form as _save
from kamkit.core.views import ListPage, is_htmx
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.users.models import User


class AssessmentsListPage(ListPage):
    """The assessment area's lists share its tabs."""

    template_name = "assessments/list_page.html"
    tab = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "tab": self.tab}


class AssessmentList(AssessmentsListPage):
    model = Assessment
    spec = queries.ASSESSMENT_LIST
    title = "Assessments"
    tab = "assessments"
    columns = [("subject", "Person"), ("campaign", "Campaign"), ("due", "Due"), ("", "Answers")]
    add_url_name = "assessments:campaign_create"

    def base_queryset(self) -> QuerySet[Any]:
        return queries.assessments_for(self.request.user)


class CampaignList(AssessmentsListPage):
    model = Campaign
    spec = queries.CAMPAIGN_LIST
    title = "Assessment campaigns"
    tab = "campaigns"
    columns = [("name", "Campaign"), ("status", "Status"), ("due", "Due"), ("", "People"), ("", "Answers")]
    add_url_name = "assessments:campaign_create"

    def base_queryset(self) -> QuerySet[Any]:
        return queries.campaigns_for(self.request.user)


class QuestionnaireList(AssessmentsListPage):
    model = Questionnaire
    spec = queries.QUESTIONNAIRE_LIST
    title = "Questionnaires"
    tab = "questionnaires"
    columns = [("name", "Questionnaire"), ("framework", "Framework"), ("", "Items")]
    add_url_name = "assessments:questionnaire_import"

    def base_queryset(self) -> QuerySet[Any]:
        return queries.questionnaires_for(self.request.user)


# Campaigns ----------------------------------------------------------------------------------------


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(queries.campaigns_for(request.user), pk=pk)


def _changeable_campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = _campaign(request, pk)
    permissions.require(request.user, Action.CHANGE, campaign)
    return campaign


def _published_questionnaires(request: HttpRequest) -> QuerySet[Questionnaire]:
    return queries.questionnaires_for(request.user).exclude(framework__status=FrameworkStatus.DRAFT)


def campaign_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, Action.ADD, Campaign)
    questionnaires = _published_questionnaires(request)
    first = questionnaires.first()
    initial = {"questionnaire": first, "benchmark": first.framework.benchmarks.first() if first else None}
    form = CampaignForm(request.POST or None, initial=initial, questionnaires=questionnaires)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = _save(
            form,
            lambda: services.create_campaign(
                name=data["name"],
                description=data["description"],
                questionnaire=data["questionnaire"],
                benchmark=data["benchmark"],
                due_date=data["due_date"],
                created_by=_acting(request),
            ),
        )
        if campaign is not None:
            messages.success(request, f"{campaign} created. Add the people to assess.")
            return redirect("assessments:campaign", pk=campaign.pk)
    return render(request, "assessments/form.html", {"form": form, "title": "New assessment campaign"})


def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _changeable_campaign(request, pk)
    initial = {
        "name": campaign.name,
        "description": campaign.description,
        "benchmark": campaign.benchmark,
        "due_date": campaign.due_date,
    }
    form = CampaignForm(
        request.POST or None,
        initial=initial,
        questionnaires=Questionnaire.objects.filter(pk=campaign.questionnaire_id),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = services.CampaignChanges(
            name=data["name"],
            description=data["description"],
            due_date=data["due_date"] if data["due_date"] != campaign.due_date else None,
            benchmark=data["benchmark"],
            clear_benchmark=data["benchmark"] is None,
        )
        if _save(form, lambda: services.update_campaign(campaign=campaign, changes=changes)) is not None:
            messages.success(request, "Saved.")
            return redirect("assessments:campaign", pk=campaign.pk)
    return render(
        request, "assessments/form.html", {"form": form, "title": f"Edit {campaign}", "campaign": campaign}
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    assessments = (
        queries.assessments_for(request.user)
        .filter(campaign=campaign)
        .order_by("subject_user__full_name", "candidate_name")
    )
    return render(
        request,
        "assessments/campaign_detail.html",
        {
            "campaign": campaign,
            "assessments": assessments,
            "can_change": permissions.can(request.user, Action.CHANGE, campaign),
        },
    )


@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Launch, close or delete a campaign."""
    campaign = _changeable_campaign(request, pk)
    actions = {"launch": services.launch_campaign, "close": services.close_campaign}
    try:
        with transaction.atomic():
            if action in actions:
                actions[action](campaign=campaign)
            elif action == "delete":
                permissions.require(request.user, Action.DELETE, campaign)
                services.delete_campaign(campaign=campaign)
                messages.success(request, f"{campaign} deleted.")
                return redirect("assessments:campaigns")
            else:
                raise Http404("No such action.")
    except ServiceError as exc:
        problems = [m for ms in exc.errors.values() for m in ms]
        messages.error(request, " ".join([exc.detail, *problems]))
    else:
        done = {"launch": "launched: the raters are being e-mailed their links", "close": "closed"}
        messages.success(request, f"{campaign} {done[action]}.")
    return redirect("assessments:campaign", pk=campaign.pk)


def _assessable_people(request: HttpRequest) -> QuerySet[User]:
    """The people the permission service lets this user assess (managers: their reporting line)."""
    people = User.objects.filter(is_active=True).order_by("full_name")
    allowed = [p.pk for p in people if permissions.can(request.user, Action.ADD, Assessment(subject_user=p))]
    return people.filter(pk__in=allowed)


def subject_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _changeable_campaign(request, pk)
    form = SubjectForm(request.POST or None, people=_assessable_people(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        probe = Assessment(
            campaign=campaign, subject_user=data["subject_user"], candidate_name=data["candidate_name"]
        )
        if not permissions.can(request.user, Action.ADD, probe):
            form.add_error(
                "subject_user" if data["subject_user"] else "candidate_name",
                "You may assess people in your own reporting line; directors and admins assess candidates.",
            )
        else:
            assessment = _save(
                form,
                lambda: services.add_subject(
                    campaign=campaign,
                    subject_user=data["subject_user"],
                    candidate_name=data["candidate_name"],
                    candidate_email=data["candidate_email"],
                    default_raters=data["default_raters"],
                ),
            )
            if assessment is not None:
                messages.success(request, f"{assessment.subject_name} added; add peers and customers next.")
                return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/form.html",
        {"form": form, "title": f"Add a person to {campaign}", "campaign": campaign},
    )


# One assessment -----------------------------------------------------------------------------------


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(queries.assessments_for(request.user), pk=pk)


def _managed_assessment(request: HttpRequest, pk: int) -> Assessment:
    """Raters are managed by whoever may change the campaign."""
    assessment = _assessment(request, pk)
    permissions.require(request.user, Action.CHANGE, assessment.campaign)
    return assessment


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    manages = permissions.can(request.user, Action.CHANGE, assessment.campaign)
    counts = queries.response_counts([assessment.pk]).get(assessment.pk, {})
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "campaign": assessment.campaign,
            "manages": manages,
            # who was asked, and who answered, is for the people running the campaign only
            "invitations": queries.invitations_of(assessment) if manages else [],
            "counts": sorted(counts.items()),
        },
    )


def rater_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, pk)
    people = User.objects.filter(is_active=True).order_by("full_name")
    form = RaterForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation = _save(
            form,
            lambda: services.invite_rater(
                assessment=assessment,
                relationship=data["relationship"],
                rater_user=data["rater_user"],
                rater_name=data["rater_name"],
                rater_email=data["rater_email"],
            ),
        )
        if invitation is not None:
            messages.success(request, f"{invitation.display_name} invited.")
            return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "title": f"Invite a rater for {assessment.subject_name}",
            "campaign": assessment.campaign,
            "assessment": assessment,
        },
    )


@require_POST
def invitation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    invitation = get_object_or_404(queries.invitations_for(request.user), pk=pk)
    permissions.require(request.user, Action.CHANGE, invitation.assessment.campaign)
    try:
        with transaction.atomic():
            if action == "resend":
                services.resend_invitation(invitation=invitation)
                messages.success(request, f"A new link is on its way to {invitation.display_name}.")
            elif action == "remove":
                services.remove_invitation(invitation=invitation)
                messages.success(request, f"{invitation.display_name} is no longer invited.")
            else:
                raise Http404("No such action.")
    except ServiceError as exc:
        messages.error(request, exc.detail)
    return redirect("assessments:detail", pk=invitation.assessment_id)


# Reports ------------------------------------------------------------------------------------------


def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    result = reports.results_for([assessment], detail=True)[assessment.pk]
    return render(
        request,
        "assessments/report.html",
        {
            "assessment": assessment,
            "campaign": assessment.campaign,
            "result": result,
            "chart": result.radar(),
            "group_labels": reports.GROUP_LABELS,
            "status_labels": reports.STATUS_LABELS,
            "minimum": settings.KAMKIT_ANONYMITY_MIN,
            "blind_spot_gap": settings.KAMKIT_BLIND_SPOT_GAP,
        },
    )


def assessment_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    result = reports.results_for([assessment], detail=True)[assessment.pk]
    response = HttpResponse(reports.report_pdf(result), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}.pdf"'
    return response


def team_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The people of one campaign whom the user may see (a manager sees their own team only), a page
    of them at a time; bench strength and distribution count all of them."""
    people = queries.report_assessments_for(request.user).filter(campaign_id=pk)
    campaign = Campaign.objects.select_related("questionnaire", "benchmark").filter(pk=pk).first()
    if campaign is None or not people.exists():
        raise Http404("No assessments of this campaign that you may see.")
    columns = reports.team_columns(campaign)
    spec = queries.team_list([(c.id, c.name) for c in columns])
    list_errors: dict[str, list[str]] = {}
    try:
        members = queries.team_members(request.user, pk, spec, request.GET)
    except ServiceError as exc:
        list_errors = exc.errors
        members = queries.team_members(request.user, pk, spec, {})
    page = Paginator(members, queries.TEAM_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    for person in shown:
        person.campaign = campaign  # one shared campaign object for every row
    context = {
        "campaign": campaign,
        "report": reports.team_report(columns, members, reports.results_for(shown).values()),
        "columns": [(f"c{c.id}", c) for c in columns],
        "page_obj": page,
        "spec": spec,
        "list_errors": list_errors,
        "current_sort": request.GET.get("sort", spec.default_sort),
        "filter_values": {f.name: request.GET.get(f.name, "") for f in spec.filters},
        "filter_choices": {f.name: f.choices() if f.choices else [] for f in spec.filters},
        "search": request.GET.get("q", ""),
        "filtered": not list_errors
        and any(request.GET.get(name) for name in ("q", *[f.name for f in spec.filters])),
        "can_open_campaign": _visible(request, campaign),
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "heatmap":
        return render(request, "assessments/team_report.html#heatmap", context)
    return render(request, "assessments/team_report.html", context)


def _visible(request: HttpRequest, campaign: Campaign) -> bool:
    return permissions.visible_to(request.user, Campaign).filter(pk=campaign.pk).exists()


def scores_export(request: HttpRequest) -> HttpResponse:
    """Every score the user may see: one row per person x competency x rater group."""
    assessments = queries.report_assessments_for(request.user)
    campaign = request.GET.get("campaign", "")
    if campaign.isdigit():
        assessments = assessments.filter(campaign_id=int(campaign))
    results = reports.results_for(list(assessments)).values()
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(reports.scores_xlsx(results), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="assessment-scores.xlsx"'
        return response
    response = HttpResponse(reports.scores_csv(results), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="assessment-scores.csv"'
    return response


def scale_quality(request: HttpRequest) -> HttpResponse:
    """Reliability and norms: for the people who maintain questionnaires (admins and directors)."""
    if not permissions.can(request.user, Action.CHANGE, Questionnaire):
        raise PermissionDenied("Scale quality is for admins and directors.")
    questionnaires = queries.questionnaires_for(request.user)
    chosen = request.GET.get("questionnaire", "")
    questionnaire = (
        (questionnaires.filter(pk=int(chosen)).first() if chosen.isdigit() else None)
        or questionnaires.filter(campaigns__isnull=False).first()
        or questionnaires.first()
    )
    return render(
        request,
        "assessments/quality.html",
        {
            "tab": "quality",
            "questionnaires": questionnaires,
            "questionnaire": questionnaire,
            "rows": reports.scale_quality(questionnaire) if questionnaire else [],
            "alpha_min": reports.ALPHA_MIN_RESPONSES,
        },
    )


# Answering ----------------------------------------------------------------------------------------


def invitations(request: HttpRequest) -> HttpResponse:
    """What the signed-in user is asked to answer."""
    mine = queries.invitations_to_answer(request.user).order_by(
        "submitted_at", "assessment__campaign__due_date"
    )
    rows = [(invitation, LinkState(services.link_state(invitation))) for invitation in mine]
    return render(request, "assessments/invitations.html", {"rows": rows, "tab": "invitations"})


def _answer_page(request: HttpRequest, invitation: RaterInvitation, *, by_link: bool) -> HttpResponse:
    state = services.link_state(invitation)
    if state != LinkState.VALID:
        return _link_problem(request, state)
    campaign = invitation.assessment.campaign
    questionnaire = campaign.questionnaire
    items = list(questionnaire.items.order_by("order", "id"))
    saved = {item_id: str(value) for item_id, value in invitation.answers.values_list("item_id", "value")}
    form = AnswerForm(
        request.POST or None,
        initial={f"item-{item_id}": value for item_id, value in saved.items()},
        items=items,
        labels=questionnaire.scale_labels,
        relationship=invitation.relationship,
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            with transaction.atomic():
                services.save_answers(invitation=invitation, answers=form.answers(), submit=submit)
        except services.LinkRefused as exc:
            return _link_problem(request, exc.state)
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            if submit:
                return render(request, "assessments/answer_done.html", {"invitation": invitation})
            messages.success(request, "Draft saved. Come back to this page any time before the due date.")
            return redirect(request.path)
    return render(
        request,
        "assessments/answer.html",
        {
            "form": form,
            "invitation": invitation,
            "campaign": campaign,
            "labels": questionnaire.scale_labels,
            "by_link": by_link,
            "is_self": invitation.relationship == "self",
        },
    )


LINK_STATUS: dict[str, int] = {LinkState.UNKNOWN: 404, LinkState.NOT_OPEN: 404}


def _link_problem(request: HttpRequest, state: str) -> HttpResponse:
    message = services.LINK_MESSAGES.get(state, "This link does not open a questionnaire.")
    if state == LinkState.UNKNOWN:
        message = "This link is not valid. Check that it was copied whole, or ask for a new one."
    return render(
        request,
        "assessments/link_problem.html",
        {"state": state, "message": message},
        status=LINK_STATUS.get(state, 410),
    )


@login_not_required
def answer_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link: no account needed. Unknown links are 404, used or expired ones 410."""
    invitation = queries.invitation_for_token(token)
    if invitation is None:
        return _link_problem(request, LinkState.UNKNOWN)
    return _answer_page(request, invitation, by_link=True)


def answer_signed_in(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(queries.invitations_to_answer(request.user), pk=pk)
    return _answer_page(request, invitation, by_link=False)


# Questionnaires -----------------------------------------------------------------------------------


def _questionnaire(request: HttpRequest, pk: int) -> Questionnaire:
    return get_object_or_404(queries.questionnaires_for(request.user), pk=pk)


def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk)
    can_change = permissions.can(request.user, Action.CHANGE, questionnaire)
    return render(
        request,
        "assessments/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "items": questionnaire.items.select_related("competency").order_by("order", "id"),
            "summary": queries.item_summary(questionnaire),
            "can_change": can_change,
            "can_copy": permissions.can(request.user, Action.ADD, Questionnaire),
            "answered": services.answer_sets(questionnaire) if can_change else 0,
        },
    )


def _changeable_questionnaire(request: HttpRequest, pk: int) -> Questionnaire:
    questionnaire = _questionnaire(request, pk)
    permissions.require(request.user, Action.CHANGE, questionnaire)
    return questionnaire


def _item_page(
    request: HttpRequest, questionnaire: Questionnaire, form: ItemForm, title: str
) -> HttpResponse:
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "title": title,
            "questionnaire": questionnaire,
            "answered": services.answer_sets(questionnaire),
            "help": "item",
        },
    )


def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _changeable_questionnaire(request, pk)
    form = ItemForm(request.POST or None, competencies=questionnaire.framework.competencies.order_by("order"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = _save(
            form,
            lambda: services.add_item(
                questionnaire=questionnaire,
                competency=data["competency"],
                self_text=data["self_text"],
                others_text=data["others_text"],
                reverse=data["reverse"],
                order=data["order"],
            ),
        )
        if item is not None:
            messages.success(request, "Statement added.")
            return redirect("assessments:questionnaire", pk=questionnaire.pk)
    return _item_page(request, questionnaire, form, f"Add a statement to {questionnaire}")


def item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    questionnaire = _changeable_questionnaire(request, pk)
    item: Item = get_object_or_404(questionnaire.items.select_related("competency"), pk=item_pk)
    initial = {
        "competency": item.competency,
        "self_text": item.self_text,
        "others_text": item.others_text,
        "reverse": item.reverse,
        "order": item.order,
    }
    form = ItemForm(
        request.POST or None,
        initial=initial,
        competencies=questionnaire.framework.competencies.order_by("order"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = services.ItemChanges(
            self_text=data["self_text"],
            others_text=data["others_text"],
            reverse=data["reverse"],
            competency=data["competency"],
            order=data["order"],
        )
        if _save(form, lambda: services.update_item(item=item, changes=changes)) is not None:
            messages.success(request, "Statement saved.")
            return redirect("assessments:questionnaire", pk=questionnaire.pk)
    return _item_page(request, questionnaire, form, "Edit a statement")


@require_POST
def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    questionnaire = _changeable_questionnaire(request, pk)
    item = get_object_or_404(questionnaire.items, pk=item_pk)
    try:
        with transaction.atomic():
            services.remove_item(item=item)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Statement removed.")
    return redirect("assessments:questionnaire", pk=questionnaire.pk)


def questionnaire_copy(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk)
    permissions.require(request.user, Action.ADD, Questionnaire)
    form = QuestionnaireCopyForm(request.POST or None, initial={"name": f"{questionnaire.name} (copy)"})
    if request.method == "POST" and form.is_valid():
        copy = _save(
            form,
            lambda: services.copy_questionnaire(questionnaire=questionnaire, name=form.cleaned_data["name"]),
        )
        if copy is not None:
            messages.success(request, f"{copy} is a copy of {questionnaire}; change its statements freely.")
            return redirect("assessments:questionnaire", pk=copy.pk)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "title": f"Copy {questionnaire} as a new questionnaire",
            "questionnaire": questionnaire,
        },
    )


def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk)
    permissions.require(request.user, Action.CHANGE, questionnaire)
    initial: dict[str, Any] = {"name": questionnaire.name, "description": questionnaire.description}
    initial.update({f"label_{i}": label for i, label in enumerate(questionnaire.scale_labels, start=1)})
    form = QuestionnaireForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            lambda: services.update_questionnaire(
                questionnaire=questionnaire,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                scale_labels=form.labels(),
            ),
        )
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("assessments:questionnaire", pk=questionnaire.pk)
    return render(
        request,
        "assessments/form.html",
        {"form": form, "title": f"Edit {questionnaire}", "questionnaire": questionnaire},
    )


def questionnaire_import(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, Action.ADD, Questionnaire)
    form = QuestionnaireImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        questionnaire = _save(
            form,
            lambda: services.import_questionnaire(
                data=upload.read(),
                filename=upload.name or "",
                format=form.cleaned_data["format"],
                framework=form.cleaned_data["framework"],
                name=form.cleaned_data["name"],
            ),
        )
        if questionnaire is not None:
            messages.success(request, f"{questionnaire} imported with {questionnaire.items.count()} items.")
            return redirect("assessments:questionnaire", pk=questionnaire.pk)
    return render(
        request,
        "assessments/form.html",
        {"form": form, "title": "Import a questionnaire", "multipart": True, "help": "import"},
    )


def questionnaire_export(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk)
    chosen = request.GET.get("format", "json")
    if chosen not in CONTENT_TYPES:
        return HttpResponse(
            "Unknown format; use json, yaml, csv or xlsx.", status=400, content_type="text/plain"
        )
    response = HttpResponse(
        write_bytes(queries.document_of(questionnaire), chosen), content_type=CONTENT_TYPES[chosen]
    )
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.slug}.{chosen}"'
    return response
