"""Every number in an assessment report, from plain values: no models, no database, no settings.

The rules, in the order a report applies them (docs/assessments.md explains them for users):

1. **Keying.** Answers are on a 1-5 agreement scale. A reverse-keyed item's answer ``x`` counts
   as ``6 - x``, so a higher keyed value always means more of the competency.
2. **Enough data.** A rater's answers to a competency count only when they answered at least half
   of its items (``answered * 2 >= items``). Otherwise that rater has *insufficient data* there.
3. **Rater score.** A rater's score on a competency is the mean of their keyed answers to it.
4. **Group score.** A rater group's score is the mean of its raters' scores (each rater weighs the
   same, however many items they answered), shown on 0-100 as ``(mean - 1) / 4 * 100``.
   A group where no rater has enough data is *insufficient data*, not a number.
5. **Anonymity.** Peer, direct-report and customer groups are shown only when at least
   ``minimum`` raters count towards that competency; otherwise they are *hidden*. Self and
   manager answers are shown as given (everyone knows who they come from).
   While a campaign is open these groups are *pending* (``withheld``): a mean that moves each
   time one more peer submits would tell who said what. They appear when the campaign closes.
6. **Others.** Everyone but the subject, from the groups that are shown: the mean of the rater
   scores of the manager(s) and of every anonymous group shown for that competency. Answers of
   hidden groups are used nowhere in a person's report.
7. **Basis.** The score compared with the benchmark is *others* where it is a number, else *self*.
8. **Benchmark fit** per competency: 100 inside the band ``[low, high]``; outside it, 100 minus
   ``FIT_SLOPE`` (2) points per score point of distance to the nearer end, never below 0 (25 points
   outside the band is a fit of 50). The overall fit is the importance-weighted mean of the
   competencies that have a score. Gaps are the competencies outside their band, sorted by
   distance x importance, largest first (ties keep the framework's order).
9. **Self vs others.** Where self and others are both numbers: self minus others above the
   threshold is a *blind spot*, below minus the threshold a *hidden strength*.
10. **Cronbach's alpha** per competency over complete response sets (raters who answered all of
    its items), with population variances (dividing by n). The sample formula (n - 1) gives the
    same alpha: the factor cancels between the item variances and the total variance.
11. **Percentile rank** of a score in a population: the share of scores below it plus half the
    share equal to it (mid-rank), times 100. Norm percentiles interpolate linearly between the
    sorted scores (the usual "type 7" definition). Scores are compared as ``norm_value`` rounds
    them, so that a tie does not depend on the order in which floats were added up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

SCALE_MIN = 1
SCALE_MAX = 5
SELF = "self"
MANAGER = "manager"
OTHERS = "others"
ANONYMOUS_GROUPS = frozenset({"peer", "report", "customer"})
GROUP_ORDER = ("self", "manager", "peer", "report", "customer", "others")

OK = "ok"
INSUFFICIENT = "insufficient"
HIDDEN = "hidden"
PENDING = "pending"

FIT_SLOPE = 2.0
NEAR_BAND = 10.0  # below the band by at most this much: "near" in the heatmap
BUCKET_WIDTH = 20


# Items and raters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemKey:
    item_id: int
    competency_id: int
    reverse: bool = False


@dataclass(frozen=True)
class RaterAnswers:
    """One rater's submitted answers: item id -> 1..5; items left blank are absent."""

    group: str
    answers: Mapping[int, int]


def keyed(value: int, reverse: bool) -> int:
    if not SCALE_MIN <= value <= SCALE_MAX:
        raise ValueError(f"An answer must be {SCALE_MIN} to {SCALE_MAX}, not {value}.")
    return SCALE_MIN + SCALE_MAX - value if reverse else value


