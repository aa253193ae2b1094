"""Checks for Memory and cost. Each gets `lab` (a LabContext bound to a fresh account).

The sandbox gives a function memory/1,769 of a vCPU (a cgroup CPU quota), so CPU-bound code
slows down at small memory sizes, as on Lambda. The grading machine is shared and noisy, so no
check asserts a tight timing: the sweep compares two memory sizes seven times apart with wide
margins, and costs are worked out here with the course's pricing engine.
"""

import math
from decimal import Decimal

from courseware.labrunner.grading import Fail, check
from courseware.pricing.engine.lambda_ import lambda_estimate

MILLION = 1_000_000
PRIMES_TO_A_MILLION = 78_498
ONE_VCPU_MB = 1769
SMALL_MB = 256
TARGET_MS = 200  # CPU work per sweep run: about 1.4 s at 256 MB
FIELDS = ("n", "repeat", "primes", "memory_mb", "elapsed_ms", "gb_seconds", "cost_usd")


# -- helpers ------------------------------------------------------------------------------------
def invoke_ok(lab, event: dict, what: str):
    result = lab.invoke(event)
    if result.status == "timeout":
        raise Fail(
            f"{what} timed out after {lab.configuration()['Timeout']} s. Is count_primes a sieve "
            "yet (step 1), and is the timeout 10 s?"
        )
    if result.status != "ok":
        error = result.error or {}
        raise Fail(f"{what} failed: {error.get('errorType')}: {error.get('errorMessage')}")
    if not isinstance(result.response, dict):
        raise Fail(f"{what} should return a JSON object; got {result.response!r}.")
    return result


def number(body: dict, key: str):
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Fail(f"The response should have '{key}' as a number; got {value!r}.")
    return value


def cost(memory_mb: int, duration_ms: float, architecture: str) -> tuple[Decimal, Decimal]:
    """(USD, GB-s) of one invocation, by the pricing engine: 1 ms rounding, no free tier."""
    estimate = lambda_estimate({
        "requests": 1, "duration_ms": f"{max(duration_ms, 0.001):.3f}", "memory_mb": memory_mb,
        "architecture": architecture, "free_tier": "false",
    })  # fmt: skip
    return estimate.total, Decimal(estimate.extra["gb_seconds"])


def run_ms(result) -> float:
    """Handler time; where the host cannot enforce the CPU share, the sandbox's modelled time."""
    if result.extra.get("cpu_share_enforced") is False and result.extra.get("modelled_duration_ms"):
        return float(result.extra["modelled_duration_ms"])
    return result.duration_ms


def set_memory(lab, memory_mb: int) -> None:
    lab.client("lambda").update_function_configuration(
        FunctionName=lab.function_name, MemorySize=memory_mb
    )


def usd(value: Decimal) -> str:
    return f"${value:.8f}"


# -- checks -------------------------------------------------------------------------------------
@check(
    points=1,
    hints=[
        "At which memory size does a function get one full vCPU? The check also looks at the "
        "timeout.",
        "Set the memory and timeout in **Settings** and deploy. Read [memory and "
        "CPU](lessons/lambda-limits#memory-and-cpu).",
    ],
)
def configured_for_one_vcpu(lab):
    """Memory is 1,769 MB (one full vCPU) and the timeout 10 s"""
    config = lab.configuration()
    if config["MemorySize"] != ONE_VCPU_MB:
        raise Fail(
            f"Memory is {config['MemorySize']} MB. After the experiment, settle on 1,769 MB: the "
            "fastest size for single-threaded code, at about the same cost per run."
        )
    if not 10 <= config["Timeout"] <= 30:
        raise Fail(f"Timeout is {config['Timeout']} s; set it to 10 s.")
    return "1,769 MB and a timeout that leaves room for the slow sizes."


