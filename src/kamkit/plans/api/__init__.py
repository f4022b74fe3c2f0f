"""API for account plans: objectives, actions and occurrences, team, reviews, opportunities,
dashboards, plan templates, qualification scorecards and the calendar address.

One router (``base.router``); each module registers its operations on it when imported. The
import order below is the order of the paths in the OpenAPI document.
"""

# isort: off
from kamkit.plans.api import plans  # noqa: F401
from kamkit.plans.api import dashboards  # noqa: F401
from kamkit.plans.api import templates  # noqa: F401
from kamkit.plans.api import team  # noqa: F401
from kamkit.plans.api import objectives  # noqa: F401
from kamkit.plans.api import actions  # noqa: F401
from kamkit.plans.api import reviews  # noqa: F401
from kamkit.plans.api import opportunities  # noqa: F401
from kamkit.plans.api import qualification  # noqa: F401
from kamkit.plans.api import calendar  # noqa: F401

# isort: on
from kamkit.plans.api.base import router

__all__ = ["router"]
