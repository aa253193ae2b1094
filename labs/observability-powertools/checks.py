"""Checks for Observability with Powertools. Each gets `lab` (a LabContext bound to a fresh account).

The function's log is read as CloudWatch Logs holds it: Powertools' Logger writes one JSON object
per line, and its Metrics write Embedded Metric Format records (JSON with an `_aws` section) that
CloudWatch turns into metrics. The checks read both from the log of one invocation at a time.
"""

import copy
import json
import uuid

from courseware.labrunner.grading import Fail, check

DEPENDENCIES = ("check_stock", "tax_rate", "charge")
WARM_LIMIT_MS = 350  # the tax service alone takes 500 ms a call; everything else well under 100 ms


def new_order(lab, label: str) -> dict:
    """The saved order with an id of its own, so no other check's order (or record) is reused."""
    order = copy.deepcopy(lab.event("order"))
    order["order_id"] = f"chk-{label}-{uuid.uuid4().hex[:10]}"
    return order


def invoked(lab, event: dict):
    result = lab.invoke(event)
    if result.status != "ok":
        error = result.error or {}
        raise Fail(f"The order failed: {error.get('errorType')}: {error.get('errorMessage')}")
    return result


def invocation_records(lab, request_id: str) -> list[dict]:
    """The JSON objects one invocation logged, between its START and END lines."""
    records, inside = [], False
    for line in lab.logs().splitlines():
        if line.startswith(f"START RequestId: {request_id}"):
            inside = True
        elif line.startswith(f"END RequestId: {request_id}"):
            break
        elif inside and line.startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
    return records


def first_order(lab) -> tuple[dict, list[dict]]:
    """One order placed, and what its invocation logged (several checks read the same one)."""
    if "_first" not in lab.__dict__:
        order = new_order(lab, "first")
        result = invoked(lab, order)
        lab.__dict__["_first"] = (order, invocation_records(lab, result.request_id), result.request_id)
    order, records, _ = lab.__dict__["_first"]
    return order, records


def emf_metrics(records: list[dict]) -> list[dict]:
    """Each metric of each EMF record: name, unit, namespace, value and the dimensions' values."""
    found = []
    for record in records:
        directives = (record.get("_aws") or {}).get("CloudWatchMetrics") or []
        for directive in directives:
            dimensions = {name for group in directive.get("Dimensions") or [] for name in group}
            for metric in directive.get("Metrics") or []:
                value = record.get(metric.get("Name"))
                found.append(
                    {
                        "name": metric.get("Name"),
                        "unit": metric.get("Unit"),
                        "namespace": directive.get("Namespace"),
                        "values": value if isinstance(value, list) else [value],
                        "dimensions": {name: record.get(name) for name in dimensions},
                    }
                )
    return found


def payments_for(lab, order_id: str) -> list[dict]:
    table = lab.resource("PaymentsTable")
    items = lab.client("dynamodb").scan(TableName=table)["Items"]
    return [item for item in items if item.get("order_id", {}).get("S") == order_id]


@check(
    points=1,
    hints=[
        "Powertools is not in the Lambda runtime. How can a function use a library that its code "
        "folder does not contain?",
        "Add AWS's public Powertools layer to the function's `Layers` (its ARN is in the "
        "instructions), and name the service and the metrics namespace with the two "
        "`POWERTOOLS_...` variables. Read [structured logging in "
        "Python](lessons/observability#structured-logging-in-python).",
    ],
)
def uses_the_powertools_layer(lab):
    """OrderFunction uses the Powertools layer, service orders, namespace Shop"""
    config = lab.configuration()
    layers = [layer["Arn"] for layer in config.get("Layers") or []]
    if not any(":017000801446:layer:AWSLambdaPowertoolsPythonV3-" in arn for arn in layers):
        raise Fail("OrderFunction has no Powertools layer: add its ARN under Layers in template.yaml.")
    variables = (config.get("Environment") or {}).get("Variables") or {}
    if variables.get("POWERTOOLS_SERVICE_NAME") != "orders":
        raise Fail("Set the environment variable POWERTOOLS_SERVICE_NAME to orders.")
    if variables.get("POWERTOOLS_METRICS_NAMESPACE") != "Shop":
        raise Fail("Set the environment variable POWERTOOLS_METRICS_NAMESPACE to Shop.")
    return "The layer is attached and the service is named."


