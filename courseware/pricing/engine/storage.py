"""Amazon S3 Standard (tiered storage, PUT and GET requests) and Amazon CloudWatch Logs
(ingestion and storage, standard log class, 5 GB free)."""

from decimal import Decimal

from .catalog import read_priced
from .core import Estimate, Field, line, quantity, tiered_lines

S3_FIELDS = [
    Field("storage_gb", "decimal", 100, "Average data stored in the month", "GB", 0, 10**10),
    Field(
        "put_requests",
        "int",
        100_000,
        "PUT, COPY, POST and LIST requests per month",
        "requests",
        0,
        10**14,
    ),
    Field("get_requests", "int", 1_000_000, "GET requests per month", "requests", 0, 10**14),
    Field("price_set", "choice", "current", "Price set", choices=("current", "2017-01")),
]

LOGS_FIELDS = [
    Field("ingested_gb", "decimal", 10, "Log data ingested per month", "GB", 0, 10**9),
    Field("stored_gb", "decimal", 10, "Log data stored (average for the month)", "GB", 0, 10**10),
    Field("free_tier", "bool", True, "Apply the always-free tier (5 GB, to ingestion)"),
    Field("price_set", "choice", "current", "Price set", choices=("current", "2017-01")),
]


def _read(values: dict, fields: list[Field]):
    return read_priced(values, fields)


def s3_estimate(values: dict) -> Estimate:
    prices, inputs = _read(values, S3_FIELDS)
    storage = prices.price("s3.standard.storage")
    put = prices.price("s3.standard.put_requests")
    get = prices.price("s3.standard.get_requests")
    estimate = Estimate("s3", prices.describe(), inputs=inputs)
    estimate.lines += tiered_lines(
        "s3", "Storage (S3 Standard)", inputs["storage_gb"], "GB-months", storage.tiers, storage.per
    )
    estimate.lines.append(
        line("s3", "PUT, COPY, POST, LIST requests", Decimal(inputs["put_requests"]), "requests", put.flat, put.per)
    )
    estimate.lines.append(line("s3", "GET requests", Decimal(inputs["get_requests"]), "requests", get.flat, get.per))
    estimate.notes.append(
        "Storage tiers use TB = 1,024 GB: the first 50 TB is 51,200 GB, the next 450 TB runs to "
        "500 TB = 512,000 GB, and the rest is over that. GB-months are the average stored over "
        "the month."
    )
    estimate.notes.append(
        "No free tier applied: S3's free allowance is for new accounts only, so it is left out. "
        "Data transfer, other storage classes and other request types are not included."
    )
    return estimate


def logs_estimate(values: dict) -> Estimate:
    prices, inputs = _read(values, LOGS_FIELDS)
    ingestion = prices.price("logs.ingestion")
    storage = prices.price("logs.storage")
    free = Decimal(prices.setting("logs_free_gb")) if inputs["free_tier"] else Decimal(0)
    ingested = inputs["ingested_gb"]
    billable = max(Decimal(0), ingested - free)
    estimate = Estimate("logs", prices.describe(), inputs=inputs)
    note = f"{quantity(ingested)} GB minus {quantity(free)} GB free" if free else ""
    estimate.lines.append(
        line("logs", "Ingestion (standard class)", billable, "GB", ingestion.flat, ingestion.per, note)
    )
    estimate.lines.append(line("logs", "Storage", inputs["stored_gb"], "GB-months", storage.flat, storage.per))
    if free:
        estimate.notes.append(
            f"Free tier: {quantity(free)} GB a month, applied here to ingestion only (an "
            "assumption: the allowance is given here as '5 GB free' without a meter; ingestion is "
            "the costliest per GB, so this gives the largest saving). Storage is billed in full."
        )
    estimate.notes.append(
        "CloudWatch Logs prices are from secondary sources and unconfirmed on the CloudWatch "
        "pricing page. Logs Insights queries, vended logs and the infrequent-access class are not "
        "included."
    )
    return estimate
