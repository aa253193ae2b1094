"""Count the prime numbers up to n: a CPU-bound function to measure at several memory sizes."""

import math
import time

PRICE_PER_GB_SECOND = 0.0000166667  # x86_64, first tier, us-east-1
PRICE_PER_REQUEST = 0.20 / 1_000_000


def count_primes(n: int) -> int:
    """How many primes are ≤ n: the sieve of Eratosthenes."""
    if n < 2:
        return 0
    sieve = bytearray([1]) * (n + 1)  # sieve[k] == 1 while k may still be prime
    sieve[0] = sieve[1] = 0
    for i in range(2, math.isqrt(n) + 1):
        if sieve[i]:
            # Cross out i*i, i*i + i, ... (smaller multiples were crossed out by smaller primes).
            sieve[i * i :: i] = bytes(len(range(i * i, n + 1, i)))
    return sum(sieve)


def handler(event, context):
    n = int(event.get("n", 1_000_000))
    repeat = max(1, int(event.get("repeat", 1)))
    memory_mb = int(context.memory_limit_in_mb)

    started = time.perf_counter()
    for _ in range(repeat):
        primes = count_primes(n)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 3)

    billed_ms = math.ceil(elapsed_ms)  # Lambda rounds each invocation up to the next 1 ms
    gb_seconds = memory_mb / 1024 * billed_ms / 1000
    cost_usd = gb_seconds * PRICE_PER_GB_SECOND + PRICE_PER_REQUEST
    print(f"n={n} repeat={repeat} primes={primes} {elapsed_ms} ms at {memory_mb} MB")
    return {
        "n": n,
        "repeat": repeat,
        "primes": primes,
        "memory_mb": memory_mb,
        "elapsed_ms": elapsed_ms,
        "gb_seconds": gb_seconds,
        "cost_usd": cost_usd,
    }
