"""Amazon API Gateway: REST APIs (tiered requests, optional cache), HTTP APIs (512 KB metering),
WebSocket APIs (messages in 32 KB increments, connection minutes); and REST vs HTTP side by side."""

import math
from decimal import ROUND_HALF_UP, Decimal

from .catalog import price_set, read_priced
from .core import (
    CENT,
    Estimate,
    Field,
    PricingInputError,
    line,
    plain,
    quantity,
    tiered_lines,
    unit_price,
    usd,
)

SERVICE = "apigateway"
API_TYPES = ("rest", "http", "websocket")
CACHE_SIZES_GB = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")

FIELDS = [
    Field("api_type", "choice", "rest", "API type", choices=API_TYPES),
    Field("requests", "int", 1_000_000, "API calls per month (REST, HTTP)", "requests", 0, 10**14),
    Field(
        "cache_size_gb",
        "decimal",
        0,
        "REST cache size: 0 for none, or " + ", ".join(CACHE_SIZES_GB) + " GB",
        "GB",
        0,
        237,
    ),
    Field("cache_hours", "decimal", 730, "Hours a month the REST cache runs", "hours", 0, 744),
    Field(
        "request_kb",
        "decimal",
        1,
        "Average HTTP API request size (each 512 KB or part is one request)",
        "KB",
        0,
        10240,
    ),
    Field("messages", "int", 1_000_000, "WebSocket messages per month", "messages", 0, 10**14),
    Field(
        "message_kb",
        "decimal",
        1,
        "Average WebSocket message size (metered in 32 KB increments)",
        "KB",
        0,
        10240,
    ),
    Field(
        "connection_minutes",
        "int",
        1_000_000,
        "WebSocket connection minutes per month",
        "minutes",
        0,
        10**14,
    ),
    Field("price_set", "choice", "current", "Price set", choices=("current", "2017-01")),
]

TYPE_FIELDS = {
    "rest": ("requests", "cache_size_gb", "cache_hours"),
    "http": ("requests", "request_kb"),
    "websocket": ("messages", "message_kb", "connection_minutes"),
}


def read_apigateway_inputs(values: dict):
    return read_priced(values, FIELDS, TYPE_FIELDS)


def cache_key(size: Decimal) -> str:
    return f"apigateway.rest_cache.{plain(size).replace('.', '_')}gb"


def _increments(size_kb: Decimal, step_kb) -> int:
    """Each `step_kb` or part of a payload counts once; an empty payload still counts once."""
    return max(1, math.ceil(size_kb / Decimal(step_kb)))


def apigateway_estimate(values: dict) -> Estimate:
    prices, inputs = read_apigateway_inputs(values)
    estimate = Estimate(SERVICE, prices.describe(), inputs=inputs)
    {"rest": _rest, "http": _http, "websocket": _websocket}[inputs["api_type"]](estimate, prices, inputs)
    estimate.notes.append(
        "Free tier not applied: accounts opened before 15 July 2025 get 1M REST API calls plus 1M "
        "HTTP API calls, plus 1M WebSocket messages and 750,000 connection minutes, a month for "
        "their first 12 months; accounts opened since then get free-tier credits instead (API "
        "Gateway pricing page). Data transfer out is not included."
    )
    return estimate


def _rest(estimate: Estimate, prices, inputs: dict) -> None:
    requests = prices.price("apigateway.rest.requests")
    size = inputs["cache_size_gb"]
    if size and size not in {Decimal(s) for s in CACHE_SIZES_GB}:
        raise PricingInputError(
            "cache_size_gb",
            f"must be 0 (no cache) or one of {', '.join(CACHE_SIZES_GB)} GB, not {plain(size)}",
        )
    cache = prices.price(cache_key(size), field="cache_size_gb") if size else None
    estimate.lines += tiered_lines(
        SERVICE,
        "REST API requests",
        Decimal(inputs["requests"]),
        "requests",
        requests.tiers,
        requests.per,
    )
    estimate.notes.append(
        "REST request tiers are cumulative per month: the first 333M, the next 667M (to 1B), the "
        "next 19B (to 20B), then everything over 20B."
    )
    if cache:
        estimate.lines.append(
            line(
                SERVICE,
                f"REST API cache ({plain(size)} GB)",
                inputs["cache_hours"],
                "hours",
                cache.flat,
                note="billed per hour the cache runs, whatever the traffic",
            )
        )
        estimate.notes.append(
            "Cache prices per hour are unconfirmed: the course has not been able to confirm them "
            "on the API Gateway pricing page."
        )


