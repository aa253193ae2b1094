"""Lambda pricing: hand-checked examples, tier boundaries, validation and properties."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courseware.pricing.engine import PricingInputError
from courseware.pricing.engine.lambda_ import lambda_estimate, memory_sweep, sweep_memories


def total(**values) -> Decimal:
    return lambda_estimate(values).total


def test_small_function_inside_the_free_tier():
    # 3M requests: 2M billable × $0.20/1M = $0.40. 3M × 0.1 s × 0.125 GB = 37,500 GB-s: all free.
    estimate = lambda_estimate({"requests": 3_000_000, "duration_ms": 100, "memory_mb": 128})
    assert estimate.total == Decimal("0.40")
    assert estimate.to_dict()["total_usd"] == "0.40"
    assert estimate.lines[0].formula == "2,000,000 requests × $0.20 per 1M = $0.40 (3,000,000 minus 1,000,000 free)"


def test_free_tier_off():
    # 3M × $0.20/1M = $0.60; 37,500 GB-s × $0.0000166667 = $0.62500125
    assert total(requests=3_000_000, duration_ms=100, memory_mb=128, free_tier=False) == Decimal("1.22500125")


def test_seed_004_erratum_one_dollar_buys_about_60000_gb_seconds():
    # 600,000 GB-s cost $10.00 (not $1.00): 600,000 × $0.0000166667 = $10.00002
    # 1,000 requests of 600 s at 1024 MB = 600,000 GB-s; requests: 1,000 × $0.20/1M = $0.0002
    cost = total(requests=1000, duration_ms=600_000, memory_mb=1024, free_tier=False)
    assert cost == Decimal("10.00002") + Decimal("0.0002")


def test_billing_granularity_then_and_now():
    # 101 ms bills 101 ms today and 200 ms at 100 ms granularity (2017).
    now = lambda_estimate({"requests": 1, "duration_ms": 101, "free_tier": False})
    then = lambda_estimate({"requests": 1, "duration_ms": 101, "free_tier": False, "price_set": "2017-01"})
    assert (now.extra["billed_duration_ms"], then.extra["billed_duration_ms"]) == ("101", "200")
    override = lambda_estimate({"requests": 1, "duration_ms": 101, "granularity_ms": 100})
    assert override.extra["billed_duration_ms"] == "200"


def test_seed_003_memory_table_with_2017_prices():
    # seed 003 / jconning: primes to 1M, 1,000 runs at 128 MB, 11.722965 s each. 2017 prices, but
    # the seed's costs match unrounded durations: 1,000 × 11.722965 s × 0.125 GB = 1,465.370625 GB-s
    # × $0.00001667 = $0.024427728..., + 1,000 × $0.0000002 = $0.0002 -> $0.0246277
    cost = total(
        requests=1000,
        duration_ms=Decimal("11722.965"),
        memory_mb=128,
        free_tier=False,
        price_set="2017-01",
        granularity_ms=1,
    )
    assert cost.quantize(Decimal("0.000001")) == Decimal("0.024628")


def test_x86_tier_boundary_at_six_billion_gb_seconds():
    # 6B GB-s at tier 1 = $100,000.20; the next 1M GB-s at tier 2: $15.00.
    # 6,001,000,000 GB-s: requests at 1024 MB × 1 s each -> 6,001,000,000 requests.
    at = lambda_estimate({"requests": 6_000_000_000, "duration_ms": 1000, "memory_mb": 1024, "free_tier": False})
    over = lambda_estimate({"requests": 6_001_000_000, "duration_ms": 1000, "memory_mb": 1024, "free_tier": False})
    duration_at = sum(line.cost for line in at.lines if line.label.startswith("Duration"))
    duration_over = sum(line.cost for line in over.lines if line.label.startswith("Duration"))
    assert duration_at == Decimal("6000000000") * Decimal("0.0000166667")
    assert duration_over - duration_at == Decimal("1000000") * Decimal("0.0000150000")
    assert [line.label for line in over.lines][1:] == [
        "Duration (x86_64), tier 1 (0–6,000,000,000 GB-s)",
        "Duration (x86_64), tier 2 (6,000,000,000–15,000,000,000 GB-s)",
    ]


def test_arm64_is_cheaper_for_the_same_work():
    # 10M × 0.5 s × 1 GB = 5M GB-s - 400,000 free = 4.6M: x86 $76.6668..., arm $61.33364
    x86 = total(requests=10_000_000, duration_ms=500, memory_mb=1024)
    arm = total(requests=10_000_000, duration_ms=500, memory_mb=1024, architecture="arm64")
    assert x86 == Decimal("1.80") + Decimal("4600000") * Decimal("0.0000166667")
    assert arm == Decimal("1.80") + Decimal("4600000") * Decimal("0.0000133334")


def test_ephemeral_storage_above_512_mb():
    # 1M × 2 s × (2048 - 512)/1024 = 1.5 GB extra -> 3,000,000 GB-s × $0.0000000309 = $0.0927
    estimate = lambda_estimate({"requests": 1_000_000, "duration_ms": 2000, "memory_mb": 128, "ephemeral_mb": 2048})
    assert estimate.lines[-1].label == "Ephemeral storage above 512 MB"
    assert estimate.lines[-1].cost == Decimal("0.0927")


def test_provisioned_concurrency():
    # 5 × 0.5 GB × 730 h (43,800 min) × 60 = 6,570,000 GB-s × $0.0000041667 = $27.3752...
    # duration: 10M × 0.1 s × 0.5 GB = 500,000 GB-s × $0.0000097222 = $4.8611; requests $2.00, no free tier
    estimate = lambda_estimate(
        {"requests": 10_000_000, "duration_ms": 100, "memory_mb": 512, "provisioned_concurrency": 5}
    )
    costs = [line.cost for line in estimate.lines]
    assert costs == [
        Decimal("2.00"),
        Decimal("6570000") * Decimal("0.0000041667"),
        Decimal("500000") * Decimal("0.0000097222"),
    ]
    assert "Provisioned concurrency has no free tier" in " ".join(estimate.notes)
    # Configured time is rounded up to 5 minutes: 1 hour and 1 minute bills 65 minutes.
    short = lambda_estimate(
        {
            "requests": 0,
            "duration_ms": 100,
            "memory_mb": 1024,
            "provisioned_concurrency": 1,
            "provisioned_hours": Decimal(61) / 60,
        }
    )
    assert short.lines[1].quantity == Decimal(65 * 60)


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"memory_mb": 127}, "memory_mb", "must be at least 128 MB"),
        ({"memory_mb": 10241}, "memory_mb", "must be at most 10,240 MB"),
        ({"memory_mb": "256.5"}, "memory_mb", "must be a whole number"),
        ({"duration_ms": 900_001}, "duration_ms", "900 s timeout"),
        ({"duration_ms": "fast"}, "duration_ms", "must be a number"),
        ({"requests": -1}, "requests", "must be at least 0"),
        ({"architecture": "sparc"}, "architecture", "must be one of x86_64, arm64"),
        ({"ephemeral_mb": 20000}, "ephemeral_mb", "must be at most 10,240 MB"),
        ({"free_tier": "maybe"}, "free_tier", "must be true or false"),
        ({"price_set": "1999"}, "price_set", "unknown price set '1999'"),
        (
            {"price_set": "2017-01", "architecture": "arm64"},
            "architecture",
            "arm64 is not in price set '2017-01'",
        ),
        (
            {"price_set": "2017-01", "provisioned_concurrency": 1},
            "provisioned_concurrency",
            "not in price set",
        ),
    ],
)
def test_inputs_are_validated_against_lambda_limits(values, field, message):
    with pytest.raises(PricingInputError) as raised:
        lambda_estimate(values)
    assert raised.value.field == field and message in raised.value.message


requests = st.integers(0, 10**10)
durations = st.decimals(min_value=Decimal("0.001"), max_value=900_000, places=3)
memories = st.integers(128, 10240)


@settings(max_examples=200, deadline=None)
@given(requests, durations, memories, st.booleans(), st.sampled_from(["x86_64", "arm64"]))
def test_cost_is_never_negative_and_free_tier_never_makes_it_negative(n, d, m, free, arch):
    with_free = total(requests=n, duration_ms=d, memory_mb=m, free_tier=free, architecture=arch)
    assert with_free >= 0
    assert with_free <= total(requests=n, duration_ms=d, memory_mb=m, free_tier=False, architecture=arch)


@settings(max_examples=200, deadline=None)
@given(requests, requests, durations, durations, memories, memories)
def test_monotonic_in_requests_duration_and_memory(n1, n2, d1, d2, m1, m2):
    assert total(requests=min(n1, n2), duration_ms=d1, memory_mb=m1) <= total(
        requests=max(n1, n2), duration_ms=d1, memory_mb=m1
    )
    assert total(requests=n1, duration_ms=min(d1, d2), memory_mb=m1) <= total(
        requests=n1, duration_ms=max(d1, d2), memory_mb=m1
    )
    assert total(requests=n1, duration_ms=d1, memory_mb=min(m1, m2)) <= total(
        requests=n1, duration_ms=d1, memory_mb=max(m1, m2)
    )


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([6_000_000_000, 15_000_000_000]), st.integers(-1000, 1000))
def test_continuous_across_tier_boundaries(boundary, offset):
    # At 1024 MB and 1 s, requests = GB-s; one more GB-s never costs more than the dearest tier.
    gbs = boundary + offset
    step = total(requests=gbs + 1, duration_ms=1000, memory_mb=1024, free_tier=False) - total(
        requests=gbs, duration_ms=1000, memory_mb=1024, free_tier=False
    )
    assert Decimal("0.0000133334") + Decimal("0.0000002") <= step <= Decimal("0.0000166667") + Decimal("0.0000002")


@settings(max_examples=200, deadline=None)
@given(requests, durations, memories, st.booleans())
def test_arm64_never_dearer_than_x86_64(n, d, m, free):
    assert total(requests=n, duration_ms=d, memory_mb=m, architecture="arm64", free_tier=free) <= total(
        requests=n, duration_ms=d, memory_mb=m, free_tier=free
    )


def test_memory_sweep_follows_the_teaching_model():
    sweep = memory_sweep({"requests": 1_000_000, "duration_ms": 1000, "memory_mb": 512, "free_tier": "false"})
    rows = {row["memory_mb"]: row for row in sweep["points"]}
    assert "Teaching model, not an AWS promise" in sweep["model"]
    assert len(sweep_memories(40)) == 41 and 1769 in rows  # 40 log-spaced points plus 1,769 MB
    # t(1769) = 1000 × 512 / 1769; at 1024 MB: t = 1000 × 512 / 1024 = 500 ms.
    assert Decimal(rows[10240]["duration_ms"]) == Decimal(rows[1769]["duration_ms"]) == Decimal("289.43")
    assert sweep["fastest"]["memory_mb"] == 1769, "above one vCPU a single thread gets no faster"
    assert Decimal(rows[10240]["monthly_exact_usd"]) > Decimal(rows[1769]["monthly_exact_usd"])
    assert sweep["cheapest"]["memory_mb"] <= 1769
