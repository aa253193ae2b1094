"""Named functions for calculated quiz questions (`function: <name>` in a `.quiz.yaml`).

Each function is called as `name(**parameters)` with one attempt's drawn parameters and must
return a number. Keep them pure (no I/O, no clock, no randomness) and standard-library only:
the quiz loader imports this file, and `content check` calls every function at the corners of
each question's parameter ranges.

Prices: AWS Lambda, us-east-1, on-demand, from the AWS Lambda pricing page
(https://aws.amazon.com/lambda/pricing/; AWS Price List copies dated 2026-09 and 2026-10).
Requests $0.20 per 1M (both architectures); duration, first tier,
$0.0000166667 per GB-s (x86_64) and $0.0000133334 per GB-s (arm64); always-free tier
1,000,000 requests and 400,000 GB-s per account per month, shared by both architectures;
duration billed in 1 ms increments since December 2020.
"""

REQUEST_PRICE_PER_MILLION = 0.20  # USD, x86_64 and arm64
DURATION_PRICE_X86_64 = 0.0000166667  # USD per GB-s, first tier (first 6 billion GB-s a month)
DURATION_PRICE_ARM64 = 0.0000133334  # USD per GB-s, first tier (first 7.5 billion GB-s a month)
FIRST_TIER_GB_S_X86_64 = 6_000_000_000
FIRST_TIER_GB_S_ARM64 = 7_500_000_000
FREE_REQUESTS = 1_000_000  # per account per month
FREE_GB_S = 400_000  # per account per month, shared by both architectures
MB_PER_GB = 1024  # Lambda converts configured memory with 1,024 MB to the GB


def lambda_monthly_cost(requests, duration_ms, memory_mb, arm=0, free_tier=1):
    """Monthly USD cost of one on-demand Lambda function (requests plus duration), us-east-1.

    requests     invocations in the month
    duration_ms  billed duration of each invocation, in ms; Lambda rounds each invocation up to
                 the next 1 ms, so this must already be a whole number of milliseconds
    memory_mb    configured memory in MB (GB = memory_mb / 1024)
    arm          1 for arm64 (Graviton) duration prices, 0 for x86_64
    free_tier    1 to subtract the always-free 1,000,000 requests and 400,000 GB-s, 0 if the
                 account's free tier is already used up elsewhere

    Only the FIRST duration price tier is modelled (6 billion GB-s a month on x86_64, 7.5
    billion on arm64): a draw whose billable GB-s would reach the second tier raises ValueError
    instead of returning a wrong key. Extras (ephemeral storage above 512 MB, provisioned
    concurrency, INIT time counted separately) are not included. The result is not rounded.

    Worked examples from lessons/04-lambda-pricing.md:
        lambda_monthly_cost(3_000_000, 120, 512)            -> 0.40    (example 1)
        lambda_monthly_cost(50_000_000, 200, 1024)          -> 169.80  (example 2, x86_64)
        lambda_monthly_cost(50_000_000, 200, 1024, arm=1)   -> 137.80  (example 2, arm64)
    """
    if requests < 0 or duration_ms < 0 or memory_mb <= 0:
        raise ValueError("requests and duration_ms must be >= 0 and memory_mb > 0")
    if float(duration_ms) != int(duration_ms):
        raise ValueError("duration_ms is billed in whole milliseconds: round it up first")
    if arm not in (0, 1) or free_tier not in (0, 1):
        raise ValueError("arm and free_tier are 0 or 1")

    gb_s = requests * (duration_ms / 1000) * (memory_mb / MB_PER_GB)
    billable_requests = max(0, requests - FREE_REQUESTS) if free_tier else requests
    billable_gb_s = max(0.0, gb_s - FREE_GB_S) if free_tier else gb_s

    price, first_tier = (
        (DURATION_PRICE_ARM64, FIRST_TIER_GB_S_ARM64)
        if arm
        else (DURATION_PRICE_X86_64, FIRST_TIER_GB_S_X86_64)
    )
    if billable_gb_s > first_tier:
        raise ValueError(
            f"{billable_gb_s:,.0f} GB-s is beyond the first duration tier ({first_tier:,} GB-s)"
        )

    return billable_requests * REQUEST_PRICE_PER_MILLION / 1_000_000 + billable_gb_s * price
