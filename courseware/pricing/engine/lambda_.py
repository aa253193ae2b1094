"""AWS Lambda: requests, duration (GB-s, tiered per architecture), free tier, ephemeral storage,
provisioned concurrency; and a memory sweep in the spirit of AWS Lambda Power Tuning."""

import math
from decimal import Decimal

from .catalog import price_set
from .core import (
    Estimate,
    Field,
    Line,
    PricingInputError,
    ceil_to,
    line,
    plain,
    quantity,
    read_fields,
    read_int,
    tiered_lines,
    usd,
)

MB_PER_GB = 1024
ONE_VCPU_MB = 1769  # facts.md: 1,769 MB = 1 vCPU
MEMORY_MIN, MEMORY_MAX = 128, 10240
TIMEOUT_MAX_MS = 900_000
EPHEMERAL_DEFAULT = 512
PC_ROUND_MINUTES = 5


FIELDS = [
    Field("requests", "int", 1_000_000, "Invocations per month", "requests", 0, 10**13),
    Field(
        "duration_ms",
        "decimal",
        100,
        "Average duration of one invocation",
        "ms",
        Decimal("0.001"),
        TIMEOUT_MAX_MS,
        limit="Lambda's 900 s timeout",
        floor="an invocation takes some time",
    ),
    Field(
        "memory_mb",
        "int",
        128,
        "Memory configured (128–10,240 MB)",
        "MB",
        MEMORY_MIN,
        MEMORY_MAX,
        limit="Lambda's memory range",
        floor="Lambda's memory range",
    ),
    Field(
        "architecture",
        "choice",
        "x86_64",
        "Instruction set architecture",
        choices=("x86_64", "arm64"),
    ),
    Field(
        "ephemeral_mb",
        "int",
        EPHEMERAL_DEFAULT,
        "Ephemeral storage (/tmp), 512 MB free",
        "MB",
        512,
        10240,
    ),
    Field("free_tier", "bool", True, "Apply the always-free tier (1M requests, 400,000 GB-s)"),
    Field(
        "granularity_ms",
        "int",
        None,
        "Billing granularity (default: the price set's, 1 ms today, 100 ms in 2017)",
        "ms",
        1,
        1000,
    ),
    Field(
        "provisioned_concurrency",
        "int",
        0,
        "Provisioned concurrency (environments kept warm)",
        "",
        0,
        100_000,
    ),
    Field(
        "provisioned_hours",
        "decimal",
        730,
        "Hours a month provisioned concurrency is configured",
        "hours",
        0,
        744,
    ),
    Field("price_set", "choice", "current", "Price set", choices=("current", "2017-01")),
]


def read_lambda_inputs(values: dict) -> dict:
    prices = price_set(values.get("price_set"))
    fields = [f for f in FIELDS if f.name != "price_set"]
    defaults = {"granularity_ms": prices.setting("lambda_granularity_ms")}
    inputs = read_fields(
        {
            **{k: v for k, v in defaults.items() if values.get(k) in (None, "")},
            **{k: v for k, v in values.items() if v not in (None, "")},
        },
        fields,
    )
    inputs["price_set"] = prices.name
    if not prices.has(f"lambda.duration.{inputs['architecture']}"):
        raise PricingInputError(
            "architecture",
            f"{inputs['architecture']} is not in price set '{prices.name}' ({prices.date})",
        )
    if inputs["ephemeral_mb"] > EPHEMERAL_DEFAULT and not prices.has("lambda.ephemeral"):
        raise PricingInputError(
            "ephemeral_mb", f"configurable /tmp is not in price set '{prices.name}' ({prices.date})"
        )
    if inputs["provisioned_concurrency"] and not prices.has(f"lambda.provisioned.{inputs['architecture']}"):
        raise PricingInputError(
            "provisioned_concurrency",
            f"provisioned concurrency is not in price set '{prices.name}' ({prices.date})",
        )
    return inputs


