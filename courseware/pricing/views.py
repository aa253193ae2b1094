from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_htmx.http import reswap, retarget

from . import openapi, presenters
from .engine import PricingInputError
from .engine.apigateway import rest_vs_http
from .engine.lambda_ import memory_sweep
from .engine.registry import SERVICES, estimate
from .engine.scenario import scenario_estimate
from .exports import bill_csv
from .tabs import TABS, Tab


def _error(error: PricingInputError) -> JsonResponse:
    return JsonResponse({"error": {"field": error.field, "message": error.message}}, status=400)


def _tab(service: str) -> Tab:
    if service not in TABS:
        raise Http404("No such calculator.")
    return TABS[service]


@require_GET
def calculator(request, service: str = "lambda"):
    """A tab of the calculator: a GET form, so the URL is the shareable estimate. htmx asks for the
    results as the learner types (#results), or for the whole tab when another is chosen."""
    tab = _tab(service)
    context = {
        **presenters.calculator_context(tab, request.GET),
        "tabs": TABS.values(),
        "query": request.GET.urlencode(),
    }
    status = 422 if context["errors"] else 200  # a form the learner can fix; htmx swaps 422 (base.html)
    if not request.htmx:
        return render(request, "pricing/calculator.html", context, status=status)
    swap = "tab" if request.htmx.target == "calculator" else "results"
    if swap == "results" and context["errors"]:
        # Keep the last good estimate on the page: only the errors change, beside it.
        response = render(request, "pricing/calculator.html#errors", {**context, "swap": "errors"}, status=status)
        return retarget(reswap(response, "outerHTML"), "#calc-errors")
    return render(request, f"pricing/calculator.html#{swap}", {**context, "swap": swap}, status=status)


@require_GET
def calculator_csv(request, service: str = "lambda"):
    tab = _tab(service)
    form = presenters.read_form(tab, request.GET)
    bill = presenters.bill_for(form) if not form.errors else None
    if bill is None:
        name, message = next(iter(form.errors.items()))
        return JsonResponse({"error": {"field": name, "message": message}}, status=400)
    response = HttpResponse(bill_csv(bill), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{tab.slug}-estimate.csv"'
    return response


def _answer(compute, request) -> JsonResponse:
    """Every pricing endpoint: the query string in, JSON out, bad input as 400 naming the field."""
    try:
        result = compute(request.GET.dict())
    except PricingInputError as error:
        return _error(error)
    return JsonResponse(result.to_dict() if hasattr(result, "to_dict") else result)


@require_GET
def api_estimate(request, service):
    if service not in SERVICES:
        error = PricingInputError("service", f"unknown service '{service}' (known: {', '.join(SERVICES)})")
        return JsonResponse({"error": {"field": error.field, "message": error.message}}, status=404)
    return _answer(lambda values: estimate(service, values), request)


@require_GET
def api_lambda_sweep(request):
    return _answer(memory_sweep, request)


@require_GET
def api_rest_vs_http(request):
    return _answer(rest_vs_http, request)


@require_GET
def api_scenario(request):
    return _answer(scenario_estimate, request)


@require_GET
def api_openapi(request):
    return JsonResponse(openapi.document(server=request.build_absolute_uri("/")), json_dumps_params={"indent": 2})


@require_GET
def api_docs(request):
    return render(
        request,
        "pricing/api_docs.html",
        {"doc": openapi.document(server="/"), "openapi_url": reverse("pricing:api_openapi")},
    )
