"""Fixed vocabularies of the portfolio: where a criterion's number comes from, the two matrix axes,
how numbers are brought to a common 0-1 scale, and what return on time divides by hours."""

from django.db import models


class Source(models.TextChoices):
    """Where a selection criterion's number comes from: computed from kamkit's data, or rated by people.

    The list is fixed (one column per source in the stored scores); organisations choose names,
    weights, axes and which criteria count.
    """

    REVENUE_CURRENT = "revenue_current", "Current revenue"
    PROFIT_CURRENT = "profit_current", "Current profit"
    REVENUE_GROWTH = "revenue_growth", "Revenue growth"
    PIPELINE = "pipeline", "Future pipeline"
    SHARE_OF_WALLET = "share_of_wallet", "Share of wallet"
    YEARS_AS_CUSTOMER = "years_as_customer", "Years as customer"
    HISTORICAL_VALUE = "historical_value", "Historical value"
    FINANCIAL_SECURITY = "financial_security", "Financial security"
    STRATEGIC_COHERENCE = "strategic_coherence", "Strategic coherence"
    CULTURAL_FIT = "cultural_fit", "Cultural fit"
    VALUES_US = "values_us", "How much they value us"
    GROWTH_ALIGNMENT = "growth_alignment", "Growth alignment"


COMPUTED_SOURCES: tuple[Source, ...] = (
    Source.REVENUE_CURRENT,
    Source.PROFIT_CURRENT,
    Source.REVENUE_GROWTH,
    Source.PIPELINE,
    Source.SHARE_OF_WALLET,
    Source.YEARS_AS_CUSTOMER,
    Source.HISTORICAL_VALUE,
)
RATED_SOURCES: tuple[Source, ...] = (
    Source.FINANCIAL_SECURITY,
    Source.STRATEGIC_COHERENCE,
    Source.CULTURAL_FIT,
    Source.VALUES_US,
    Source.GROWTH_ALIGNMENT,
)
ALL_SOURCES: tuple[Source, ...] = COMPUTED_SOURCES + RATED_SOURCES


class CriterionKind(models.TextChoices):
    COMPUTED = "computed", "Computed from data"
    RATED = "rated", "Rated by people"


def kind_of(source: str) -> CriterionKind:
    return CriterionKind.RATED if source in RATED_SOURCES else CriterionKind.COMPUTED


class Axis(models.TextChoices):
    """The two axes of the portfolio matrix."""

    ATTRACTIVENESS = "attractiveness", "Account attractiveness"
    STRENGTH = "strength", "Our strength in the account"


class Normalisation(models.TextChoices):
    """How a computed criterion's raw values become 0-1 (rated criteria always use their scale)."""

    MIN_MAX = "min_max", "Min-max: where the value sits between the lowest and the highest"
    PERCENTILE = "percentile", "Percentile: the share of accounts with a lower value"


class ValueBasis(models.TextChoices):
    """What return on time divides by the hours spent."""

    REVENUE = "revenue", "Current revenue"
    PROFIT = "profit", "Current profit"


# Quadrants of the matrix: (attractiveness high?, strength high?) -> label.
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, True): "Invest: key accounts",
    (True, False): "Build our position",
    (False, True): "Maintain",
    (False, False): "Serve efficiently",
}
