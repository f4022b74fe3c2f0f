"""Plan pages, one module per part; ``urls.py`` reaches them all through this package.

- ``plans``: the list, starting a plan (with the account picker), the plan page, period, status,
  versions and sections;
- ``objectives``: objectives and their actions; ``execution``: marking occurrences, dashboards and
  the status report; ``team``: the team and reviews; ``opportunities``: opportunities from the plan;
- ``qualification``: scorecards and question sets; ``templates``: plan templates;
- ``calendar``: the calendar page and feed.
"""

from kamkit.plans.views.calendar import calendar_feed, calendar_page
from kamkit.plans.views.execution import (
    account_report,
    execution,
    occurrence_mark,
    plan_dashboard,
    status_report,
    team_dashboard,
)
from kamkit.plans.views.objectives import action_form, objective_form
from kamkit.plans.views.opportunities import opportunity_add, opportunity_detail, opportunity_edit
from kamkit.plans.views.plans import (
    PlanList,
    account_picker,
    plan_create,
    plan_delete,
    plan_detail,
    plan_edit,
    plan_new_version,
    plan_next_period,
    plan_status,
    section_edit,
)
from kamkit.plans.views.qualification import (
    question_edit,
    question_move,
    question_set_copy,
    question_set_detail,
    question_sets,
    scorecard_detail,
)
from kamkit.plans.views.team import member_add, member_remove, review_add
from kamkit.plans.views.templates import (
    template_copy,
    template_detail,
    template_offered,
    template_section_edit,
    template_section_move,
    templates,
)

__all__ = [
    "PlanList",
    "account_picker",
    "account_report",
    "action_form",
    "calendar_feed",
    "calendar_page",
    "execution",
    "member_add",
    "member_remove",
    "objective_form",
    "occurrence_mark",
    "opportunity_add",
    "opportunity_detail",
    "opportunity_edit",
    "plan_create",
    "plan_dashboard",
    "plan_delete",
    "plan_detail",
    "plan_edit",
    "plan_new_version",
    "plan_next_period",
    "plan_status",
    "question_edit",
    "question_move",
    "question_set_copy",
    "question_set_detail",
    "question_sets",
    "review_add",
    "scorecard_detail",
    "section_edit",
    "status_report",
    "team_dashboard",
    "template_copy",
    "template_detail",
    "template_offered",
    "template_section_edit",
    "template_section_move",
    "templates",
]
