"""Money and quantities as people read them; exact amounts stay in the API."""

from decimal import Decimal

import pytest

from courseware.pricing.engine.core import line, units, usd
from courseware.pricing.engine.lambda_ import lambda_estimate


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0", "$0.00"),
        ("0.0000005645840625", "$0.000000565"),  # three significant digits, not sixteen
        ("0.0000002", "$0.0000002"),
        ("0.0012345", "$0.00123"),
        ("0.0099996", "$0.01"),  # rounding up to a cent shows cents
        ("0.01", "$0.01"),
        ("1234567.891", "$1,234,567.89"),
        ("-12.5", "-$12.50"),
    ],
)
def test_usd_keeps_sensible_digits(amount, shown):
    assert usd(Decimal(amount)) == shown


def test_units_agree_with_their_number():
    assert units(1, "requests") == "request" and units(2, "requests") == "requests"
    assert units(Decimal("1.0"), "deliveries") == "delivery" and units(1, "RCU-hours") == "RCU-hour"
    assert units(1, "GB-s") == "GB-s" and units(1, "GB") == "GB"
    assert line("lambda", "Requests", Decimal(1), "requests", Decimal("0.20"), 1_000_000).formula == (
        "1 request × $0.20 per 1M = $0.0000002"
    )


def test_the_api_keeps_exact_decimals():
    data = lambda_estimate({"requests": 1, "duration_ms": 1, "memory_mb": 128, "free_tier": "false"}).to_dict()
    assert data["total_exact_usd"] == "0.0000002020833375"
    assert data["lines"][0]["cost"] == "0.0000002"
