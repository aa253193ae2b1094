"""The JSON API, its OpenAPI description, the calculator page, CSV and the `price` command."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

pytestmark = pytest.mark.django_db

SERVICES = ["lambda", "apigateway", "dynamodb", "sqs", "sns", "stepfunctions", "s3", "logs"]


def test_lambda_api_contract(client):
    response = client.get(
        "/api/pricing/lambda?requests=3000000&duration_ms=100&memory_mb=128&architecture=x86_64&ephemeral_mb=512&free_tier=false&granularity_ms=1&price_set=current"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["total_usd"] == "1.23" and data["total_exact_usd"] == "1.22500125"
    assert data["price_set"] == {
        "name": "current",
        "title": "Current prices (us-east-1)",
        "region": "us-east-1",
        "date": "2026-10",
    }
    first = data["lines"][0]
    assert {"quantity", "unit_price", "cost", "formula"} <= set(first)
    assert first["formula"] == "3,000,000 requests × $0.20 per 1M = $0.60"


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_answers_with_defaults(client, service):
    data = client.get(f"/api/pricing/{service}").json()
    assert data["total_usd"] and isinstance(data["lines"], list) and data["price_set"]["date"]


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/pricing/lambda?memory_mb=64", "memory_mb"),
        ("/api/pricing/lambda?duration_ms=abc", "duration_ms"),
        ("/api/pricing/lambda?price_set=1999", "price_set"),
        ("/api/pricing/lambda/sweep?points=1", "points"),
        ("/api/pricing/sqs?queue_type=kafka", "queue_type"),
        ("/api/pricing/dynamodb?capacity_mode=magic", "capacity_mode"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_unknown_service_is_404_json(client):
    response = client.get("/api/pricing/ec2")
    assert response.status_code == 404 and response.json()["error"]["field"] == "service"


def test_sweep_compare_and_scenario(client):
    sweep = client.get("/api/pricing/lambda/sweep?duration_ms=1000&memory_mb=512&requests=1000000").json()
    assert len(sweep["points"]) == 41 and sweep["fastest"]["memory_mb"] == 1769
    compare = client.get("/api/pricing/apigateway/compare?requests=100000000").json()
    # REST: 100M × $3.50/1M = $350; HTTP: 100M × $1.00/1M = $100; saving $250 (71.4%).
    assert (compare["rest"]["total_usd"], compare["http"]["total_usd"], compare["saving_usd"]) == (
        "350.00",
        "100.00",
        "250.00",
    )
    scenario = client.get("/api/pricing/scenario?requests=10000000").json()
    assert [part["service"] for part in scenario["subtotals"]] == [
        "apigateway",
        "lambda",
        "dynamodb",
        "logs",
    ]
    total = sum(float(part["total_usd"]) for part in scenario["subtotals"])
    assert abs(total - float(scenario["total_usd"])) < 0.02


def test_openapi_describes_every_endpoint_and_parameter(client):
    doc = client.get(reverse("pricing:api_openapi")).json()
    assert doc["openapi"].startswith("3.")
    for service in SERVICES:
        operation = doc["paths"][f"/api/pricing/{service}"]["get"]
        assert operation["parameters"] and set(operation["responses"]) == {"200", "400"}
    names = {p["name"] for p in doc["paths"]["/api/pricing/lambda"]["get"]["parameters"]}
    assert {
        "requests",
        "duration_ms",
        "memory_mb",
        "architecture",
        "ephemeral_mb",
        "free_tier",
        "granularity_ms",
        "price_set",
    } <= names
    page = client.get(reverse("pricing:api_docs")).content.decode()
    assert "GET /api/pricing/lambda" in page and "openapi.json" in page


def test_calculator_page_is_public_and_works_without_javascript(client):
    response = client.get(reverse("pricing:calculator") + "?requests=3000000&duration_ms=100&memory_mb=128")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="total">$0.40<' in page
    assert "2,000,000 requests × $0.20 per 1M = $0.40 (3,000,000 minus 1,000,000 free)" in page
    assert '<svg class="chart"' in page and "Memory sweep" in page and "REST API" in page
    assert 'value="3000000"' in page, "the form keeps what was entered"


def test_calculator_htmx_returns_the_results_partial(client):
    response = client.get(reverse("pricing:calculator") + "?requests=5000000", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"') and "<html" not in body


def test_calculator_bad_input_is_shown_with_422(client):
    response = client.get(reverse("pricing:calculator") + "?memory_mb=50")
    assert response.status_code == 422
    assert "memory_mb" in response.content.decode() and "at least 128 MB" in response.content.decode()


def test_csv_download(client):
    response = client.get(
        reverse("pricing:calculator_csv") + "?requests=3000000&duration_ms=100&memory_mb=128&free_tier=false"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["service", "line", "quantity"]
    assert rows[1][1] == "Requests" and rows[1][6] == "0.6"
    assert rows[-2][1] == "Total" and rows[-2][6] == "1.23"


def test_price_command_prints_the_breakdown():
    stdout = io.StringIO()
    call_command(
        "price",
        "lambda",
        "--requests",
        "3000000",
        "--memory-mb",
        "128",
        "--duration-ms",
        "100",
        stdout=stdout,
    )
    text = stdout.getvalue()
    assert "2,000,000 requests × $0.20 per 1M = $0.40" in text and "$0.40 a month" in text
    stdout = io.StringIO()
    call_command("price", "lambda", "--json", "--sweep", stdout=stdout)
    assert len(json.loads(stdout.getvalue())["sweep"]["points"]) == 41
    with pytest.raises(CommandError, match="--memory-mb: must be at least 128"):
        call_command("price", "lambda", "--memory-mb", "1")
    stdout = io.StringIO()
    call_command("price", "sqs", "--messages", "2000000", stdout=stdout)
    assert "a month" in stdout.getvalue()
