from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import openapi, presenters
from .engine import PricingInputError
from .engine.apigateway import rest_vs_http
from .engine.lambda_ import lambda_estimate, memory_sweep
from .engine.registry import SERVICES, estimate
from .engine.scenario import scenario_estimate


def _error(error: PricingInputError) -> JsonResponse:
    return JsonResponse({"error": {"field": error.field, "message": error.message}}, status=400)


@require_GET
def calculator(request):
    values = presenters.lambda_form_values(request.GET)
    context = {"inputs": presenters.calculator_inputs(values), "values": values, "query": request.GET.urlencode()}
    status = 200
    try:
        context.update(presenters.calculator_context(values))
    except PricingInputError as error:
        context["error"] = error
        status = 422  # a form the learner can fix; htmx swaps 422 in (see base.html's htmx-config)
    template = "pricing/calculator.html#results" if request.htmx else "pricing/calculator.html"
    return render(request, template, context, status=status)


@require_GET
def calculator_csv(request):
    values = presenters.lambda_form_values(request.GET)
    try:
        estimate = lambda_estimate(values)
    except PricingInputError as error:
        return _error(error)
    response = HttpResponse(presenters.estimate_csv(estimate), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lambda-estimate.csv"'
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
