from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from courseware.catalog import urls as catalog_urls
from courseware.core import views as core_views
from courseware.course import urls as course_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("courseware.accounts.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("instructor/", include("courseware.instructor.urls")),
    path("lti/", include("courseware.lti.urls")),
    path("", include("courseware.pricing.urls")),
    path("", include("courseware.quizzes.urls")),
    path("", include("courseware.labrunner.urls")),
    path("", include("courseware.search.urls")),
    # The lesson pages and the pages that read the whole course share the `catalog` namespace.
    path("", include((catalog_urls.urlpatterns + course_urls.urlpatterns, "catalog"))),
]

if settings.BENCH_ENDPOINTS:
    urlpatterns.append(path("bench/ok", core_views.bench_ok, name="bench_ok"))
