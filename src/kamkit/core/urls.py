from django.urls import path

from kamkit.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("history/<int:content_type_id>/<str:object_id>/", views.object_history, name="history"),
]
