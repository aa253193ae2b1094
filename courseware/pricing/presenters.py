"""What the calculator page shows: the estimate, the sweep, the charts and the comparisons."""

import csv
import io
from decimal import Decimal

from .charts import Series, line_chart
from .engine.apigateway import rest_vs_http
from .engine.lambda_ import FIELDS as LAMBDA_FIELDS
from .engine.lambda_ import lambda_estimate, memory_sweep

REQUEST_STEPS = [
    10**4,
    3 * 10**4,
    10**5,
    3 * 10**5,
    10**6,
    3 * 10**6,
    10**7,
    3 * 10**7,
    10**8,
    3 * 10**8,
    10**9,
]


def calculator_inputs(values: dict) -> list[tuple]:
    """Each input field of the form, with the value to show (the default when none was sent)."""
    return [(field, values.get(field.name, "" if field.default is None else field.default)) for field in LAMBDA_FIELDS]


def estimate_csv(estimate) -> str:
    """An estimate as a spreadsheet: one row per line with its formula, the total, the price set."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["service", "line", "quantity", "unit", "unit price (USD)", "per", "cost (USD)", "formula"])
    data = estimate.to_dict()
    for line in data["lines"]:
        keys = ("service", "label", "quantity", "unit", "unit_price", "per", "cost", "formula")
        writer.writerow([line[key] for key in keys])
    writer.writerow(["", "Total", "", "", "", "", data["total_usd"], ""])
    price_set = f"Price set: {estimate.price_set['title']} ({estimate.price_set['date']})"
    writer.writerow(["", price_set, "", "", "", "", "", ""])
    return out.getvalue()


def lambda_form_values(query) -> dict:
    """The calculator's inputs from a query string, keeping only known fields."""
    names = {field.name for field in LAMBDA_FIELDS}
    return {name: query.get(name) for name in names if query.get(name) not in (None, "")}


def cost_vs_requests(values: dict) -> tuple[str, list[tuple[int, Decimal]]]:
    rows = [(n, lambda_estimate({**values, "requests": n}).total) for n in REQUEST_STEPS]
    chart = line_chart(
        title="Monthly cost against requests per month",
        description="Monthly Lambda cost in dollars for 10 thousand to 1 billion requests, other inputs as entered.",
        series=[Series("Monthly cost", [(float(n), float(cost)) for n, cost in rows], "series-1", unit="$")],
        x_label="Requests per month (log scale)",
        x_log=True,
    )
    return chart, rows


def sweep_chart(sweep: dict) -> str:
    points = sweep["points"]
    return line_chart(
        title="Cost and duration against memory (teaching model)",
        description=sweep["summary"],
        series=[
            Series(
                "Monthly cost ($)",
                [(p["memory_mb"], float(p["monthly_exact_usd"])) for p in points],
                "series-1",
                unit="$",
            ),
            Series(
                "Duration (ms)",
                [(p["memory_mb"], float(p["duration_ms"])) for p in points],
                "series-2",
                axis="right",
            ),
        ],
        x_label="Memory (MB, log scale)",
        x_log=True,
    )


def calculator_context(values: dict) -> dict:
    """Everything the results panel shows; raises PricingInputError for bad input."""
    estimate = lambda_estimate(values)
    sweep = memory_sweep(values)
    requests_chart, requests_rows = cost_vs_requests(values)
    context = {
        "estimate": estimate,
        "sweep": sweep,
        "sweep_chart": sweep_chart(sweep),
        "requests_chart": requests_chart,
        "requests_rows": requests_rows,
    }
    context["api_compare"] = rest_vs_http({"requests": estimate.inputs["requests"]})
    return context
