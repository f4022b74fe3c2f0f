"""Assessment results and reports: gathers the numbers in a few queries and hands them to scoring.

``results_for`` serves one report, a team page or an export alike: items, bands, submitted answers
and response counts are each read once for any number of assessments.

What compares a person with the organisation (percentiles, norms, a team's bench strength and
distribution) reads the stored norms (``NormScore``, ``NormState``) that the services keep current;
``current_norms`` recomputes them first when they no longer describe the database, so a page never
shows figures from before a change.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from kamkit.assessments import queries, scoring
from kamkit.assessments.charts import Radar, radar
from kamkit.assessments.choices import ANONYMOUS_RELATIONSHIPS, CampaignStatus, Relationship
from kamkit.assessments.models import Assessment, Campaign, Item, NormState, Questionnaire, RaterInvitation
from kamkit.core.pdf import PdfDocument, latin1
from kamkit.core.queries import spreadsheet_safe
from kamkit.frameworks.choices import Pole, TipKind
from kamkit.frameworks.models import BenchmarkTarget, Competency, Indicator, Tip

GROUP_LABELS = {
    "self": "Self",
    "manager": "Manager",
    "peer": "Peers",
    "report": "Direct reports",
    "customer": "Customers",
    "others": "All others",
}
STATUS_LABELS = {
    scoring.INSUFFICIENT: "insufficient data",
    scoring.HIDDEN: "too few answers to show",
    scoring.PENDING: "shown when the campaign closes",
}
ALPHA_MIN_RESPONSES = 30  # below this, alpha says more about chance than about the scale
NORM_MIN_SCORES = 10  # a percentile among fewer people says little and may point at someone
TIPS_PER_GAP = 3


@dataclass
class CompetencyResult:
    id: int
    name: str
    definition: str
    groups: dict[str, scoring.GroupScore]
    basis: scoring.Basis
    band: scoring.Band | None
    fit: float | None = None
    relation: str | None = None
    pole: str | None = None
    indicators: list[str] = field(default_factory=list)
    tips: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)
    percentile: float | None = None

    def group(self, key: str) -> scoring.GroupScore | None:
        return self.groups.get(key)

    @property
    def gap(self) -> float | None:
        """Points below the band (positive), for the report's gap list."""
        if self.basis.score is None or self.band is None:
            return None
        off = scoring.distance(self.basis.score, self.band)
        return -off if off < 0 else None


@dataclass
class SelfOtherView:
    competency: str
    self_score: float
    others_score: float
    difference: float
    kind: str


@dataclass
class AssessmentResult:
    assessment: Assessment
    groups: list[str]
    competencies: list[CompetencyResult]
    fit: scoring.BenchmarkFit
    self_other: list[SelfOtherView]
    counts: dict[str, tuple[int, int]]
    withheld: bool

    @property
    def gaps(self) -> list[tuple[scoring.Gap, CompetencyResult]]:
        by_id = {c.id: c for c in self.competencies}
        return [(gap, by_id[gap.competency_id]) for gap in self.fit.gaps]

    @property
    def table(self) -> list[tuple[CompetencyResult, list[tuple[str, scoring.GroupScore | None]]]]:
        """Rows of the score table: each competency with its score per present group."""
        return [(row, [(g, row.groups.get(g)) for g in self.groups]) for row in self.competencies]

    @property
    def answered(self) -> int:
        return sum(answered for _, answered in self.counts.values())

    def radar(self) -> Radar:
        shown = [g for g in ("self", "manager", "others") if g in self.groups]
        series = [
            (
                group,
                GROUP_LABELS[group],
                [
                    c.groups[group].score
                    if group in c.groups and c.groups[group].status == scoring.OK
                    else None
                    for c in self.competencies
                ],
            )
            for group in shown
        ]
        bands = [(c.band.low, c.band.high) if c.band else None for c in self.competencies]
        return radar([c.name for c in self.competencies], series, bands)


def _withheld(assessment: Assessment) -> frozenset[str]:
    if assessment.campaign.status == CampaignStatus.CLOSED:
        return frozenset()
    return frozenset(str(r) for r in ANONYMOUS_RELATIONSHIPS)