@check(
    points=2,
    hints=[
        "Invoke the saved event `order` and read the log: can a program find the order id in "
        "those lines without guessing where it is?",
        "Create a `Logger()`, decorate the handler with `@logger.inject_lambda_context`, and "
        "`logger.append_keys(order_id=...)` so every line carries it. Read [structured logging "
        "in Python](lessons/observability#structured-logging-in-python).",
    ],
)
def logs_are_structured(lab):
    """Each log line is a JSON object with the service, the request id and the order id"""
    order, records = first_order(lab)
    lines = [record for record in records if "_aws" not in record and "message" in record]
    if not lines:
        raise Fail("The order's log has no JSON log lines yet: log with Powertools' Logger instead of print.")
    _, _, request_id = lab.__dict__["_first"]
    if not any(line.get("function_request_id") == request_id for line in lines):
        raise Fail("The log lines lack the invocation's request id: decorate the handler with inject_lambda_context.")
    if not all(line.get("service") == "orders" for line in lines):
        raise Fail("Each log line should name the service orders (POWERTOOLS_SERVICE_NAME).")
    if not any(line.get("order_id") == order["order_id"] for line in lines):
        raise Fail("No log line carries the order id as a key of its own (order_id).")
    return f"{len(lines)} JSON log lines, with the request id and the order id."


@check(
    points=1,
    hints=[
        "Tracing is switched on for the function, not in the handler. Where are a function's "
        "settings written in this lab?",
        "Set `Tracing: Active` on the function in template.yaml, and use Powertools' Tracer "
        "decorators in the handler. Read [tracing with "
        "X-Ray](lessons/observability#tracing-with-x-ray).",
    ],
)
def tracing_is_active(lab):
    """OrderFunction has active tracing"""
    mode = (lab.configuration().get("TracingConfig") or {}).get("Mode")
    if mode != "Active":
        raise Fail(f"Tracing mode is {mode}; set Tracing: Active on OrderFunction.")
    return "Active tracing."


@check(
    points=2,
    hints=[
        "Look for a log line with an `_aws` section after you invoke: that is what CloudWatch "
        "turns into a metric. Is there one for the order?",
        "Create `Metrics()`, decorate the handler with `@metrics.log_metrics`, and add a metric "
        "`OrdersPlaced` (unit Count, value 1) when an order is placed. Read [Embedded Metric "
        "Format](lessons/observability#embedded-metric-format).",
    ],
)
def orders_are_counted_in_emf(lab):
    """A placed order is counted as OrdersPlaced in the Shop namespace (EMF)"""
    _, records = first_order(lab)
    placed = [metric for metric in emf_metrics(records) if metric["name"] == "OrdersPlaced"]
    if not placed:
        raise Fail("The order's log has no OrdersPlaced metric in Embedded Metric Format.")
    metric = placed[0]
    if metric["namespace"] != "Shop":
        raise Fail(f"OrdersPlaced is in the namespace {metric['namespace']!r}; use Shop.")
    if metric["unit"] != "Count" or metric["values"] != [1]:
        raise Fail(f"OrdersPlaced should count 1 order (unit Count); got {metric['values']} {metric['unit']}.")
    if metric["dimensions"].get("service") != "orders":
        raise Fail("OrdersPlaced should have the dimension service=orders.")
    return "OrdersPlaced: 1 Count, namespace Shop."


@check(
    points=2,
    hints=[
        "To find a slow dependency you need its time on its own, not only the whole "
        "invocation's Duration. What would you measure, and with which dimension?",
        "Time each call to `check_stock`, `tax_rate` and `charge`, and emit a `DependencyLatency` "
        "metric in Milliseconds with a `dependency` dimension (Powertools' `single_metric`). "
        "Read [Embedded Metric Format](lessons/observability#embedded-metric-format).",
    ],
)
def dependencies_are_timed(lab):
    """Each dependency call is measured as DependencyLatency, by dependency"""
    _, records = first_order(lab)
    timed = {}
    for metric in emf_metrics(records):
        if metric["name"] == "DependencyLatency":
            timed[metric["dimensions"].get("dependency")] = metric
    missing = [name for name in DEPENDENCIES if name not in timed]
    if missing:
        raise Fail(f"No DependencyLatency metric with dependency={missing[0]} in the order's log.")
    wrong = [name for name in DEPENDENCIES if timed[name]["unit"] != "Milliseconds"]
    if wrong:
        raise Fail(f"DependencyLatency for {wrong[0]} should be in Milliseconds.")
    return "check_stock, tax_rate and charge are each measured."