@check(
    points=2,
    hints=[
        "Invoke `small` first and check the count by hand for a small n. Is n itself included?",
        "Count the primes up to and including n; the starter's loop has the idea. Read [what the "
        "2019 talk measured](lessons/lambda-pricing#what-the-2019-talk-measured).",
    ],
)
def counts_primes_up_to_a_million(lab):
    """The saved event million counts 78,498 primes"""
    result = invoke_ok(lab, lab.event("million"), "The event million")
    primes = result.response.get("primes")
    if primes != PRIMES_TO_A_MILLION:
        raise Fail(f"There are 78,498 primes up to 1,000,000; the response says {primes!r}.")
    return f"78,498 primes, in {result.duration_ms:.0f} ms at {result.memory_mb or '?'} MB."


@check(
    points=2,
    hints=[
        "Compare your response's keys with the list in the instructions, and their types.",
        "`memory_mb` comes from the context (a string on AWS) and `elapsed_ms` from a timer "
        "around the work. Read [the context object](lessons/lambda-anatomy#the-context-object).",
    ],
)
def reports_the_run(lab):
    """The response reports n, repeat, primes, memory_mb and elapsed_ms"""
    result = invoke_ok(lab, {"n": 10_000, "repeat": 3}, "An event with n=10,000 and repeat=3")
    body = result.response
    missing = [key for key in FIELDS if key not in body]
    if missing:
        raise Fail(f"The response is missing {', '.join(missing)}.")
    if body["n"] != 10_000 or body["repeat"] != 3:
        raise Fail("'n' and 'repeat' should echo the event (n=10,000, repeat=3).")
    if body["primes"] != 1229:
        raise Fail(f"There are 1,229 primes up to 10,000; the response says {body['primes']!r}.")
    configured = lab.configuration()["MemorySize"]
    if body["memory_mb"] != configured:
        raise Fail(
            f"'memory_mb' is {body['memory_mb']!r} but the function has {configured} MB: use "
            "int(context.memory_limit_in_mb)."
        )
    elapsed = number(body, "elapsed_ms")
    if not 0 < elapsed <= result.duration_ms + 5:
        raise Fail(
            f"'elapsed_ms' is {elapsed} but the whole invocation took {result.duration_ms:.1f} ms: "
            "time the counting with time.perf_counter() and report milliseconds."
        )
    return f"Reported {elapsed} ms at {body['memory_mb']} MB."


@check(
    points=2,
    hints=[
        "A duration price is per GB-second. How many GB is your function, and how many seconds "
        "did it run?",
        "GB-seconds are memory in GB times billed seconds; multiply by the price and add the "
        "request price. Read [duration in "
        "GB-seconds](lessons/lambda-pricing#duration-in-gb-seconds).",
    ],
)
def prices_its_own_run(lab):
    """gb_seconds and cost_usd match the pricing engine for the reported time"""
    result = invoke_ok(lab, {"n": MILLION, "repeat": 25}, "An event with n=1,000,000, repeat=25")
    body = result.response
    for key in ("memory_mb", "elapsed_ms", "gb_seconds", "cost_usd"):
        number(body, key)
    memory, elapsed = body["memory_mb"], body["elapsed_ms"]
    architecture = (lab.configuration().get("Architectures") or ["x86_64"])[0]
    gbs, usd_reported = Decimal(str(body["gb_seconds"])), Decimal(str(body["cost_usd"]))
    # Billed time is elapsed_ms rounded up to 1 ms; one more ms is accepted in case the
    # response shows elapsed_ms rounded down from the value the handler priced.
    billed = math.ceil(elapsed)
    for candidate in (billed, billed + 1):
        expected_usd, expected_gbs = cost(memory, candidate, architecture)
        if abs(gbs - expected_gbs) <= expected_gbs * Decimal("0.0001"):
            break
    else:
        expected_usd, expected_gbs = cost(memory, billed, architecture)
        raise Fail(
            f"For {elapsed} ms at {memory} MB, gb_seconds should be {memory}/1024 × "
            f"{billed}/1000 = {expected_gbs:.6f} (memory in GB × duration rounded up to the "
            f"next ms, in seconds); the response says {body['gb_seconds']}."
        )
    if abs(usd_reported - expected_usd) > expected_usd * Decimal("0.005"):
        raise Fail(
            f"For {expected_gbs:.6f} GB-s on {architecture}, one invocation costs "
            f"{usd(expected_usd)} (GB-s × price per GB-s + $0.20 per million requests); the "
            f"response says {body['cost_usd']}."
        )
    return f"{expected_gbs:.6f} GB-s, {usd(expected_usd)}: priced correctly."