def results_for(assessments: Sequence[Assessment], *, detail: bool = False) -> dict[int, AssessmentResult]:
    """Scores of each assessment (expects ``campaign`` loaded). ``detail`` adds what a person's report
    explains: the indicators that describe each score, tips for each gap, and percentiles."""
    if not assessments:
        return {}
    ids = [a.pk for a in assessments]
    questionnaire_ids = {a.campaign.questionnaire_id for a in assessments}
    items_by_questionnaire: dict[int, list[scoring.ItemKey]] = defaultdict(list)
    for item_id, questionnaire_id, competency_id, reverse in (
        Item.objects.filter(questionnaire_id__in=questionnaire_ids)
        .order_by("competency__order", "order", "id")
        .values_list("id", "questionnaire_id", "competency_id", "reverse")
    ):
        items_by_questionnaire[questionnaire_id].append(scoring.ItemKey(item_id, competency_id, reverse))
    competency_ids = {item.competency_id for items in items_by_questionnaire.values() for item in items}
    competencies = Competency.objects.filter(pk__in=competency_ids).order_by("order", "id")
    if detail:
        competencies = competencies.prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("pole", "order", "id")),
            Prefetch("tips", queryset=Tip.objects.order_by("kind", "order", "id")),
        )
    by_id = {c.pk: c for c in competencies}
    bands: dict[int, dict[int, scoring.Band]] = defaultdict(dict)
    benchmark_ids = {a.campaign.benchmark_id for a in assessments if a.campaign.benchmark_id}
    for target in BenchmarkTarget.objects.filter(profile_id__in=benchmark_ids):
        bands[target.profile_id][target.competency_id] = scoring.Band(
            target.band_low, target.band_high, target.importance
        )
    counts_by_questionnaire = {q: scoring.item_counts(items) for q, items in items_by_questionnaire.items()}
    questionnaire_of = {a.pk: a.campaign.questionnaire_id for a in assessments}
    raters: dict[int, list[scoring.RaterMeans]] = defaultdict(list)
    competency_order = [c for counts in counts_by_questionnaire.values() for c in counts]
    for rater in queries.submitted_tallies(ids, list(dict.fromkeys(competency_order))).values():
        counts_of_items = counts_by_questionnaire.get(questionnaire_of[rater.assessment_id], {})
        raters[rater.assessment_id].append(
            scoring.RaterMeans(rater.relationship, scoring.rater_means(counts_of_items, rater.tallies))
        )
    counts = queries.response_counts(ids)
    minimum = settings.KAMKIT_ANONYMITY_MIN
    results = {}
    for assessment in assessments:
        competency_order = list(counts_by_questionnaire.get(assessment.campaign.questionnaire_id, {}))
        withheld = _withheld(assessment)
        scored = scoring.group_scores(
            competency_order, raters[assessment.pk], minimum=minimum, withheld=withheld
        )
        own_bands = bands.get(assessment.campaign.benchmark_id or 0, {})
        rows = []
        for competency_id in competency_order:
            competency = by_id[competency_id]
            groups = scored.get(competency_id, {})
            basis = scoring.basis(groups)
            band = own_bands.get(competency_id)
            rows.append(
                CompetencyResult(
                    id=competency_id,
                    name=competency.name,
                    definition=competency.definition,
                    groups=groups,
                    basis=basis,
                    band=band,
                    fit=scoring.competency_fit(basis.score, band)
                    if basis.score is not None and band
                    else None,
                    relation=scoring.band_relation(basis.score, band)
                    if basis.score is not None and band
                    else None,
                )
            )
        rows.sort(key=lambda row: (by_id[row.id].order, row.id))
        fit = scoring.benchmark_fit({row.id: row.basis.score for row in rows}, own_bands)
        self_scores = {row.id: _ok(row.groups.get("self")) for row in rows}
        others_scores = {row.id: _ok(row.groups.get(scoring.OTHERS)) for row in rows}
        names = {row.id: row.name for row in rows}
        self_other = [
            SelfOtherView(
                names[gap.competency_id], gap.self_score, gap.others_score, gap.difference, gap.kind
            )
            for gap in scoring.self_other_gaps(
                self_scores, others_scores, threshold=settings.KAMKIT_BLIND_SPOT_GAP
            )
        ]
        present = [g for g in scoring.GROUP_ORDER if rows and g in rows[0].groups]  # same groups in every row
        result = AssessmentResult(
            assessment=assessment,
            groups=present,
            competencies=rows,
            fit=fit,
            self_other=self_other,
            counts=counts.get(assessment.pk, {}),
            withheld=bool(withheld & {r.group for r in raters[assessment.pk]}),
        )
        if detail:
            _explain(result, by_id)
        results[assessment.pk] = result
    return results


