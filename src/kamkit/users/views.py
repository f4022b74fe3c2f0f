"""People pages: sign-in, the directory, profiles, the admin area, teams and API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from kamkit.core import permissions
from kamkit.core.choices import Action
from kamkit.core.forms import save_with_form
from kamkit.core.views import ListPage
from kamkit.users import queries, services
from kamkit.users.forms import (
    EmailLoginForm,
    ProfileForm,
    TeamForm,
    TokenForm,
    UserAdminForm,
    UserCreateForm,
)
from kamkit.users.models import ApiToken, Team, User


def client_address(request: HttpRequest) -> str:
    """The caller's address; behind kamkit's own proxy, the one the proxy appended to X-Forwarded-For."""
    if settings.KAMKIT_BEHIND_TLS_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return str(request.META.get("REMOTE_ADDR") or "unknown")


class LoginView(auth_views.LoginView):
    """Sign-in by e-mail, refused for a while after repeated failures."""

    form_class = EmailLoginForm
    template_name = "users/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("username", ""))
        if services.login_blocked(email=email, client_address=client_address(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                "Too many failed sign-ins. Wait a few minutes, or reset your password.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        services.record_login_failure(
            email=str(self.request.POST.get("username", "")),
            client_address=client_address(self.request),
        )
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        services.clear_login_failures(email=form.get_user().email)
        return super().form_valid(form)


class PeopleList(ListPage):
    model = User
    spec = queries.USER_LIST
    title = "People"
    columns = [("name", "Name"), ("role", "Role"), ("team", "Team"), ("", "Reports to")]
    add_url_name = "users:create"

    def base_queryset(self) -> QuerySet[Any]:
        return queries.people_for(self.request.user)


class TeamList(ListPage):
    model = Team
    spec = queries.TEAM_LIST
    title = "Teams"
    columns = [("name", "Team"), ("", "Lead"), ("members", "Members")]
    add_url_name = "users:team_create"

    def base_queryset(self) -> QuerySet[Any]:
        return queries.teams_for(self.request.user)


def _visible_user(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(queries.people_for(request.user), pk=pk)


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_user(request, pk)
    reports = queries.people_for(request.user).filter(manager=person, is_active=True)
    return render(
        request,
        "users/person_detail.html",
        {
            "person": person,
            "reports": reports,
            "can_change": permissions.can(request.user, Action.CHANGE, person),
        },
    )


def person_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, Action.ADD, User)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = save_with_form(
            form,
            lambda: services.create_user(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password"] or None,
                role=data["role"],
                title=data["title"],
                team=data["team"],
                manager=data["manager"],
                invite=True,
            ),
        )
        if person is not None:
            invited = "" if data["password"] else " An invitation e-mail is on its way."
            messages.success(request, f"{person} was added.{invited}")
            return redirect("users:detail", pk=person.pk)
    return render(request, "users/form.html", {"form": form, "title": "Add a person"})


def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Admins change anything about a person; a person changes their own name, title, phone."""
    person = _visible_user(request, pk)
    permissions.require(request.user, Action.CHANGE, person)
    acting: User = request.user  # type: ignore[assignment]
    as_admin = acting.is_admin
    form: UserAdminForm | ProfileForm
    if as_admin:
        initial = {
            "full_name": person.full_name,
            "title": person.title,
            "phone": person.phone,
            "role": person.role,
            "team": person.team,
            "manager": person.manager,
            "on_leave": person.on_leave,
            "is_active": person.is_active,
        }
        form = UserAdminForm(request.POST or None, initial=initial, user=person)
    else:
        initial = {"full_name": person.full_name, "title": person.title, "phone": person.phone}
        form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = services.UserChanges(full_name=data["full_name"], title=data["title"], phone=data["phone"])
        if as_admin:
            changes = services.UserChanges(
                full_name=data["full_name"],
                title=data["title"],
                phone=data["phone"],
                role=data["role"],
                team=data["team"],
                clear_team=data["team"] is None,
                manager=data["manager"],
                clear_manager=data["manager"] is None,
                on_leave=data["on_leave"],
                is_active=data["is_active"],
            )
        saved = save_with_form(form, lambda: services.update_user(actor=acting, user=person, changes=changes))
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("users:detail", pk=person.pk)
    return render(request, "users/form.html", {"form": form, "title": f"Edit {person}"})


def admin_area(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, Action.ADD, User)  # adding people is for admins only
    return render(
        request,
        "users/admin.html",
        {
            "people_count": User.objects.filter(is_active=True).count(),
            "team_count": Team.objects.count(),
            "inactive_count": User.objects.filter(is_active=False).count(),
        },
    )


def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(queries.teams_for(request.user), pk=pk)
    members = queries.people_for(request.user).filter(team=team, is_active=True)
    return render(
        request,
        "users/team_detail.html",
        {
            "team": team,
            "members": members,
            "can_change": permissions.can(request.user, Action.CHANGE, team),
        },
    )


def team_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    team = get_object_or_404(queries.teams_for(request.user), pk=pk) if pk else None
    permissions.require(request.user, Action.CHANGE if team else Action.ADD, team or Team)
    initial = {"name": team.name, "description": team.description, "lead": team.lead} if team else {}
    form = TeamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> Team:
            if team is None:
                return services.create_team(
                    name=data["name"], description=data["description"], lead=data["lead"]
                )
            return services.update_team(
                team=team,
                name=data["name"],
                description=data["description"],
                lead=data["lead"],
                clear_lead=data["lead"] is None,
            )

        saved = save_with_form(form, save)
        if saved is not None:
            messages.success(request, f"Team {saved} saved.")
            return redirect("users:team_detail", pk=saved.pk)
    title = f"Edit {team}" if team else "Add a team"
    return render(request, "users/form.html", {"form": form, "title": title})


def tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: create one (its key is shown once), see and revoke them."""
    acting: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            created = services.create_token(user=acting, name=form.cleaned_data["name"])
        new_key = created.key
        messages.success(request, "Token created. Copy it now: it will not be shown again.")
        form = TokenForm()
    return render(
        request,
        "users/tokens.html",
        {"form": form, "tokens": queries.tokens_of(acting), "new_key": new_key},
    )


def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseRedirect(reverse("users:tokens"))
    token = get_object_or_404(permissions.permitted(request.user, ApiToken, Action.CHANGE), pk=pk)
    with transaction.atomic():
        services.revoke_token(token=token)
    messages.success(request, f"Token {token.name} revoked.")
    return redirect("users:tokens")
