"""Reading plans, one module per part (each list starts from the permission service):

- ``plans``: what each user may see, the facts a plan is written from, the plan page's lists;
- ``completeness``: how complete a plan is and what is missing or stale;
- ``execution``: completion, where objectives stand, what slipped, plan and team dashboards;
- ``calendar``: the calendar feed and the daily digest;
- ``qualification``: question sets and scorecards;
- ``templates``: plan templates;
- ``planned_hours``: planned time of actions per account, for the portfolio's return on time;
- ``home``: the start page's cards.

The names below are re-exported so that ``from kamkit.plans import queries`` keeps working.
"""

from kamkit.plans.clock import today
from kamkit.plans.queries.calendar import (
    DigestItems,
    calendar_occurrences,
    calendar_user,
    digest_items,
    digest_owner_ids,
    live_occurrences,
)
from kamkit.plans.queries.completeness import plan_completeness, plan_summary, smart_missing
from kamkit.plans.queries.execution import (
    MonthRow,
    ObjectiveRow,
    PlanDashboard,
    Slip,
    TeamDashboard,
    TeamPlanRow,
    completion_by_month,
    objective_rows,
    plan_completion,
    plan_dashboard,
    plan_occurrences,
    plan_progress,
    slipped,
    team_dashboard,
    track_counts,
)
from kamkit.plans.queries.home import home_cards
from kamkit.plans.queries.planned_hours import (
    counted_plans,
    planned_hours,
    planned_hours_by_account,
    planned_minutes_of,
)
from kamkit.plans.queries.plans import (
    PLAN_LIST,
    AccountMatch,
    action_occurrences,
    actions_for,
    deals_for,
    find_account,
    objectives_for,
    occurrences_for,
    opportunities_of,
    plannable_accounts,
    plans_for,
    search_accounts,
    situation_from_profile,
    versions_of,
    won_last_12_months,
)
from kamkit.plans.queries.qualification import (
    question_sets_for,
    questions_of,
    scorecard_profile,
    scorecards_for,
    scorecards_of,
)
from kamkit.plans.queries.templates import offered_templates, templates_for

__all__ = [
    "PLAN_LIST",
    "AccountMatch",
    "DigestItems",
    "MonthRow",
    "ObjectiveRow",
    "PlanDashboard",
    "Slip",
    "TeamDashboard",
    "TeamPlanRow",
    "action_occurrences",
    "actions_for",
    "calendar_occurrences",
    "calendar_user",
    "completion_by_month",
    "counted_plans",
    "deals_for",
    "digest_items",
    "digest_owner_ids",
    "find_account",
    "home_cards",
    "live_occurrences",
    "objective_rows",
    "objectives_for",
    "occurrences_for",
    "offered_templates",
    "opportunities_of",
    "plan_completeness",
    "plan_completion",
    "plan_dashboard",
    "plan_occurrences",
    "plan_progress",
    "plan_summary",
    "plannable_accounts",
    "planned_hours",
    "planned_hours_by_account",
    "planned_minutes_of",
    "plans_for",
    "question_sets_for",
    "questions_of",
    "scorecard_profile",
    "scorecards_for",
    "scorecards_of",
    "search_accounts",
    "situation_from_profile",
    "slipped",
    "smart_missing",
    "team_dashboard",
    "templates_for",
    "today",
    "track_counts",
    "versions_of",
    "won_last_12_months",
]
