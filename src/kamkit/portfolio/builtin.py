"""The default key-account selection criteria and scoring settings, loaded by `kamkit up` and `kamkit
migrate` (and before a first re-score).

Idempotent: a criterion is added only for a source that has none, so an organisation's renamed,
re-weighted or switched-off criteria are never touched.

The set follows the selection criteria of a key-account programme: direct value (current revenue,
current profit, future volume and profit, financial security) and the relationship (coherence with
our strategy, cultural fit, how much the customer values us), plus the return-on-time questions of
account planning (growth aligned with our offer, historical value) and our position in the account.
"""

from __future__ import annotations

from dataclasses import dataclass

from kamkit.core.setup import builtin_loader
from kamkit.portfolio.choices import Axis, Source
from kamkit.portfolio.models import PortfolioSettings, SelectionCriterion


@dataclass(frozen=True)
class DefaultCriterion:
    source: Source
    name: str
    axis: Axis
    weight: int
    description: str


DEFAULT_CRITERIA: tuple[DefaultCriterion, ...] = (
    DefaultCriterion(
        Source.REVENUE_CURRENT,
        "Current revenue",
        Axis.ATTRACTIVENESS,
        20,
        "What the customer bought from us in the current period (won deals).",
    ),
    DefaultCriterion(
        Source.PROFIT_CURRENT,
        "Current profit",
        Axis.ATTRACTIVENESS,
        15,
        "The margin we made on those deals: revenue that costs too much to serve is worth less.",
    ),
    DefaultCriterion(
        Source.PIPELINE,
        "Future sales",
        Axis.ATTRACTIVENESS,
        10,
        "Open opportunities: the volume the account may bring next.",
    ),
    DefaultCriterion(
        Source.REVENUE_GROWTH,
        "Revenue growth",
        Axis.ATTRACTIVENESS,
        10,
        "Current revenue against the period before: growing, static or declining.",
    ),
    DefaultCriterion(
        Source.FINANCIAL_SECURITY,
        "Financial security",
        Axis.ATTRACTIVENESS,
        10,
        "Will they pay, and will they still be here in five years? Rated 1 (risky) to 5 (solid).",
    ),
    DefaultCriterion(
        Source.STRATEGIC_COHERENCE,
        "Fit with our strategy",
        Axis.ATTRACTIVENESS,
        10,
        "Do they buy, or could they buy, what we want to be known for? Rated 1 to 5.",
    ),
    DefaultCriterion(
        Source.GROWTH_ALIGNMENT,
        "Growth aligned with our offer",
        Axis.ATTRACTIVENESS,
        5,
        "Is their business growing where our products help? Rated 1 to 5.",
    ),
    DefaultCriterion(
        Source.CULTURAL_FIT,
        "Cultural fit",
        Axis.ATTRACTIVENESS,
        5,
        "Do we work well together: pace, openness, how decisions are made. Rated 1 to 5.",
    ),
    DefaultCriterion(
        Source.VALUES_US,
        "How much they value us",
        Axis.STRENGTH,
        10,
        "Do they see us as a partner or as one vendor among many? Rated 1 to 5.",
    ),
    DefaultCriterion(
        Source.SHARE_OF_WALLET,
        "Share of wallet",
        Axis.STRENGTH,
        10,
        "Our revenue as a share of what they spend on what we sell (when the wallet is estimated).",
    ),
    DefaultCriterion(
        Source.YEARS_AS_CUSTOMER,
        "Years as customer",
        Axis.STRENGTH,
        5,
        "How long they have bought from us.",
    ),
    DefaultCriterion(
        Source.HISTORICAL_VALUE,
        "Historical value",
        Axis.STRENGTH,
        5,
        "Everything they have bought from us so far: the relationship we have built.",
    ),
)


@builtin_loader(40, "portfolio criteria")
def load_criteria() -> str | None:
    made = []
    if not PortfolioSettings.objects.filter(pk=1).exists():
        PortfolioSettings.objects.create(pk=1)
        made.append("settings")
    present = set(SelectionCriterion.objects.values_list("source", flat=True))
    added = 0
    for order, default in enumerate(DEFAULT_CRITERIA, start=1):
        if default.source in present:
            continue
        SelectionCriterion.objects.create(
            source=default.source,
            name=default.name,
            axis=default.axis,
            weight=default.weight,
            description=default.description,
            order=order * 10,
        )
        added += 1
    if added:
        made.append(f"{added} selection criteria")
    return f"loaded {', '.join(made)}" if made else None
