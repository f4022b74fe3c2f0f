"""The scoring rules, with numbers worked out by hand (the working is in the comments)."""

from __future__ import annotations

import pytest

from kamkit.assessments.scoring import (
    HIDDEN,
    INSUFFICIENT,
    OK,
    OTHERS,
    PENDING,
    AlphaMoments,
    Band,
    ItemKey,
    RaterAnswers,
    RaterMeans,
    Tally,
    band_relation,
    basis,
    bench_strength,
    benchmark_fit,
    bucket_bounds,
    bucket_counts,
    competency_alpha,
    competency_fit,
    cronbach_alpha,
    group_scores,
    item_counts,
    keyed,
    mid_rank,
    norm_value,
    percentile_rank,
    pole_for,
    quantile,
    quantile_position,
    rater_means,
    rater_scores,
    score_groups,
    self_other_gaps,
    tally,
    to_percent,
)

# Competency 1 has four items, two reverse-keyed; competency 2 has three, one reverse-keyed.
ITEMS = [
    ItemKey(11, 1),
    ItemKey(12, 1),
    ItemKey(13, 1, reverse=True),
    ItemKey(14, 1, reverse=True),
    ItemKey(21, 2),
    ItemKey(22, 2),
    ItemKey(23, 2, reverse=True),
]

SELF = RaterAnswers("self", {11: 5, 12: 4, 13: 2, 14: 1, 21: 3})
MANAGER = RaterAnswers("manager", {11: 4, 12: 4, 21: 2, 22: 3, 23: 4})
PEER_1 = RaterAnswers("peer", {11: 3, 12: 3, 13: 3, 14: 3, 21: 4, 22: 4, 23: 2})
PEER_2 = RaterAnswers("peer", {11: 2, 12: 3, 13: 4, 14: 5, 21: 5, 22: 5})
PEER_3 = RaterAnswers("peer", {11: 4, 21: 3, 22: 4, 23: 3})


