"""API for questionnaires, campaigns, assessments, rater invitations, responses and scores.

The ``/responses/{token}`` operations are for raters without an account: the personal link's token
is their only credential, so they take no other authentication (``auth=None``).
"""

from typing import Any, Literal

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.api.lookups import pick
from kamkit.assessments import queries, reports, services
from kamkit.assessments.choices import DEFAULT_SCALE, LinkState
from kamkit.assessments.documents import CONTENT_TYPES, XLSX, ItemDoc, QuestionnaireDoc, write_bytes
from kamkit.assessments.models import Assessment, Campaign, Questionnaire, RaterInvitation
from kamkit.assessments.schemas import (
    LINK_RESPONSES,
    AssessmentCreate,
    AssessmentRead,
    AssessmentTeamReportRead,
    CampaignCreate,
    CampaignRead,
    CampaignUpdate,
    InvitationCreate,
    InvitationRead,
    QuestionnaireCopy,
    QuestionnaireCreate,
    QuestionnaireDocument,
    QuestionnaireItemCreate,
    QuestionnaireItemRead,
    QuestionnaireItemUpdate,
    QuestionnaireRead,
    RaterAnswersWrite,
    RaterResponseRead,
    ScoresRead,
)
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.frameworks.choices import FrameworkStatus
from kamkit.frameworks.models import BenchmarkProfile, Competency, Framework
from kamkit.users.models import User

router = Router(tags=["assessments"])


class CampaignListParams(Schema):
    q: str | None = None
    sort: str | None = None
    status: str | None = None


class AssessmentListParams(Schema):
    q: str | None = None
    sort: str | None = None
    campaign: str | None = None
    status: str | None = None


class InvitationListParams(Schema):
    q: str | None = None
    sort: str | None = None
    relationship: str | None = None
    answered: str | None = None


class QuestionnaireListParams(Schema):
    q: str | None = None
    sort: str | None = None


# Questionnaires -----------------------------------------------------------------------------------


