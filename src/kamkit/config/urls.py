from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from kamkit.api.main import api
from kamkit.core import views as core_views
from kamkit.users import views as user_views


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers without a session and without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", core_views.home, name="home"),
    path("health", health, name="health"),
    path("login/", user_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(template_name="users/password_form.html"),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="users/password_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        login_not_required(
            auth_views.PasswordResetView.as_view(
                template_name="users/password_reset.html",
                email_template_name="users/password_reset_email.txt",
                subject_template_name="users/password_reset_subject.txt",
            )
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        login_not_required(
            auth_views.PasswordResetDoneView.as_view(template_name="users/password_reset_sent.html")
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        login_not_required(
            auth_views.PasswordResetConfirmView.as_view(template_name="users/password_form.html")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        login_not_required(
            auth_views.PasswordResetCompleteView.as_view(template_name="users/password_done.html")
        ),
        name="password_reset_complete",
    ),
    path("people/", include("kamkit.users.urls")),
    path("accounts/", include("kamkit.accounts.urls")),
    path("portfolio/", include("kamkit.portfolio.urls")),
    path("plans/", include("kamkit.plans.urls")),
    path("frameworks/", include("kamkit.frameworks.urls")),
    path("assessments/", include("kamkit.assessments.urls")),
    path("hiring/", include("kamkit.hiring.urls")),
    path("core/", include("kamkit.core.urls")),
    path("api/v1/", api.urls),
]

handler403 = "kamkit.core.views.permission_denied"
handler404 = "kamkit.core.views.page_not_found"