def _ok(score: scoring.GroupScore | None) -> float | None:
    return score.score if score is not None and score.status == scoring.OK else None


def pick_tips(
    mindset: Sequence[str], practice: Sequence[str], count: int = TIPS_PER_GAP
) -> list[tuple[str, str]]:
    """The first mindset tip and the first practice tips, in the framework's order (its authors list
    the most useful first); when one kind runs short, the other fills in."""
    chosen: list[tuple[str, str]] = []
    if mindset:
        chosen.append((TipKind.MINDSET, mindset[0]))
    chosen += [(TipKind.PRACTICE, text) for text in practice[: count - len(chosen)]]
    chosen += [(TipKind.MINDSET, text) for text in mindset[1 : 1 + count - len(chosen)]]
    return chosen[:count]


def _explain(result: AssessmentResult, competencies: dict[int, Competency]) -> None:
    questionnaire_id = result.assessment.campaign.questionnaire_id
    scored = {row.id: row.basis.score for row in result.competencies if row.basis.score is not None}
    ranks = {}
    if scored:
        current_norms(questionnaire_id)
        ranks = queries.rank_counts(questionnaire_id, scored)
    for row in result.competencies:
        competency = competencies[row.id]
        if row.basis.score is not None:
            row.pole = scoring.pole_for(row.basis.score, row.band)
            row.indicators = [i.text for i in competency.indicators.all() if i.pole == row.pole]
            below, equal, total = ranks.get(row.id, (0, 0, 0))
            if total >= NORM_MIN_SCORES:
                row.percentile = scoring.mid_rank(below, equal, total)
        if row.gap:
            tips = list(competency.tips.all())
            row.tips = pick_tips(
                [t.text for t in tips if t.kind == TipKind.MINDSET],
                [t.text for t in tips if t.kind == TipKind.PRACTICE],
            )


# Stored norms --------------------------------------------------------------------------------------


def basis_scores(assessments: Sequence[Assessment]) -> list[tuple[int, int, float]]:
    """(assessment id, competency id, score) for every competency with a score compared with the
    benchmark: what the stored norms hold, from the same ``results_for`` as every report."""
    return [
        (assessment_id, row.id, scoring.norm_value(row.basis.score))
        for assessment_id, result in results_for(assessments).items()
        for row in result.competencies
        if row.basis.score is not None
    ]


def current_norms(questionnaire_id: int) -> NormState:
    """The questionnaire's stored norms, recomputed first if anything they depend on has changed
    since (a cache fill: the one write a page may cause, in a transaction of its own)."""
    from kamkit.assessments import services

    return services.ensure_norms(questionnaire_id=questionnaire_id)


# Team report -----------------------------------------------------------------------------------------


@dataclass
class TeamCompetency:
    id: int
    name: str
    band: scoring.Band | None
    strength: scoring.BenchStrength | None
    buckets: list[int]
    mean: float | None


@dataclass
class TeamRow:
    result: AssessmentResult
    cells: list[CompetencyResult]


@dataclass
class TeamReport:
    competencies: list[TeamCompetency]
    rows: list[TeamRow]
    bucket_labels: list[str]


@dataclass(frozen=True)
class TeamColumn:
    id: int
    name: str
    band: scoring.Band | None


