from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.outline, name="outline"),
    path("lessons/media/<str:name>", views.lesson_media, name="lesson_media"),
    path("lessons/<slug:slug>/", views.lesson, name="lesson"),
    path("lessons/<slug:slug>/complete/", views.lesson_complete, name="lesson_complete"),
]