@check(
    points=2,
    hints=[
        "Invoke the same order twice and compare the DependencyLatency of each dependency. "
        "Which one costs the most, and does its answer change between calls?",
        "The tax service is slow and its rates change rarely: ask it once per country and keep "
        "the answer at module level (with an expiry), so warm invocations reuse it. Read [why "
        "globals survive](lessons/lambda-anatomy#why-globals-survive).",
    ],
)
def warm_invocations_skip_the_slow_dependency(lab):
    """Warm invocations do not wait for the slow dependency"""
    lab.client("lambda").update_function_configuration(
        FunctionName=lab.function_name, Description="regraded"
    )  # a configuration change: the next invocation starts a new environment
    cold = invoked(lab, new_order(lab, "cold"))
    lab.__dict__["_cold"] = cold
    warm = [invoked(lab, new_order(lab, f"warm{index}")) for index in range(2)]
    fastest = min(result.duration_ms for result in warm)
    if fastest >= WARM_LIMIT_MS:
        raise Fail(
            f"Warm invocations still take {fastest:.0f} ms. Compare DependencyLatency per dependency "
            "to find the slow one, then stop paying for it on every invocation."
        )
    return f"A warm invocation took {fastest:.0f} ms."


@check(
    points=2,
    hints=[
        "Invoke the saved event `order` twice, then look at PaymentsTable. How many payments "
        "did one order make?",
        "Use Powertools' idempotency utility: a DynamoDB table for its records, "
        "`IdempotencyConfig(event_key_jmespath=...)` naming what makes two events the same order, "
        "and `@idempotent` on the handler. Read [idempotency: making duplicates "
        "harmless](lessons/invocation-models#idempotency-making-duplicates-harmless).",
    ],
)
def duplicate_deliveries_charge_once(lab):
    """The same order delivered twice is charged once, and both get the same answer"""
    order = new_order(lab, "twice")
    first, second = invoked(lab, order), invoked(lab, copy.deepcopy(order))
    payments = payments_for(lab, order["order_id"])
    if len(payments) != 1:
        raise Fail(f"Delivering the same order twice made {len(payments)} payments; it should make one.")
    if (first.response or {}).get("payment_id") != (second.response or {}).get("payment_id"):
        raise Fail("The second delivery should return the first one's answer, with the same payment_id.")
    records = lab.client("dynamodb").scan(TableName=lab.resource("IdempotencyTable"))["Items"]
    if not any(item.get("status", {}).get("S") == "COMPLETED" for item in records):
        raise Fail("IdempotencyTable holds no completed record: use Powertools' idempotency utility with it.")
    return "One payment, and the same answer twice."


@check(
    points=2,
    hidden=True,
    hints=[
        "Two customers can order the same items on the same day.",
        "The idempotency key is the order id alone, not the items or the customer. Read "
        "[idempotency: making duplicates "
        "harmless](lessons/invocation-models#idempotency-making-duplicates-harmless).",
    ],
)
def different_orders_are_charged_separately(lab):
    """Two different orders with the same items are both charged"""
    one, two = new_order(lab, "one"), new_order(lab, "two")
    first, second = invoked(lab, one), invoked(lab, two)
    if (first.response or {}).get("payment_id") == (second.response or {}).get("payment_id"):
        raise Fail("Two different orders got the same payment: the idempotency key is too broad.")
    if len(payments_for(lab, two["order_id"])) != 1:
        raise Fail("The second order was not charged.")
    return "Two orders, two payments."


@check(
    points=1,
    hidden=True,
    hints=[
        "How many of your invocations are cold starts?",
        "Ask `log_metrics` to capture the cold start metric. Read [Embedded Metric "
        "Format](lessons/observability#embedded-metric-format).",
    ],
)
def cold_starts_are_counted(lab):
    """A cold start is counted as ColdStart"""
    cold = lab.__dict__.get("_cold") or invoked(lab, new_order(lab, "cold"))
    names = {metric["name"] for metric in emf_metrics(invocation_records(lab, cold.request_id))}
    if cold.init_duration_ms is not None and "ColdStart" not in names:
        raise Fail("A cold start should emit the ColdStart metric.")
    if cold.init_duration_ms is None:
        raise Fail("The invocation after a configuration change should have been a cold start.")
    return "ColdStart counted."