def team_columns(campaign: Campaign) -> list[TeamColumn]:
    """The campaign's competencies in the framework's order, with their target bands. Makes sure the
    stored norms are current first: the team page sorts and counts by them."""
    current_norms(campaign.questionnaire_id)
    bands = {
        target.competency_id: scoring.Band(target.band_low, target.band_high, target.importance)
        for target in BenchmarkTarget.objects.filter(profile_id=campaign.benchmark_id or 0)
    }
    return [
        TeamColumn(pk, name, bands.get(pk))
        for pk, name in Competency.objects.filter(
            questionnaire_items__questionnaire_id=campaign.questionnaire_id
        )
        .distinct()
        .order_by("order", "id")
        .values_list("id", "name")
    ]


def team_competencies(columns: Sequence[TeamColumn], people: QuerySet[Assessment]) -> list[TeamCompetency]:
    """Bench strength, distribution and mean per competency over all of ``people`` (not one page of
    them), counted by the database from the stored norms: no one is re-scored for them."""
    bands = {column.id: column.band for column in columns if column.band is not None}
    figures = queries.team_figures(people, [column.id for column in columns], bands)
    return [
        TeamCompetency(
            id=column.id,
            name=column.name,
            band=column.band,
            strength=figures[column.id].strength,
            buckets=figures[column.id].buckets,
            mean=figures[column.id].mean,
        )
        for column in columns
    ]


def bucket_labels() -> list[str]:
    width = scoring.BUCKET_WIDTH
    return [f"{low}-{low + width - 1}" for low in range(0, 100 - width, width)] + [f"{100 - width}-100"]


def team_report(
    columns: Sequence[TeamColumn], people: QuerySet[Assessment], results: Iterable[AssessmentResult]
) -> TeamReport:
    """The heatmap rows of ``results`` (one page of people, or all of them for the API) in their
    given order, with the figures of every one of ``people``."""
    return TeamReport(
        competencies=team_competencies(columns, people),
        rows=[TeamRow(result=r, cells=r.competencies) for r in results],
        bucket_labels=bucket_labels(),
    )


# Scale quality ------------------------------------------------------------------------------------


@dataclass
class CompetencyQuality:
    name: str
    reliability: scoring.Reliability
    norm: scoring.Norm

    @property
    def alpha_shown(self) -> bool:
        return self.reliability.alpha is not None and self.reliability.respondents >= ALPHA_MIN_RESPONSES


def scale_quality(questionnaire: Questionnaire) -> list[CompetencyQuality]:
    """Per competency: Cronbach's alpha over every submitted response, and the organisation's norms.

    Both come from the stored norms: the alpha sums grow with each submitted response, and the norms
    are counted by the database from the stored scores."""
    state = current_norms(questionnaire.pk)
    own = queries.scale_items(questionnaire.pk)
    norms = queries.norms_of(questionnaire.pk, list(own))
    names = dict(Competency.objects.filter(pk__in=own).values_list("id", "name"))
    rows = []
    for competency_id, items in own.items():
        moments = stored_moments(state, competency_id, [item.item_id for item in items])
        rows.append(
            CompetencyQuality(
                name=names[competency_id],
                reliability=scoring.Reliability(moments.alpha(), moments.respondents, len(items)),
                norm=norms[competency_id],
            )
        )
    return rows


def stored_moments(state: NormState, competency_id: int, item_ids: Sequence[int]) -> scoring.AlphaMoments:
    """A competency's stored alpha sums, in the order of ``item_ids`` (positions may have moved since)."""
    stored = state.alpha_sums.get(str(competency_id))
    moments = scoring.AlphaMoments(len(item_ids))
    if not stored or not stored["respondents"]:
        return moments
    by_item = dict(
        zip(stored["item_ids"], zip(stored["item_sums"], stored["item_squares"], strict=True), strict=True)
    )
    moments.respondents = stored["respondents"]
    moments.item_sums = [float(by_item[pk][0]) for pk in item_ids]
    moments.item_squares = [float(by_item[pk][1]) for pk in item_ids]
    moments.total_sum = float(stored["total_sum"])
    moments.total_squares = float(stored["total_squares"])
    return moments


