"""Portfolio API: scores per role, explanations, ratings, what-if, criteria, settings, matrix, re-score.
Every answer is checked against the OpenAPI document by ``api_as``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kamkit.portfolio.choices import Source
from kamkit.portfolio.models import AccountRating, AccountScore, ScoringRun
from kamkit.portfolio.tests.fixtures import Portfolio, criterion, rescore
from kamkit.users.tests.fixtures import Org

pytestmark = pytest.mark.django_db
ApiAs = Callable[[Any], Any]
ALL = ["Alpha Industries", "Beta Logistics", "Deep Foods", "Southern Power"]


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["account"]["name"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", ALL),
        ("director", ALL),
        ("viewer", ALL),
        ("north_manager", ["Alpha Industries", "Beta Logistics", "Deep Foods"]),
        ("sub_manager", ["Deep Foods"]),
        ("south_manager", ["Southern Power"]),
        ("kam_a", ["Alpha Industries"]),
        ("kam_b", ["Alpha Industries", "Beta Logistics"]),
        ("kam_deep", ["Deep Foods"]),
        ("interviewer", []),
    ],
)
def test_each_role_gets_the_ranking_of_what_it_may_see(
    org: Org, portfolio: Portfolio, api_as: ApiAs, who: str, expected: list[str]
) -> None:
    rescore()
    assert _names(api_as(getattr(org, who)).get("/portfolio/scores")) == expected


def test_scores_need_a_user_and_hide_other_accounts(org: Org, portfolio: Portfolio, api_as: ApiAs) -> None:
    rescore()
    assert api_as(None).get("/portfolio/scores").status_code == 401
    api = api_as(org.kam_a)
    south = portfolio.book.south.pk
    assert api.get(f"/portfolio/accounts/{south}/score").status_code == 404
    assert api.get(f"/portfolio/accounts/{south}/explain").status_code == 404
    mine = api.get(f"/portfolio/accounts/{portfolio.book.alpha.pk}/score").json()
    assert mine["rank"] == 1 and mine["tier_suggestion"] == "key"
    assert mine["total"] == pytest.approx(76.6667, abs=1e-3)
    assert mine["facts"]["revenue_current"] == "100000.00"
    assert mine["normalised"]["pipeline"] == pytest.approx(1 / 3)


def test_scores_filter_and_sort(org: Org, portfolio: Portfolio, api_as: ApiAs) -> None:
    rescore()
    api = api_as(org.director)
    assert _names(api.get("/portfolio/scores", tier="serve")) == ["Southern Power"]
    assert _names(api.get("/portfolio/scores", sort="-strength"))[0] == "Deep Foods"
    assert _names(api.get("/portfolio/scores", q="beta")) == ["Beta Logistics"]
    bad = api.get("/portfolio/scores", sort="shoe_size")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "sort"


def test_explain_gives_every_step(org: Org, portfolio: Portfolio, api_as: ApiAs) -> None:
    rescore()
    body = api_as(org.kam_b).get(f"/portfolio/accounts/{portfolio.book.beta.pk}/explain").json()
    assert body["as_of"] == "2026-06-30" and body["normalisation"] == "min_max"
    assert body["total"] == pytest.approx(64)
    assert body["tier"] == "develop"
    steps = {step["source"]: step for step in body["criteria"]}
    assert steps["share_of_wallet"]["raw_text"] == "no wallet estimate: unknown"
    assert steps["share_of_wallet"]["normalised"] == 0.5
    assert steps["cultural_fit"]["contribution"] is None
    assert "60,000 / 20.0 h = 3,000 per hour" in body["return_on_time_text"]
    assert len(body["lines"]) == 12 + 5


def test_rating_through_the_api(org: Org, portfolio: Portfolio, api_as: ApiAs) -> None:
    beta = portfolio.book.beta.pk
    path = f"/portfolio/accounts/{beta}/ratings/{Source.STRATEGIC_COHERENCE}"
    assert api_as(org.viewer).put(path, {"score": 4}).status_code == 403
    assert api_as(org.kam_south).put(path, {"score": 4}).status_code == 404
    assert api_as(org.kam_a).put(path, {"score": 4}).status_code == 404  # kam_a does not see beta
    api = api_as(org.kam_b)
    saved = api.put(path, {"score": 4, "note": "Buys our core range"})
    assert saved.status_code == 200
    assert saved.json()["source"] == "strategic_coherence" and saved.json()["rated_by"]["id"] == org.kam_b.pk
    again = api.put(path, {"score": 2})
    assert again.json()["score"] == 2 and AccountRating.objects.filter(account_id=beta).count() == 2
    assert api.put(path, {"score": 6}).status_code == 400  # the scale goes to 5
    computed = api.put(f"/portfolio/accounts/{beta}/ratings/{Source.PIPELINE}", {"score": 3})
    assert computed.status_code == 400 and computed.json()["errors"][0]["field"] == "criterion"
    assert api.put(path, {"score": 0}).status_code == 422
    listed = api.get(f"/portfolio/accounts/{beta}/ratings").json()
    assert {r["source"] for r in listed} == {"financial_security", "strategic_coherence"}
    assert api_as(org.viewer).delete(path).status_code == 403
    assert api.delete(path).status_code == 204
    assert api.delete(path).status_code == 404


def test_what_if_ranks_without_saving(org: Org, portfolio: Portfolio, api_as: ApiAs) -> None:
    rescore()
    weights = {"revenue_current": 0, "pipeline": 60, "financial_security": 20, "share_of_wallet": 20}
    answer = api_as(org.director).post("/portfolio/what-if", {"weights": weights}).json()
    assert answer["freshness"]["inputs_changed"] is False and answer["freshness"]["scored_at"]
    rows = answer["rows"]
    assert [(r["account"]["name"], r["new_rank"], r["movement"]) for r in rows] == [
        ("Beta Logistics", 1, 1),
        ("Alpha Industries", 2, -1),
        ("Deep Foods", 3, 0),
        ("Southern Power", 4, 0),
    ]
    assert [r["new_total"] for r in rows] == pytest.approx([80, 50, 30, 20 / 3])
    assert criterion(Source.PIPELINE).weight == 20 and ScoringRun.objects.count() == 1
    # an account manager gets their own accounts, with their rank in the whole portfolio
    mine = api_as(org.kam_deep).post("/portfolio/what-if", {"weights": weights}).json()["rows"]
    assert [(r["account"]["name"], r["new_rank"]) for r in mine] == [("Deep Foods", 3)]
    invalid = api_as(org.director).post("/portfolio/what-if", {"weights": {"pipeline": 101}})
    assert invalid.status_code == 400 and invalid.json()["errors"][0]["field"] == "pipeline"
    unknown = api_as(org.director).post("/portfolio/what-if", {"weights": {"shoe_size": 1}})
    assert unknown.status_code == 422


def test_criteria_and_settings_are_reference_data(org: Org, portfolio: Portfolio, api_as: ApiAs) -> None:
    listed = api_as(org.kam_a).get("/portfolio/criteria").json()
    assert len(listed) == 12 and {c["kind"] for c in listed} == {"computed", "rated"}
    pipeline = criterion(Source.PIPELINE)
    assert api_as(org.kam_a).patch(f"/portfolio/criteria/{pipeline.pk}", {"weight": 50}).status_code == 403
    assert (
        api_as(org.north_manager).patch(f"/portfolio/criteria/{pipeline.pk}", {"weight": 50}).status_code
        == 403
    )
    changed = api_as(org.director).patch(
        f"/portfolio/criteria/{pipeline.pk}", {"weight": 50, "axis": "strength"}
    )
    assert (
        changed.status_code == 200 and changed.json()["weight"] == 50 and changed.json()["axis"] == "strength"
    )
    assert changed.json()["name"] == pipeline.name  # not sent, not changed
    settings = {
        "normalisation": "percentile",
        "period_months": 6,
        "key_share": 5,
        "develop_share": 15,
        "maintain_share": 30,
        "value_basis": "profit",
    }
    assert api_as(org.kam_a).put("/portfolio/settings", settings).status_code == 403
    assert api_as(org.admin).put("/portfolio/settings", settings).json()["normalisation"] == "percentile"
    assert api_as(org.viewer).get("/portfolio/settings").json()["period_months"] == 6
    too_much = {**settings, "key_share": 60, "develop_share": 30, "maintain_share": 20}
    assert api_as(org.admin).put("/portfolio/settings", too_much).status_code == 400


def test_rescore_and_matrix(org: Org, portfolio: Portfolio, api_as: ApiAs) -> None:
    assert api_as(org.kam_a).post("/portfolio/rescore").status_code == 403
    assert api_as(org.north_manager).post("/portfolio/rescore").status_code == 403
    assert api_as(org.director).get("/portfolio/runs/latest").status_code == 400
    run = api_as(org.director).post("/portfolio/rescore")
    assert run.status_code == 201 and run.json()["account_count"] == 4
    assert run.json()["started_by"]["id"] == org.director.pk
    assert AccountScore.objects.count() == 4
    assert api_as(org.viewer).get("/portfolio/runs/latest").json()["id"] == run.json()["id"]
    matrix = api_as(org.north_manager).get("/portfolio/matrix").json()
    assert matrix["grid"] == 20 and matrix["count"] == 3
    assert sum(b["count"] for b in matrix["bins"]) == 3
    assert {p["account"]["name"] for p in matrix["top"]} == {
        "Alpha Industries",
        "Beta Logistics",
        "Deep Foods",
    }
    assert api_as(org.director).get("/portfolio/matrix", key="yes").json()["count"] == 2
