"""Reading assessments: lists that start from the permission service, token look-ups, reminders due.

Scores and reports are assembled in ``reports.py``; the numbers themselves come from ``scoring.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kamkit.assessments.choices import CampaignStatus, Relationship
from kamkit.assessments.documents import ItemDoc, QuestionnaireDoc
from kamkit.assessments.models import Assessment, Campaign, Questionnaire, RaterInvitation, hash_token
from kamkit.core import permissions
from kamkit.core.home import HomeCard
from kamkit.core.lists import ListFilter, ListSpec

QUESTIONNAIRE_LIST = ListSpec(
    search_fields=("name", "description", "framework__name"),
    sort_fields={"name": "name", "framework": "framework__name", "updated": "updated_at"},
    default_sort="name",
)

CAMPAIGN_LIST = ListSpec(
    search_fields=("name", "description", "questionnaire__name"),
    filters=(ListFilter("status", "Status", "status", choices=lambda: list(CampaignStatus.choices)),),
    sort_fields={"name": "name", "due": "due_date", "status": "status"},
    default_sort="-due",
)

ASSESSMENT_LIST = ListSpec(
    search_fields=("subject_user__full_name", "candidate_name", "campaign__name"),
    filters=(
        ListFilter("campaign", "Campaign", "campaign_id", convert=int),
        ListFilter(
            "status", "Campaign status", "campaign__status", choices=lambda: list(CampaignStatus.choices)
        ),
    ),
    sort_fields={
        "subject": "subject_user__full_name",
        "campaign": "campaign__name",
        "due": "campaign__due_date",
    },
    default_sort="-due",
)

INVITATION_LIST = ListSpec(
    search_fields=("assessment__subject_user__full_name", "assessment__candidate_name", "rater_name"),
    filters=(
        ListFilter(
            "relationship", "Relationship", "relationship", choices=lambda: list(Relationship.choices)
        ),
        ListFilter(
            "answered",
            "Answered",
            "submitted_at__isnull",
            choices=lambda: [("yes", "Yes"), ("no", "No")],
            convert=lambda value: value == "no",
        ),
    ),
    sort_fields={"due": "assessment__campaign__due_date", "subject": "assessment__subject_user__full_name"},
    default_sort="due",
)


def document_of(questionnaire: Questionnaire) -> QuestionnaireDoc:
    """The questionnaire as a plain document, for export (import gives back the same questionnaire)."""
    return QuestionnaireDoc(
        name=questionnaire.name,
        slug=questionnaire.slug,
        description=questionnaire.description,
        framework=questionnaire.framework.slug,
        version=questionnaire.builtin_release or 1,
        scale=list(questionnaire.scale_labels),
        items=[
            ItemDoc(
                competency=item.competency.name,
                self_text=item.self_text,
                others_text=item.others_text,
                reverse=item.reverse,
            )
            for item in questionnaire.items.select_related("competency").order_by("order", "id")
        ],
    )


def questionnaires_for(user: Any) -> QuerySet[Questionnaire]:
    return (
        permissions.visible_to(user, Questionnaire)
        .select_related("framework")
        .annotate(item_count=Count("items", distinct=True))
    )


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    return (
        permissions.visible_to(user, Campaign)
        .select_related("questionnaire", "benchmark", "created_by")
        .annotate(
            subject_count=Count("assessments", distinct=True),
            invitation_count=Count("assessments__invitations", distinct=True),
            answered_count=Count(
                "assessments__invitations",
                filter=Q(assessments__invitations__submitted_at__isnull=False),
                distinct=True,
            ),
        )
    )


def assessments_for(user: Any) -> QuerySet[Assessment]:
    return (
        permissions.visible_to(user, Assessment)
        .select_related("campaign", "campaign__questionnaire", "subject_user")
        .annotate(
            invitation_count=Count("invitations", distinct=True),
            answered_count=Count(
                "invitations", filter=Q(invitations__submitted_at__isnull=False), distinct=True
            ),
        )
    )


def invitations_for(user: Any) -> QuerySet[RaterInvitation]:
    return permissions.visible_to(user, RaterInvitation).select_related(
        "assessment", "assessment__campaign", "assessment__subject_user", "rater_user"
    )


def invitations_to_answer(user: Any) -> QuerySet[RaterInvitation]:
    """The user's own invitations (a manager also sees their people's, but answers only their own)."""
    return invitations_for(user).filter(rater_user_id=getattr(user, "pk", None))


def invitation_for_token(token: str) -> RaterInvitation | None:
    """The invitation behind a personal link, or None for a link that never existed."""
    if not token.startswith("r") or len(token) > 80:
        return None
    return (
        RaterInvitation.objects.select_related(
            "assessment",
            "assessment__subject_user",
            "assessment__campaign",
            "assessment__campaign__questionnaire",
            "rater_user",
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitations_of(assessment: Assessment) -> QuerySet[RaterInvitation]:
    return assessment.invitations.select_related("rater_user").order_by("relationship", "id")


def response_counts(assessment_ids: list[int]) -> dict[int, dict[str, tuple[int, int]]]:
    """assessment id -> relationship -> (invited, answered), in one aggregate query."""
    rows = (
        RaterInvitation.objects.filter(assessment_id__in=assessment_ids)
        .values("assessment_id", "relationship")
        .annotate(invited=Count("id"), answered=Count("id", filter=Q(submitted_at__isnull=False)))
    )
    counts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in rows:
        counts[row["assessment_id"]][row["relationship"]] = (row["invited"], row["answered"])
    return counts


# E-mails ------------------------------------------------------------------------------------------


def _by_rater(invitations: QuerySet[RaterInvitation]) -> dict[str, list[RaterInvitation]]:
    grouped: dict[str, list[RaterInvitation]] = defaultdict(list)
    for invitation in invitations:
        if invitation.email:
            grouped[invitation.email.lower()].append(invitation)
    return dict(grouped)


def _open_unanswered() -> QuerySet[RaterInvitation]:
    return RaterInvitation.objects.select_related(
        "assessment", "assessment__subject_user", "assessment__campaign", "rater_user"
    ).filter(
        submitted_at__isnull=True,
        assessment__campaign__status=CampaignStatus.OPEN,
        assessment__campaign__due_date__gte=timezone.localdate(),
    )


def invitations_to_send(
    campaign_id: int | None = None, invitation_id: int | None = None
) -> dict[str, list[RaterInvitation]]:
    """Unanswered invitations of open campaigns, by rater e-mail address (one e-mail per rater)."""
    invitations = _open_unanswered().order_by("assessment__campaign__due_date", "id")
    if campaign_id is not None:
        invitations = invitations.filter(assessment__campaign_id=campaign_id, invited_at__isnull=True)
    if invitation_id is not None:
        invitations = invitations.filter(pk=invitation_id)
    return _by_rater(invitations)


def reminders_due(now: dt.datetime | None = None) -> dict[str, list[RaterInvitation]]:
    """Raters to remind, with their unanswered invitations: invited before today, and not reminded
    today about anything (one reminder a day per rater, whatever the number of invitations)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    pending = _by_rater(
        _open_unanswered()
        .filter(invited_at__lt=start_of_today)
        .order_by("assessment__campaign__due_date", "id")
    )
    reminded_today = {
        email.lower()
        for email in RaterInvitation.objects.filter(last_reminded_at__gte=start_of_today).values_list(
            "rater_email", flat=True
        )
    } | {
        email.lower()
        for email in RaterInvitation.objects.filter(
            last_reminded_at__gte=start_of_today, rater_user__isnull=False
        ).values_list("rater_user__email", flat=True)
    }
    return {email: invitations for email, invitations in pending.items() if email not in reminded_today}


# Home page ---------------------------------------------------------------------------------------


def home_cards(user: Any) -> list[HomeCard]:
    if not getattr(user, "is_authenticated", False):
        return []
    waiting = (
        invitations_to_answer(user)
        .filter(submitted_at__isnull=True, assessment__campaign__status=CampaignStatus.OPEN)
        .count()
    )
    if not waiting:
        return []
    return [
        HomeCard(
            title="Assessments to answer",
            figure=waiting,
            link_text="Answer them",
            url_name="assessments:invitations",
            note="Colleagues are waiting for your view.",
        )
    ]