def to_percent(mean: float) -> float:
    """A mean on the 1-5 scale as 0-100."""
    return (mean - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * 100


def competencies_of(items: Iterable[ItemKey]) -> dict[int, list[ItemKey]]:
    """Items by competency, in the order competencies first appear."""
    grouped: dict[int, list[ItemKey]] = {}
    for item in items:
        grouped.setdefault(item.competency_id, []).append(item)
    return grouped


def item_counts(items: Iterable[ItemKey]) -> dict[int, int]:
    """How many items each competency has, in the order competencies first appear."""
    return {competency_id: len(own) for competency_id, own in competencies_of(items).items()}


class Tally(NamedTuple):
    """One rater's keyed answers to one competency, added up: what the database sums per rater.

    (Tally, RaterMeans, GroupScore, Basis and the gaps are named tuples: a team report for 1,000
    people makes tens of thousands of them, and a tuple costs a fraction of a frozen dataclass.)"""

    total: int  # the sum of the keyed answers (rule 1)
    answered: int  # how many of the competency's items they answered


def tally(items: Sequence[ItemKey], answers: Mapping[int, int]) -> dict[int, Tally]:
    """Per competency the rater answered: the sum of keyed answers and their number."""
    totals: dict[int, Tally] = {}
    for item in items:
        if item.item_id in answers:
            before = totals.get(item.competency_id, Tally(0, 0))
            value = keyed(answers[item.item_id], item.reverse)
            totals[item.competency_id] = Tally(before.total + value, before.answered + 1)
    return totals


def rater_means(counts: Mapping[int, int], tallies: Mapping[int, Tally]) -> dict[int, float | None]:
    """Per competency (``counts``: its number of items): the rater's mean keyed answer (1-5), or
    None when they answered fewer than half of its items (rule 2)."""
    result: dict[int, float | None] = {}
    for competency_id, items in counts.items():
        found = tallies.get(competency_id)
        if found is not None and found.answered > 0 and found.answered * 2 >= items:
            result[competency_id] = found.total / found.answered
        else:
            result[competency_id] = None
    return result


def rater_scores(items: Sequence[ItemKey], answers: Mapping[int, int]) -> dict[int, float | None]:
    """Per competency: the rater's mean keyed answer (1-5), or None with too few answers (rule 2)."""
    return rater_means(item_counts(items), tally(items, answers))


# Groups ---------------------------------------------------------------------------------------------


class GroupScore(NamedTuple):
    score: float | None  # 0-100 when status is OK
    raters: int  # raters whose answers count towards this competency
    status: str  # OK, INSUFFICIENT or HIDDEN


def group_score(means: Sequence[float | None], *, anonymous: bool, minimum: int) -> GroupScore:
    """One group on one competency from its raters' 1-5 scores (None: insufficient data)."""
    return _usable_score([mean for mean in means if mean is not None], anonymous=anonymous, minimum=minimum)


def _usable_score(usable: Sequence[float], *, anonymous: bool, minimum: int) -> GroupScore:
    if not usable:
        return GroupScore(None, 0, INSUFFICIENT)
    if anonymous and len(usable) < minimum:
        return GroupScore(None, len(usable), HIDDEN)
    return GroupScore(to_percent(sum(usable) / len(usable)), len(usable), OK)


class RaterMeans(NamedTuple):
    """One rater's means per competency (None: insufficient data), and the group they rate in."""

    group: str
    means: Mapping[int, float | None]


def score_groups(
    items: Sequence[ItemKey],
    raters: Sequence[RaterAnswers],
    *,
    minimum: int,
    withheld: frozenset[str] = frozenset(),
) -> dict[int, dict[str, GroupScore]]:
    """competency id -> group -> score, from each rater's answers (see ``group_scores``)."""
    return group_scores(
        list(competencies_of(items)),
        [RaterMeans(rater.group, rater_scores(items, rater.answers)) for rater in raters],
        minimum=minimum,
        withheld=withheld,
    )


def group_scores(
    competency_ids: Sequence[int],
    raters: Sequence[RaterMeans],
    *,
    minimum: int,
    withheld: frozenset[str] = frozenset(),
) -> dict[int, dict[str, GroupScore]]:
    """competency id -> group -> score, for the groups that have raters, plus OTHERS (rule 6).

    Groups in ``withheld`` are PENDING: counted, but neither shown nor used in OTHERS (rule 5)."""
    # one pass over the raters: per group and competency, the means of raters with enough data
    usable: dict[str, dict[int, list[float]]] = {}
    for rater in raters:
        own = usable.setdefault(rater.group, {})
        for competency_id, mean in rater.means.items():
            if mean is not None:
                own.setdefault(competency_id, []).append(mean)
    groups = [group for group in GROUP_ORDER if group in usable]
    groups += sorted(set(usable) - set(groups))
    others = [group for group in groups if group != SELF]
    result: dict[int, dict[str, GroupScore]] = {}
    for competency_id in competency_ids:
        scores: dict[str, GroupScore] = {}
        pooled: list[float] = []
        for group in groups:
            means = usable[group].get(competency_id, [])
            if group in withheld:
                scores[group] = GroupScore(None, len(means), PENDING)
                continue
            score = _usable_score(means, anonymous=group in ANONYMOUS_GROUPS, minimum=minimum)
            scores[group] = score
            if group != SELF and score.status == OK:
                pooled += means
        if others:
            combined = _usable_score(pooled, anonymous=False, minimum=minimum)
            if combined.status == INSUFFICIENT:
                held = {scores[g].status for g in others} & {HIDDEN, PENDING}
                if held:
                    combined = GroupScore(None, 0, PENDING if PENDING in held else HIDDEN)
            scores[OTHERS] = combined
        result[competency_id] = scores
    return result


class Basis(NamedTuple):
    score: float | None
    group: str | None  # OTHERS or SELF, None without a score


def basis(scores: Mapping[str, GroupScore]) -> Basis:
    """The score compared with the benchmark: others where it is a number, else self (rule 7)."""
    for group in (OTHERS, SELF):
        found = scores.get(group)
        if found is not None and found.status == OK:
            return Basis(found.score, group)
    return Basis(None, None)


# Benchmark fit -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    importance: int = 3

    @property
    def width(self) -> float:
        return self.high - self.low


def distance(score: float, band: Band) -> float:
    """Signed distance to the band: negative below it, positive above it, 0 inside."""
    if score < band.low:
        return score - band.low
    if score > band.high:
        return score - band.high
    return 0.0


def competency_fit(score: float, band: Band) -> float:
    return max(0.0, 100.0 - FIT_SLOPE * abs(distance(score, band)))


class Gap(NamedTuple):
    competency_id: int
    score: float
    band: Band
    distance: float  # always positive
    direction: str  # "below" or "above"

    @property
    def weight(self) -> float:
        return self.distance * self.band.importance


@dataclass(frozen=True)
class BenchmarkFit:
    overall: float | None
    by_competency: dict[int, float] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)