def lambda_estimate(values: dict) -> Estimate:
    inputs = read_lambda_inputs(values)
    prices = price_set(values.get("price_set"))
    arch, requests, memory = inputs["architecture"], inputs["requests"], inputs["memory_mb"]
    gb = Decimal(memory) / MB_PER_GB
    billed_ms = ceil_to(inputs["duration_ms"], inputs["granularity_ms"])
    gb_seconds = requests * billed_ms / 1000 * gb
    estimate = Estimate("lambda", prices.describe(), inputs=inputs)
    estimate.extra["billed_duration_ms"] = plain(billed_ms)
    estimate.extra["gb_seconds"] = plain(gb_seconds)
    estimate.notes.append(
        f"Each invocation bills {quantity(billed_ms)} ms ({quantity(inputs['duration_ms'])} ms rounded up to "
        f"{inputs['granularity_ms']} ms) at {memory:,} MB = {gb.normalize():f} GB: "
        f"{quantity(requests)} × {billed_ms.normalize():f} ms ÷ 1000 × {gb.normalize():f} GB = {quantity(gb_seconds)} GB-s."
    )
    provisioned = inputs["provisioned_concurrency"] > 0
    free = inputs["free_tier"] and not provisioned
    if inputs["free_tier"] and provisioned:
        estimate.notes.append("Provisioned concurrency has no free tier, so none is applied.")
    estimate.lines.append(_requests_line(prices, requests, free))
    if provisioned:
        _provisioned_lines(estimate, prices, inputs, gb, gb_seconds)
    else:
        _duration_lines(estimate, prices, arch, gb_seconds, free)
    if inputs["ephemeral_mb"] > EPHEMERAL_DEFAULT:
        extra_gb = Decimal(inputs["ephemeral_mb"] - EPHEMERAL_DEFAULT) / MB_PER_GB
        storage_gbs = requests * billed_ms / 1000 * extra_gb
        estimate.lines.append(
            line(
                "lambda",
                "Ephemeral storage above 512 MB",
                storage_gbs,
                "GB-s",
                prices.price("lambda.ephemeral").flat,
                note=f"{extra_gb.normalize():f} GB extra × billed seconds",
            )
        )
    return estimate


def _requests_line(prices, requests: Decimal, free: bool) -> Line:
    free_requests = Decimal(prices.setting("lambda_free_requests")) if free else Decimal(0)
    request_price = prices.price("lambda.requests")
    billable_requests = max(Decimal(0), requests - free_requests)
    note = f"{quantity(requests)} minus {quantity(free_requests)} free" if free else ""
    return line("lambda", "Requests", billable_requests, "requests", request_price.flat, request_price.per, note)


def _duration_lines(estimate, prices, arch: str, gb_seconds: Decimal, free: bool) -> None:
    """On-demand duration: GB-s after the free tier, priced in the architecture's tiers."""
    free_gbs = Decimal(prices.setting("lambda_free_gb_seconds")) if free else Decimal(0)
    billable = max(Decimal(0), gb_seconds - free_gbs)
    if free:
        estimate.notes.append(
            f"Free tier: {quantity(min(free_gbs, gb_seconds))} of {quantity(free_gbs)} free GB-s used."
        )
    duration = prices.price(f"lambda.duration.{arch}")
    estimate.lines += tiered_lines("lambda", f"Duration ({arch})", billable, "GB-s", duration.tiers)


def _provisioned_lines(estimate, prices, inputs, gb, gb_seconds) -> None:
    arch = inputs["architecture"]
    hours = inputs["provisioned_hours"]
    minutes = Decimal(math.ceil(hours * 60 / PC_ROUND_MINUTES) * PC_ROUND_MINUTES)
    configured = inputs["provisioned_concurrency"] * gb * minutes * 60
    estimate.lines.append(
        line(
            "lambda",
            f"Provisioned concurrency configured ({arch})",
            configured,
            "GB-s",
            prices.price(f"lambda.provisioned.{arch}").flat,
            note=f"{inputs['provisioned_concurrency']} × {gb.normalize():f} GB × {quantity(minutes)} min × 60, time rounded up to 5 min",
        )
    )
    estimate.lines.append(
        line(
            "lambda",
            f"Duration on provisioned concurrency ({arch})",
            gb_seconds,
            "GB-s",
            prices.price(f"lambda.provisioned_duration.{arch}").flat,
        )
    )
    estimate.notes.append("All invocations are assumed to run on provisioned concurrency (no spill-over to on-demand).")


