from django.urls import path

from kamkit.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("export.csv", views.export_csv, name="export"),
    path("ranking/", views.Ranking.as_view(), name="ranking"),
    path("what-if/", views.what_if, name="what_if"),
    path("criteria/", views.criteria, name="criteria"),
    path("rescore/", views.rescore, name="rescore"),
    path("accounts/<int:pk>/", views.account_score, name="account"),
    path("accounts/<int:pk>/explain/", views.explain, name="explain"),
]
