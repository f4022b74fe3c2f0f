from django.urls import path

from kamkit.users import views

app_name = "users"

urlpatterns = [
    path("", views.PeopleList.as_view(), name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("teams/", views.TeamList.as_view(), name="teams"),
    path("teams/new/", views.team_form, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_form, name="team_edit"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("admin/", views.admin_area, name="admin"),
]