def moments_for_storage(
    moments: dict[int, scoring.AlphaMoments], own: dict[int, list[scoring.ItemKey]]
) -> dict[str, dict[str, Any]]:
    """Alpha sums as ``NormState.alpha_sums`` keeps them: per competency, keyed by item id."""
    return {
        str(competency_id): {
            "item_ids": [item.item_id for item in own[competency_id]],
            "respondents": m.respondents,
            "item_sums": list(m.item_sums) or [0.0] * m.items,
            "item_squares": list(m.item_squares) or [0.0] * m.items,
            "total_sum": m.total_sum,
            "total_squares": m.total_squares,
        }
        for competency_id, m in moments.items()
    }


# Exports ---------------------------------------------------------------------------------------------

EXPORT_HEADER = [
    "campaign",
    "subject",
    "subject_email",
    "competency",
    "rater_group",
    "score",
    "raters",
    "status",
    "basis",
    "band_low",
    "band_high",
    "fit",
]


def score_rows(results: Iterable[AssessmentResult]) -> Iterator[list[Any]]:
    """One row per subject x competency x rater group (hidden and pending groups without a score)."""
    yield list(EXPORT_HEADER)
    for result in results:
        assessment = result.assessment
        email = assessment.subject_user.email if assessment.subject_user else assessment.candidate_email
        for row in result.competencies:
            for group in result.groups:
                score = row.groups.get(group)
                if score is None:
                    continue
                yield [
                    spreadsheet_safe(assessment.campaign.name),
                    spreadsheet_safe(assessment.subject_name),
                    spreadsheet_safe(email),
                    spreadsheet_safe(row.name),
                    group,
                    round(score.score, 1) if score.score is not None else None,
                    score.raters,
                    score.status,
                    "yes" if row.basis.group == group else "no",
                    row.band.low if row.band else None,
                    row.band.high if row.band else None,
                    round(row.fit, 1) if row.fit is not None and row.basis.group == group else None,
                ]


