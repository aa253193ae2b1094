from django.urls import path
from lti_tool.views import jwks

from . import instructor_views, views

app_name = "lti"
urlpatterns = [
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    path("jwks.json", jwks, name="jwks"),
    path("deep-link/", views.deep_link, name="deep_link"),
    path("instructor/", instructor_views.overview, name="overview"),
    path("instructor/roster/<int:context_id>/", instructor_views.roster, name="roster"),
]
