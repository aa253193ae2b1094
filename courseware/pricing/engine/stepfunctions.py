"""AWS Step Functions: Standard workflows (state transitions, 4,000 free a month) and Express
workflows (requests plus GB-s, duration rounded up to 100 ms, memory to 64 MB steps)."""

from decimal import Decimal

from .catalog import read_priced
from .core import Estimate, Field, ceil_to, line, plain, quantity

SERVICE = "stepfunctions"
MB_PER_GB = 1024

FIELDS = [
    Field("workflow_type", "choice", "standard", "Workflow type", choices=("standard", "express")),
    Field("executions", "int", 100_000, "Executions per month", "executions", 0, 10**13),
    Field(
        "transitions_per_execution",
        "int",
        10,
        "State transitions per execution (Standard)",
        "transitions",
        0,
        1_000_000,
    ),
    Field(
        "duration_ms",
        "decimal",
        1000,
        "Average duration of one execution (Express, up to 5 minutes)",
        "ms",
        Decimal("0.001"),
        300_000,
    ),
    Field("memory_mb", "int", 64, "Memory used by one execution (Express)", "MB", 1, 10240),
    Field("free_tier", "bool", True, "Apply the always-free tier (4,000 transitions, Standard)"),
    Field("price_set", "choice", "current", "Price set", choices=("current", "2017-01")),
]

TYPE_FIELDS = {
    "standard": ("executions", "transitions_per_execution", "free_tier"),
    "express": ("executions", "duration_ms", "memory_mb"),
}


def read_stepfunctions_inputs(values: dict):
    return read_priced(values, FIELDS, TYPE_FIELDS)


def stepfunctions_estimate(values: dict) -> Estimate:
    prices, inputs = read_stepfunctions_inputs(values)
    estimate = Estimate(SERVICE, prices.describe(), inputs=inputs)
    if inputs["workflow_type"] == "standard":
        _standard(estimate, prices, inputs)
    else:
        _express(estimate, prices, inputs)
    return estimate


def _standard(estimate: Estimate, prices, inputs: dict) -> None:
    price = prices.price("stepfunctions.standard.transitions")
    transitions = Decimal(inputs["executions"]) * inputs["transitions_per_execution"]
    free = Decimal(prices.setting("stepfunctions_free_transitions")) if inputs["free_tier"] else Decimal(0)
    billable = max(Decimal(0), transitions - free)
    estimate.extra["transitions"] = plain(transitions)
    estimate.notes.append(
        f"{quantity(inputs['executions'])} executions × {inputs['transitions_per_execution']:,} "
        f"state transitions = {quantity(transitions)} transitions."
    )
    if free:
        estimate.notes.append(
            f"Free tier: the first {quantity(free)} state transitions a month are free (always "
            "free; Standard workflows only)."
        )
    note = f"{quantity(transitions)} minus {quantity(free)} free" if free else ""
    estimate.lines.append(
        line(SERVICE, "State transitions (Standard)", billable, "state transitions", price.flat, price.per, note)
    )


def _express(estimate: Estimate, prices, inputs: dict) -> None:
    requests = prices.price("stepfunctions.express.requests")
    duration = prices.price("stepfunctions.express.duration")
    step_ms = prices.setting("stepfunctions_express_granularity_ms")
    step_mb = prices.setting("stepfunctions_express_memory_step_mb")
    billed_ms = ceil_to(inputs["duration_ms"], step_ms)
    billed_mb = max(step_mb, int(ceil_to(Decimal(inputs["memory_mb"]), step_mb)))
    gb = Decimal(billed_mb) / MB_PER_GB
    executions = Decimal(inputs["executions"])
    gb_seconds = executions * billed_ms / 1000 * gb
    estimate.extra.update(
        billed_duration_ms=plain(billed_ms),
        billed_memory_mb=billed_mb,
        gb_seconds=plain(gb_seconds),
    )
    estimate.notes.append(
        f"Each execution bills {quantity(billed_ms)} ms ({quantity(inputs['duration_ms'])} ms rounded "
        f"up to {step_ms} ms) at {billed_mb:,} MB ({inputs['memory_mb']:,} MB rounded up to {step_mb} "
        f"MB steps) = {plain(gb)} GB, with GB = 1,024 MB: {quantity(executions)} × "
        f"{plain(billed_ms)} ms ÷ 1000 × {plain(gb)} GB = {quantity(gb_seconds)} GB-s."
    )
    estimate.notes.append(
        "Express workflows have no free tier: the 4,000 free state transitions a month are for Standard workflows."
    )
    estimate.lines.append(line(SERVICE, "Requests (Express)", executions, "requests", requests.flat, requests.per))
    estimate.lines.append(line(SERVICE, "Duration (Express)", gb_seconds, "GB-s", duration.flat, duration.per))
