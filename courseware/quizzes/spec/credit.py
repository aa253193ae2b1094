"""Per-answer credit, as Moodle grades answers: a percentage of the question's points.

Authors write `credit: 50%` on a choice, a short answer or a numeric answer; the stored spec
holds the fraction (0.5). `correct: true` is the same as `credit: 100%`.
"""

import re

CREDIT_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*%\s*$")
EPSILON = 1e-6


def parse_credit(value, *, negative: bool = False) -> float:
    """'50%' -> 0.5. Raises ValueError with a message an author can act on."""
    match = CREDIT_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"'credit' is a percentage such as '50%', not {value!r}")
    fraction = float(match.group(1)) / 100
    low = -1.0 if negative else 0.0
    if not low <= fraction <= 1.0:
        span = "-100% and 100%" if negative else "0% and 100%"
        raise ValueError(f"'credit' must be between {span}, not {value}")
    return round(fraction, 7)


def is_full(fraction: float) -> bool:
    return fraction >= 1 - EPSILON


def percent_text(fraction: float) -> str:
    """0.5 -> '50%', 1/3 -> '33.33333%': how credits are written back (YAML and GIFT)."""
    shown = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return ("0" if shown in ("-0", "") else shown) + "%"