def test_reverse_keying_and_the_0_100_mapping() -> None:
    assert [keyed(x, reverse=True) for x in (1, 2, 3, 4, 5)] == [5, 4, 3, 2, 1]
    assert keyed(4, reverse=False) == 4
    assert [to_percent(m) for m in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    assert to_percent(4.5) == 87.5
    with pytest.raises(ValueError, match="1 to 5"):
        keyed(6, reverse=False)


def test_a_raters_competency_score_uses_keyed_answers_and_needs_half_the_items() -> None:
    # self, competency 1: 5, 4, (6-2)=4, (6-1)=5 -> 18/4 = 4.5
    # self, competency 2: 1 answer of 3 items; 1*2 < 3 -> insufficient
    assert rater_scores(ITEMS, SELF.answers) == {1: 4.5, 2: None}
    # manager, competency 1: 2 of 4 answered is exactly half -> (4+4)/2 = 4
    # manager, competency 2: 2, 3, (6-4)=2 -> 7/3
    assert rater_scores(ITEMS, MANAGER.answers) == {1: 4.0, 2: pytest.approx(7 / 3)}
    # seven items: three answers are too few (6 < 7), four are enough
    seven = [ItemKey(i, 9) for i in range(7)]
    assert rater_scores(seven, {0: 5, 1: 5, 2: 5}) == {9: None}
    assert rater_scores(seven, {0: 5, 1: 5, 2: 5, 3: 1}) == {9: 4.0}
    assert rater_scores(seven, {}) == {9: None}


def test_group_scores_with_the_anonymity_threshold_of_three() -> None:
    scores = score_groups(ITEMS, [SELF, MANAGER, PEER_1, PEER_2, PEER_3], minimum=3)
    first, second = scores[1], scores[2]
    # self: 4.5 -> (3.5/4)*100 = 87.5; insufficient on competency 2
    assert (first["self"].score, first["self"].status) == (87.5, OK)
    assert (second["self"].score, second["self"].status) == (None, INSUFFICIENT)
    # manager: 4 -> 75; 7/3 -> (4/3)/4*100 = 33.33
    assert first["manager"].score == 75.0
    assert second["manager"].score == pytest.approx(100 / 3)
    # peers on competency 1: peer 1 = 3, peer 2 = (2+3+2+1)/4 = 2, peer 3 answered 1 of 4 (insufficient)
    # -> only two raters count: hidden, and their answers are not used anywhere
    assert (first["peer"].score, first["peer"].raters, first["peer"].status) == (None, 2, HIDDEN)
    # peers on competency 2: 4, (5+5)/2 = 5 (2 of 3 answered), (3+4+3)/3 = 10/3
    # -> mean 37/9, (37/9 - 1)/4*100 = 700/9 = 77.78
    assert second["peer"].status == OK and second["peer"].raters == 3
    assert second["peer"].score == pytest.approx(700 / 9)
    # others on 1: only the manager (peers hidden) -> 75
    assert (first[OTHERS].score, first[OTHERS].raters) == (75.0, 1)
    # others on 2: manager 7/3 and the peers 4, 5, 10/3 -> (44/3)/4 = 11/3 -> (8/3)/4*100 = 66.67
    assert second[OTHERS].score == pytest.approx(200 / 3)
    assert second[OTHERS].raters == 4


def test_a_lower_threshold_shows_the_two_peers() -> None:
    scores = score_groups(ITEMS, [MANAGER, PEER_1, PEER_2], minimum=2)
    # peers: (3 + 2)/2 = 2.5 -> 37.5; others: (4 + 3 + 2)/3 = 3 -> 50
    assert scores[1]["peer"].score == 37.5
    assert scores[1][OTHERS].score == 50.0
    assert "self" not in scores[1]


def test_others_are_hidden_when_only_hidden_groups_answered() -> None:
    scores = score_groups(ITEMS, [SELF, PEER_1, PEER_2], minimum=3)
    assert scores[1][OTHERS].status == HIDDEN
    assert scores[1][OTHERS].score is None
    # the basis for the benchmark falls back to self
    assert basis(scores[1]).score == 87.5 and basis(scores[1]).group == "self"
    # and with neither, there is no basis
    assert basis(scores[2]).score is None


def test_anonymous_groups_are_pending_while_withheld_and_left_out_of_others() -> None:
    scores = score_groups(
        ITEMS, [SELF, MANAGER, PEER_1, PEER_2, PEER_3], minimum=3, withheld=frozenset({"peer"})
    )
    # competency 2 would show three peers once the campaign closes; for now: pending, manager only
    assert (scores[2]["peer"].status, scores[2]["peer"].raters, scores[2]["peer"].score) == (PENDING, 3, None)
    assert scores[2][OTHERS].score == pytest.approx(100 / 3)  # the manager's 7/3
    only_peers = score_groups(ITEMS, [PEER_1, PEER_2, PEER_3], minimum=3, withheld=frozenset({"peer"}))
    assert only_peers[2][OTHERS].status == PENDING


def test_benchmark_fit_weighted_by_importance_and_gaps_by_size_times_importance() -> None:
    bands = {1: Band(70, 90, 5), 2: Band(60, 80, 3), 3: Band(50, 70, 4)}
    # 1: 20 below -> 100 - 2*20 = 60; 2: 10 above -> 80; 3: no score, left out
    fit = benchmark_fit({1: 50.0, 2: 90.0, 3: None}, bands)
    assert fit.by_competency == {1: 60.0, 2: 80.0}
    # (60*5 + 80*3) / (5+3) = 540/8
    assert fit.overall == 67.5
    # gap weights: 20*5 = 100 (below), 10*3 = 30 (above)
    assert [(g.competency_id, g.distance, g.direction, g.weight) for g in fit.gaps] == [
        (1, 20.0, "below", 100.0),
        (2, 10.0, "above", 30.0),
    ]
    # inside the band, at its ends included, is a perfect fit; far outside floors at 0
    assert competency_fit(70.0, Band(70, 90)) == competency_fit(90.0, Band(70, 90)) == 100.0
    assert competency_fit(10.0, Band(70, 90)) == 0.0
    assert benchmark_fit({}, bands).overall is None


def test_gaps_with_equal_weight_keep_the_framework_order() -> None:
    bands = {5: Band(60, 80, 2), 4: Band(60, 80, 4)}
    fit = benchmark_fit({5: 40.0, 4: 50.0}, bands)  # weights 20*2 = 40 and 10*4 = 40
    assert [g.competency_id for g in fit.gaps] == [5, 4]


def test_band_relation_and_which_indicators_describe_a_score() -> None:
    band = Band(60, 80)
    assert [band_relation(s, band) for s in (45, 50, 59.9, 60, 80, 80.1)] == [
        "far",
        "near",
        "near",
        "inside",
        "inside",
        "above",
    ]
    assert pole_for(60, band) == "high" and pole_for(59.9, band) == "low"
    assert pole_for(50, None) == "high" and pole_for(49, None) == "low"


def test_blind_spots_and_hidden_strengths_beyond_the_threshold() -> None:
    mine = {1: 87.5, 2: None, 3: 40.0, 4: 80.0, 5: 75.0}
    theirs = {1: 75.0, 2: 66.7, 3: 60.0, 4: 60.0, 5: 60.0}
    gaps = self_other_gaps(mine, theirs, threshold=15)
    # 1: +12.5 (within), 3: -20 (hidden strength), 4: +20 (blind spot), 5: +15 (not more than 15)
    assert [(g.competency_id, g.kind, g.difference) for g in gaps] == [
        (3, "hidden_strength", -20.0),
        (4, "blind_spot", 20.0),
    ]


def test_cronbach_alpha_by_hand() -> None:
    rows = [[2, 3, 3], [4, 4, 5], [3, 3, 4], [5, 4, 4]]
    # item variances (population): 5/4 = 1.25, 1/4 = 0.25, 2/4 = 0.5 -> 2.0
    # totals 8, 13, 10, 13: mean 11, squares 9+4+1+4 = 18 -> 4.5
    # alpha = 3/2 * (1 - 2/4.5) = 5/6
    assert cronbach_alpha(rows) == pytest.approx(5 / 6)
    assert cronbach_alpha([[3, 3], [3, 3]]) is None  # no variance at all
    assert cronbach_alpha([[1, 2]]) is None


def test_competency_alpha_keys_reverse_items_and_uses_complete_responses_only() -> None:
    items = [ItemKey(1, 7), ItemKey(2, 7), ItemKey(3, 7, reverse=True), ItemKey(4, 8)]
    # item 3 is reverse-keyed: raw answers 3, 1, 2, 2 are the keyed values 3, 5, 4, 4 of the table above
    responses = [
        {1: 2, 2: 3, 3: 3, 4: 1},
        {1: 4, 2: 4, 3: 1},
        {1: 3, 2: 3, 3: 2},
        {1: 5, 2: 4, 3: 2},
        {1: 5, 3: 5},  # misses item 2: left out
    ]
    result = competency_alpha(items, responses, 7)
    assert result.respondents == 4 and result.items == 3
    assert result.alpha == pytest.approx(5 / 6)


def test_alpha_sums_of_two_groups_added_together_are_the_sums_of_everyone() -> None:
    # the table of test_cronbach_alpha_by_hand, its first two and last two respondents apart
    rows = [[2, 3, 3], [4, 4, 5], [3, 3, 4], [5, 4, 4]]
    first, second = AlphaMoments(3), AlphaMoments(3)
    for row in rows[:2]:
        first.add(row)
    for row in rows[2:]:
        second.add(row)
    first.absorb(second)
    # item sums 14, 14, 16; totals 8 + 13 + 10 + 13 = 44, their squares 64 + 169 + 100 + 169 = 502
    assert (first.respondents, first.item_sums, first.total_sum, first.total_squares) == (
        4,
        [14.0, 14.0, 16.0],
        44.0,
        502.0,
    )
    assert first.alpha() == pytest.approx(5 / 6)
    empty = AlphaMoments(3)
    empty.absorb(AlphaMoments(3))  # nobody answered: nothing to add, still no alpha
    assert (empty.respondents, empty.alpha()) == (0, None)
    with pytest.raises(ValueError, match="3 items"):
        AlphaMoments(2).absorb(first)


def test_percentile_rank_uses_mid_ranks_for_ties() -> None:
    population = [50.0, 60.0, 60.0, 70.0, 80.0]
    # 60: one below, two equal -> (1 + 1)/5 = 40; 80: (4 + 0.5)/5 = 90; 55: 1/5 = 20
    assert percentile_rank(60, population) == 40.0
    assert percentile_rank(80, population) == 90.0
    assert percentile_rank(55, population) == 20.0
    assert percentile_rank(55, []) is None
    # the same from the counts a database returns: 60 has 1 below and 2 equal among 5
    assert mid_rank(1, 2, 5) == 40.0 and mid_rank(0, 0, 0) is None


def test_scores_tie_whatever_order_their_parts_were_added_in() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in floating point: the same person added up in another order
    assert 0.1 + 0.2 != 0.3 and norm_value(0.1 + 0.2) == norm_value(0.3)
    # so the two count as equal (mid-rank), not one below the other: (0 + 0.5 * 2) / 2 = 50
    assert percentile_rank(0.3, [0.1 + 0.2, 0.3]) == 50.0


def test_quantiles_interpolate_linearly() -> None:
    values = [40.0, 10.0, 30.0, 20.0]
    # sorted 10, 20, 30, 40; median at position 1.5 -> 25; 90th at 2.7 -> 37
    assert quantile(values, 0.5) == 25.0
    assert quantile(values, 0.9) == pytest.approx(37.0)
    assert (quantile(values, 0), quantile(values, 1)) == (10.0, 40.0)
    assert quantile([], 0.5) is None
    # where a database looks: of 4 sorted scores the 90th lies 70% of the way from the 3rd to the 4th
    assert quantile_position(4, 0.9) == (2, 3, pytest.approx(0.7))
    # of 10, the 25th at position 2.25; of one score, that score
    assert quantile_position(10, 0.25) == (2, 3, 0.25) and quantile_position(1, 0.5) == (0, 0, 0.0)


def test_distribution_buckets_and_bench_strength() -> None:
    # 20-point buckets; the first takes anything below 20, the last anything from 80 up (100 too)
    assert bucket_bounds() == [(None, 20.0), (20.0, 40.0), (40.0, 60.0), (60.0, 80.0), (80.0, None)]
    assert bucket_counts([0, 19.9, 20, 59.5, 79.99, 80, 100]) == [2, 1, 1, 1, 2]
    strength = bench_strength([50, 60, 80, 85, 70], Band(60, 80))
    assert (strength.below, strength.inside, strength.above) == (1, 3, 1)
    assert strength.ready_share == 80.0
    assert bench_strength([], Band(60, 80)).ready_share is None


def test_the_database_path_sums_keyed_answers_then_applies_the_same_rules() -> None:
    # self, competency 1: 5 + 4 + (6-2) + (6-1) = 18 over 4 answers; competency 2: one answer of 3
    assert tally(ITEMS, SELF.answers) == {1: Tally(18, 4), 2: Tally(3, 1)}
    # manager, competency 2: 2 + 3 + (6-4) = 7 over 3
    assert tally(ITEMS, MANAGER.answers) == {1: Tally(8, 2), 2: Tally(7, 3)}
    counts = item_counts(ITEMS)
    assert counts == {1: 4, 2: 3}
    # the half-the-items rule on the added-up numbers: 18/4 = 4.5; 1 answer of 3 is too few
    assert rater_means(counts, {1: Tally(18, 4), 2: Tally(3, 1)}) == {1: 4.5, 2: None}
    assert rater_means(counts, {1: Tally(8, 2)}) == {1: 4.0, 2: None}  # nothing on 2 at all
    assert rater_means(counts, {1: Tally(0, 0)}) == {1: None, 2: None}
    # groups from the means give exactly what score_groups gives from the raw answers
    raters = [SELF, MANAGER, PEER_1, PEER_2, PEER_3]
    means = [RaterMeans(r.group, rater_means(counts, tally(ITEMS, r.answers))) for r in raters]
    assert group_scores([1, 2], means, minimum=3) == score_groups(ITEMS, raters, minimum=3)
    assert group_scores([1, 2], means, minimum=3)[2][OTHERS].score == pytest.approx(200 / 3)


def test_three_tips_for_a_gap_first_mindset_then_practice() -> None:
    from kamkit.assessments.reports import pick_tips

    mindset, practice = ["M1", "M2"], ["P1", "P2", "P3"]
    assert pick_tips(mindset, practice) == [("mindset", "M1"), ("practice", "P1"), ("practice", "P2")]
    # when practice tips run short, mindset tips fill in, and never more than three
    assert pick_tips(mindset, ["P1"]) == [("mindset", "M1"), ("practice", "P1"), ("mindset", "M2")]
    assert pick_tips([], practice) == [("practice", "P1"), ("practice", "P2"), ("practice", "P3")]
    assert pick_tips([], []) == []
