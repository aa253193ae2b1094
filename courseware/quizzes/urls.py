from django.urls import path

from . import views

app_name = "quizzes"
urlpatterns = [
    path("lessons/<slug:slug>/quiz/", views.quiz_home, name="quiz"),
    path("lessons/<slug:slug>/quiz/start/", views.attempt_start, name="start"),
    path("quiz/attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("quiz/attempts/<int:attempt_id>/save/", views.attempt_save, name="save"),
    path("quiz/attempts/<int:attempt_id>/check/<slug:key>/", views.attempt_check, name="check"),
    path("quiz/attempts/<int:attempt_id>/retry/<slug:key>/", views.attempt_retry, name="retry"),
    path("quiz/attempts/<int:attempt_id>/summary/", views.attempt_summary, name="summary"),
    path("quiz/attempts/<int:attempt_id>/submit/", views.attempt_submit, name="submit"),
    path("quiz/attempts/<int:attempt_id>/review/", views.attempt_review, name="review"),
]
