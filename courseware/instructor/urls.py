from django.urls import path

from . import views

app_name = "instructor"
urlpatterns = [
    path("gradebook/", views.gradebook_view, name="gradebook"),
    path("gradebook.csv", views.gradebook_export, name="gradebook_csv"),
    path("class/", views.class_view, name="class"),
    path("class/labs/<slug:slug>/", views.lab_class_view, name="lab_class"),
    path("class/quizzes/<slug:slug>/", views.quiz_class_view, name="quiz_class"),
    path("learners/<int:user_id>/", views.learner_view, name="learner"),
    path("learners/<int:user_id>/labs/<slug:slug>/", views.learner_lab_view, name="learner_lab"),
    path("attempts/<int:attempt_id>/", views.attempt_view, name="attempt"),
    path("quizzes/", views.quizzes_view, name="quizzes"),
    path("quizzes/<slug:slug>/statistics/", views.statistics_view, name="statistics"),
]
