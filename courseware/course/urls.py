"""The course's pages. They are named in the `catalog` namespace (`catalog:dashboard`,
`catalog:preview`) beside the lesson pages, as they always were: `courseware/urls.py` joins the
two lists, so neither app imports the other's URLs."""

from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("instructor/preview/", views.preview, name="preview"),
]
