"""API for the portfolio (criteria, settings, ratings, scores and their explanations, what-if,
matrix, re-score) and for deals (the facts behind revenue and pipeline)."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kamkit.accounts import services as account_services
from kamkit.accounts.models import Account, Deal, Product
from kamkit.accounts.queries import accounts_for
from kamkit.api.lookups import pick
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.lists import ListFilter, ListSpec
from kamkit.core.schemas import ERROR_RESPONSES
from kamkit.portfolio import queries, services
from kamkit.portfolio.choices import Source
from kamkit.portfolio.models import AccountScore, PortfolioSettings, ScoringRun, SelectionCriterion
from kamkit.portfolio.schemas import (
    AccountRatingRead,
    AccountRatingWrite,
    DealRead,
    DealUpdate,
    DealUpsert,
    DealWrite,
    PortfolioMatrixRead,
    PortfolioSettingsRead,
    PortfolioSettingsWrite,
    ScoreDetailRead,
    ScoreExplanationRead,
    ScoreFreshnessRead,
    ScoreRead,
    ScoringRunRead,
    SelectionCriterionRead,
    SelectionCriterionUpdate,
    WhatIfResultRead,
    WhatIfWrite,
)
from kamkit.users.models import User

router = Router(tags=["portfolio"])
deals_router = Router(tags=["deals"])


class ScoreListParams(Schema):
    q: str | None = None
    sort: str | None = None
    tier: str | None = None
    key: str | None = None
    team: str | None = None
    owner: str | None = None
    industry: str | None = None


class ScorePagination(LimitOffsetPagination):
    """Limit/offset pages of scores that also say how fresh the scores are."""

    class Output(Schema):
        items: list[Any]
        count: int
        freshness: ScoreFreshnessRead

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        return {
            **super().paginate_queryset(queryset, pagination, request, **params),
            "freshness": _freshness(),
        }


def _freshness() -> dict[str, Any]:
    status = queries.score_status()
    return {
        "scored_at": status.scored_at,
        "as_of": status.run.as_of if status.run is not None else None,
        "inputs_changed": status.inputs_changed,
        "inputs_changed_at": status.changed_at,
        "rescore": status.task,
        "text": status.text,
    }


def _score(request: HttpRequest, account_id: int) -> AccountScore:
    """The score of an account the user may see (404 otherwise, also when it was never scored)."""
    return get_object_or_404(queries.scores_for(request.user), pk=account_id)


@router.get("/portfolio/criteria", response={200: list[SelectionCriterionRead], **ERROR_RESPONSES})
def list_criteria(request: HttpRequest) -> Any:
    return permissions.visible_to(request.user, SelectionCriterion)


@router.patch("/portfolio/criteria/{criterion_id}", response={200: SelectionCriterionRead, **ERROR_RESPONSES})
def update_criterion(request: HttpRequest, criterion_id: int, payload: SelectionCriterionUpdate) -> Any:
    """Admins and directors tune criteria; scores follow in a background re-score."""
    criterion = get_object_or_404(permissions.visible_to(request.user, SelectionCriterion), pk=criterion_id)
    permissions.require(request.user, Action.CHANGE, criterion)
    with transaction.atomic():
        return services.update_criterion(criterion=criterion, **payload.dict(exclude_unset=True))


@router.get("/portfolio/settings", response={200: PortfolioSettingsRead, **ERROR_RESPONSES})
def get_settings(request: HttpRequest) -> Any:
    return queries.current_settings()


@router.put("/portfolio/settings", response={200: PortfolioSettingsRead, **ERROR_RESPONSES})
def update_settings(request: HttpRequest, payload: PortfolioSettingsWrite) -> Any:
    permissions.require(request.user, Action.CHANGE, PortfolioSettings)
    with transaction.atomic():
        return services.update_settings(**payload.dict())


@router.get("/portfolio/status", response={200: ScoreFreshnessRead, **ERROR_RESPONSES})
def score_status(request: HttpRequest) -> Any:
    """When the scores were computed, and whether their inputs changed since (a re-score is queued)."""
    permissions.require(request.user, Action.VIEW, ScoringRun)
    return _freshness()


@router.get("/portfolio/scores", response={200: list[ScoreRead], **ERROR_RESPONSES})
@paginate(ScorePagination)
def list_scores(request: HttpRequest, params: Query[ScoreListParams]) -> Any:
    """The ranking: the scores of the accounts the user may see, best first (with their freshness)."""
    return queries.SCORE_LIST.apply(queries.scores_for(request.user), params.dict())


@router.get("/portfolio/accounts/{account_id}/score", response={200: ScoreDetailRead, **ERROR_RESPONSES})
def get_score(request: HttpRequest, account_id: int) -> Any:
    score = _score(request, account_id)
    score.freshness = _freshness()  # type: ignore[attr-defined]
    return score


@router.get(
    "/portfolio/accounts/{account_id}/explain", response={200: ScoreExplanationRead, **ERROR_RESPONSES}
)
def explain_score(request: HttpRequest, account_id: int) -> Any:
    """Every number of the account's score and how it was computed, from the last re-score."""
    explained = queries.explanation_for(_score(request, account_id))
    if explained is None:
        raise ServiceError("The portfolio has not been scored yet.")
    e = explained.explanation
    return {
        "account": explained.score.account,
        "as_of": explained.run.as_of,
        "normalisation": explained.run.settings_snapshot["normalisation"],
        "criteria": e.criteria,
        "total": e.total,
        "total_text": e.total_text,
        "attractiveness": e.attractiveness,
        "attractiveness_text": e.attractiveness_text,
        "strength": e.strength,
        "strength_text": e.strength_text,
        "rank": e.rank,
        "count": e.count,
        "share_above": e.share_above,
        "tier": e.tier,
        "tier_text": e.tier_text,
        "return_on_time": e.return_on_time,
        "return_on_time_text": e.return_on_time_text,
        "lines": e.lines(),
        "freshness": _freshness(),
    }