@router.get("/questionnaires", response={200: list[QuestionnaireRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_questionnaires(request: HttpRequest, params: Query[QuestionnaireListParams]) -> Any:
    return queries.QUESTIONNAIRE_LIST.apply(queries.questionnaires_for(request.user), params.dict())


def _with_count(questionnaire: Questionnaire) -> Questionnaire:
    questionnaire.item_count = questionnaire.items.count()  # type: ignore[attr-defined]
    return questionnaire


@router.post("/questionnaires", response={201: QuestionnaireRead, **ERROR_RESPONSES})
def create_questionnaire(request: HttpRequest, payload: QuestionnaireCreate) -> Any:
    """A questionnaire from a document in the export shape."""
    permissions.require(request.user, Action.ADD, Questionnaire)
    published = Framework.objects.exclude(status=FrameworkStatus.DRAFT)
    framework = pick(
        published, payload.framework_id, "framework_id", "published framework"
    ) or services.framework_named(payload.framework)
    doc = QuestionnaireDoc(
        name=" ".join(payload.name.split()),
        slug=payload.slug,
        description=payload.description,
        framework=framework.slug,
        scale=payload.scale or list(DEFAULT_SCALE),
        items=[
            ItemDoc(i.competency.strip(), i.self_text.strip(), i.others_text.strip(), i.reverse)
            for i in payload.items
        ],
    )
    with transaction.atomic():
        questionnaire = services.create_questionnaire(framework=framework, doc=doc)
    return Status(201, _with_count(questionnaire))


@router.post("/questionnaires/import", response={201: QuestionnaireRead, **ERROR_RESPONSES})
def import_questionnaire(
    request: HttpRequest,
    file: File[UploadedFile],
    framework_id: Form[int | None] = None,
    name: Form[str] = "",
    format: Form[str] = "",
) -> Any:
    """Upload JSON or YAML (everything) or CSV/XLSX (items only: give ``name``); refused whole."""
    permissions.require(request.user, Action.ADD, Questionnaire)
    published = Framework.objects.exclude(status=FrameworkStatus.DRAFT)
    framework = pick(published, framework_id, "framework_id", "published framework")
    with transaction.atomic():
        questionnaire = services.import_questionnaire(
            data=file.read(), filename=file.name or "", format=format, framework=framework, name=name
        )
    return Status(201, _with_count(questionnaire))


@router.get("/questionnaires/{questionnaire_id}", response={200: QuestionnaireRead, **ERROR_RESPONSES})
def get_questionnaire(request: HttpRequest, questionnaire_id: int) -> Any:
    return get_object_or_404(queries.questionnaires_for(request.user), pk=questionnaire_id)


@router.get(
    "/questionnaires/{questionnaire_id}/export",
    response={200: QuestionnaireDocument, **ERROR_RESPONSES},
    openapi_extra={
        "responses": {
            200: {
                "description": "The questionnaire as JSON, YAML, or CSV or Excel (items only).",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/QuestionnaireDocument"}},
                    "application/yaml": {"schema": {"type": "string"}},
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_questionnaire(
    request: HttpRequest, questionnaire_id: int, format: Literal["json", "yaml", "csv", "xlsx"] = "json"
) -> Any:
    questionnaire = get_object_or_404(queries.questionnaires_for(request.user), pk=questionnaire_id)
    response = HttpResponse(
        write_bytes(queries.document_of(questionnaire), format), content_type=CONTENT_TYPES[format]
    )
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.slug}.{format}"'
    return response


@router.post("/questionnaires/{questionnaire_id}/copy", response={201: QuestionnaireRead, **ERROR_RESPONSES})
def copy_questionnaire(request: HttpRequest, questionnaire_id: int, payload: QuestionnaireCopy) -> Any:
    """A new questionnaire with the same statements, to change freely (the original keeps its meaning)."""
    questionnaire = get_object_or_404(queries.questionnaires_for(request.user), pk=questionnaire_id)
    permissions.require(request.user, Action.ADD, Questionnaire)
    with transaction.atomic():
        copy = services.copy_questionnaire(questionnaire=questionnaire, name=payload.name)
    return Status(201, _with_count(copy))


def _changeable_questionnaire(request: HttpRequest, questionnaire_id: int) -> Questionnaire:
    questionnaire = get_object_or_404(queries.questionnaires_for(request.user), pk=questionnaire_id)
    permissions.require(request.user, Action.CHANGE, questionnaire)
    return questionnaire


def _competency(questionnaire: Questionnaire, competency_id: int | None) -> Competency | None:
    return pick(
        Competency.objects.filter(framework_id=questionnaire.framework_id),
        competency_id,
        "competency_id",
        f"competency of {questionnaire.framework}",
    )


@router.get(
    "/questionnaires/{questionnaire_id}/items",
    response={200: list[QuestionnaireItemRead], **ERROR_RESPONSES},
)
def list_questionnaire_items(request: HttpRequest, questionnaire_id: int) -> Any:
    questionnaire = get_object_or_404(queries.questionnaires_for(request.user), pk=questionnaire_id)
    return questionnaire.items.select_related("competency").order_by("order", "id")


@router.post(
    "/questionnaires/{questionnaire_id}/items", response={201: QuestionnaireItemRead, **ERROR_RESPONSES}
)
def add_questionnaire_item(
    request: HttpRequest, questionnaire_id: int, payload: QuestionnaireItemCreate
) -> Any:
    """Add a statement (admins and directors), refused once raters have answered the questionnaire."""
    questionnaire = _changeable_questionnaire(request, questionnaire_id)
    competency = _competency(questionnaire, payload.competency_id)
    assert competency is not None
    with transaction.atomic():
        item = services.add_item(
            questionnaire=questionnaire,
            competency=competency,
            self_text=payload.self_text,
            others_text=payload.others_text,
            reverse=payload.reverse,
            order=payload.order,
        )
    return Status(201, item)


@router.patch(
    "/questionnaires/{questionnaire_id}/items/{item_id}",
    response={200: QuestionnaireItemRead, **ERROR_RESPONSES},
)
def update_questionnaire_item(
    request: HttpRequest, questionnaire_id: int, item_id: int, payload: QuestionnaireItemUpdate
) -> Any:
    """Fix wording or order at any time; keying and competency only while nobody has answered (409)."""
    questionnaire = _changeable_questionnaire(request, questionnaire_id)
    item = get_object_or_404(questionnaire.items.select_related("competency"), pk=item_id)
    sent = payload.dict(exclude_unset=True)
    changes = services.ItemChanges(
        self_text=sent.get("self_text"),
        others_text=sent.get("others_text"),
        reverse=sent.get("reverse"),
        competency=_competency(questionnaire, sent.get("competency_id")),
        order=sent.get("order"),
    )
    with transaction.atomic():
        services.update_item(item=item, changes=changes)
    return item


@router.delete("/questionnaires/{questionnaire_id}/items/{item_id}", response={204: None, **ERROR_RESPONSES})
def remove_questionnaire_item(request: HttpRequest, questionnaire_id: int, item_id: int) -> Any:
    """Remove a statement; refused (409) once raters have answered, and for the last one."""
    questionnaire = _changeable_questionnaire(request, questionnaire_id)
    item = get_object_or_404(questionnaire.items, pk=item_id)
    with transaction.atomic():
        services.remove_item(item=item)
    return Status(204, None)


# Campaigns ----------------------------------------------------------------------------------------


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(queries.campaigns_for(request.user), pk=campaign_id)


def _changeable(request: HttpRequest, campaign_id: int) -> Campaign:
    campaign = _campaign(request, campaign_id)
    permissions.require(request.user, Action.CHANGE, campaign)
    return campaign


def _campaign_read(request: HttpRequest, campaign_id: int) -> Campaign:
    return _campaign(request, campaign_id)  # re-read for the counts


@router.get("/campaigns", response={200: list[CampaignRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_campaigns(request: HttpRequest, params: Query[CampaignListParams]) -> Any:
    return queries.CAMPAIGN_LIST.apply(queries.campaigns_for(request.user), params.dict())


@router.post("/campaigns", response={201: CampaignRead, **ERROR_RESPONSES})
def create_campaign(request: HttpRequest, payload: CampaignCreate) -> Any:
    permissions.require(request.user, Action.ADD, Campaign)
    questionnaire = pick(
        queries.questionnaires_for(request.user).exclude(framework__status=FrameworkStatus.DRAFT),
        payload.questionnaire_id,
        "questionnaire_id",
        "questionnaire",
    )
    benchmark = pick(BenchmarkProfile.objects.all(), payload.benchmark_id, "benchmark_id", "benchmark")
    with transaction.atomic():
        campaign = services.create_campaign(
            name=payload.name,
            description=payload.description,
            questionnaire=questionnaire,
            benchmark=benchmark,
            due_date=payload.due_date,
            created_by=request.user,  # type: ignore[arg-type]
        )
    return Status(201, _campaign_read(request, campaign.pk))


@router.get("/campaigns/{campaign_id}", response={200: CampaignRead, **ERROR_RESPONSES})
def get_campaign(request: HttpRequest, campaign_id: int) -> Any:
    return _campaign(request, campaign_id)


@router.patch("/campaigns/{campaign_id}", response={200: CampaignRead, **ERROR_RESPONSES})
def update_campaign(request: HttpRequest, campaign_id: int, payload: CampaignUpdate) -> Any:
    campaign = _changeable(request, campaign_id)
    sent = payload.dict(exclude_unset=True)
    benchmark = pick(BenchmarkProfile.objects.all(), sent.get("benchmark_id"), "benchmark_id", "benchmark")
    changes = services.CampaignChanges(
        name=sent.get("name"),
        description=sent.get("description"),
        due_date=sent.get("due_date"),
        benchmark=benchmark,
        clear_benchmark="benchmark_id" in sent and sent["benchmark_id"] is None,
    )
    with transaction.atomic():
        services.update_campaign(campaign=campaign, changes=changes)
    return _campaign_read(request, campaign_id)


@router.post("/campaigns/{campaign_id}/launch", response={200: CampaignRead, **ERROR_RESPONSES})
def launch_campaign(request: HttpRequest, campaign_id: int) -> Any:
    """Open for answers: every rater is e-mailed their personal link (by a background task)."""
    campaign = _changeable(request, campaign_id)
    with transaction.atomic():
        services.launch_campaign(campaign=campaign)
    return _campaign_read(request, campaign_id)


@router.post("/campaigns/{campaign_id}/close", response={200: CampaignRead, **ERROR_RESPONSES})
def close_campaign(request: HttpRequest, campaign_id: int) -> Any:
    campaign = _changeable(request, campaign_id)
    with transaction.atomic():
        services.close_campaign(campaign=campaign)
    return _campaign_read(request, campaign_id)


@router.delete("/campaigns/{campaign_id}", response={204: None, **ERROR_RESPONSES})
def delete_campaign(request: HttpRequest, campaign_id: int) -> Any:
    campaign = _campaign(request, campaign_id)
    permissions.require(request.user, Action.DELETE, campaign)
    with transaction.atomic():
        services.delete_campaign(campaign=campaign)
    return Status(204, None)


# Assessments --------------------------------------------------------------------------------------


def _assessment_read(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "campaign": {"id": assessment.campaign_id, "name": assessment.campaign.name},
        "subject_user": assessment.subject_user,
        "candidate_name": assessment.candidate_name,
        "candidate_email": assessment.candidate_email,
        "subject_name": assessment.subject_name,
        "invitation_count": getattr(assessment, "invitation_count", 0),
        "answered_count": getattr(assessment, "answered_count", 0),
    }


@router.get("/assessments", response={200: list[AssessmentRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_assessments(request: HttpRequest, params: Query[AssessmentListParams]) -> Any:
    return queries.ASSESSMENT_LIST.apply(queries.assessments_for(request.user), params.dict())


@router.get("/campaigns/{campaign_id}/assessments", response={200: list[AssessmentRead], **ERROR_RESPONSES})
def list_campaign_assessments(request: HttpRequest, campaign_id: int) -> Any:
    campaign = _campaign(request, campaign_id)
    return [_assessment_read(a) for a in queries.assessments_for(request.user).filter(campaign=campaign)]


@router.post("/campaigns/{campaign_id}/assessments", response={201: AssessmentRead, **ERROR_RESPONSES})
def add_subject(request: HttpRequest, campaign_id: int, payload: AssessmentCreate) -> Any:
    """Assess an employee (``subject_user_id``) or a candidate (``candidate_name``/``candidate_email``)."""
    campaign = _changeable(request, campaign_id)
    active = User.objects.filter(is_active=True)
    subject = pick(active, payload.subject_user_id, "subject_user_id", "active user")
    peers = [pick(active, pk, "peer_ids", "active user") for pk in payload.peer_ids]
    permissions.require(
        request.user,
        Action.ADD,
        Assessment(campaign=campaign, subject_user=subject, candidate_name=payload.candidate_name),
    )
    with transaction.atomic():
        assessment = services.add_subject(
            campaign=campaign,
            subject_user=subject,
            candidate_name=payload.candidate_name,
            candidate_email=payload.candidate_email,
            default_raters=payload.default_raters,
        )
        for peer in peers:
            services.invite_rater(assessment=assessment, relationship="peer", rater_user=peer)
    return Status(201, _assessment_read(queries.assessments_for(request.user).get(pk=assessment.pk)))


def _assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    return get_object_or_404(queries.assessments_for(request.user), pk=assessment_id)


@router.get("/assessments/{assessment_id}", response={200: AssessmentRead, **ERROR_RESPONSES})
def get_assessment(request: HttpRequest, assessment_id: int) -> Any:
    return _assessment_read(_assessment(request, assessment_id))


@router.get("/assessments/{assessment_id}/scores", response={200: ScoresRead, **ERROR_RESPONSES})
def get_scores(request: HttpRequest, assessment_id: int) -> Any:
    """Scores per competency and rater group, benchmark fit, gaps and self-vs-others; anonymous
    groups only as means, from KAMKIT_ANONYMITY_MIN answers and once the campaign is closed."""
    assessment = _assessment(request, assessment_id)
    result = reports.results_for([assessment])[assessment.pk]
    names = {row.id: row.name for row in result.competencies}
    return {
        "assessment_id": assessment.pk,
        "subject_name": assessment.subject_name,
        "campaign_status": assessment.campaign.status,
        "withheld": result.withheld,
        "groups": result.groups,
        "overall_fit": result.fit.overall,
        "competencies": [
            {
                "competency_id": row.id,
                "name": row.name,
                "band_low": row.band.low if row.band else None,
                "band_high": row.band.high if row.band else None,
                "importance": row.band.importance if row.band else None,
                "basis_score": row.basis.score,
                "basis_group": row.basis.group,
                "fit": row.fit,
                "scores": [
                    {"group": group, "score": score.score, "raters": score.raters, "status": score.status}
                    for group, score in row.groups.items()
                ],
            }
            for row in result.competencies
        ],
        "gaps": [
            {
                "competency_id": gap.competency_id,
                "name": names[gap.competency_id],
                "distance": gap.distance,
                "direction": gap.direction,
                "importance": gap.band.importance,
            }
            for gap in result.fit.gaps
        ],
        "self_other": [vars(view) for view in result.self_other],
        "counts": [
            {"relationship": relationship, "invited": invited, "answered": answered}
            for relationship, (invited, answered) in sorted(result.counts.items())
        ],
    }


@router.get(
    "/campaigns/{campaign_id}/team-report", response={200: AssessmentTeamReportRead, **ERROR_RESPONSES}
)
def get_team_report(request: HttpRequest, campaign_id: int) -> Any:
    """Heatmap, bench strength and distribution over the people of the campaign the caller may see:
    a manager gets their own team, whoever ran the campaign (404 when they may see nobody in it)."""
    people = queries.report_assessments_for(request.user).filter(campaign_id=campaign_id)
    assessments = sorted(people, key=lambda a: a.subject_name.casefold())
    if not assessments:
        raise Http404("No assessments of this campaign that you may see.")
    campaign = assessments[0].campaign
    report = reports.team_report(
        reports.team_columns(campaign), people, reports.results_for(assessments).values()
    )
    return {
        "campaign_id": campaign_id,
        "campaign_status": campaign.status,
        "bucket_labels": report.bucket_labels,
        "competencies": [
            {
                "competency_id": c.id,
                "name": c.name,
                "band_low": c.band.low if c.band else None,
                "band_high": c.band.high if c.band else None,
                "below": c.strength.below if c.strength else None,
                "inside": c.strength.inside if c.strength else None,
                "above": c.strength.above if c.strength else None,
                "ready_share": c.strength.ready_share if c.strength else None,
                "mean": c.mean,
                "buckets": c.buckets,
            }
            for c in report.competencies
        ],
        "people": [
            {
                "assessment_id": row.result.assessment.pk,
                "subject_name": row.result.assessment.subject_name,
                "overall_fit": row.result.fit.overall,
                "cells": [
                    {"competency_id": cell.id, "score": cell.basis.score, "relation": cell.relation}
                    for cell in row.cells
                ],
            }
            for row in report.rows
        ],
    }


# Invitations --------------------------------------------------------------------------------------


@router.get("/invitations", response={200: list[InvitationRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_invitations(request: HttpRequest, params: Query[InvitationListParams]) -> Any:
    """Your own invitations to rate someone, and those of the campaigns you run."""
    return queries.INVITATION_LIST.apply(queries.invitations_for(request.user), params.dict())


@router.get(
    "/assessments/{assessment_id}/invitations", response={200: list[InvitationRead], **ERROR_RESPONSES}
)
def list_assessment_invitations(request: HttpRequest, assessment_id: int) -> Any:
    """Who is asked to rate this person: for the people running the campaign only."""
    assessment = _assessment(request, assessment_id)
    permissions.require(request.user, Action.CHANGE, assessment.campaign)
    return queries.invitations_of(assessment)


@router.post("/assessments/{assessment_id}/invitations", response={201: InvitationRead, **ERROR_RESPONSES})
def invite_rater(request: HttpRequest, assessment_id: int, payload: InvitationCreate) -> Any:
    assessment = _assessment(request, assessment_id)
    permissions.require(request.user, Action.CHANGE, assessment.campaign)
    rater = pick(User.objects.filter(is_active=True), payload.rater_user_id, "rater_user_id", "active user")
    with transaction.atomic():
        invitation = services.invite_rater(
            assessment=assessment,
            relationship=payload.relationship,
            rater_user=rater,
            rater_name=payload.rater_name,
            rater_email=payload.rater_email,
        )
    return Status(201, invitation)


def _managed_invitation(request: HttpRequest, invitation_id: int) -> RaterInvitation:
    invitation = get_object_or_404(queries.invitations_for(request.user), pk=invitation_id)
    permissions.require(request.user, Action.CHANGE, invitation.assessment.campaign)
    return invitation


@router.post("/invitations/{invitation_id}/resend", response={200: InvitationRead, **ERROR_RESPONSES})
def resend_invitation(request: HttpRequest, invitation_id: int) -> Any:
    """E-mail a new personal link; the previous link stops working, saved answers are kept."""
    invitation = _managed_invitation(request, invitation_id)
    with transaction.atomic():
        services.resend_invitation(invitation=invitation)
    return invitation


@router.delete("/invitations/{invitation_id}", response={204: None, **ERROR_RESPONSES})
def remove_invitation(request: HttpRequest, invitation_id: int) -> Any:
    invitation = _managed_invitation(request, invitation_id)
    with transaction.atomic():
        services.remove_invitation(invitation=invitation)
    return Status(204, None)


# Responses through a personal link ----------------------------------------------------------------


def _by_token(token: str) -> RaterInvitation:
    invitation = queries.invitation_for_token(token)
    if invitation is None:
        raise Http404("This link is not valid.")
    return invitation


def _usable(token: str) -> RaterInvitation:
    invitation = _by_token(token)
    state = services.link_state(invitation)
    if state == LinkState.NOT_OPEN:
        raise Http404("This link is not valid yet.")
    if state != LinkState.VALID:
        raise services.LinkRefused(state, services.LINK_MESSAGES[state])
    return invitation


def _response_read(invitation: RaterInvitation) -> dict[str, Any]:
    campaign = invitation.assessment.campaign
    saved = dict(invitation.answers.values_list("item_id", "value"))
    return {
        "subject_name": invitation.assessment.subject_name,
        "relationship": invitation.relationship,
        "campaign": campaign.name,
        "due_date": campaign.due_date,
        "closes_at": campaign.closes_at,
        "scale_labels": campaign.questionnaire.scale_labels,
        "items": [
            {"id": item.pk, "text": item.text_for(invitation.relationship), "answer": saved.get(item.pk)}
            for item in campaign.questionnaire.items.order_by("order", "id")
        ],
        "draft_saved_at": invitation.draft_saved_at,
        "submitted": invitation.is_submitted,
    }


def _answers(payload: RaterAnswersWrite) -> dict[int, int | None]:
    return {answer.item_id: answer.value for answer in payload.answers}


@router.get("/responses/{token}", response={200: RaterResponseRead, **LINK_RESPONSES}, auth=None)
def get_response(request: HttpRequest, token: str) -> Any:
    """The questionnaire worded for this rater, with the answers saved so far."""
    return _response_read(_usable(token))


@router.put("/responses/{token}", response={200: RaterResponseRead, **LINK_RESPONSES}, auth=None)
def save_draft(request: HttpRequest, token: str, payload: RaterAnswersWrite) -> Any:
    """Replace the saved answers (a draft); come back any time before the due date."""
    invitation = _usable(token)
    with transaction.atomic():
        services.save_answers(invitation=invitation, answers=_answers(payload), submit=False)
    return _response_read(invitation)


@router.post("/responses/{token}/submit", response={200: RaterResponseRead, **LINK_RESPONSES}, auth=None)
def submit_response(request: HttpRequest, token: str, payload: RaterAnswersWrite) -> Any:
    """Submit for good (with these answers, or the saved draft when none are sent). The link then
    stops working."""
    invitation = _usable(token)
    answers = _answers(payload) or dict(invitation.answers.values_list("item_id", "value"))
    with transaction.atomic():
        services.save_answers(invitation=invitation, answers=answers, submit=True)
    return _response_read(invitation)
