from django.urls import path

from kamkit.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.PlanList.as_view(), name="list"),
    path("new/", views.plan_create, name="create"),
    path("dashboard/", views.team_dashboard, name="team_dashboard"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("accounts/<int:account_pk>/report/", views.account_report, name="account_report"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/delete/", views.plan_delete, name="delete"),
    path("<int:pk>/status/", views.plan_status, name="status"),
    path("<int:pk>/new-version/", views.plan_new_version, name="new_version"),
    path("<int:pk>/next-period/", views.plan_next_period, name="next_period"),
    path("<int:pk>/sections/<slug:key>/", views.section_edit, name="section"),
    path("<int:pk>/objectives/new/", views.objective_form, name="objective_create"),
    path("objectives/<int:objective_pk>/", views.objective_form, name="objective_edit"),
    path("objectives/<int:objective_pk>/actions/new/", views.action_form, name="action_create"),
    path("actions/<int:action_pk>/", views.action_form, name="action_edit"),
    path("<int:pk>/execution/", views.execution, name="execution"),
    path("occurrences/<int:occurrence_pk>/mark/", views.occurrence_mark, name="occurrence_mark"),
    path("<int:pk>/team/", views.member_add, name="member_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/reviews/new/", views.review_add, name="review_add"),
    path("<int:pk>/opportunities/new/", views.opportunity_add, name="opportunity_add"),
    path("<int:pk>/dashboard/", views.plan_dashboard, name="dashboard"),
    path("<int:pk>/report/", views.status_report, name="report"),
    path("opportunities/<int:deal_pk>/", views.opportunity_detail, name="opportunity"),
    path("scorecards/<int:pk>/", views.scorecard_detail, name="scorecard"),
    path("question-sets/", views.question_sets, name="question_sets"),
    path("question-sets/<int:pk>/", views.question_set_detail, name="question_set"),
]
