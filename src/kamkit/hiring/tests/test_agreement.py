"""Inter-rater agreement, worked out by hand (and checked against published examples)."""

from __future__ import annotations

import pytest

from kamkit.hiring import agreement

N = None

# Three interviewers (columns A, B, C) rate one candidate on four competencies (rows).
PANEL = [
    [4, 4, 5],
    [2, 3, 2],
    [3, 3, 3],
    [5, 4, 5],
]


def test_krippendorff_alpha_interval_by_hand() -> None:
    # Every row has m = 3 ratings, so each ordered pair of ratings in a row weighs 1 / (m - 1) = 1/2.
    # Row 1 (4, 4, 5): unordered pairs give (4-4)^2 + (4-5)^2 + (4-5)^2 = 2, ordered 4, halved = 2.
    # Row 2 (2, 3, 2): 1 + 0 + 1 = 2, ordered 4, halved = 2. Row 3: 0. Row 4 (5, 4, 5): 2.
    # Observed: sum o[c][k] * (c - k)^2 = 2 + 2 + 0 + 2 = 6.
    # All n = 12 ratings: value 2 twice, 3 four times, 4 three times, 5 three times.
    # Expected: sum over value pairs c < k of n_c * n_k * (c - k)^2
    #   (2,3) 2*4*1 = 8, (2,4) 2*3*4 = 24, (2,5) 2*3*9 = 54, (3,4) 4*3*1 = 12, (3,5) 4*3*4 = 48,
    #   (4,5) 3*3*1 = 9: 155, and 310 counting both orders.
    # alpha = 1 - (n - 1) * 6 / 310 = 1 - 66 / 310 = 0.787097...
    assert agreement.krippendorff_alpha(PANEL) == pytest.approx(1 - 66 / 310)
    assert agreement.krippendorff_alpha(PANEL) == pytest.approx(0.787097, abs=1e-6)


def test_icc_2_1_by_hand() -> None:
    # n = 4 rows, k = 3 columns. Row means 13/3, 7/3, 3, 14/3; column means 3.5, 3.5, 3.75; grand
    # mean 43/12. SS_rows = 3 * (81 + 225 + 49 + 169) / 144 = 10.9167; SS_cols = 4 * 6 / 144 = 0.1667;
    # SS_total = 167 - 12 * (43/12)^2 = 12.9167; SS_error = 12.9167 - 10.9167 - 0.1667 = 1.8333.
    # BMS = 10.9167 / 3 = 3.6389, JMS = 0.1667 / 2 = 0.0833, EMS = 1.8333 / 6 = 0.3056.
    # ICC(2,1) = (BMS - EMS) / (BMS + 2 * EMS + 3 * (JMS - EMS) / 4) = 3.3333 / 4.0833 = 0.8163
    assert agreement.icc_2_1(PANEL) == pytest.approx((10 / 3) / (49 / 12))
    assert agreement.icc_2_1(PANEL) == pytest.approx(0.816327, abs=1e-6)


def test_missing_ratings_count_only_where_two_interviewers_rated() -> None:
    # Rows with their pairable ratings: (4, 5) weight 1 -> 2; (2, 3) -> 2; (3) alone is not
    # pairable; (5, 4, 5) weight 1/2 -> 2. Observed 6. Pairable values 4, 5, 2, 3, 5, 4, 5 (n = 7):
    # expected pairs (2,3) 1, (2,4) 8, (2,5) 27, (3,4) 2, (3,5) 12, (4,5) 6 = 56, both orders 112.
    # alpha = 1 - 6 * 6 / 112 = 0.678571...
    table = [[4, N, 5], [2, 3, N], [N, N, 3], [5, 4, 5]]
    assert agreement.krippendorff_alpha(table) == pytest.approx(1 - 36 / 112)
    assert agreement.icc_2_1(table) is None  # ICC needs every cell


def test_published_examples_agree() -> None:
    # Krippendorff's reliability data (4 coders, 12 units, missing values): alpha interval 0.849,
    # ordinal 0.815 (Krippendorff, "Computing Krippendorff's alpha-reliability", 2011).
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]
    units = [list(unit) for unit in zip(*coders, strict=True)]
    assert agreement.krippendorff_alpha(units) == pytest.approx(0.849, abs=5e-4)
    assert agreement.krippendorff_alpha(units, metric="ordinal") == pytest.approx(0.815, abs=5e-4)
    # Shrout and Fleiss (1979): six targets, four judges; ICC(2,1) = 0.29.
    targets = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    assert agreement.icc_2_1(targets) == pytest.approx(0.29, abs=5e-3)


