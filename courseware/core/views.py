from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import health_report


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitors: 503 only when pages cannot be served (database or cache
    down); a missing task worker or lab backend is reported as "degraded" with a 200."""
    status, checks = health_report()
    return JsonResponse(
        {"status": status, "checks": {check.name: check.public() for check in checks}},
        status=503 if status == "down" else 200,
    )


def bench_ok(request):
    """The bare baseline for bench/pages.py; only routed when BENCH_ENDPOINTS=1."""
    return HttpResponse("ok")
