from django.urls import path

from kamkit.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.AssessmentList.as_view(), name="list"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/raters/new/", views.rater_add, name="rater_add"),
    path("<int:pk>/report/", views.assessment_report, name="report"),
    path("<int:pk>/report.pdf", views.assessment_report_pdf, name="report_pdf"),
    path("campaigns/", views.CampaignList.as_view(), name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/people/new/", views.subject_add, name="subject_add"),
    path("campaigns/<int:pk>/team/", views.team_report, name="team_report"),
    path("campaigns/<int:pk>/<slug:action>/", views.campaign_action, name="campaign_action"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/answer/", views.answer_signed_in, name="answer"),
    path("invitations/<int:pk>/<slug:action>/", views.invitation_action, name="invitation_action"),
    path("r/<str:token>/", views.answer_by_link, name="answer_by_link"),
    path("export/", views.scores_export, name="export"),
    path("quality/", views.scale_quality, name="quality"),
    path("questionnaires/", views.QuestionnaireList.as_view(), name="questionnaires"),
    path("questionnaires/import/", views.questionnaire_import, name="questionnaire_import"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("questionnaires/<int:pk>/edit/", views.questionnaire_edit, name="questionnaire_edit"),
    path("questionnaires/<int:pk>/export/", views.questionnaire_export, name="questionnaire_export"),
    path("questionnaires/<int:pk>/copy/", views.questionnaire_copy, name="questionnaire_copy"),
    path("questionnaires/<int:pk>/items/new/", views.item_add, name="item_add"),
    path("questionnaires/<int:pk>/items/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("questionnaires/<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="item_remove"),
]