def sweep_memories(points: int) -> list[int]:
    """`points` memory sizes from 128 MB to 10,240 MB, spaced evenly on a log scale, with 1,769 MB."""
    ratio = (MEMORY_MAX / MEMORY_MIN) ** (1 / (points - 1))
    sizes = {round(MEMORY_MIN * ratio**i) for i in range(points)} | {ONE_VCPU_MB}
    return sorted(min(MEMORY_MAX, max(MEMORY_MIN, size)) for size in sizes)


def memory_sweep(values: dict) -> dict:
    """Project a measured duration to every memory size with the course's teaching model:
    t(M) = t(1769) × 1769 / min(M, 1769) for single-threaded CPU-bound code (facts.md)."""
    base = read_lambda_inputs(values)
    points = read_int(values, "points", default=40, minimum=2, maximum=200)
    measured_ms, measured_mb = base["duration_ms"], base["memory_mb"]
    at_one_vcpu = measured_ms * min(measured_mb, ONE_VCPU_MB) / ONE_VCPU_MB
    rows = []
    for memory in sweep_memories(points):
        projected = at_one_vcpu * ONE_VCPU_MB / min(memory, ONE_VCPU_MB)
        estimate = lambda_estimate(
            {**values, **base, "memory_mb": memory, "duration_ms": max(projected, Decimal("0.001"))}
        )
        per_invocation = estimate.total / base["requests"] if base["requests"] else Decimal(0)
        rows.append(
            {
                "memory_mb": memory,
                "duration_ms": f"{projected.quantize(Decimal('0.01'))}",
                "billed_duration_ms": estimate.extra["billed_duration_ms"],
                "monthly_usd": str(estimate.total.quantize(Decimal("0.01"))),
                "monthly_exact_usd": f"{estimate.total.normalize():f}",
                "per_invocation_usd": f"{per_invocation.normalize():f}",
            }
        )
    cheapest = min(rows, key=lambda row: (Decimal(row["monthly_exact_usd"]), Decimal(row["duration_ms"])))
    fastest = min(rows, key=lambda row: (Decimal(row["duration_ms"]), Decimal(row["monthly_exact_usd"])))
    # Sizes whose bills match to the cent tie: calling one of them "cheapest" would be noise
    # (inside the free tier, every size costs $0.00).
    tied = [row["memory_mb"] for row in rows if row["monthly_usd"] == cheapest["monthly_usd"]]
    return {
        "model": "Teaching model, not an AWS promise: t(M) = t(1769) × 1769 / min(M, 1769) for single-threaded "
        "CPU-bound code; above 1,769 MB (one vCPU) a single thread gets no faster, so cost grows with memory.",
        "measured": {"memory_mb": measured_mb, "duration_ms": str(measured_ms.normalize())},
        "points": rows,
        "cheapest": cheapest,
        "cheapest_tie": tied,
        "fastest": fastest,
        "summary": _sweep_summary(rows, cheapest, fastest, tied),
        "price_set": price_set(values.get("price_set")).describe(),
    }


def _sweep_summary(rows: list[dict], cheapest: dict, fastest: dict, tied: list[int]) -> str:
    fast = f"fastest: {fastest['memory_mb']:,} MB at {fastest['duration_ms']} ms."
    cost = usd(Decimal(cheapest["monthly_usd"]))
    if len(tied) == len(rows):
        return f"Every memory size costs the same, {cost}/month, so choose on speed: {fast}"
    if len(tied) > 1:
        order = [row["memory_mb"] for row in rows]
        run = order[order.index(tied[0]) : order.index(tied[-1]) + 1] == tied  # one stretch of sizes
        shown = [f"{memory:,} MB" for memory in tied]
        sizes = f"{shown[0]} to {shown[-1]}" if run and len(tied) > 2 else ", ".join(shown[:4])
        sizes += "…" if not run and len(tied) > 4 else ""
        return f"{len(tied)} sizes tie for cheapest at {cost}/month ({sizes}); {fast}"
    return f"Cheapest: {cheapest['memory_mb']:,} MB at {usd(Decimal(cheapest['monthly_exact_usd']))}/month; {fast}"
