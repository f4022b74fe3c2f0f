"""Reading assessments: lists that start from the permission service, token look-ups, reminders due.

Scores and reports are assembled in ``reports.py``; the numbers themselves come from ``scoring.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lower, NullIf, RowNumber
from django.utils import timezone

from kamkit.assessments import scoring
from kamkit.assessments.choices import CampaignStatus, Relationship
from kamkit.assessments.documents import ItemDoc, QuestionnaireDoc
from kamkit.assessments.models import (
    Answer,
    Assessment,
    Campaign,
    Item,
    NormScore,
    Questionnaire,
    RaterInvitation,
    hash_token,
)
from kamkit.core import permissions
from kamkit.core.home import HomeCard
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.users.models import Team

QUESTIONNAIRE_LIST = ListSpec(
    search_fields=("name", "description", "framework__name"),
    sort_fields={"name": "name", "framework": "framework__name", "updated": "updated_at"},
    default_sort="name",
)

CAMPAIGN_LIST = ListSpec(
    search_fields=("name", "description", "questionnaire__name"),
    filters=(ListFilter("status", "Status", "status", choices=lambda: list(CampaignStatus.choices)),),
    sort_fields={"name": "name", "due": "due_date", "status": "status"},
    default_sort="-due",
)

ASSESSMENT_LIST = ListSpec(
    search_fields=("subject_user__full_name", "candidate_name", "campaign__name"),
    filters=(
        ListFilter("campaign", "Campaign", "campaign_id", convert=int),
        ListFilter(
            "status", "Campaign status", "campaign__status", choices=lambda: list(CampaignStatus.choices)
        ),
    ),
    sort_fields={
        "subject": "subject_user__full_name",
        "campaign": "campaign__name",
        "due": "campaign__due_date",
    },
    default_sort="-due",
)

INVITATION_LIST = ListSpec(
    search_fields=("assessment__subject_user__full_name", "assessment__candidate_name", "rater_name"),
    filters=(
        ListFilter(
            "relationship", "Relationship", "relationship", choices=lambda: list(Relationship.choices)
        ),
        ListFilter(
            "answered",
            "Answered",
            "submitted_at__isnull",
            choices=lambda: [("yes", "Yes"), ("no", "No")],
            convert=lambda value: value == "no",
        ),
    ),
    sort_fields={"due": "assessment__campaign__due_date", "subject": "assessment__subject_user__full_name"},
    default_sort="due",
)


def document_of(questionnaire: Questionnaire) -> QuestionnaireDoc:
    """The questionnaire as a plain document, for export (import gives back the same questionnaire)."""
    return QuestionnaireDoc(
        name=questionnaire.name,
        slug=questionnaire.slug,
        description=questionnaire.description,
        framework=questionnaire.framework.slug,
        version=questionnaire.builtin_release or 1,
        scale=list(questionnaire.scale_labels),
        items=[
            ItemDoc(
                competency=item.competency.name,
                self_text=item.self_text,
                others_text=item.others_text,
                reverse=item.reverse,
            )
            for item in questionnaire.items.select_related("competency").order_by("order", "id")
        ],
    )


def item_summary(questionnaire: Questionnaire) -> list[tuple[str, int, int]]:
    """(competency, items, reverse-keyed items) in the framework's order, in one aggregate query."""
    rows = (
        questionnaire.items.values("competency__name", "competency__order", "competency_id")
        .annotate(count=Count("id"), reverse=Count("id", filter=Q(reverse=True)))
        .order_by("competency__order", "competency_id")
    )
    return [(row["competency__name"], row["count"], row["reverse"]) for row in rows]


def questionnaires_for(user: Any) -> QuerySet[Questionnaire]:
    return (
        permissions.visible_to(user, Questionnaire)
        .select_related("framework")
        .annotate(item_count=Count("items", distinct=True))
    )


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    return (
        permissions.visible_to(user, Campaign)
        .select_related("questionnaire", "benchmark", "created_by")
        .annotate(
            subject_count=Count("assessments", distinct=True),
            invitation_count=Count("assessments__invitations", distinct=True),
            answered_count=Count(
                "assessments__invitations",
                filter=Q(assessments__invitations__submitted_at__isnull=False),
                distinct=True,
            ),
        )
    )


