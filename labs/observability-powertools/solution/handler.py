"""Place an order: check stock, add VAT, charge the customer. Observable, and safe to retry."""

import os
import time
from contextlib import contextmanager
from decimal import Decimal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent,
)

import shop

logger = Logger()  # service name from POWERTOOLS_SERVICE_NAME
tracer = Tracer()
metrics = Metrics()  # namespace from POWERTOOLS_METRICS_NAMESPACE

persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])
# Two deliveries of the same order are one order: the key is the order id, not the whole event.
idempotency = IdempotencyConfig(event_key_jmespath="order_id", expires_after_seconds=3600)

RATE_TTL_S = 300  # rates change a few times a year; five minutes stale is fine
_rates: dict[str, tuple[float, Decimal]] = {}  # module level: kept while the environment is warm


@contextmanager
def measured(dependency: str):
    """Time one call to a dependency: a log line and a DependencyLatency metric per call."""
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        logger.info("dependency called", dependency=dependency, duration_ms=elapsed)
        with single_metric(
            name="DependencyLatency", unit=MetricUnit.Milliseconds, value=elapsed, namespace=metrics.namespace
        ) as metric:
            metric.add_dimension(name="dependency", value=dependency)


@tracer.capture_method
def cached_tax_rate(country: str) -> Decimal:
    """The tax service is the slow dependency: ask it once per country, then reuse the answer."""
    now = time.monotonic()
    found = _rates.get(country)
    if found and now - found[0] < RATE_TTL_S:
        return found[1]
    rate = shop.tax_rate(country)
    _rates[country] = (now, rate)
    return rate


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
@idempotent(config=idempotency, persistence_store=persistence)
def handler(event, context):
    order_id = event["order_id"]
    logger.append_keys(order_id=order_id)
    tracer.put_annotation(key="order_id", value=order_id)
    with measured("check_stock"):
        in_stock = shop.check_stock(event["items"])
    if not in_stock:
        logger.warning("out of stock")
        metrics.add_metric(name="OrdersRejected", unit=MetricUnit.Count, value=1)
        return {"order_id": order_id, "status": "rejected", "reason": "out of stock"}
    with measured("tax_rate"):
        rate = cached_tax_rate(event["country"])
    subtotal = sum(Decimal(str(item["price"])) * item["qty"] for item in event["items"])
    total = (subtotal * (1 + rate)).quantize(Decimal("0.01"))
    with measured("charge"):
        payment_id = shop.charge(order_id, event["customer_id"], total)
    logger.info("order placed", total=str(total), payment_id=payment_id)
    metrics.add_metric(name="OrdersPlaced", unit=MetricUnit.Count, value=1)
    return {"order_id": order_id, "status": "placed", "total": str(total), "payment_id": payment_id}