@check(
    points=2,
    hints=[
        "Run the `sweep` event at 256 MB and at 1,769 MB and compare elapsed time and cost.",
        "CPU grows with memory, so a CPU-bound run gets shorter as fast as the price per second "
        "grows. Read [memory, speed and cost](lessons/lambda-pricing#memory-speed-and-cost).",
    ],
)
def more_memory_same_cost(lab):
    """At 1,769 MB a run is much faster than at 256 MB, for about the same cost"""
    configured = lab.configuration()
    architecture = (configured.get("Architectures") or ["x86_64"])[0]
    try:
        set_memory(lab, ONE_VCPU_MB)
        probe = invoke_ok(
            lab, {"n": MILLION, "repeat": 1}, f"The event million at {ONE_VCPU_MB} MB"
        )
        per_count = probe.extra.get("cpu_ms") or run_ms(probe)  # CPU time: immune to contention
        if per_count > 500:
            raise Fail(
                f"One count up to 1,000,000 takes {per_count:.0f} ms even with a full vCPU: "
                "use the sieve (step 1) before sweeping memory sizes."
            )
        repeat = max(1, min(200, math.ceil(TARGET_MS / max(per_count, 0.5))))
        event = {"n": MILLION, "repeat": repeat}
        fast = invoke_ok(lab, event, f"The sweep event at {ONE_VCPU_MB} MB")
        set_memory(lab, SMALL_MB)
        slow = invoke_ok(lab, event, f"The sweep event at {SMALL_MB} MB")
    finally:
        set_memory(lab, configured["MemorySize"])
    fast_ms, slow_ms = run_ms(fast), run_ms(slow)
    fast_usd, _ = cost(ONE_VCPU_MB, fast_ms, architecture)
    slow_usd, _ = cost(SMALL_MB, slow_ms, architecture)
    table = (
        f"{SMALL_MB} MB: {slow_ms:.0f} ms, {usd(slow_usd)}; {ONE_VCPU_MB:,} MB: {fast_ms:.0f} ms, "
        f"{usd(fast_usd)} (n=1,000,000, repeat={repeat})"
    )
    if fast_ms * 2 > slow_ms:
        raise Fail(
            f"{table}. At 1,769 MB the run should be several times faster than at 256 MB. Does "
            "the handler repeat the count `repeat` times? Without it, a run is too short for the "
            "CPU share to show."
        )
    if fast_usd > 3 * slow_usd:
        raise Fail(f"{table}. The faster run should not cost much more: is the work CPU-bound?")
    return f"{table}: {slow_ms / fast_ms:.1f}× faster for {fast_usd / slow_usd:.2f}× the cost."


@check(
    points=1, hidden=True,
    hints=[
        "Try the smallest values of n, and an event without `repeat`.",
        "There are no primes below 2, and a missing `repeat` means one run. Read [what the 2019 "
        "talk measured](lessons/lambda-pricing#what-the-2019-talk-measured).",
    ],
)
def counts_up_to_and_including_n(lab):
    """Edge cases: n itself counts, n < 2 has no primes, repeat defaults to 1"""
    for n, expected in ((7919, 1000), (2, 1), (1, 0)):
        body = invoke_ok(lab, {"n": n}, f"n={n}").response
        if body.get("primes") != expected:
            raise Fail(f"Up to {n} there are {expected} primes; got {body.get('primes')!r}.")
        if body.get("repeat") != 1:
            raise Fail("Without 'repeat' in the event, repeat should be 1.")
    return "7919 is the 1,000th prime; 1 and 0 have none."