def assessments_for(user: Any) -> QuerySet[Assessment]:
    return (
        permissions.visible_to(user, Assessment)
        .select_related("campaign", "campaign__questionnaire", "subject_user")
        .annotate(
            invitation_count=Count("invitations", distinct=True),
            answered_count=Count(
                "invitations", filter=Q(invitations__submitted_at__isnull=False), distinct=True
            ),
        )
    )


def invitations_for(user: Any) -> QuerySet[RaterInvitation]:
    """The user's own invitations to rate someone, and those of the campaigns they may change (see
    ``RaterInvitation.access_policy``): who was asked, and who answered, is for those running it."""
    return permissions.visible_to(user, RaterInvitation).select_related(
        "assessment", "assessment__campaign", "assessment__subject_user", "rater_user"
    )


def invitations_to_answer(user: Any) -> QuerySet[RaterInvitation]:
    """The user's own invitations (a manager also sees their people's, but answers only their own)."""
    return invitations_for(user).filter(rater_user_id=getattr(user, "pk", None))


def invitation_for_token(token: str) -> RaterInvitation | None:
    """The invitation behind a personal link, or None for a link that never existed."""
    if not token.startswith("r") or len(token) > 80:
        return None
    return (
        RaterInvitation.objects.select_related(
            "assessment",
            "assessment__subject_user",
            "assessment__campaign",
            "assessment__campaign__questionnaire",
            "rater_user",
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitations_of(assessment: Assessment) -> QuerySet[RaterInvitation]:
    return assessment.invitations.select_related("rater_user").order_by("relationship", "id")


ID_CHUNK = 900  # ids per IN (...) list: under every SQLite build's limit on query parameters


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), ID_CHUNK):
        yield ordered[start : start + ID_CHUNK]


def response_counts(assessment_ids: Sequence[int]) -> dict[int, dict[str, tuple[int, int]]]:
    """assessment id -> relationship -> (invited, answered), in one aggregate query per 900 ids."""
    counts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for chunk in _chunks(assessment_ids):
        rows = (
            RaterInvitation.objects.filter(assessment_id__in=chunk)
            .values("assessment_id", "relationship")
            .annotate(invited=Count("id"), answered=Count("id", filter=Q(submitted_at__isnull=False)))
            .order_by()
        )
        for row in rows:
            counts[row["assessment_id"]][row["relationship"]] = (row["invited"], row["answered"])
    return counts


# Each answer as it counts: a reverse-keyed answer x counts as 6 - x (scoring rule 1).
KEYED_VALUE = Case(
    When(item__reverse=True, then=Value(scoring.SCALE_MIN + scoring.SCALE_MAX) - F("value")),
    default=F("value"),
    output_field=IntegerField(),
)


@dataclass
class SubmittedRater:
    """A submitted invitation and its answers added up per competency (scoring.Tally)."""

    assessment_id: int
    relationship: str
    tallies: dict[int, scoring.Tally] = field(default_factory=dict)


COMPETENCY_CHUNK = 40  # competencies per aggregate query: two columns each, far below column limits


