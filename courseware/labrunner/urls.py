from django.urls import path

from . import views

app_name = "labrunner"
urlpatterns = [
    path("labs/", views.lab_list, name="list"),
    path("labs/<slug:slug>/", views.lab_page, name="lab"),
    path("labs/<slug:slug>/draft", views.lab_draft, name="draft"),
    path("labs/<slug:slug>/files", views.lab_file, name="file"),
    path("labs/<slug:slug>/reset", views.lab_reset, name="reset"),
    path("labs/<slug:slug>/restore", views.lab_restore, name="restore"),
    path("labs/<slug:slug>/clock", views.lab_clock, name="clock"),
    path("labs/<slug:slug>/clock/advance", views.lab_clock_advance, name="clock_advance"),
    path("labs/<slug:slug>/runs/<int:run_id>", views.lab_run_status, name="run"),
    path("labs/<slug:slug>/hints/<str:check_name>", views.lab_hint, name="hint"),
    path("labs/<slug:slug>/<str:kind>", views.lab_run_create, name="run_create"),
]
