"""Reading hiring data: lists that start from the permission service, the independence rule for
scorecards, the panel's figures for a decision, and the candidate's assessment results. One module
per part:

- ``access``: what a user sees and runs (never their own candidacy);
- ``openings``, ``candidates``, ``stages``: the lists, boards, files and stage histories;
- ``kits``: interview kits; ``interviews``: panels, scorecards and the independence rule;
- ``decisions``: the panel's figures, calibration, decisions, assessment results;
- ``home``: the start page's cards.

The names below are re-exported so that ``from kamkit.hiring import queries`` keeps working.
"""

from kamkit.hiring.queries.access import (
    ERASE_REFUSED,
    managed_candidates,
    managed_openings,
    manages,
    manages_candidate,
    may_erase_candidate,
    not_own_candidacy,
    visible_applications,
)
from kamkit.hiring.queries.candidates import (
    CANDIDATE_LIST,
    attachments_for,
    campaigns_for_candidate,
    candidates_for,
)
from kamkit.hiring.queries.decisions import (
    AssessmentView,
    PanelRow,
    PanelSummary,
    assessment_views,
    decisions_for,
    opening_agreement,
    panel_snapshot,
    panel_summary,
    shows_evidence,
    star_flags,
)
from kamkit.hiring.queries.home import home_cards
from kamkit.hiring.queries.interviews import (
    INTERVIEW_LIST,
    CompetencyView,
    QuestionView,
    ScorecardView,
    interviews_for,
    my_interviews,
    readable_scorecards,
    reminders_due,
    scorecard_view,
    waits_for_own_scorecard,
)
from kamkit.hiring.queries.kits import attach_suggestions, kit_is_stale, kit_of, scoring_started
from kamkit.hiring.queries.openings import OPENING_LIST, default_benchmark, openings_for, panel_counts
from kamkit.hiring.queries.stages import (
    APPLICATION_LIST,
    applications_for,
    histories_by_application,
    stage_histories,
    stage_history,
)

__all__ = [
    "APPLICATION_LIST",
    "CANDIDATE_LIST",
    "ERASE_REFUSED",
    "INTERVIEW_LIST",
    "OPENING_LIST",
    "AssessmentView",
    "CompetencyView",
    "PanelRow",
    "PanelSummary",
    "QuestionView",
    "ScorecardView",
    "applications_for",
    "assessment_views",
    "attach_suggestions",
    "attachments_for",
    "campaigns_for_candidate",
    "candidates_for",
    "decisions_for",
    "default_benchmark",
    "histories_by_application",
    "home_cards",
    "interviews_for",
    "kit_is_stale",
    "kit_of",
    "managed_candidates",
    "managed_openings",
    "manages",
    "manages_candidate",
    "may_erase_candidate",
    "my_interviews",
    "not_own_candidacy",
    "opening_agreement",
    "openings_for",
    "panel_counts",
    "panel_snapshot",
    "panel_summary",
    "readable_scorecards",
    "reminders_due",
    "scorecard_view",
    "scoring_started",
    "shows_evidence",
    "stage_histories",
    "stage_history",
    "star_flags",
    "visible_applications",
    "waits_for_own_scorecard",
]
