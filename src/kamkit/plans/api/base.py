"""What the plans API shares: its one router, and fetching objects the caller may see or change."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from kamkit.api.lookups import pick
from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.errors import ServiceError
from kamkit.plans import queries
from kamkit.plans.models import AccountPlan
from kamkit.users.models import User


class PlansRouter(Router):
    """One router for every plans operation, whichever module registers it. Operation ids stay
    ``kamkit_plans_api_<function>`` as they were when the API was one module, so clients generated
    from the OpenAPI document keep working (ninja would otherwise name them after the module)."""

    def add_api_operation(
        self, path: str, methods: list[str], view_func: Callable[..., Any], **kwargs: Any
    ) -> None:
        kwargs["operation_id"] = kwargs.get("operation_id") or f"kamkit_plans_api_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, **kwargs)


router = PlansRouter(tags=["plans"])


def acting(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def people(pk: int | None, field: str) -> User | None:
    picked: User | None = pick(User.objects.filter(is_active=True), pk, field, "active user")
    return picked


def plan_or_404(request: HttpRequest, plan_id: int) -> AccountPlan:
    return get_object_or_404(queries.plans_for(request.user), pk=plan_id)


def changeable_plan(request: HttpRequest, plan_id: int) -> AccountPlan:
    """Work on a plan needs the right to change its account (404 when it may not even be seen)."""
    plan = plan_or_404(request, plan_id)
    permissions.require(request.user, Action.CHANGE, plan.account)
    return plan


def inside(request: HttpRequest, queryset: QuerySet[Any], pk: int, account_path: str) -> Any:
    """An object under a plan, and the right to change the account it sits in."""
    obj = get_object_or_404(queryset, pk=pk)
    account = obj
    for name in account_path.split("."):
        account = getattr(account, name)
    permissions.require(request.user, Action.CHANGE, account)
    return obj


# Service error fields that the API takes as ids under another name.
API_FIELDS = {
    "account": "account_id",
    "template": "template_id",
    "owner": "owner_id",
    "deals": "deal_ids",
    "objectives": "objective_ids",
    "product": "product_id",
    "user": "user_id",
    "contact": "contact_id",
}


def api_fields(exc: ServiceError) -> ServiceError:
    """Service errors name form fields; the API names the ids it takes."""
    exc.errors = {API_FIELDS.get(name, name): messages for name, messages in exc.errors.items()}
    return exc
