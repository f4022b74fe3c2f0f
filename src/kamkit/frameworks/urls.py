from django.urls import path

from kamkit.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.FrameworkList.as_view(), name="list"),
    path("import/", views.framework_import, name="import"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/edit/", views.framework_edit, name="edit"),
    path("<int:pk>/document/", views.framework_document, name="document"),
    path("<int:pk>/export/", views.framework_export, name="export"),
    path("<int:pk>/compare/", views.framework_compare, name="compare"),
    path("<int:pk>/<slug:action>/", views.framework_action, name="action"),
    path("<int:framework_pk>/competencies/new/", views.competency_form, name="competency_add"),
    path("<int:framework_pk>/competencies/<int:pk>/edit/", views.competency_form, name="competency_edit"),
    path(
        "<int:framework_pk>/competencies/<int:pk>/delete/", views.competency_delete, name="competency_delete"
    ),
    path("<int:framework_pk>/benchmarks/new/", views.benchmark_form, name="benchmark_add"),
    path("<int:framework_pk>/benchmarks/<int:pk>/", views.benchmark_form, name="benchmark_edit"),
    path("<int:framework_pk>/benchmarks/<int:pk>/delete/", views.benchmark_delete, name="benchmark_delete"),
    path("competencies/<int:pk>/", views.competency_detail, name="competency"),
]
