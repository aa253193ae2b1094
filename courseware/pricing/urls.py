from django.urls import path

from . import views

app_name = "pricing"
urlpatterns = [
    path("pricing/", views.calculator, name="calculator"),
    path("pricing/estimate.csv", views.calculator_csv, name="calculator_csv"),
    path("pricing/<slug:service>/", views.calculator, name="service"),
    path("pricing/<slug:service>/estimate.csv", views.calculator_csv, name="service_csv"),
    path("api/pricing/", views.api_docs, name="api_docs"),
    path("api/pricing/openapi.json", views.api_openapi, name="api_openapi"),
    path("api/pricing/lambda/sweep", views.api_lambda_sweep, name="api_lambda_sweep"),
    path("api/pricing/apigateway/compare", views.api_rest_vs_http, name="api_rest_vs_http"),
    path("api/pricing/scenario", views.api_scenario, name="api_scenario"),
    path("api/pricing/<slug:service>", views.api_estimate, name="api_estimate"),
]