def test_perfect_agreement_is_one() -> None:
    table = [[4, 4], [2, 2], [5, 5]]
    assert agreement.krippendorff_alpha(table) == 1.0
    assert agreement.krippendorff_alpha(table, metric="ordinal") == 1.0
    assert agreement.icc_2_1(table) == pytest.approx(1.0)


def test_opposite_ratings_agree_less_than_chance() -> None:
    table = [[1, 5], [5, 1]]
    alpha = agreement.krippendorff_alpha(table)
    assert alpha is not None and alpha < 0
    assert "Less agreement than chance" in agreement.alpha_meaning(alpha)


def test_undefined_cases_are_not_enough_data() -> None:
    assert agreement.krippendorff_alpha([[4], [2], [5]]) is None  # a single rater
    assert agreement.krippendorff_alpha([]) is None
    assert agreement.krippendorff_alpha([[3, 3], [3, 3]]) is None  # no variation at all
    assert agreement.icc_2_1([[3, 4]]) is None  # one unit
    assert agreement.icc_2_1([[3, 3], [3, 3]]) is None
    single = agreement.panel_agreement([[4], [2]])
    assert single.value is None and single.raters == 1 and not single.enough
    assert single.meaning.startswith("Not enough data")


def test_panel_agreement_names_the_method_and_reads_the_figure() -> None:
    result = agreement.panel_agreement(PANEL)
    assert result.method == "Krippendorff's alpha (interval)"
    assert result.value == pytest.approx(0.787097, abs=1e-6)
    assert result.meaning.startswith("Tentative agreement")  # 0.667 <= alpha < 0.800
    assert (result.raters, result.units, result.ratings) == (3, 4, 12)
    assert result.icc == pytest.approx(0.816327, abs=1e-6)
    assert result.icc_meaning == "Good agreement."  # 0.75 <= ICC < 0.9


@pytest.mark.parametrize(
    ("value", "start"),
    [
        (0.9, "Good"),
        (0.8, "Good"),
        (0.7, "Tentative"),
        (0.3, "Poor"),
        (-0.2, "Less agreement"),
        (None, "Not enough"),
    ],
)
def test_alpha_meanings(value: float | None, start: str) -> None:
    assert agreement.alpha_meaning(value).startswith(start)


def test_krippendorff_alpha_ordinal_by_hand() -> None:
    # Same panel, ordinal metric: distances come from ranks, not values. Totals n_2 = 2, n_3 = 4,
    # n_4 = 3, n_5 = 3; delta(c, k) = (n_c + ... + n_k - (n_c + n_k) / 2)^2:
    #   (2,3) (6 - 3)^2 = 9, (2,4) (9 - 2.5)^2 = 42.25, (2,5) (12 - 2.5)^2 = 90.25,
    #   (3,4) (7 - 3.5)^2 = 12.25, (3,5) (10 - 3.5)^2 = 42.25, (4,5) (6 - 3)^2 = 9.
    # Observed: coincidences o(4,5) = o(5,4) = 2 (rows 1 and 4) and o(2,3) = o(3,2) = 1 (row 2):
    #   4 * 9 + 2 * 9 = 54.
    # Expected: 2 * (2*4*9 + 2*3*42.25 + 2*3*90.25 + 4*3*12.25 + 4*3*42.25 + 3*3*9) = 2 * 1602 = 3204.
    # alpha = 1 - (12 - 1) * 54 / 3204 = 0.814607...
    assert agreement.krippendorff_alpha(PANEL, metric="ordinal") == pytest.approx(1 - 594 / 3204)
    # the ordinal reading differs from the interval one: kamkit shows interval (ADR 0008)
    assert agreement.krippendorff_alpha(PANEL) != pytest.approx(1 - 594 / 3204)


def test_when_every_rating_is_the_same_alpha_is_undefined_and_the_page_says_why() -> None:
    # Two interviewers giving 4 everywhere agree, but alpha is 1 - D_o / D_e with both zero: there
    # is no spread to tell agreement from chance, so kamkit shows no figure rather than 1.
    same = agreement.panel_agreement([[4, 4], [4, 4], [4, 4]])
    assert same.value is None and same.icc is None and same.raters == 2
    assert same.meaning.startswith("No figure: every rating is the same")
    # while two interviewers who agree on different values do get 1
    assert agreement.panel_agreement([[4, 4], [2, 2]]).value == 1.0
    # fewer than two ratings of one competency is a different reason
    lone = agreement.panel_agreement([[4, None], [None, 2]])
    assert lone.value is None and lone.meaning.startswith("Not enough data")
