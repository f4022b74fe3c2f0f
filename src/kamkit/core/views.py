"""Generic pages shared by every area: list pages, object history, the audit export, errors."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.generic import TemplateView

from kamkit.core import permissions, queries
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.core.lists import ListSpec


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


class ListPage(TemplateView):
    """A searchable, filterable, sortable, paginated list of what the user may see.

    Subclasses name the model, the ListSpec and the columns; htmx requests get only the results.
    """

    model: ClassVar[type[Model]]
    spec: ClassVar[ListSpec]
    title: ClassVar[str]
    template_name = "core/list_page.html"
    results_template: ClassVar[str] = "core/list_page.html#results"
    paginate_by: ClassVar[int] = 25
    columns: ClassVar[list[tuple[str, str]]] = []  # (sort key or "", heading)
    add_url_name: ClassVar[str | None] = None
    # Further buttons beside "Add": (url name, label, who may see it: "all" or "add" (those who may add)).
    extra_links: ClassVar[list[tuple[str, str, str]]] = []

    def base_queryset(self) -> QuerySet[Any]:
        return permissions.visible_to(self.request.user, self.model)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        list_errors: dict[str, list[str]] = {}
        queryset = self.base_queryset()
        try:
            queryset = self.spec.apply(queryset, self.request.GET)
        except ServiceError as exc:
            list_errors = exc.errors
            queryset = self.spec.apply(queryset, {})
        paginator = Paginator(queryset, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            title=self.title,
            page_obj=page,
            objects=page.object_list,
            spec=self.spec,
            columns=self.columns,
            list_errors=list_errors,
            current_sort=self.request.GET.get("sort", self.spec.default_sort),
            filter_values={f.name: self.request.GET.get(f.name, "") for f in self.spec.filters},
            filter_choices={f.name: f.options(self.request.user) for f in self.spec.filters},
            search=self.request.GET.get("q", ""),
            can_add=permissions.can(self.request.user, Action.ADD, self.model),
            add_url_name=self.add_url_name,
            extra_links=self.links_for_user(),
            row_template=self.row_template(),
        )
        return context

    def links_for_user(self) -> list[tuple[str, str]]:
        may_add = permissions.can(self.request.user, Action.ADD, self.model)
        return [(name, label) for name, label, who in self.extra_links if who == "all" or may_add]

    def row_template(self) -> str:
        meta = self.model._meta
        return f"{meta.app_label}/partials/{meta.model_name}_row.html"

    def get_template_names(self) -> list[str]:
        if is_htmx(self.request) and self.request.headers.get("HX-Target") == "results":
            return [self.results_template]
        return [self.template_name]


def home(request: HttpRequest) -> HttpResponse:
    from kamkit.core.home import cards_for

    return render(
        request,
        "core/home.html",
        {"summary": queries.home_summary(request.user), "cards": cards_for(request.user)},
    )


def object_history(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponseBase:
    """The audit trail of one object, for anyone who may see the object."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if content_type is None or model is None or not hasattr(model, "access_policy"):
        raise Http404("No such kind of object.")
    try:
        obj = permissions.visible_to(request.user, model).filter(pk=object_id).first()
    except (ValueError, ValidationError):  # not a key this model can have, e.g. text for a number
        obj = None
    if obj is None:
        raise Http404("No such object, or you may not see it.")
    entries = queries.history_of(obj)
    if request.GET.get("format") == "csv":
        return _csv_response(f"history-{content_type.model}-{obj.pk}.csv", entries)
    return render(request, "core/history.html", {"object": obj, "entries": entries})


def audit_log(request: HttpRequest) -> HttpResponseBase:
    """The whole trail, for admins and directors, with CSV export."""
    from kamkit.core.models import AuditEntry

    entries = permissions.visible_to(request.user, AuditEntry)
    if not permissions.can(request.user, Action.VIEW, AuditEntry):
        raise PermissionDenied("Only admins and directors see the whole audit trail.")
    entries = entries.select_related("content_type")
    if request.GET.get("format") == "csv":
        return _csv_response("kamkit-audit.csv", entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page_obj": page})


class _Echo:
    def write(self, value: str) -> str:
        return value


def streamed_csv(filename: str, rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """A CSV download written row by row as it is sent (exports of many rows never sit in memory)."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_response(filename: str, entries: QuerySet[Any]) -> StreamingHttpResponse:
    return streamed_csv(filename, queries.audit_rows(entries))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception else "You may not open this page."
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {}, status=404)
