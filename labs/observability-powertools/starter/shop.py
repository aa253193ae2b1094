"""The order service's dependencies. Each stands for a call to another team's service."""

import os
import time
import uuid
from decimal import Decimal

import boto3

payments = boto3.resource("dynamodb").Table(os.environ["PAYMENTS_TABLE"])

# What the tax service answers; it is slow because it recomputes every rate on each call.
RATES = {"SK": Decimal("0.23"), "CZ": Decimal("0.21"), "DE": Decimal("0.19"), "AT": Decimal("0.20")}


def check_stock(items: list[dict]) -> bool:
    """The warehouse: is every item in stock?"""
    time.sleep(0.01)
    return all(item.get("qty", 0) > 0 for item in items)


def tax_rate(country: str) -> Decimal:
    """The tax service: the VAT rate of a country. Rates change a few times a year."""
    time.sleep(0.5)
    if country not in RATES:
        raise ValueError(f"no VAT rate for country {country!r}")
    return RATES[country]


def charge(order_id: str, customer_id: str, amount: Decimal) -> str:
    """The payment provider: take the money and record the payment. Not idempotent."""
    payment_id = f"pay-{uuid.uuid4().hex[:12]}"
    payments.put_item(
        Item={"payment_id": payment_id, "order_id": order_id, "customer_id": customer_id, "amount": amount}
    )
    return payment_id