def submitted_tallies(
    assessment_ids: Sequence[int], competency_ids: Sequence[int]
) -> dict[int, SubmittedRater]:
    """invitation id -> its subject, relationship and, per competency, the sum of its keyed answers and
    their number (``scoring.Tally``), for the submitted invitations of these assessments. Drafts
    never count.

    The database adds the answers up: one row per rater, with a SUM and a COUNT per competency
    (``FILTER (WHERE competency = ...)``), so 200,000 answers arrive as 5,000 rows and no sort is
    needed (answers are read in the order of their invitation index). The ORM writes the query; its
    rows are read straight from the cursor, without per-value converters."""
    raters: dict[int, SubmittedRater] = {}
    for chunk in _chunks(assessment_ids):
        submitted = RaterInvitation.objects.filter(assessment_id__in=chunk, submitted_at__isnull=False)
        for invitation_id, assessment_id, relationship in submitted.values_list(
            "id", "assessment_id", "relationship"
        ):
            raters[invitation_id] = SubmittedRater(assessment_id, relationship)
        for start in range(0, len(competency_ids), COMPETENCY_CHUNK):
            competencies = competency_ids[start : start + COMPETENCY_CHUNK]
            columns: dict[str, Any] = {}
            for n, competency_id in enumerate(competencies):
                only = Q(item__competency_id=competency_id)
                columns[f"total_{n}"] = Sum(KEYED_VALUE, filter=only)
                columns[f"answered_{n}"] = Count("id", filter=only)
            sums = (
                Answer.objects.filter(invitation_id__in=submitted.values("id"))
                .values("invitation_id")
                .annotate(**columns)
                .order_by()
                .values_list("invitation_id", *columns)
            )
            sql, params = sums.query.sql_with_params()
            with connections[sums.db].cursor() as cursor:
                cursor.execute(sql, params)
                for row in cursor.fetchall():
                    rater = raters.get(row[0])
                    if rater is None:  # submitted between the two queries; it counts next time
                        continue
                    for n, competency_id in enumerate(competencies):
                        answered = row[2 + 2 * n]
                        if answered:
                            rater.tallies[competency_id] = scoring.Tally(int(row[1 + 2 * n]), answered)
    return {pk: rater for pk, rater in raters.items() if rater.tallies}


def report_assessments_for(user: Any) -> QuerySet[Assessment]:
    """Assessments the user may see, with what reports, exports and the scores API read: no response
    counts (a team report of 1,000 people does not show them), and each campaign loaded once and
    shared rather than copied into every row."""
    return (
        permissions.visible_to(user, Assessment)
        .select_related("subject_user")
        .prefetch_related("campaign__questionnaire", "campaign__benchmark")  # one shared campaign object
    )


# The team page ----------------------------------------------------------------------------------

TEAM_PAGE_SIZE = 50


def team_list(competencies: Sequence[tuple[int, str]]) -> ListSpec:
    """The team page's search, team filter and sorts: by name, or by any competency's score (the
    score compared with the benchmark; people without one sort as the lowest)."""
    return ListSpec(
        search_fields=("subject_user__full_name", "candidate_name"),
        filters=(
            ListFilter(
                "team",
                "Team",
                "subject_user__team_id",
                choices=lambda: [(str(pk), name) for pk, name in Team.objects.values_list("pk", "name")],
                convert=int,
            ),
        ),
        sort_fields={"person": "sort_name", **{f"c{pk}": f"score_{pk}" for pk, _ in competencies}},
        default_sort="person",
    )


def team_members(
    user: Any, campaign_id: int, spec: ListSpec, params: Mapping[str, Any]
) -> QuerySet[Assessment]:
    """The people of one campaign the user may see, searched, filtered and sorted by ``spec``.

    Only the competency sorted by is looked up, from the stored norms (``NormScore``), so a page of
    people costs the same queries whether the campaign has 50 people or 5,000. The caller gives each
    row the campaign (one shared object)."""
    people = (
        permissions.visible_to(user, Assessment)
        .filter(campaign_id=campaign_id)
        .select_related("subject_user")
    )
    people = people.annotate(
        sort_name=Lower(
            Coalesce(
                NullIf("subject_user__full_name", Value("")),
                "subject_user__email",
                "candidate_name",
                output_field=CharField(),
            )
        )
    )
    sort = str(params.get("sort") or "").lstrip("-")
    if spec.sort_fields.get(sort, "").startswith("score_"):
        competency_id = int(sort[1:])
        score = NormScore.objects.filter(assessment_id=OuterRef("pk"), competency_id=competency_id)
        people = people.annotate(
            **{f"score_{competency_id}": Coalesce(Subquery(score.values("score")[:1]), Value(-1.0))}
        )
    return spec.apply(people, params)


@dataclass(frozen=True)
class TeamFigures:
    """One competency over a team: how many have a score, their mean, bench strength and buckets."""

    count: int
    mean: float | None
    strength: scoring.BenchStrength | None
    buckets: list[int]


