"""Hiring pages, one module per part; ``urls.py`` reaches them all through this package.

Seeing comes from the permission service; running a position (panel, kit, stages, decisions) is
``queries.manages``; a scorecard is written only by its interviewer and read under the
independence rule (``queries.readable_scorecards``).

- ``openings``: positions; ``kits``: the interview kit and its editor;
- ``candidates``: candidates and their files; ``stages``: applications and stage moves;
- ``interviews``: panels and scorecards; ``decisions``: the panel and the decision;
- ``common``: what they share.
"""

from kamkit.hiring.views.candidates import (
    CandidateList,
    attachment_delete,
    attachment_download,
    attachment_upload,
    candidate_apply,
    candidate_assess,
    candidate_create,
    candidate_delete,
    candidate_detail,
    candidate_edit,
)
from kamkit.hiring.views.decisions import decision
from kamkit.hiring.views.interviews import (
    interview_assign,
    interview_kit_pdf,
    interview_remove,
    interview_schedule,
    my_interviews,
    scorecard,
    scorecard_reopen,
)
from kamkit.hiring.views.kits import kit_competency, kit_page, kit_pdf, kit_question, kit_regenerate
from kamkit.hiring.views.openings import (
    OpeningList,
    opening_apply,
    opening_create,
    opening_delete,
    opening_detail,
    opening_edit,
    opening_status,
)
from kamkit.hiring.views.stages import application_detail, application_stage

__all__ = [
    "CandidateList",
    "OpeningList",
    "application_detail",
    "application_stage",
    "attachment_delete",
    "attachment_download",
    "attachment_upload",
    "candidate_apply",
    "candidate_assess",
    "candidate_create",
    "candidate_delete",
    "candidate_detail",
    "candidate_edit",
    "decision",
    "interview_assign",
    "interview_kit_pdf",
    "interview_remove",
    "interview_schedule",
    "kit_competency",
    "kit_page",
    "kit_pdf",
    "kit_question",
    "kit_regenerate",
    "my_interviews",
    "opening_apply",
    "opening_create",
    "opening_delete",
    "opening_detail",
    "opening_edit",
    "opening_status",
    "scorecard",
    "scorecard_reopen",
]
