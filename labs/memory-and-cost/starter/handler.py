"""Count the prime numbers up to n: a CPU-bound function to measure at several memory sizes."""


def is_prime(k: int) -> bool:
    if k < 2:
        return False
    divisor = 2
    while divisor * divisor <= k:
        if k % divisor == 0:
            return False
        divisor += 1
    return True


def count_primes(n: int) -> int:
    """How many primes are ≤ n. Correct, but it tries every divisor of every number: slow."""
    # TODO (step 1): replace with the sieve of Eratosthenes.
    return sum(1 for k in range(2, n + 1) if is_prime(k))


def handler(event, context):
    n = int(event.get("n", 1_000_000))
    # TODO (step 2): repeat the count `repeat` times (default 1), time it, and report
    # repeat, memory_mb, elapsed_ms, gb_seconds and cost_usd as well.
    return {"n": n, "primes": count_primes(n)}