def _account(request: HttpRequest, account_id: int) -> Account:
    return get_object_or_404(accounts_for(request.user), pk=account_id)


@router.get(
    "/portfolio/accounts/{account_id}/ratings", response={200: list[AccountRatingRead], **ERROR_RESPONSES}
)
def list_ratings(request: HttpRequest, account_id: int) -> Any:
    account = _account(request, account_id)
    return queries.ratings_for(request.user).filter(account=account)


@router.put(
    "/portfolio/accounts/{account_id}/ratings/{source}", response={200: AccountRatingRead, **ERROR_RESPONSES}
)
def rate_account(request: HttpRequest, account_id: int, source: Source, payload: AccountRatingWrite) -> Any:
    """Rating an account needs the right to change it."""
    account = _account(request, account_id)
    permissions.require(request.user, Action.CHANGE, account)
    criterion = get_object_or_404(SelectionCriterion, source=source)  # the service refuses computed ones
    with transaction.atomic():
        rating = services.rate_account(
            account=account,
            criterion=criterion,
            score=payload.score,
            note=payload.note,
            rated_by=request.user,  # type: ignore[arg-type]
        )
    return queries.ratings_for(request.user).get(pk=rating.pk)


@router.delete("/portfolio/accounts/{account_id}/ratings/{source}", response={204: None, **ERROR_RESPONSES})
def remove_rating(request: HttpRequest, account_id: int, source: Source) -> Any:
    account = _account(request, account_id)
    permissions.require(request.user, Action.CHANGE, account)
    rating = get_object_or_404(account.portfolio_ratings, criterion__source=source)
    with transaction.atomic():
        services.remove_rating(rating=rating)
    return Status(204, None)


@router.post("/portfolio/what-if", response={200: WhatIfResultRead, **ERROR_RESPONSES})
def what_if(request: HttpRequest, payload: WhatIfWrite) -> Any:
    """The ranking with other weights, computed from the stored scores; nothing is saved."""
    weights = {str(source): weight for source, weight in payload.weights.items()}
    services.check_weights(weights)
    rows = queries.what_if(request.user, weights, limit=payload.limit)
    return {
        "freshness": _freshness(),
        "rows": [
            {
                "account": row.account,
                "rank": row.rank,
                "new_rank": row.new_rank,
                "movement": row.movement,
                "total": row.total,
                "new_total": row.new_total,
            }
            for row in rows
        ],
    }


@router.get("/portfolio/matrix", response={200: PortfolioMatrixRead, **ERROR_RESPONSES})
def matrix(request: HttpRequest, params: Query[ScoreListParams], top: int = 150) -> Any:
    """Accounts on attractiveness x our strength: counts and revenue per bin, and the biggest accounts."""
    scores = queries.MATRIX_FILTERS.apply(queries.scores_in_scope(request.user), params.dict())
    result = queries.matrix(scores, top=top)
    return {
        "grid": queries.GRID,
        "count": result.count,
        "quadrants": result.quadrants,
        "bins": [
            {"strength_bin": b.x, "attractiveness_bin": b.y, "count": b.count, "revenue": b.revenue}
            for b in result.bins
        ],
        "top": [
            {
                "account": s.account,
                "attractiveness": s.attractiveness,
                "strength": s.strength,
                "revenue": s.revenue_current,
                "tier_suggestion": s.tier_suggestion,
            }
            for s in result.top
        ],
        "freshness": _freshness(),
    }


@router.post("/portfolio/rescore", response={201: ScoringRunRead, **ERROR_RESPONSES})
def rescore(request: HttpRequest) -> Any:
    """Re-score the whole portfolio now (admins and directors)."""
    permissions.require(request.user, Action.ADD, ScoringRun)
    with transaction.atomic():
        run = services.rescore_portfolio(started_by=request.user)  # type: ignore[arg-type]
    return Status(201, run)


@router.get("/portfolio/runs/latest", response={200: ScoringRunRead, **ERROR_RESPONSES})
def latest_run(request: HttpRequest) -> Any:
    run = queries.latest_run()
    if run is None:
        raise ServiceError("The portfolio has not been scored yet.")
    return run


# Deals ----------------------------------------------------------------------------------------------


