"""Candidates and their files, and the assessment campaigns a candidate may be added to."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.hiring.choices import ACTIVE_STAGES, CandidateSource
from kamkit.hiring.models import Candidate, CandidateAttachment
from kamkit.hiring.queries.access import visible_applications

CANDIDATE_LIST = ListSpec(
    search_fields=("full_name", "email", "source_detail"),
    filters=(
        ListFilter("source", "Source", "source", choices=lambda: list(CandidateSource.choices)),
        ListFilter(
            "internal",
            "Internal",
            "user__isnull",
            choices=lambda: [("yes", "Employees"), ("no", "External")],
            convert=lambda value: value == "no",
        ),
    ),
    sort_fields={"name": "full_name", "added": "created_at", "source": "source"},
    default_sort="name",
)


def candidates_for(user: Any) -> QuerySet[Candidate]:
    """Visible candidates (never the user themself) with the applications the user sees of theirs."""
    visible = permissions.visible_to(user, Candidate).values("pk")
    seen = Q(applications__in=visible_applications(user).values("pk"))
    candidates = (
        Candidate.objects.filter(pk__in=visible)
        .select_related("user", "created_by")
        .annotate(
            application_count=Count("applications", filter=seen, distinct=True),
            active_count=Count(
                "applications", filter=seen & Q(applications__stage__in=ACTIVE_STAGES), distinct=True
            ),
        )
    )
    return candidates


def attachments_for(user: Any) -> QuerySet[CandidateAttachment]:
    return permissions.visible_to(user, CandidateAttachment).select_related("candidate", "uploaded_by")


def campaigns_for_candidate(user: Any, candidate: Candidate) -> QuerySet[Any]:
    """Campaigns (not closed) that ``user`` runs and may add this candidate to."""
    from kamkit.assessments.choices import CampaignStatus
    from kamkit.assessments.models import Assessment, Campaign

    probe = Assessment(subject_user=candidate.user, candidate_name=candidate.full_name)
    if not permissions.can(user, Action.ADD, probe):
        return Campaign.objects.none()
    return (
        permissions.permitted(user, Campaign, Action.CHANGE)
        .exclude(status=CampaignStatus.CLOSED)
        .exclude(assessments__candidate=candidate)
        .order_by("-due_date", "-id")
    )