def team_figures(
    people: QuerySet[Assessment], competency_ids: Sequence[int], bands: Mapping[int, scoring.Band]
) -> dict[int, TeamFigures]:
    """Per competency, over ``people``'s stored scores, in one aggregate query: the count, the mean,
    below / inside / above the band (``scoring.distance``) and the buckets of ``scoring.bucket_bounds``."""
    if not competency_ids:
        return {}
    columns: dict[str, Any] = {"count": Count("id"), "mean": Avg("score")}
    if bands:
        low = Case(
            *[When(competency_id=pk, then=Value(band.low)) for pk, band in bands.items()],
            default=None,
            output_field=FloatField(),
        )
        high = Case(
            *[When(competency_id=pk, then=Value(band.high)) for pk, band in bands.items()],
            default=None,
            output_field=FloatField(),
        )
        columns |= {
            "below": Count("id", filter=Q(score__lt=low)),
            "above": Count("id", filter=Q(score__gt=high)),
        }
    for n, (bottom, top) in enumerate(scoring.bucket_bounds()):
        within = Q()
        if bottom is not None:
            within &= Q(score__gte=bottom)
        if top is not None:
            within &= Q(score__lt=top)
        columns[f"bucket_{n}"] = Count("id", filter=within)
    rows: dict[int, dict[str, Any]] = {
        row["competency_id"]: dict(row)
        for row in NormScore.objects.filter(
            assessment_id__in=people.order_by().values("pk"), competency_id__in=competency_ids
        )
        .values("competency_id")
        .annotate(**columns)
        .order_by()
    }
    buckets = len(scoring.bucket_bounds())
    figures = {}
    for competency_id in competency_ids:
        row = rows.get(competency_id)
        count = row["count"] if row else 0
        strength = None
        if competency_id in bands:
            below, above = (row["below"], row["above"]) if row else (0, 0)
            strength = scoring.BenchStrength(below, count - below - above, above)
        figures[competency_id] = TeamFigures(
            count=count,
            mean=row["mean"] if row else None,
            strength=strength,
            buckets=[row[f"bucket_{n}"] for n in range(buckets)] if row else [0] * buckets,
        )
    return figures


# The organisation's stored norms ------------------------------------------------------------------


@dataclass(frozen=True)
class NormInputs:
    """What a questionnaire's stored norms are computed from, counted: the submitted responses, the
    closed campaigns (their anonymous groups count from then on), the statements and the anonymity
    threshold. Ids are added up as well as counted, so that one row going and another coming shows
    (new ids are always larger). Stored norms whose inputs differ from these are recomputed."""

    anonymity_min: int
    submitted: int
    submitted_ids: int
    closed: int
    closed_ids: int
    items: int
    item_ids: int
    item_competencies: int
    reverse_items: int

    def with_submitted(self, invitation_id: int) -> NormInputs:
        return dataclasses.replace(
            self, submitted=self.submitted + 1, submitted_ids=self.submitted_ids + invitation_id
        )

    def with_closed(self, campaign_id: int) -> NormInputs:
        return dataclasses.replace(self, closed=self.closed + 1, closed_ids=self.closed_ids + campaign_id)

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def norm_inputs(questionnaire_id: int) -> NormInputs:
    submitted = RaterInvitation.objects.filter(
        assessment__campaign__questionnaire_id=questionnaire_id, submitted_at__isnull=False
    ).aggregate(count=Count("id"), ids=Sum("id"))
    closed = Campaign.objects.filter(
        questionnaire_id=questionnaire_id, status=CampaignStatus.CLOSED
    ).aggregate(count=Count("id"), ids=Sum("id"))
    items = Item.objects.filter(questionnaire_id=questionnaire_id).aggregate(
        count=Count("id"),
        ids=Sum("id"),
        competencies=Sum("competency_id"),
        reverse=Count("id", filter=Q(reverse=True)),
    )
    return NormInputs(  # PostgreSQL adds integers up as numeric: plain ints here, for the JSON
        anonymity_min=settings.KAMKIT_ANONYMITY_MIN,
        submitted=submitted["count"],
        submitted_ids=int(submitted["ids"] or 0),
        closed=closed["count"],
        closed_ids=int(closed["ids"] or 0),
        items=items["count"],
        item_ids=int(items["ids"] or 0),
        item_competencies=int(items["competencies"] or 0),
        reverse_items=items["reverse"],
    )


