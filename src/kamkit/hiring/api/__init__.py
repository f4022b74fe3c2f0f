"""API for hiring: positions and their kits, candidates and their files, applications and stage
moves, panels and scorecards (under the independence rule), the panel's figures and decisions.

Seeing follows the permission service; running a position (kit, panel, stages, decisions) is for
the hiring manager, their managers, directors and admins; a scorecard is written only by its
interviewer and read by others only once submitted, and not by a panel member before their own.

One router (``base.router``); each module registers its operations on it when imported. The
import order below is the order of the paths in the OpenAPI document.
"""

# isort: off
from kamkit.hiring.api import openings  # noqa: F401
from kamkit.hiring.api import kits  # noqa: F401
from kamkit.hiring.api import candidates  # noqa: F401
from kamkit.hiring.api import applications  # noqa: F401
from kamkit.hiring.api import interviews  # noqa: F401
from kamkit.hiring.api import decisions  # noqa: F401

# isort: on
from kamkit.hiring.api.base import router

__all__ = ["router"]
