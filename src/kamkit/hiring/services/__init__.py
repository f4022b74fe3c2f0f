"""Every write to openings, candidates, applications, kits, interviews, scorecards and decisions.

Callers own the transaction and ask the permission service first (``queries.manages`` for what
only the people running an opening may do); the rules here hold whoever calls: pages, API, demo.
Handing a position to another hiring manager or team is checked here, as it is part of the change.
One module per part:

- ``openings``: positions and their status; ``kits``: building and editing interview kits;
- ``candidates``: candidate records and assessing them; ``files``: their CVs and other files;
- ``stages``: applications and stage moves; ``interviews``: panels and scorecards;
- ``decisions``: the hiring manager's decision; ``common``: what they share.

The names below are re-exported so that ``from kamkit.hiring import services`` keeps working.
"""

from kamkit.hiring.services.candidates import (
    CandidateInput,
    add_to_campaign,
    create_candidate,
    delete_candidate,
    update_candidate,
)
from kamkit.hiring.services.decisions import record_decision
from kamkit.hiring.services.files import (
    ACCEPTED_FILES,
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    ODT_MIMETYPE,
    add_attachment,
    check_attachment,
    clean_file_name,
    delete_attachment,
)
from kamkit.hiring.services.interviews import (
    NoteInput,
    RatingInput,
    assign_interviewer,
    record_reminders,
    remove_interviewer,
    reopen_scorecard,
    save_scorecard,
    schedule_interview,
    submit_draft,
)
from kamkit.hiring.services.kits import (
    PROBE_STARS,
    add_kit_question,
    build_kit,
    copy_framework_question,
    delete_kit_question,
    move_kit_competency,
    move_kit_question,
    regenerate_kit,
    update_kit_competency,
    update_kit_question,
)
from kamkit.hiring.services.openings import (
    OpeningChanges,
    create_opening,
    delete_opening,
    set_opening_status,
    update_opening,
)
from kamkit.hiring.services.stages import EVIDENCED_STAGES, add_application, move_stage

__all__ = [
    "ACCEPTED_FILES",
    "ATTACHMENT_TYPES",
    "EVIDENCED_STAGES",
    "MAX_ATTACHMENT_BYTES",
    "ODT_MIMETYPE",
    "PROBE_STARS",
    "CandidateInput",
    "NoteInput",
    "OpeningChanges",
    "RatingInput",
    "add_application",
    "add_attachment",
    "add_kit_question",
    "add_to_campaign",
    "assign_interviewer",
    "build_kit",
    "check_attachment",
    "clean_file_name",
    "copy_framework_question",
    "create_candidate",
    "create_opening",
    "delete_attachment",
    "delete_candidate",
    "delete_kit_question",
    "delete_opening",
    "move_kit_competency",
    "move_kit_question",
    "move_stage",
    "record_decision",
    "record_reminders",
    "regenerate_kit",
    "remove_interviewer",
    "reopen_scorecard",
    "save_scorecard",
    "schedule_interview",
    "set_opening_status",
    "submit_draft",
    "update_candidate",
    "update_kit_competency",
    "update_kit_question",
    "update_opening",
]