def scale_items(questionnaire_id: int) -> dict[int, list[scoring.ItemKey]]:
    """The questionnaire's items by competency, in the framework's order."""
    return scoring.competencies_of(
        scoring.ItemKey(item_id, competency_id, reverse)
        for item_id, competency_id, reverse in Item.objects.filter(questionnaire_id=questionnaire_id)
        .order_by("competency__order", "competency_id", "order", "id")
        .values_list("id", "competency_id", "reverse")
    )


def alpha_moments(
    own: Mapping[int, Sequence[scoring.ItemKey]],
    questionnaire_id: int,
    invitation_ids: Sequence[int] | None = None,
) -> dict[int, scoring.AlphaMoments]:
    """Per competency, the sums Cronbach's alpha needs over the complete response sets of every
    submitted response to the questionnaire (or of ``invitation_ids`` only, to add them to stored sums).

    Alpha needs item-level answers: they are read once, in invitation order, straight from the
    cursor, and each complete response set is added to running sums (``scoring.AlphaMoments``)."""
    place = {
        item.item_id: (item.competency_id, index, item.reverse)
        for competency_items in own.values()
        for index, item in enumerate(competency_items)
    }
    moments = {competency_id: scoring.AlphaMoments(len(its)) for competency_id, its in own.items()}
    answers = Answer.objects.filter(
        item__questionnaire_id=questionnaire_id, invitation__submitted_at__isnull=False
    )
    if invitation_ids is not None:
        answers = answers.filter(invitation_id__in=list(invitation_ids))
    rows = answers.order_by("invitation_id").values_list("invitation_id", "item_id", "value")
    sql, params = rows.query.sql_with_params()

    def add_complete(response: dict[int, list[float | None]]) -> None:
        for competency_id, row in response.items():
            if None not in row:
                moments[competency_id].add(row)  # type: ignore[arg-type]

    current: int | None = None
    response: dict[int, list[float | None]] = {}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        for invitation_id, item_id, value in cursor.fetchall():
            if invitation_id != current:
                add_complete(response)
                current = invitation_id
                response = {competency_id: [None] * len(its) for competency_id, its in own.items()}
            competency_id, index, reverse = place[item_id]
            response[competency_id][index] = scoring.keyed(value, reverse)
    add_complete(response)
    return moments


def rank_counts(questionnaire_id: int, scores: Mapping[int, float]) -> dict[int, tuple[int, int, int]]:
    """competency id -> (scores below, scores equal, all scores) among the organisation's stored
    scores on this questionnaire, for the given score per competency, in one aggregate query."""
    if not scores:
        return {}
    own = Case(
        *[When(competency_id=pk, then=Value(scoring.norm_value(score))) for pk, score in scores.items()],
        output_field=FloatField(),
    )
    rows = (
        NormScore.objects.filter(questionnaire_id=questionnaire_id, competency_id__in=list(scores))
        .values("competency_id")
        .annotate(
            total=Count("id"),
            below=Count("id", filter=Q(score__lt=own)),
            equal=Count("id", filter=Q(score=own)),
        )
        .order_by()
    )
    return {row["competency_id"]: (row["below"], row["equal"], row["total"]) for row in rows}


