from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from courseware.core import views as core_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("courseware.accounts.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("instructor/", include("courseware.instructor.urls")),
    path("", include("courseware.pricing.urls")),
    path("", include("courseware.quizzes.urls")),
    path("", include("courseware.labrunner.urls")),
    path("", include("courseware.catalog.urls")),
]

if settings.BENCH_ENDPOINTS:
    urlpatterns.append(path("bench/ok", core_views.bench_ok, name="bench_ok"))