def _http(estimate: Estimate, prices, inputs: dict) -> None:
    requests = prices.price("apigateway.http.requests")
    step = prices.setting("apigateway_http_meter_kb")
    each = _increments(inputs["request_kb"], step)
    metered = Decimal(inputs["requests"]) * each
    estimate.extra["metered_requests"] = plain(metered)
    estimate.notes.append(
        f"HTTP APIs meter requests in {step} KB increments: a {quantity(inputs['request_kb'])} KB "
        f"request counts as {each}, so {quantity(inputs['requests'])} × {each} = "
        f"{quantity(metered)} metered requests."
    )
    estimate.lines += tiered_lines(SERVICE, "HTTP API requests", metered, "requests", requests.tiers, requests.per)


def tier_summary(price) -> str:
    """'$1.00 per 1M up to 1,000,000,000, then $0.80 per 1M', read from the price set."""
    parts = []
    for tier in price.tiers:
        part = unit_price(tier.price, price.per)
        parts.append(part + (f" up to {quantity(tier.upto)}" if tier.upto is not None else ""))
    return ", then ".join(parts)


def _websocket(estimate: Estimate, prices, inputs: dict) -> None:
    messages = prices.price("apigateway.websocket.messages")
    minutes = prices.price("apigateway.websocket.connection_minutes")
    step = prices.setting("apigateway_websocket_meter_kb")
    each = _increments(inputs["message_kb"], step)
    metered = Decimal(inputs["messages"]) * each
    estimate.extra["metered_messages"] = plain(metered)
    estimate.notes.append(
        f"WebSocket messages are metered in {step} KB increments (unconfirmed on the API Gateway "
        f"pricing page): a {quantity(inputs['message_kb'])} KB message counts as {each}, so "
        f"{quantity(inputs['messages'])} × {each} = {quantity(metered)} metered messages. The "
        f"message prices ({tier_summary(messages)}) are also unconfirmed."
    )
    estimate.lines += tiered_lines(SERVICE, "WebSocket messages", metered, "messages", messages.tiers, messages.per)
    estimate.lines.append(
        line(
            SERVICE,
            "WebSocket connection minutes",
            Decimal(inputs["connection_minutes"]),
            "connection minutes",
            minutes.flat,
            minutes.per,
        )
    )


def rest_vs_http(values: dict) -> dict:
    """The same monthly request count on a REST API (no cache) and on an HTTP API."""
    same = {**values, "cache_size_gb": 0}
    rest = apigateway_estimate({**same, "api_type": "rest"})
    http = apigateway_estimate({**same, "api_type": "http"})
    saving = rest.total - http.total
    percent = saving / rest.total * 100 if rest.total else Decimal(0)
    first_rest = price_set(values.get("price_set")).price("apigateway.rest.requests").tiers[0]
    first_http = price_set(values.get("price_set")).price("apigateway.http.requests").tiers[0]
    first_cut = (first_rest.price - first_http.price) / first_rest.price * 100
    return {
        "rest": rest.to_dict(),
        "http": http.to_dict(),
        "saving_usd": str(saving.quantize(CENT, ROUND_HALF_UP)),
        "saving_percent": str(percent.quantize(Decimal("0.1"), ROUND_HALF_UP)),
        "notes": [
            f"Saving: {usd(rest.total)} − {usd(http.total)} = {usd(saving)}"
            + (f", {percent.quantize(Decimal('0.1'))}% of the REST bill." if rest.total else "."),
            f"First tier: ({unit_price(first_rest.price, 1)} − {unit_price(first_http.price, 1)}) ÷ "
            f"{unit_price(first_rest.price, 1)} per 1M = {first_cut.quantize(Decimal('0.1'))}% "
            "cheaper (Dhaval Nagar's 2022 talk Serverless Innovation with AWS says 67%).",
            "The REST API is priced without a cache: HTTP APIs have none. HTTP APIs also lack other "
            "REST API features (for example usage plans and API keys, request validation, private "
            "and edge-optimized endpoints), so the cheaper API is not always a drop-in replacement.",
        ],
    }
