from django.urls import path

from . import views

app_name = "instructor"
urlpatterns = [
    path("gradebook/", views.gradebook_view, name="gradebook"),
    path("gradebook.csv", views.gradebook_export, name="gradebook_csv"),
    path("learners/<int:user_id>/", views.learner_view, name="learner"),
    path("attempts/<int:attempt_id>/", views.attempt_view, name="attempt"),
    path("quizzes/", views.quizzes_view, name="quizzes"),
    path("quizzes/<slug:slug>/statistics/", views.statistics_view, name="statistics"),
]
