"""A workload priced as one bill: a request path built from parts, API Gateway (or none) →
Lambda → DynamoDB (or none), with the logs it writes (or none)."""

from decimal import Decimal

from .apigateway import apigateway_estimate
from .core import CENT, Field, plain, read_fields
from .dynamodb import dynamodb_estimate
from .lambda_ import lambda_estimate
from .storage import logs_estimate

FIELDS = [
    Field(
        "requests",
        "int",
        10_000_000,
        "API requests per month (each invokes the function once)",
        "requests",
        0,
        10**12,
    ),
    Field(
        "api_type",
        "choice",
        "http",
        "API Gateway in front (none: the function is invoked directly)",
        choices=("http", "rest", "none"),
    ),
    Field("duration_ms", "decimal", 120, "Average function duration", "ms", Decimal("0.001"), 900_000),
    Field("memory_mb", "int", 512, "Function memory", "MB", 128, 10240),
    Field("architecture", "choice", "arm64", "Function architecture", choices=("x86_64", "arm64")),
    Field("include_dynamodb", "bool", True, "The function reads and writes a DynamoDB table"),
    Field(
        "reads_per_request",
        "decimal",
        2,
        "DynamoDB reads per request (on-demand, eventually consistent)",
        "",
        0,
        1000,
    ),
    Field("writes_per_request", "decimal", 1, "DynamoDB writes per request (on-demand)", "", 0, 1000),
    Field("item_kb", "decimal", 1, "DynamoDB item size", "KB", Decimal("0.001"), 400),
    Field("storage_gb", "decimal", 10, "DynamoDB table size", "GB", 0, 10**7),
    Field("include_logs", "bool", True, "The function writes CloudWatch Logs"),
    Field("log_kb_per_request", "decimal", 1, "CloudWatch Logs written per request", "KB", 0, 1024),
    Field("free_tier", "bool", True, "Apply the always-free tiers"),
    Field("price_set", "choice", "current", "Price set", choices=("current",)),
]


def scenario_estimate(values: dict) -> dict:
    """The bill of one request path, built from the parts chosen: an API in front (or none),
    the function, a DynamoDB table and the function's logs (each can be left out)."""
    inputs = read_fields(values, FIELDS)
    n = inputs["requests"]
    common = {"free_tier": inputs["free_tier"], "price_set": inputs["price_set"]}
    log_gb = n * inputs["log_kb_per_request"] / 1024 / 1024
    parts = {}
    if inputs["api_type"] != "none":
        parts["apigateway"] = apigateway_estimate({**common, "api_type": inputs["api_type"], "requests": n})
    function = {key: inputs[key] for key in ("duration_ms", "memory_mb", "architecture")}
    parts["lambda"] = lambda_estimate({**common, **function, "requests": n})
    if inputs["include_dynamodb"]:
        parts["dynamodb"] = dynamodb_estimate(
            {
                **common,
                "capacity_mode": "on_demand",
                "consistency": "eventual",
                "reads": n * inputs["reads_per_request"],
                "writes": n * inputs["writes_per_request"],
                "item_kb": inputs["item_kb"],
                "storage_gb": inputs["storage_gb"],
            }
        )
    if inputs["include_logs"]:
        parts["logs"] = logs_estimate({**common, "ingested_gb": log_gb, "stored_gb": log_gb})
    total = sum((part.total for part in parts.values()), Decimal(0))
    names = {"apigateway": "API Gateway", "lambda": "Lambda", "dynamodb": "DynamoDB", "logs": "CloudWatch Logs"}
    return {
        "scenario": " → ".join(names[name] for name in parts if name != "logs")
        + (", with CloudWatch Logs" if "logs" in parts else ""),
        "total_usd": str(total.quantize(CENT)),
        "total_exact_usd": plain(total),
        "per_million_requests_usd": str((total / n * 1_000_000).quantize(CENT)) if n else "0.00",
        "services": {name: part.to_dict() for name, part in parts.items()},
        "subtotals": [{"service": name, "total_usd": part.to_dict()["total_usd"]} for name, part in parts.items()],
        "inputs": {key: plain(value) if isinstance(value, Decimal) else value for key, value in inputs.items()},
        "notes": [f"Logs: {plain(inputs['log_kb_per_request'])} KB per request, stored for one month."]
        if "logs" in parts
        else [],
    }