def scores_csv(results: Iterable[AssessmentResult]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in score_rows(results):
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()


def scores_xlsx(results: Iterable[AssessmentResult]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Scores")
    for row in score_rows(results):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# PDF --------------------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _cell(score: scoring.GroupScore | None) -> str:
    if score is None:
        return ""
    if score.status == scoring.OK:
        return _fmt(score.score)
    return {scoring.INSUFFICIENT: "n/a", scoring.HIDDEN: "(hidden)", scoring.PENDING: "(later)"}[score.status]


SERIES_COLOURS = {"self": (199, 119, 0), "manager": (106, 63, 160), "others": (29, 95, 168)}


BAND_FILL = (205, 233, 211)
PT_PER_MM = 72 / 25.4


def _draw_radar(document: PdfDocument, chart: Radar, *, width_mm: float = 125.0) -> None:
    """The report's radar chart in the PDF, from the same geometry as the web page's SVG, with a
    legend that shows each line's colour."""
    pdf = document.pdf
    scale = width_mm / chart.width
    height_mm = chart.height * scale
    legend_mm = 8.0
    pdf.ln(3)
    if pdf.get_y() + height_mm + legend_mm > pdf.h - pdf.b_margin:
        pdf.add_page()
    left = (pdf.w - width_mm) / 2 - chart.left * scale
    top = pdf.get_y() - chart.top * scale

    def at(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(left + x * scale, top + y * scale) for x, y in points]

    if chart.band_high:
        pdf.set_fill_color(*BAND_FILL)
        pdf.polygon(at(chart.band_high), style="F")
        pdf.set_fill_color(255, 255, 255)
        pdf.polygon(at(chart.band_low), style="F")
    pdf.set_draw_color(210, 215, 222)
    pdf.set_line_width(0.2)
    for ring in chart.ring_coordinates:
        pdf.polygon(at(ring), style="D")
    for axis in chart.axes:
        (x0, y0), (x1, y1) = at([(0, 0), (axis.x, axis.y)])
        pdf.line(x0, y0, x1, y1)
    pdf.set_line_width(0.6)
    for series in chart.series:
        colour = SERIES_COLOURS.get(series.key, (60, 60, 60))
        pdf.set_draw_color(*colour)
        if len(series.coordinates) >= 2:
            pdf.polygon(at(series.coordinates), style="D")
        pdf.set_fill_color(*colour)
        for x, y in at(series.coordinates):
            pdf.circle(x=x, y=y, radius=0.7, style="F")
    pdf.set_font("Helvetica", "", chart.font_size * scale * PT_PER_MM)
    pdf.set_text_color(40, 40, 40)
    for axis in chart.axes:
        ((x, y),) = at([(axis.label_x, axis.label_y)])
        for line_number, line in enumerate(axis.lines):
            text = latin1(line)
            shift = {"end": pdf.get_string_width(text), "middle": pdf.get_string_width(text) / 2}
            pdf.text(x - shift.get(axis.anchor, 0.0), y + line_number * chart.line_height * scale, text)
    # the legend: a swatch in each colour, centred under the chart
    keys: list[tuple[tuple[int, int, int], str]] = [(BAND_FILL, "target band")] if chart.band_high else []
    keys += [(SERIES_COLOURS.get(s.key, (60, 60, 60)), s.label) for s in chart.series if s.coordinates]
    pdf.set_font("Helvetica", "", 8)
    swatch, gap = 3.5, 5.0
    total = sum(swatch + 1.5 + pdf.get_string_width(latin1(label)) for _, label in keys) + gap * (
        len(keys) - 1
    )
    x = (pdf.w - total) / 2
    y = top + (chart.top + chart.height) * scale + 2
    for colour, label in keys:
        pdf.set_fill_color(*colour)
        pdf.rect(x, y, swatch, swatch, style="F")
        pdf.text(x + swatch + 1.5, y + swatch - 0.4, latin1(label))
        x += swatch + 1.5 + pdf.get_string_width(latin1(label)) + gap
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_text_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.set_y(y + swatch + 4)


def report_pdf(result: AssessmentResult) -> bytes:
    """The individual report on paper: the same sections as the page, the chart as a table."""
    assessment = result.assessment
    campaign = assessment.campaign
    document = PdfDocument(
        f"Assessment report: {assessment.subject_name}",
        subtitle=f"{campaign.name} · {campaign.questionnaire.name} · due {campaign.due_date:%d %b %Y}",
    )
    if result.withheld:
        document.paragraph(
            "The campaign is still open: peer, direct-report and customer answers appear when it closes.",
            muted=True,
        )
    if result.fit.overall is not None:
        document.paragraph(f"Overall fit with the {campaign.benchmark}: {result.fit.overall:.0f} / 100.")
    _draw_radar(document, result.radar())
    header = ["Competency", *[GROUP_LABELS[g] for g in result.groups], "Target band", "Fit"]
    document.table(
        header,
        [
            [
                row.name,
                *[_cell(row.groups.get(g)) for g in result.groups],
                f"{row.band.low:.0f}-{row.band.high:.0f}" if row.band else "",
                _fmt(row.fit),
            ]
            for row in result.competencies
        ],
        widths=[4] + [2] * len(result.groups) + [2, 1],
    )
    document.heading("What your scores mean")
    for row in result.competencies:
        document.heading(row.name, level=2)
        if row.basis.score is None:
            document.paragraph("Not enough answers to describe this competency.", muted=True)
            continue
        framing = (
            "Your score sits with behaviours such as these:"
            if row.pole == Pole.HIGH
            else "Your score sits with behaviours such as these (a different style, not a verdict):"
        )
        document.paragraph(f"Score {row.basis.score:.0f}. {framing}")
        document.bullets(row.indicators)
        if row.tips:
            document.paragraph(f"{row.gap:.0f} points below the target band. Three tips:")
            document.bullets([f"{kind.title()}: {text}" for kind, text in row.tips])
    if result.self_other:
        document.heading("You and others")
        document.bullets(
            [
                f"{view.competency}: you {view.self_score:.0f}, others {view.others_score:.0f} "
                f"({'blind spot' if view.kind == 'blind_spot' else 'hidden strength'})"
                for view in result.self_other
            ]
        )
    return document.output()


def raters_by_group(assessment: Assessment) -> dict[str, list[RaterInvitation]]:
    grouped: dict[str, list[RaterInvitation]] = {value: [] for value in Relationship.values}
    for invitation in queries.invitations_of(assessment):
        grouped[invitation.relationship].append(invitation)
    return grouped