DEAL_LIST = ListSpec(
    search_fields=("name", "external_id", "account__name"),
    filters=(
        ListFilter("account", "Account", "account_id", convert=int),
        ListFilter(
            "status", "Status", "status", choices=lambda: [("open", "Open"), ("won", "Won"), ("lost", "Lost")]
        ),
    ),
    sort_fields={"closed": "closed_on", "amount": "amount", "name": "name", "id": "id"},
    default_sort="-closed",
)


class DealListParams(Schema):
    q: str | None = None
    sort: str | None = None
    account: str | None = None
    status: str | None = None


def _deal_account(request: HttpRequest, account_id: int) -> Account:
    """The account a deal is written to: visible (else a 400 on the field), and changeable (else 403)."""
    account: Account = pick(accounts_for(request.user), account_id, "account_id", "account")
    permissions.require(request.user, Action.CHANGE, account)
    return account


def _deal_input(
    request: HttpRequest, data: dict[str, Any], external_id: str | None
) -> account_services.DealInput:
    account = _deal_account(request, data["account_id"])
    return account_services.DealInput(
        account=account,
        external_id=external_id,
        name=data.get("name") or "",
        product=pick(Product.objects.all(), data.get("product_id"), "product_id", "product"),
        division=pick(
            account.divisions.all(), data.get("division_id"), "division_id", "division of this account"
        ),
        owner=pick(User.objects.filter(is_active=True), data.get("owner_id"), "owner_id", "active user"),
        stage=data.get("stage") or "prospecting",
        amount=data.get("amount"),
        margin=data.get("margin"),
        engaged_on=data.get("engaged_on"),
        expected_close_on=data.get("expected_close_on"),
        closed_on=data.get("closed_on"),
    )


def _deals(request: HttpRequest) -> Any:
    return permissions.visible_to(request.user, Deal).select_related("account", "owner")


def _changeable_deal(request: HttpRequest, deal_id: int) -> Deal:
    deal: Deal = get_object_or_404(_deals(request), pk=deal_id)
    permissions.require(request.user, Action.CHANGE, deal.account)
    return deal


def _as_data(deal: Deal) -> dict[str, Any]:
    return {
        "account_id": deal.account_id,
        "name": deal.name,
        "product_id": deal.product_id,
        "division_id": deal.division_id,
        "owner_id": deal.owner_id,
        "stage": deal.stage,
        "amount": deal.amount,
        "margin": deal.margin,
        "engaged_on": deal.engaged_on,
        "expected_close_on": deal.expected_close_on,
        "closed_on": deal.closed_on,
    }


@deals_router.get("/deals", response={200: list[DealRead], **ERROR_RESPONSES})
@paginate(LimitOffsetPagination)
def list_deals(request: HttpRequest, params: Query[DealListParams]) -> Any:
    return DEAL_LIST.apply(_deals(request), params.dict())


@deals_router.get("/deals/{deal_id}", response={200: DealRead, **ERROR_RESPONSES})
def get_deal(request: HttpRequest, deal_id: int) -> Any:
    return get_object_or_404(_deals(request), pk=deal_id)


@deals_router.post("/deals", response={201: DealRead, **ERROR_RESPONSES})
def create_deal(request: HttpRequest, payload: DealWrite) -> Any:
    """Writing a deal needs the right to change its account."""
    data = payload.dict()
    deal_input = _deal_input(request, data, data.pop("external_id"))
    with transaction.atomic():
        deal = account_services.create_deal(data=deal_input)
    return Status(201, deal)


@deals_router.patch("/deals/{deal_id}", response={200: DealRead, **ERROR_RESPONSES})
def update_deal(request: HttpRequest, deal_id: int, payload: DealUpdate) -> Any:
    """Only the fields sent change; moving a deal needs the right to change both accounts."""
    deal = _changeable_deal(request, deal_id)
    sent = payload.dict(exclude_unset=True)
    external_id = sent.pop("external_id", deal.external_id)
    deal_input = _deal_input(request, {**_as_data(deal), **sent}, external_id)
    with transaction.atomic():
        return account_services.update_deal(deal=deal, data=deal_input)


@deals_router.delete("/deals/{deal_id}", response={204: None, **ERROR_RESPONSES})
def delete_deal(request: HttpRequest, deal_id: int) -> Any:
    deal = _changeable_deal(request, deal_id)
    with transaction.atomic():
        account_services.delete_deal(deal=deal)
    return Status(204, None)


@deals_router.put(
    "/deals/by-external-id/{external_id}", response={200: DealRead, 201: DealRead, **ERROR_RESPONSES}
)
def upsert_deal(request: HttpRequest, external_id: str, payload: DealUpsert) -> Any:
    """Create the deal with this CRM id, or update it (201 or 200): sending it twice changes nothing.
    An id taken by a deal in an account you may not change is a 409, as on create."""
    deal_input = _deal_input(request, payload.dict(), external_id)
    with transaction.atomic():
        deal, created = account_services.upsert_deal(data=deal_input, by=request.user)  # type: ignore[arg-type]
    return Status(201 if created else 200, deal)
