"""Portfolio pages: the matrix, the ranking, an account's score with its ratings, explanations,
what-if weights, criteria and settings, and the exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from kamkit.accounts.queries import accounts_for
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.forms import acting_user, add_service_errors, save_with_form
from kamkit.core.views import ListPage, is_htmx, streamed_csv
from kamkit.portfolio import chart, queries, services
from kamkit.portfolio.choices import QUADRANTS
from kamkit.portfolio.forms import CriterionForm, RatingForm, SettingsForm, WhatIfForm
from kamkit.portfolio.models import AccountScore, PortfolioSettings, ScoringRun, SelectionCriterion


def _may_tune(request: HttpRequest) -> bool:
    """Criteria, settings and re-scores are the directors' and admins' (reference data)."""
    return permissions.can(request.user, Action.CHANGE, SelectionCriterion)


def _status(request: HttpRequest) -> dict[str, Any]:
    status = queries.score_status()
    return {
        "run": status.run,
        "status": status,
        "may_tune": _may_tune(request),
        "unscored": accounts_for(request.user).filter(portfolio_score__isnull=True).count(),
    }


# The matrix --------------------------------------------------------------------------------------


def _filtered_scores(request: HttpRequest) -> tuple[Any, dict[str, list[str]]]:
    scores = queries.scores_in_scope(request.user)
    try:
        return queries.MATRIX_FILTERS.apply(scores, request.GET), {}
    except ServiceError as exc:
        return queries.MATRIX_FILTERS.apply(scores, {}), exc.errors


def _drawing(request: HttpRequest, scores: Any) -> tuple[queries.Matrix, chart.Drawing]:
    result = queries.matrix(scores)
    return result, chart.draw(result, href=lambda pk: reverse("portfolio:account", args=[pk]))


def matrix(request: HttpRequest) -> HttpResponse:
    """Accounts on attractiveness x our strength, aggregated server-side (never 100,000 points)."""
    scores, errors = _filtered_scores(request)
    result, drawing = _drawing(request, scores)
    if request.GET.get("format") == "svg":
        response = HttpResponse(
            render_to_string("portfolio/partials/matrix.svg", {"d": drawing, "standalone": True}),
            content_type="image/svg+xml",
        )
        response["Content-Disposition"] = 'attachment; filename="portfolio-matrix.svg"'
        return response
    spec = queries.MATRIX_FILTERS
    context = {
        "matrix": result,
        "d": drawing,
        "errors": errors,
        "spec": spec,
        "filter_values": {f.name: request.GET.get(f.name, "") for f in spec.filters},
        "filter_choices": {f.name: f.options(request.user) for f in spec.filters},
        "quadrant_labels": list(QUADRANTS.values()),
        "query": request.GET.urlencode(),
        **_status(request),
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "matrix-area":
        return render(request, "portfolio/matrix.html#matrix-area", context)
    return render(request, "portfolio/matrix.html", context)


def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every visible account's score (with the matrix filters), streamed."""
    scores, _ = _filtered_scores(request)
    return streamed_csv("portfolio-scores.csv", queries.export_rows(scores))


# The ranking -------------------------------------------------------------------------------------


class Ranking(ListPage):
    model = AccountScore
    spec = queries.SCORE_LIST
    title = "Portfolio ranking"
    template_name = "portfolio/ranking.html"
    columns = [
        ("rank", "#"),
        ("name", "Account"),
        ("", "Owner"),
        ("total", "Total"),
        ("attractiveness", "Attractive­ness"),
        ("strength", "Our strength"),
        ("tier", "Suggested tier"),
        ("rot", "Return on time"),
        ("revenue", "Revenue"),
    ]
    extra_links = [
        ("portfolio:matrix", "Matrix", "all"),
        ("portfolio:what_if", "What-if", "all"),
        ("portfolio:criteria", "Criteria", "all"),
    ]

    def base_queryset(self) -> Any:
        return queries.scores_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **_status(self.request)}


def _score(request: HttpRequest, pk: int) -> AccountScore:
    score: AccountScore = get_object_or_404(queries.scores_for(request.user), pk=pk)
    return score


def explain(request: HttpRequest, pk: int) -> HttpResponse:
    """How one number of an account's score was computed (``part``), or all of it."""
    explained = queries.explanation_for(_score(request, pk))
    part = request.GET.get("part", "")
    context = {
        "x": explained,
        "e": explained.explanation if explained else None,
        "part": part,
        "status": queries.score_status(),
    }
    if is_htmx(request):
        return render(request, "portfolio/partials/explain.html", context)
    return render(request, "portfolio/explain.html", context)