def benchmark_fit(scores: Mapping[int, float | None], bands: Mapping[int, Band]) -> BenchmarkFit:
    """Fit per competency, the importance-weighted overall fit, and the gaps by size x importance."""
    by_competency: dict[int, float] = {}
    gaps: list[Gap] = []
    weighted = 0.0
    weights = 0
    for competency_id, band in bands.items():
        score = scores.get(competency_id)
        if score is None:
            continue
        fit = competency_fit(score, band)
        by_competency[competency_id] = fit
        weighted += fit * band.importance
        weights += band.importance
        off = distance(score, band)
        if off:
            gaps.append(Gap(competency_id, score, band, abs(off), "below" if off < 0 else "above"))
    gaps.sort(key=lambda gap: -gap.weight)
    return BenchmarkFit(weighted / weights if weights else None, by_competency, gaps)


def band_relation(score: float, band: Band) -> str:
    """For colouring: "far" below, "near" below (within NEAR_BAND), "inside" or "above" the band."""
    off = distance(score, band)
    if off > 0:
        return "above"
    if off == 0:
        return "inside"
    return "near" if -off <= NEAR_BAND else "far"


def pole_for(score: float, band: Band | None) -> str:
    """Which indicators describe a score: "high" from the band's low end up (50 without a band)."""
    threshold = band.low if band is not None else 50.0
    return "high" if score >= threshold else "low"


