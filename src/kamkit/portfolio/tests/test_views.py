"""Portfolio pages: who sees which scores, ratings, what-if without saving, criteria, exports."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kamkit.accounts.tests.fixtures import make_account
from kamkit.portfolio.choices import Source
from kamkit.portfolio.models import AccountRating, AccountScore, ScoringRun, SelectionCriterion
from kamkit.portfolio.tests.fixtures import Portfolio, criterion, rescore
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db

ALL = {"Alpha Industries", "Beta Logistics", "Deep Foods", "Southern Power"}


def _ranked_names(client: object) -> set[str]:
    response = client.get("/portfolio/export.csv")  # type: ignore[attr-defined]
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    return {row["account"] for row in rows}


def test_every_portfolio_page_opens_for_a_director(org: Org, portfolio: Portfolio) -> None:
    rescore()
    client = signed_in(org.director)
    alpha = portfolio.book.alpha.pk
    for url in (
        "/portfolio/",
        "/portfolio/ranking/",
        "/portfolio/what-if/",
        "/portfolio/criteria/",
        f"/portfolio/accounts/{alpha}/",
        f"/portfolio/accounts/{alpha}/explain/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Invest: key accounts" in client.get("/portfolio/").content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("director", ALL),
        ("admin", ALL),
        ("viewer", ALL),
        ("north_manager", {"Alpha Industries", "Beta Logistics", "Deep Foods"}),
        ("south_manager", {"Southern Power"}),
        ("kam_a", {"Alpha Industries"}),
        ("kam_b", {"Alpha Industries", "Beta Logistics"}),  # owns beta, backs up alpha
        ("interviewer", set()),
    ],
)
def test_each_role_sees_the_scores_of_the_accounts_it_may_see(
    org: Org, portfolio: Portfolio, who: str, expected: set[str]
) -> None:
    rescore()
    client = signed_in(getattr(org, who))
    assert _ranked_names(client) == expected
    ranking = client.get("/portfolio/ranking/").content.decode()
    for name in ALL:
        assert (name in ranking) == (name in expected), name


def test_an_account_manager_cannot_open_other_accounts_scores(org: Org, portfolio: Portfolio) -> None:
    rescore()
    client = signed_in(org.kam_a)
    south = portfolio.book.south.pk
    assert client.get(f"/portfolio/accounts/{south}/").status_code == 404
    assert client.get(f"/portfolio/accounts/{south}/explain/").status_code == 404
    # the matrix counts only their own account: one bubble, one account in the quadrants
    response = client.get("/portfolio/")
    page = response.content.decode()
    assert response.context["matrix"].count == 1 and sum(response.context["matrix"].quadrants.values()) == 1
    assert page.count('class="bubble"') == 1
    assert "Southern Power" not in page
    # and so do the downloads: the SVG and the CSV
    svg = client.get("/portfolio/?format=svg").content.decode()
    assert "Alpha Industries" in svg and "Southern Power" not in svg and "Beta Logistics" not in svg
    assert _ranked_names(client) == {"Alpha Industries"}


def test_the_matrix_places_accounts_in_quadrants_as_worked_out(org: Org, portfolio: Portfolio) -> None:
    # alpha (attractiveness 83, strength 50) and beta (67.5, 50): invest; deep (22.5, 100): maintain;
    # south (2.8, 0): serve efficiently
    rescore()
    response = signed_in(org.director).get("/portfolio/")
    matrix = response.context["matrix"]
    assert matrix.quadrants == {
        "Invest: key accounts": 2,
        "Build our position": 0,
        "Maintain": 1,
        "Serve efficiently": 1,
    }
    assert matrix.count == 4
    # filters narrow it: team South holds only Southern Power
    south_only = signed_in(org.director).get(f"/portfolio/?team={org.south.pk}").context["matrix"]
    assert south_only.count == 1 and [s.account.name for s in south_only.top] == ["Southern Power"]


def test_matrix_filters_by_owner_industry_and_suggested_tier(org: Org, portfolio: Portfolio) -> None:
    from kamkit.accounts.models import Account

    Account.objects.filter(pk=portfolio.book.deep.pk).update(industry="Food")
    rescore()
    client = signed_in(org.director)

    def names(query: str) -> list[str]:
        response = client.get(f"/portfolio/?{query}")
        assert response.status_code == 200 and not response.context["errors"]
        return sorted(s.account.name for s in response.context["matrix"].top)

    assert names(f"owner={org.kam_b.pk}") == ["Beta Logistics"]
    assert names("industry=Food") == ["Deep Foods"]
    assert names("tier=key") == ["Alpha Industries"]
    assert names(f"team={org.north.pk}&key=yes") == ["Alpha Industries", "Beta Logistics"]
    # a bad filter value is named, and the whole portfolio shown
    response = client.get("/portfolio/?owner=nobody")
    assert response.context["errors"] and response.context["matrix"].count == 4
    # and the CSV export follows the filters
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get("/portfolio/export.csv?industry=Food").streaming_content).decode()
            )
        )
    )
    assert [row[2] for row in rows[1:]] == ["Deep Foods"]


def test_matrix_exports_svg_and_csv(org: Org, portfolio: Portfolio) -> None:
    rescore()
    client = signed_in(org.director)
    svg = client.get("/portfolio/?format=svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.decode().startswith("<svg") and "Alpha Industries" in svg.content.decode()
    rows = list(
        csv.reader(io.StringIO(b"".join(client.get("/portfolio/export.csv").streaming_content).decode()))
    )
    assert rows[0][:3] == ["rank", "account_id", "account"]
    assert [row[2] for row in rows[1:]] == [
        "Alpha Industries",
        "Beta Logistics",
        "Deep Foods",
        "Southern Power",
    ]


def test_ratings_need_the_right_to_change_the_account(org: Org, portfolio: Portfolio) -> None:
    rescore()
    beta = portfolio.book.beta.pk
    form = {f"rate_{Source.VALUES_US}": "4", f"note_{Source.VALUES_US}": "Calls us first"}
    # the viewer sees the ratings but may not rate
    viewer = signed_in(org.viewer)
    assert viewer.get(f"/portfolio/accounts/{beta}/").status_code == 200
    assert viewer.post(f"/portfolio/accounts/{beta}/", form).status_code == 403
    # someone from another team does not even see the account
    assert signed_in(org.kam_south).post(f"/portfolio/accounts/{beta}/", form).status_code == 404
    assert not AccountRating.objects.filter(criterion__source=Source.VALUES_US).exists()
    # its owner rates it
    response = signed_in(org.kam_b).post(f"/portfolio/accounts/{beta}/", form)
    assert response.status_code == 302
    rating = AccountRating.objects.get(account_id=beta, criterion__source=Source.VALUES_US)
    assert (rating.score, rating.note, rating.rated_by) == (4, "Calls us first", org.kam_b)


def test_rating_reaches_the_score_after_the_background_rescore(
    org: Org, portfolio: Portfolio, django_capture_on_commit_callbacks: object
) -> None:
    rescore()
    deep = portfolio.book.deep.pk
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        signed_in(org.kam_deep).post(
            f"/portfolio/accounts/{deep}/", {f"rate_{Source.FINANCIAL_SECURITY}": "5"}
        )
    # deep's financial security goes from unknown (0.5) to 5 of 5 (1.0), in a new re-score
    assert AccountScore.objects.get(pk=deep).n_financial_security == 1.0
    assert ScoringRun.objects.count() == 2


def test_what_if_reranks_without_saving(org: Org, portfolio: Portfolio) -> None:
    rescore()
    before = {s.pk: (s.rank, s.total) for s in AccountScore.objects.all()}
    weights = {s.source: s.weight for s in SelectionCriterion.objects.filter(is_active=True)}
    proposal = {f"weight_{source}": weight for source, weight in weights.items()}
    proposal[f"weight_{Source.REVENUE_CURRENT}"] = 0
    proposal[f"weight_{Source.PIPELINE}"] = 60
    client = signed_in(org.director)
    response = client.post("/portfolio/what-if/", proposal, headers={"HX-Request": "true"})
    assert response.status_code == 200
    rows = response.context["rows"]
    book = portfolio.book
    # (60 x pipeline + 20 x security + 20 x share): beta 80, alpha 50, deep 30, south 6.7
    assert [(r.account.pk, r.new_rank, r.movement) for r in rows] == [
        (book.beta.pk, 1, 1),
        (book.alpha.pk, 2, -1),
        (book.deep.pk, 3, 0),
        (book.south.pk, 4, 0),
    ]
    assert rows[0].new_total == pytest.approx(80)
    html = response.content.decode()
    assert "▲ 1" in html and "▼ 1" in html
    # nothing was saved
    assert {s.pk: (s.rank, s.total) for s in AccountScore.objects.all()} == before
    assert criterion(Source.REVENUE_CURRENT).weight == 40
    assert ScoringRun.objects.count() == 1


def test_saving_what_if_weights_rescores_for_directors_only(org: Org, portfolio: Portfolio) -> None:
    rescore()
    proposal = {f"weight_{c.source}": c.weight for c in SelectionCriterion.objects.filter(is_active=True)} | {
        f"weight_{Source.REVENUE_CURRENT}": 0,
        f"weight_{Source.PIPELINE}": 60,
        "save": "1",
    }
    assert signed_in(org.kam_a).post("/portfolio/what-if/", proposal).status_code == 403
    assert criterion(Source.PIPELINE).weight == 20
    response = signed_in(org.director).post("/portfolio/what-if/", proposal, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == "/portfolio/ranking/"
    assert criterion(Source.PIPELINE).weight == 60
    assert AccountScore.objects.get(pk=portfolio.book.beta.pk).rank == 1


def test_a_refused_save_of_what_if_weights_says_why_in_the_results(org: Org, portfolio: Portfolio) -> None:
    rescore()
    nothing = {f"weight_{c.source}": 0 for c in SelectionCriterion.objects.filter(is_active=True)}
    response = signed_in(org.director).post(
        "/portfolio/what-if/", {**nothing, "save": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "At least one active criterion needs a weight above 0." in html
    assert "has not been scored" not in html
    assert criterion(Source.REVENUE_CURRENT).weight == 40 and ScoringRun.objects.count() == 1


def test_account_managers_see_what_if_for_their_accounts_with_global_ranks(
    org: Org, portfolio: Portfolio
) -> None:
    rescore()
    response = signed_in(org.kam_a).get("/portfolio/what-if/")
    assert [(r.account.name, r.new_rank) for r in response.context["rows"]] == [("Alpha Industries", 1)]
    assert "Save and re-score" not in response.content.decode()


def test_criteria_and_settings_are_for_directors(org: Org, portfolio: Portfolio) -> None:
    page = signed_in(org.kam_a).get("/portfolio/criteria/")
    assert page.status_code == 200 and not re.search(r'name="c\d+-', page.content.decode())  # read only
    assert signed_in(org.kam_a).post("/portfolio/criteria/", {}).status_code == 403
    client = signed_in(org.director)
    form = client.get("/portfolio/criteria/").context
    data: dict[str, object] = {}
    for item, f in form["criterion_forms"]:
        for name, value in f.initial.items():
            if name == "is_active":
                if value:
                    data[f"c{item.pk}-{name}"] = "on"
            else:
                data[f"c{item.pk}-{name}"] = value
    for name, value in form["settings_form"].initial.items():
        data[f"s-{name}"] = value
    pipeline = criterion(Source.PIPELINE)
    data[f"c{pipeline.pk}-weight"] = 35
    response = client.post("/portfolio/criteria/", data)
    assert response.status_code == 302
    assert criterion(Source.PIPELINE).weight == 35
    # a refused change is shown on the form, with the input kept
    data["s-key_share"] = 90
    refused = client.post("/portfolio/criteria/", data)
    assert refused.status_code == 200 and "cannot exceed 100%" in refused.content.decode()
    assert 'name="s-key_share" value="90"' in refused.content.decode()


def test_every_portfolio_address_needs_a_signed_in_user(org: Org, portfolio: Portfolio) -> None:
    from django.test import Client

    rescore()
    alpha = portfolio.book.alpha.pk
    anonymous = Client()
    for url in (
        "/portfolio/",
        "/portfolio/?format=svg",
        "/portfolio/export.csv",
        "/portfolio/ranking/",
        "/portfolio/what-if/",
        "/portfolio/criteria/",
        f"/portfolio/accounts/{alpha}/",
        f"/portfolio/accounts/{alpha}/explain/?part=total",
    ):
        response = anonymous.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    for url in (
        "/portfolio/rescore/",
        "/portfolio/what-if/",
        "/portfolio/criteria/",
        f"/portfolio/accounts/{alpha}/",
    ):
        assert anonymous.post(url, {"save": "1"}).status_code == 302, url
    assert ScoringRun.objects.count() == 1


def test_rescore_button_for_directors_only(org: Org, portfolio: Portfolio) -> None:
    assert signed_in(org.north_manager).post("/portfolio/rescore/").status_code == 403
    assert not AccountScore.objects.exists()
    response = signed_in(org.director).post("/portfolio/rescore/", {"next": "portfolio:ranking"})
    assert response.status_code == 302 and response["Location"] == "/portfolio/ranking/"
    assert AccountScore.objects.count() == 4


def test_explanation_popover_shows_one_number(org: Org, portfolio: Portfolio) -> None:
    rescore()
    client = signed_in(org.kam_a)
    alpha = portfolio.book.alpha.pk
    total = client.get(f"/portfolio/accounts/{alpha}/explain/?part=total", headers={"HX-Request": "true"})
    assert "100 x (40 x 1.000 + 20 x 0.333 + 20 x 0.500 + 20 x 1.000) / 100 = 76.7" in total.content.decode()
    rot = client.get(f"/portfolio/accounts/{alpha}/explain/?part=rot", headers={"HX-Request": "true"})
    assert "100,000 / 10.0 h = 10,000 per hour" in rot.content.decode()


def test_ranking_query_count_does_not_grow_with_rows(org: Org, portfolio: Portfolio) -> None:
    rescore()
    client = signed_in(org.director)
    with CaptureQueriesContext(connection) as few:
        client.get("/portfolio/ranking/")
    for n in range(8):
        make_account(f"Extra {n}", owner=org.kam_b)
    rescore()
    with CaptureQueriesContext(connection) as many:
        client.get("/portfolio/ranking/")
    assert len(many) == len(few)


def test_pages_without_scores_say_so(org: Org, portfolio: Portfolio) -> None:
    client = signed_in(org.director)
    assert "Not scored yet" in client.get("/portfolio/").content.decode()
    assert "has not been scored" in client.get("/portfolio/what-if/").content.decode()
    assert client.get(f"/portfolio/accounts/{portfolio.book.alpha.pk}/").status_code == 200


def test_the_start_page_counts_suggested_key_accounts(org: Org, portfolio: Portfolio) -> None:
    rescore()
    # alpha is the one suggested key account (top 10 % of four accounts: the first)
    director = signed_in(org.director).get("/").content.decode()
    assert "Suggested key accounts" in director
    kam_south = signed_in(org.kam_south).get("/")
    cards = [c for c in kam_south.context["cards"] if c.title == "Suggested key accounts"]
    assert cards and cards[0].figure == 0  # their account is not among them


def test_csv_export_keeps_spreadsheets_from_running_names_as_formulas(org: Org, portfolio: Portfolio) -> None:
    make_account("=HYPERLINK(1)", owner=org.kam_a)
    rescore()
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(signed_in(org.kam_a).get("/portfolio/export.csv").streaming_content).decode()
            )
        )
    )
    assert "'=HYPERLINK(1)" in [row[2] for row in rows]
