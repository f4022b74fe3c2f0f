"""Who sees and who runs: the applications a user may see (never their own candidacy), and what
only the people running a position may do, asked of the permission service.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.hiring.models import Application, Candidate, ManagedCandidate, ManagedOpening, Opening


def not_own_candidacy(queryset: QuerySet[Any], user: Any, path: str) -> QuerySet[Any]:
    """Leave out the user's own candidacy (``path`` leads to the candidate's employee account).

    An employee never sees their own application, its panel, scorecards, history or decisions,
    whatever their role: a team lead who applies for a position of their team runs it for the
    other candidates, not for themself. The hiring models say so in their access policies
    (``never``), so the permission service applies it everywhere; this is for rows without a
    policy of their own (ratings, notes) read outside it."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return queryset
    return queryset.exclude(**{path: user_id})


def manages(user: Any, opening: Opening) -> bool:
    """May ``user`` run this opening (panel, kit, stages, decisions), not merely interview for it?"""
    return permissions.permitted(user, ManagedOpening, Action.CHANGE).filter(pk=opening.pk).exists()


def manages_candidate(user: Any, candidate: Candidate) -> bool:
    return permissions.permitted(user, ManagedCandidate, Action.CHANGE).filter(pk=candidate.pk).exists()


ERASE_REFUSED = (
    "This candidate is also considered for positions you do not run; erasing them would remove those "
    "applications too. Ask a director or admin."
)


def may_erase_candidate(user: Any, candidate: Candidate) -> bool:
    """Erasing a candidate removes every application they have: only someone who runs each of the
    positions they are considered for may do it (directors and admins run them all)."""
    if not manages_candidate(user, candidate) or not permissions.can(user, Action.DELETE, candidate):
        return False
    return not candidate.applications.exclude(opening__in=managed_openings(user).values("pk")).exists()


def managed_openings(user: Any) -> QuerySet[Opening]:
    return Opening.objects.filter(
        pk__in=permissions.permitted(user, ManagedOpening, Action.CHANGE).values("pk")
    )


def managed_candidates(user: Any) -> QuerySet[Candidate]:
    return Candidate.objects.filter(
        pk__in=permissions.permitted(user, ManagedCandidate, Action.CHANGE).values("pk")
    )


def visible_applications(user: Any) -> QuerySet[Application]:
    """The applications ``user`` may see (never their own: ``Application.access_policy.never``)."""
    return permissions.visible_to(user, Application)
