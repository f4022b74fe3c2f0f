"""Every write to account plans, their execution and qualification. Callers own the transaction.

Rules that hold for the pages, the API, the command line and the demo alike live here once:
SMART objectives, occurrences kept in step with their action, closed plans read-only, one
active version per account and period, and a reason for every go/no-go. One module per part:

- ``plans``: periods, versions, status, sections; ``team``: the people on both sides;
- ``objectives``: SMART objectives; ``actions``: actions, occurrences and marking them;
- ``opportunities``: the account's open deals, from the plan; ``reviews``: account reviews;
- ``qualification``: question sets and scorecards; ``templates``: plan templates;
- ``calendar``: the secret calendar address and the digest claim.

The names below are re-exported so that ``from kamkit.plans import services`` keeps working.
"""

from kamkit.plans.queries.completeness import realism_factor  # the factor the SMART check applies
from kamkit.plans.services.actions import (
    MARKS,
    MAX_PLANNED_MINUTES,
    ActionInput,
    Regenerated,
    create_action,
    delete_action,
    mark_occurrence,
    regenerate_occurrences,
    update_action,
)
from kamkit.plans.services.calendar import claim_digest, revoke_calendar_token, rotate_calendar_token
from kamkit.plans.services.objectives import (
    ObjectiveInput,
    create_objective,
    delete_objective,
    link_deal,
    record_progress,
    update_objective,
)
from kamkit.plans.services.opportunities import (
    OPEN_STAGES,
    OpportunityInput,
    add_opportunity,
    create_opportunity,
    update_opportunity,
)
from kamkit.plans.services.plans import (
    DEFAULT_SECTIONS,
    MAX_PERIOD_DAYS,
    create_plan,
    delete_plan,
    refresh_situation,
    save_section,
    set_plan_status,
    start_new_version,
    start_next_period,
    update_plan,
)
from kamkit.plans.services.qualification import (
    AnswerInput,
    add_question,
    append_question,
    copy_question_set,
    create_question_set,
    decide,
    move_question,
    remove_question,
    reorder_questions,
    save_answers,
    start_scorecard,
    update_question,
    update_question_set,
)
from kamkit.plans.services.reviews import record_review
from kamkit.plans.services.team import add_member, remove_member
from kamkit.plans.services.templates import (
    add_template_section,
    copy_template,
    create_template,
    move_template_section,
    remove_template_section,
    reorder_template_sections,
    set_template_active,
    update_template,
    update_template_section,
)

__all__ = [
    "DEFAULT_SECTIONS",
    "MARKS",
    "MAX_PERIOD_DAYS",
    "MAX_PLANNED_MINUTES",
    "OPEN_STAGES",
    "ActionInput",
    "AnswerInput",
    "ObjectiveInput",
    "OpportunityInput",
    "Regenerated",
    "add_member",
    "add_opportunity",
    "add_question",
    "add_template_section",
    "append_question",
    "claim_digest",
    "copy_question_set",
    "copy_template",
    "create_action",
    "create_objective",
    "create_opportunity",
    "create_plan",
    "create_question_set",
    "create_template",
    "decide",
    "delete_action",
    "delete_objective",
    "delete_plan",
    "link_deal",
    "mark_occurrence",
    "move_question",
    "move_template_section",
    "realism_factor",
    "record_progress",
    "record_review",
    "refresh_situation",
    "regenerate_occurrences",
    "remove_member",
    "remove_question",
    "remove_template_section",
    "reorder_questions",
    "reorder_template_sections",
    "revoke_calendar_token",
    "rotate_calendar_token",
    "save_answers",
    "save_section",
    "set_plan_status",
    "set_template_active",
    "start_new_version",
    "start_next_period",
    "start_scorecard",
    "update_action",
    "update_objective",
    "update_opportunity",
    "update_plan",
    "update_question",
    "update_question_set",
    "update_template",
    "update_template_section",
]
