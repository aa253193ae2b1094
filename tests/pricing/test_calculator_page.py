"""The calculator page: a tab per service and the whole workload, errors in the learner's words
beside an estimate that does not disappear, money with thousands separators, a CSV per tab."""

import csv
import io
import re

import pytest
from django.urls import reverse

from courseware.pricing.tabs import TABS

HTMX = {"HX-Request": "true", "HX-Target": "results"}


@pytest.mark.parametrize("slug", list(TABS))
def test_every_tab_shows_a_bill_with_its_working_charts_a_link_and_a_csv(client, slug):
    tab = TABS[slug]
    page = client.get(tab.url).content.decode()
    assert 'data-testid="total">$' in page
    assert '<table class="breakdown">' in page and "Quantity × unit price" in page
    assert page.count('<svg class="chart') >= 1  # the cost against volume, server-side SVG
    assert f'aria-current="page">{tab.title}</a>' in page  # the tab knows it is chosen
    assert f'href="{tab.csv_url}?' in page and f'href="{tab.url}?' in page
    # Every field the engine takes is on the form, labelled as the API documents it.
    for field in tab.fields:
        assert f'name="{field.name}"' in page and field.help.replace("'", "&#x27;") in page
    rows = list(csv.reader(io.StringIO(client.get(tab.csv_url).content.decode())))
    assert rows[0][:3] == ["service", "line", "quantity"] and any(row[1] == "Total" for row in rows)


def test_the_scenario_builder_prices_one_request_path_service_by_service(client):
    url = TABS["scenario"].url + "?requests=20000000&api_type=rest&memory_mb=1024&free_tier=false"
    page = client.get(url).content.decode()
    for title in ("API Gateway", "Lambda", "DynamoDB", "CloudWatch Logs"):
        assert f'<th scope="rowgroup" colspan="2">{title}</th>' in page
    assert "per million requests" in page and "Where the money goes" in page
    assert 'class="chart bar-chart"' in page
    rows = list(
        csv.reader(io.StringIO(client.get(TABS["scenario"].csv_url + "?" + url.split("?")[1]).content.decode()))
    )
    assert [row[0] for row in rows if row[1] == "Subtotal"] == ["apigateway", "lambda", "dynamodb", "logs"]


def test_a_mode_marks_the_fields_it_uses(client):
    page = client.get(TABS["apigateway"].url + "?api_type=http").content.decode()
    assert re.search(r'<div class="field" data-modes="rest">\s*<label for="f-cache_size_gb"', page)
    assert re.search(r'<div class="field" data-modes="rest http">\s*<label for="f-requests"', page)
    assert '<select id="f-api_type" name="api_type" aria-describedby="error-api_type" data-mode>' in page
    assert "REST API or HTTP API?" in page  # the comparison, for a REST or HTTP API


def test_errors_name_the_field_as_the_form_does_and_give_the_right_reason(client):
    response = client.get(reverse("pricing:calculator") + "?memory_mb=20000&duration_ms=0")
    page = response.content.decode()
    assert response.status_code == 422
    assert (
        "Memory configured (128–10,240 MB) must be at most 10,240 MB (Lambda&#x27;s memory range), not 20000." in page
    )
    assert (
        "Average duration of one invocation must be at least 0.001 ms (an invocation takes some time), not 0." in page
    )
    assert "memory_mb:" not in page and "900 s timeout" not in page
    # Each bad field is marked, with its message beside it.
    assert (
        'name="memory_mb" type="text" inputmode="decimal" value="20000" autocomplete="off" aria-describedby="error-memory_mb" aria-invalid="true"'
        in page
    )
    assert '<p id="error-memory_mb" class="field-error">Must be at most 10,240 MB' in page
    # The estimate stays, priced with those fields at their defaults, and says so.
    assert 'data-testid="total">$0.00<' in page
    assert "Priced with the default for Average duration of one invocation; Memory configured" in page


def test_an_empty_field_is_an_error_not_a_silent_default(client):
    response = client.get(reverse("pricing:calculator") + "?requests=&memory_mb=512&free_tier=false")
    page = response.content.decode()
    assert response.status_code == 422 and "Invocations per month needs a number: it is empty." in page
    optional = client.get(reverse("pricing:calculator") + "?granularity_ms=&free_tier=false")
    assert optional.status_code == 200  # empty means the price set's default, as its placeholder says


def test_while_typing_a_bad_value_keeps_the_last_estimate_and_marks_the_field(client):
    response = client.get(reverse("pricing:calculator") + "?memory_mb=64", headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 422 and response["HX-Retarget"] == "#calc-errors"
    assert body.lstrip().startswith('<div id="calc-errors"') and 'id="results"' not in body
    assert "The estimate below is for your last valid inputs." in body
    assert '<p id="error-memory_mb" class="field-error" hx-swap-oob="true">Must be at least 128 MB' in body
    fixed = client.get(reverse("pricing:calculator") + "?memory_mb=256", headers=HTMX).content.decode()
    assert fixed.lstrip().startswith('<section id="results"')
    assert '<div id="calc-errors" class="calc-errors" hx-swap-oob="true" role="alert">' in fixed  # cleared
    assert '<p id="error-memory_mb" class="field-error" hx-swap-oob="true"></p>' in fixed


def test_a_tab_is_swapped_whole_with_its_title(client):
    body = client.get(TABS["sqs"].url, headers={"HX-Request": "true", "HX-Target": "calculator"}).content.decode()
    assert body.lstrip().startswith("<title>SQS · Pricing calculator") and '<div id="calculator"' in body
    assert "hx-swap-oob" not in body


def test_large_totals_have_thousands_separators(client):
    page = client.get(
        reverse("pricing:calculator") + "?requests=2000000000&duration_ms=800&memory_mb=2048&free_tier=false"
    ).content.decode()
    total = re.search(r'data-testid="total">([^<]+)<', page)[1]
    assert re.fullmatch(r"\$\d{1,3}(,\d{3})+\.\d\d", total), total


def test_a_flat_sweep_is_not_called_cheapest(client):
    page = client.get(reverse("pricing:calculator")).content.decode()  # the defaults: all inside the free tier
    assert "Every memory size costs the same, $0.00/month, so choose on speed" in page
    assert "Cheapest:" not in page


def test_an_unknown_tab_is_a_404(client):
    assert client.get("/pricing/ec2/").status_code == 404
    assert client.get("/pricing/ec2/estimate.csv").status_code == 404


def test_the_scenario_is_built_from_the_parts_chosen(client):
    url = TABS["scenario"].url + "?api_type=none&include_logs=false&log_kb_per_request=lots"
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200  # a field of a part left out is not read
    assert '<p class="muted">Lambda → DynamoDB</p>' in page
    assert '<th scope="rowgroup" colspan="2">API Gateway</th>' not in page
    assert '<th scope="rowgroup" colspan="2">CloudWatch Logs</th>' not in page
    assert re.search(r'<div class="field" data-part="include_logs">\s*<label for="f-log_kb_per_request"', page)
    data = client.get("/api/pricing/scenario?api_type=none&include_dynamodb=false").json()
    assert list(data["services"]) == ["lambda", "logs"] and data["scenario"] == "Lambda, with CloudWatch Logs"