def norms_of(questionnaire_id: int, competency_ids: Sequence[int]) -> dict[int, scoring.Norm]:
    """The organisation's norms per competency (count, mean, ``scoring.NORM_PERCENTILES``) from the
    stored scores: the database counts and averages, then hands over only the two sorted scores each
    percentile lies between (``scoring.quantile_position``), not every score."""
    stored = NormScore.objects.filter(questionnaire_id=questionnaire_id, competency_id__in=competency_ids)
    summary = {
        row["competency_id"]: (row["count"], row["mean"])
        for row in stored.values("competency_id").annotate(count=Count("id"), mean=Avg("score")).order_by()
    }
    wanted: dict[int, dict[int, tuple[int, int, float]]] = {
        competency_id: {p: scoring.quantile_position(count, p / 100) for p in scoring.NORM_PERCENTILES}
        for competency_id, (count, _) in summary.items()
    }
    positions = sorted(
        {n for places in wanted.values() for lower, upper, _ in places.values() for n in (lower, upper)}
    )
    values: dict[tuple[int, int], float] = {}
    if positions:
        ranked = stored.annotate(
            position=Window(RowNumber(), partition_by=[F("competency_id")], order_by=[F("score").asc()])
        ).filter(position__in=[n + 1 for n in positions])
        for competency_id, position, score in ranked.values_list("competency_id", "position", "score"):
            values[(competency_id, position - 1)] = score
    norms = {}
    for competency_id in competency_ids:
        count, mean = summary.get(competency_id, (0, None))
        percentiles: dict[int, float | None] = {}
        for p in scoring.NORM_PERCENTILES:
            if not count:
                percentiles[p] = None
                continue
            lower, upper, fraction = wanted[competency_id][p]
            low, high = values[(competency_id, lower)], values[(competency_id, upper)]
            percentiles[p] = low + (high - low) * fraction
        norms[competency_id] = scoring.Norm(count=count, mean=mean, percentiles=percentiles)
    return norms


# E-mails ------------------------------------------------------------------------------------------


def _by_rater(invitations: QuerySet[RaterInvitation]) -> dict[str, list[RaterInvitation]]:
    grouped: dict[str, list[RaterInvitation]] = defaultdict(list)
    for invitation in invitations:
        if invitation.email:
            grouped[invitation.email.lower()].append(invitation)
    return dict(grouped)


def _open_unanswered() -> QuerySet[RaterInvitation]:
    return RaterInvitation.objects.select_related(
        "assessment", "assessment__subject_user", "assessment__campaign", "rater_user"
    ).filter(
        submitted_at__isnull=True,
        assessment__campaign__status=CampaignStatus.OPEN,
        assessment__campaign__due_date__gte=timezone.localdate(),
    )


def invitations_to_send(
    campaign_id: int | None = None, invitation_id: int | None = None
) -> dict[str, list[RaterInvitation]]:
    """Unanswered invitations of open campaigns, by rater e-mail address (one e-mail per rater)."""
    invitations = _open_unanswered().order_by("assessment__campaign__due_date", "id")
    if campaign_id is not None:
        invitations = invitations.filter(assessment__campaign_id=campaign_id, invited_at__isnull=True)
    if invitation_id is not None:
        invitations = invitations.filter(pk=invitation_id)
    return _by_rater(invitations)


def reminders_due(now: dt.datetime | None = None) -> dict[str, list[RaterInvitation]]:
    """Raters to remind, with their unanswered invitations: invited before today, and not reminded
    today about anything (one reminder a day per rater, whatever the number of invitations)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    pending = _by_rater(
        _open_unanswered()
        .filter(invited_at__lt=start_of_today)
        .order_by("assessment__campaign__due_date", "id")
    )
    reminded_today = {
        email.lower()
        for email in RaterInvitation.objects.filter(last_reminded_at__gte=start_of_today).values_list(
            "rater_email", flat=True
        )
    } | {
        email.lower()
        for email in RaterInvitation.objects.filter(
            last_reminded_at__gte=start_of_today, rater_user__isnull=False
        ).values_list("rater_user__email", flat=True)
    }
    return {email: invitations for email, invitations in pending.items() if email not in reminded_today}


# Home page ---------------------------------------------------------------------------------------


def home_cards(user: Any) -> list[HomeCard]:
    if not getattr(user, "is_authenticated", False):
        return []
    waiting = (
        invitations_to_answer(user)
        .filter(submitted_at__isnull=True, assessment__campaign__status=CampaignStatus.OPEN)
        .count()
    )
    if not waiting:
        return []
    return [
        HomeCard(
            title="Assessments to answer",
            figure=waiting,
            link_text="Answer them",
            url_name="assessments:invitations",
            note="Colleagues are waiting for your view.",
        )
    ]
