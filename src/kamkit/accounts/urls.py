from django.urls import path

from kamkit.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountList.as_view(), name="list"),
    path("new/", views.account_form, name="create"),
    path("coverage/", views.coverage, name="coverage"),
    path("import/", views.import_upload, name="import"),
    path("import/runs/<int:run_pk>/", views.import_run, name="import_run"),
    path("import/<str:token>/", views.import_mapping, name="import_mapping"),
    path("contacts/<int:contact_pk>/", views.contact_list_redirect, name="contact"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_form, name="edit"),
    path("<int:pk>/profile/", views.account_profile, name="profile"),
    path("<int:pk>/profile/add/<slug:part>/", views.profile_add, name="profile_add"),
    path("<int:pk>/profile/<slug:kind>/", views.profile_section, name="section"),
    path("<int:pk>/competitors/<int:row_pk>/remove/", views.competitor_remove, name="competitor_remove"),
    path("<int:pk>/map/", views.decision_map, name="map"),
    path("<int:pk>/contacts/<int:contact_pk>/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/whitespace/", views.whitespace_map, name="whitespace"),
    path("<int:pk>/activity/", views.activity, name="activity"),
    path(
        "<int:pk>/activity/<int:interaction_pk>/delete/", views.interaction_delete, name="interaction_delete"
    ),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/issues/<int:issue_pk>/<slug:step>/", views.issue_step, name="issue_step"),
    path("<int:pk>/file/", views.account_file, name="file"),
]
