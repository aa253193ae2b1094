"""Amazon SQS (requests in 64 KB chunks) and Amazon SNS (publishes, deliveries by protocol), with
their always-free tiers."""

import math
from decimal import Decimal

from .catalog import read_priced
from .core import Estimate, Field, line, plain, quantity

SQS_FIRST_TIER_REQUESTS = 100_000_000_000  # facts.md gives the price for the first 100B only
PAYLOAD_REQUESTS = 2  # SendMessage and ReceiveMessage carry the payload; DeleteMessage does not

SQS_FIELDS = [
    Field("queue_type", "choice", "standard", "Queue type", choices=("standard", "fifo")),
    Field("messages", "int", 1_000_000, "Messages per month", "messages", 0, 10**14),
    Field(
        "message_kb",
        "decimal",
        1,
        "Average message size (1 MiB = 1,024 KB max; 256 KB until 2025)",
        "KB",
        0,
        1024,
    ),
    Field(
        "requests_per_message",
        "int",
        3,
        "API requests per message (send, receive, delete)",
        "requests",
        1,
        20,
    ),
    Field("free_tier", "bool", True, "Apply the always-free tier (1M requests a month)"),
    Field("price_set", "choice", "current", "Price set", choices=("current", "2017-01")),
]

SNS_FIELDS = [
    Field("publishes", "int", 1_000_000, "Messages published per month", "messages", 0, 10**14),
    Field("message_kb", "decimal", 1, "Average message size", "KB", 0, 1024),
    Field("http_deliveries", "int", 0, "HTTP/S deliveries per month", "deliveries", 0, 10**14),
    Field("email_deliveries", "int", 0, "Email deliveries per month", "deliveries", 0, 10**12),
    Field("sqs_deliveries", "int", 0, "Deliveries to SQS queues (free)", "deliveries", 0, 10**14),
    Field("lambda_deliveries", "int", 0, "Deliveries to Lambda (free)", "deliveries", 0, 10**14),
    Field("free_tier", "bool", True, "Apply the always-free tier (1M publishes, 100K HTTP, 1K email)"),
    Field("price_set", "choice", "current", "Price set", choices=("current", "2017-01")),
]


def _read(values: dict, fields: list[Field]):
    return read_priced(values, fields)


def chunks(size_kb: Decimal, chunk_kb) -> int:
    """Each `chunk_kb` or part of a payload is one request; an empty payload is still one."""
    return max(1, math.ceil(size_kb / Decimal(chunk_kb)))


def _free_line(service, label, amount, unit, price, free):
    billable = max(Decimal(0), Decimal(amount) - free)
    note = f"{quantity(amount)} minus {quantity(free)} free" if free else ""
    return line(service, label, billable, unit, price.flat, price.per, note)


def sqs_estimate(values: dict) -> Estimate:
    prices, inputs = _read(values, SQS_FIELDS)
    queue = inputs["queue_type"]
    price = prices.price(f"sqs.{queue}.requests")
    chunk_kb = prices.setting("sqs_chunk_kb")
    each = chunks(inputs["message_kb"], chunk_kb)
    per_message = inputs["requests_per_message"]
    carrying = min(per_message, PAYLOAD_REQUESTS)
    others = per_message - carrying
    requests_each = carrying * each + others
    requests = Decimal(inputs["messages"]) * requests_each
    free = Decimal(prices.setting("sqs_free_requests")) if inputs["free_tier"] else Decimal(0)
    estimate = Estimate("sqs", prices.describe(), inputs=inputs)
    estimate.extra["chunks_per_message"] = each
    estimate.extra["requests"] = plain(requests)
    estimate.notes.append(
        f"Each {chunk_kb} KB chunk of a payload is one request: a {quantity(inputs['message_kb'])} "
        f"KB message is {each} chunk(s). Requests that carry the payload (send, then receive: "
        f"{carrying} here) count {each} each; the rest ({others} here: delete, or e.g. a visibility "
        f"change) count 1 each: {carrying} × {each} + {others} = {requests_each} requests per "
        f"message, × {quantity(inputs['messages'])} messages = {quantity(requests)} requests."
    )
    estimate.notes.append(
        "The default of 3 requests per message is SendMessage, ReceiveMessage and DeleteMessage, one "
        "message at a time. Batching (several messages per request) lowers it; empty receives "
        "while polling raise it. Neither is modelled beyond this input."
    )
    estimate.lines.append(
        _free_line(
            "sqs", f"Requests ({queue.upper() if queue == 'fifo' else queue} queue)", requests, "requests", price, free
        )
    )
    if free:
        estimate.notes.append(f"Free tier: the first {quantity(free)} requests a month are free (always free).")
    if requests - free > SQS_FIRST_TIER_REQUESTS:
        estimate.notes.append(
            "The SQS price used here is the first tier's (the first 100B requests a month); this "
            "estimate applies it to every request."
        )
    return estimate


SNS_DELIVERIES = {
    "http_deliveries": "HTTP/S deliveries",
    "email_deliveries": "Email deliveries",
    "sqs_deliveries": "Deliveries to SQS",
    "lambda_deliveries": "Deliveries to Lambda",
}
SNS_FREE_DELIVERIES = {"http_deliveries", "email_deliveries"}  # queues and functions bill their own side


def sns_estimate(values: dict) -> Estimate:
    prices, inputs = _read(values, SNS_FIELDS)
    keys = ("publishes", "http_deliveries", "email_deliveries", "sqs_deliveries", "lambda_deliveries")
    price = {key: prices.price(f"sns.{key}") for key in keys}
    chunk_kb = prices.setting("sns_chunk_kb")
    each = chunks(inputs["message_kb"], chunk_kb)
    publishes = Decimal(inputs["publishes"]) * each
    free = inputs["free_tier"]

    def allowance(key: str) -> Decimal:
        return Decimal(prices.setting(f"sns_free_{key}")) if free else Decimal(0)

    estimate = Estimate("sns", prices.describe(), inputs=inputs)
    estimate.extra["publish_requests"] = plain(publishes)
    estimate.notes.append(
        f"Each {chunk_kb} KB chunk of published data is one publish request: a "
        f"{quantity(inputs['message_kb'])} KB message counts as {each}, so "
        f"{quantity(inputs['publishes'])} × {each} = {quantity(publishes)} publish requests. "
        "The 64 KB SNS chunk size is from the SNS pricing page. "
        "Deliveries are counted one per message per subscriber (an assumption)."
    )
    estimate.lines.append(
        _free_line("sns", "Publishes", publishes, "requests", price["publishes"], allowance("publishes"))
    )
    for key, label in SNS_DELIVERIES.items():
        free_part = allowance(key) if key in SNS_FREE_DELIVERIES else Decimal(0)
        estimate.lines.append(_free_line("sns", label, inputs[key], "deliveries", price[key], free_part))
    if free:
        estimate.notes.append(
            f"Free tier (always free, per month): {quantity(allowance('publishes'))} publishes, "
            f"{quantity(allowance('http_deliveries'))} HTTP/S deliveries and "
            f"{quantity(allowance('email_deliveries'))} email deliveries."
        )
    estimate.notes.append(
        "Deliveries to SQS queues and Lambda functions are free (the queue and the function bill "
        "separately). SMS, mobile push and data transfer are not included."
    )
    return estimate