def account_score(request: HttpRequest, pk: int) -> HttpResponse:
    """An account's score, how it was computed, and the ratings people gave it."""
    account = get_object_or_404(accounts_for(request.user).select_related("portfolio_metrics"), pk=pk)
    can_rate = permissions.can(request.user, Action.CHANGE, account)
    rated = list(queries.rated_criteria())
    ratings = {r.criterion_id: r for r in account.portfolio_ratings.select_related("rated_by")}
    form = RatingForm(request.POST or None, criteria=rated, ratings=ratings)
    if request.method == "POST":
        permissions.require(request.user, Action.CHANGE, account)
        if form.is_valid():
            changed = save_with_form(
                form,
                lambda: services.save_ratings(
                    account=account, ratings=form.chosen(), rated_by=acting_user(request)
                ),
            )
            if changed is not None:
                messages.success(request, "Ratings saved; the scores follow at the next re-score.")
                return redirect("portfolio:account", pk=account.pk)
    score = AccountScore.objects.filter(pk=account.pk).first()
    explained = queries.explanation_for(score) if score is not None else None
    return render(
        request,
        "portfolio/account.html",
        {
            "account": account,
            "score": score,
            "x": explained,
            "e": explained.explanation if explained else None,
            "form": form,
            "rated": rated,
            "ratings": ratings,
            "can_rate": can_rate,
            **_status(request),
        },
    )


# What-if -----------------------------------------------------------------------------------------


def what_if(request: HttpRequest) -> HttpResponse:
    """Weights to try: the ranking with them comes back through htmx, computed in SQL, not saved.
    'Save' (directors and admins) keeps them and re-scores."""
    criteria = list(SelectionCriterion.objects.filter(is_active=True))
    form = WhatIfForm(request.POST or None, criteria=criteria)
    rows: list[queries.WhatIfRow] = []
    if request.method == "POST" and form.is_valid():
        if "save" in request.POST:
            permissions.require(request.user, Action.CHANGE, SelectionCriterion)
            run = save_with_form(
                form, lambda: services.apply_weights(weights=form.weights(), started_by=acting_user(request))
            )
            if run is not None:
                messages.success(request, "Weights saved and the portfolio re-scored.")
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = reverse("portfolio:ranking")
                    return response
                return redirect("portfolio:ranking")
        else:
            rows = queries.what_if(request.user, form.weights(), limit=25)
    elif request.method == "GET":
        rows = queries.what_if(request.user, {c.source: c.weight for c in criteria}, limit=25)
    context = {"form": form, "rows": rows, "criteria": criteria, **_status(request)}
    if is_htmx(request):
        return render(request, "portfolio/what_if.html#results", context)
    return render(request, "portfolio/what_if.html", context)


# Criteria, settings, re-score -----------------------------------------------------------------------


def criteria(request: HttpRequest) -> HttpResponse:
    """The selection criteria and scoring settings; directors and admins change them."""
    items = list(SelectionCriterion.objects.all())
    settings_row = queries.current_settings()
    posted = request.POST if request.method == "POST" else None
    criterion_forms = [
        (
            c,
            CriterionForm(
                posted,
                prefix=f"c{c.pk}",
                initial={
                    "name": c.name,
                    "axis": c.axis,
                    "weight": c.weight,
                    "scale": c.scale,
                    "is_active": c.is_active,
                    "order": c.order,
                },
            ),
        )
        for c in items
    ]
    settings_form = SettingsForm(
        posted,
        prefix="s",
        initial={f: getattr(settings_row, f) for f in SettingsForm.base_fields},
    )
    if request.method == "POST":
        permissions.require(request.user, Action.CHANGE, SelectionCriterion)
        permissions.require(request.user, Action.CHANGE, PortfolioSettings)
        if all(f.is_valid() for _, f in criterion_forms) and settings_form.is_valid():
            failed: Form | None = None
            try:
                with transaction.atomic():
                    for criterion, form in criterion_forms:
                        if form.has_changed():
                            failed = form
                            services.update_criterion(criterion=criterion, **form.cleaned_data)
                    failed = settings_form
                    if settings_form.has_changed():
                        services.update_settings(**settings_form.cleaned_data)
            except ServiceError as exc:
                add_service_errors(failed or settings_form, exc)
            else:
                messages.success(request, "Saved; the portfolio is re-scored in the background.")
                return redirect("portfolio:criteria")
    return render(
        request,
        "portfolio/criteria.html",
        {"criterion_forms": criterion_forms, "settings_form": settings_form, **_status(request)},
    )


@require_POST
def rescore(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, Action.ADD, ScoringRun)
    with transaction.atomic():
        run = services.rescore_portfolio(started_by=acting_user(request))
    messages.success(request, f"{run.account_count:,} accounts scored in {run.elapsed_ms / 1000:.1f} s.")
    back = request.POST.get("next", "")
    return redirect(back if back in ("portfolio:ranking", "portfolio:criteria") else "portfolio:matrix")