# Self against others -----------------------------------------------------------------------------


class SelfOtherGap(NamedTuple):
    competency_id: int
    self_score: float
    others_score: float
    kind: str  # "blind_spot" or "hidden_strength"

    @property
    def difference(self) -> float:
        return self.self_score - self.others_score


def self_other_gaps(
    self_scores: Mapping[int, float | None], others_scores: Mapping[int, float | None], *, threshold: float
) -> list[SelfOtherGap]:
    """Competencies where self differs from others by more than ``threshold``, largest first."""
    found = []
    for competency_id, mine in self_scores.items():
        theirs = others_scores.get(competency_id)
        if mine is None or theirs is None:
            continue
        if mine - theirs > threshold:
            found.append(SelfOtherGap(competency_id, mine, theirs, "blind_spot"))
        elif theirs - mine > threshold:
            found.append(SelfOtherGap(competency_id, mine, theirs, "hidden_strength"))
    found.sort(key=lambda gap: -abs(gap.difference))
    return found


# Scale quality and norms ---------------------------------------------------------------------------


def population_variance(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((value - mean) ** 2 for value in values) / len(values)


@dataclass
class AlphaMoments:
    """Running sums over complete response sets of one competency (a respondent's keyed answers to
    its ``items`` items, in a fixed order), enough for Cronbach's alpha without keeping the rows:
    a population variance is sum(x^2)/n - (sum(x)/n)^2."""

    items: int
    respondents: int = 0
    item_sums: list[float] = field(default_factory=list)
    item_squares: list[float] = field(default_factory=list)
    total_sum: float = 0.0
    total_squares: float = 0.0

    def add(self, row: Sequence[float]) -> None:
        if not self.item_sums:
            self.item_sums, self.item_squares = [0.0] * self.items, [0.0] * self.items
        for index, value in enumerate(row):
            self.item_sums[index] += value
            self.item_squares[index] += value * value
        total = sum(row)
        self.total_sum += total
        self.total_squares += total * total
        self.respondents += 1

    def absorb(self, other: AlphaMoments) -> None:
        """Add another set of respondents' sums (same items, same order): the sums of two groups are
        the sums of both, so stored sums grow with each submitted response."""
        if other.items != self.items:
            raise ValueError(f"Cannot add sums over {other.items} items to sums over {self.items}.")
        if not other.respondents:
            return
        if not self.item_sums:
            self.item_sums, self.item_squares = [0.0] * self.items, [0.0] * self.items
        for index in range(self.items):
            self.item_sums[index] += other.item_sums[index]
            self.item_squares[index] += other.item_squares[index]
        self.total_sum += other.total_sum
        self.total_squares += other.total_squares
        self.respondents += other.respondents

    def alpha(self) -> float | None:
        """None below 2 respondents or 2 items, or when total scores do not vary."""
        n, k = self.respondents, self.items
        if n < 2 or k < 2:
            return None
        item_variances = sum(
            squares / n - (sums / n) ** 2
            for sums, squares in zip(self.item_sums, self.item_squares, strict=True)
        )
        total_variance = self.total_squares / n - (self.total_sum / n) ** 2
        if total_variance <= 1e-12:
            return None
        return k / (k - 1) * (1 - item_variances / total_variance)


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Alpha of a respondents x items table (complete rows). None below 2 rows or 2 items, or
    when total scores do not vary."""
    if not rows or not rows[0]:
        return None
    moments = AlphaMoments(len(rows[0]))
    for row in rows:
        moments.add(row)
    return moments.alpha()


@dataclass(frozen=True)
class Reliability:
    alpha: float | None
    respondents: int  # complete response sets used
    items: int


def competency_alpha(
    items: Sequence[ItemKey], responses: Iterable[Mapping[int, int]], competency_id: int
) -> Reliability:
    """Alpha of one competency's keyed items over the responses that answered all of them."""
    own = [item for item in items if item.competency_id == competency_id]
    rows = [
        [float(keyed(answers[item.item_id], item.reverse)) for item in own]
        for answers in responses
        if own and all(item.item_id in answers for item in own)
    ]
    return Reliability(cronbach_alpha(rows), len(rows), len(own))


NORM_DECIMALS = 9


def norm_value(score: float) -> float:
    """A score as norms store and compare it: rounded far below anything shown, so that two people
    with the same answers tie whatever order their rater means were added up in."""
    return round(score, NORM_DECIMALS)


def mid_rank(below: int, equal: int, total: int) -> float | None:
    """Percentile (0-100) from how many scores are below and equal to a value among ``total``."""
    if not total:
        return None
    return (below + 0.5 * equal) / total * 100


def percentile_rank(value: float, population: Sequence[float]) -> float | None:
    """Mid-rank percentile of ``value`` in ``population`` (0-100), None for an empty population."""
    value = norm_value(value)
    below = sum(1 for other in population if norm_value(other) < value)
    equal = sum(1 for other in population if norm_value(other) == value)
    return mid_rank(below, equal, len(population))


def quantile_position(count: int, q: float) -> tuple[int, int, float]:
    """Where the q-quantile of ``count`` sorted values lies ("type 7"): the two neighbouring
    positions (0-based) and how far between them, so that a database can fetch just those two."""
    position = (count - 1) * q
    lower = math.floor(position)
    return lower, min(lower + 1, count - 1), position - lower


def quantile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0-1) by linear interpolation between sorted values ("type 7")."""
    if not values:
        return None
    ordered = sorted(values)
    lower, upper, fraction = quantile_position(len(ordered), q)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * fraction


NORM_PERCENTILES = (10, 25, 50, 75, 90)


@dataclass(frozen=True)
class Norm:
    count: int
    mean: float | None
    percentiles: dict[int, float | None]


def norm(values: Sequence[float]) -> Norm:
    return Norm(
        count=len(values),
        mean=sum(values) / len(values) if values else None,
        percentiles={p: quantile(values, p / 100) for p in NORM_PERCENTILES},
    )


# Team views ----------------------------------------------------------------------------------------


def bucket_bounds(width: int = BUCKET_WIDTH) -> list[tuple[float | None, float | None]]:
    """Each bucket as [low, high): [0, w), [w, 2w) ...; the first has no low end and the last no high
    end (it includes 100). A database counts with these same bounds."""
    count = math.ceil(100 / width)
    return [
        (None if n == 0 else float(n * width), None if n == count - 1 else float((n + 1) * width))
        for n in range(count)
    ]


def in_bucket(score: float, bounds: tuple[float | None, float | None]) -> bool:
    low, high = bounds
    return (low is None or score >= low) and (high is None or score < high)


def bucket_counts(scores: Iterable[float], width: int = BUCKET_WIDTH) -> list[int]:
    """How many scores fall in each bucket [0, w), [w, 2w) ... the last bucket includes 100."""
    bounds = bucket_bounds(width)
    buckets = [0] * len(bounds)
    for score in scores:
        buckets[next(n for n, bucket in enumerate(bounds) if in_bucket(score, bucket))] += 1
    return buckets


@dataclass(frozen=True)
class BenchStrength:
    below: int
    inside: int
    above: int

    @property
    def total(self) -> int:
        return self.below + self.inside + self.above

    @property
    def ready_share(self) -> float | None:
        """The share (0-100) of people inside or above the band."""
        return (self.inside + self.above) / self.total * 100 if self.total else None


def bench_strength(scores: Iterable[float], band: Band) -> BenchStrength:
    below = inside = above = 0
    for score in scores:
        off = distance(score, band)
        if off < 0:
            below += 1
        elif off > 0:
            above += 1
        else:
            inside += 1
    return BenchStrength(below, inside, above)
