from django.urls import path

from kamkit.hiring import views

app_name = "hiring"

urlpatterns = [
    path("", views.OpeningList.as_view(), name="list"),
    path("interviews/", views.my_interviews, name="interviews"),
    path("positions/new/", views.opening_create, name="opening_create"),
    path("positions/<int:pk>/", views.opening_detail, name="opening"),
    path("positions/<int:pk>/edit/", views.opening_edit, name="opening_edit"),
    path("positions/<int:pk>/status/", views.opening_status, name="opening_status"),
    path("positions/<int:pk>/delete/", views.opening_delete, name="opening_delete"),
    path("positions/<int:pk>/candidates/", views.opening_apply, name="opening_apply"),
    path("positions/<int:pk>/kit/", views.kit_page, name="kit"),
    path("positions/<int:pk>/kit.pdf", views.kit_pdf, name="kit_pdf"),
    path("positions/<int:pk>/kit/rebuild/", views.kit_regenerate, name="kit_regenerate"),
    path("kit/competencies/<int:pk>/", views.kit_competency, name="kit_competency"),
    path("kit/questions/<int:pk>/", views.kit_question, name="kit_question"),
    path("candidates/", views.CandidateList.as_view(), name="candidates"),
    path("candidates/new/", views.candidate_create, name="candidate_create"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate"),
    path("candidates/<int:pk>/edit/", views.candidate_edit, name="candidate_edit"),
    path("candidates/<int:pk>/delete/", views.candidate_delete, name="candidate_delete"),
    path("candidates/<int:pk>/positions/", views.candidate_apply, name="candidate_apply"),
    path("candidates/<int:pk>/assess/", views.candidate_assess, name="candidate_assess"),
    path("candidates/<int:pk>/files/", views.attachment_upload, name="attachment_upload"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
    path("files/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/stage/", views.application_stage, name="application_stage"),
    path("applications/<int:pk>/panel/", views.interview_assign, name="interview_assign"),
    path("applications/<int:pk>/decision/", views.decision, name="decision"),
    path("interviews/<int:pk>/", views.scorecard, name="scorecard"),
    path("interviews/<int:pk>/kit.pdf", views.interview_kit_pdf, name="interview_kit_pdf"),
    path("interviews/<int:pk>/remove/", views.interview_remove, name="interview_remove"),
    path("interviews/<int:pk>/schedule/", views.interview_schedule, name="interview_schedule"),
    path("interviews/<int:pk>/reopen/", views.scorecard_reopen, name="scorecard_reopen"),
]
