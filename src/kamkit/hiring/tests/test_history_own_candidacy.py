"""An employee never sees their own candidacy, on the generic history pages too: the permission
service leaves it out (AccessPolicy.never), not only hiring's own queries."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from kamkit.frameworks.models import BenchmarkProfile
from kamkit.hiring import services
from kamkit.hiring.choices import Outcome
from kamkit.hiring.tests.fixtures import ALL_FOUR, add_candidate, score
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db


def test_the_history_of_your_own_candidacy_does_not_exist_for_you(
    org: Org, hiring_benchmark: BenchmarkProfile
) -> None:
    opening = services.create_opening(
        title="Head of North",
        benchmark=hiring_benchmark,
        target_level=4,
        hiring_manager=org.director,
        team=org.north,
        created_by=org.director,
    )
    candidate = services.create_candidate(
        data=services.CandidateInput(user=org.north_manager), created_by=org.director
    )
    application = services.add_application(candidate=candidate, opening=opening, added_by=org.director)
    interview = services.assign_interviewer(application=application, interviewer=org.kam_a, assigned_by=None)
    score(interview, ALL_FOUR)
    decision = services.record_decision(
        application=application, outcome=Outcome.HOLD, reason="Secret reason.", decided_by=org.director
    )
    add_candidate(org, opening, "Rita Rival")
    client = signed_in(org.north_manager)
    for obj in (decision, application, candidate, interview, application.stage_changes.first()):
        content_type = ContentType.objects.get_for_model(obj)
        assert client.get(f"/core/history/{content_type.pk}/{obj.pk}/").status_code == 404, obj
