"""The start page's hiring cards."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.home import HomeCard
from kamkit.hiring.choices import ACTIVE_STAGES, InterviewStatus, Stage
from kamkit.hiring.models import Application, Interview, Opening
from kamkit.hiring.queries.access import managed_openings


def home_cards(user: Any) -> list[HomeCard]:
    if not getattr(user, "is_authenticated", False):
        return []
    cards = []
    to_score = (
        Interview.objects.filter(
            interviewer_id=user.pk, status=InterviewStatus.ASSIGNED, application__stage__in=ACTIVE_STAGES
        )
        .only("pk")
        .count()
    )
    if to_score:
        cards.append(
            HomeCard(
                title="Interviews to score",
                figure=to_score,
                link_text="Open my interviews",
                url_name="hiring:list",
                note="Score each candidate on your own before you see the panel's view.",
            )
        )
    if permissions.can(user, Action.ADD, Opening):
        open_places = Interview.objects.filter(application=OuterRef("pk"), status=InterviewStatus.ASSIGNED)
        ready = (
            Application.objects.filter(
                opening__in=managed_openings(user).values("pk"),
                stage=Stage.INTERVIEWING,
                interviews__status=InterviewStatus.SUBMITTED,
                decisions__isnull=True,
            )
            .filter(~Exists(open_places))
            .exclude(candidate__user_id=user.pk)
            .distinct()
            .count()
        )
        if ready:
            cards.append(
                HomeCard(
                    title="Candidates ready for a decision",
                    figure=ready,
                    link_text="Open hiring",
                    url_name="hiring:list",
                    note="Every interviewer on their panel has submitted.",
                )
            )
    return cards
