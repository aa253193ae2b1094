"""Learner answers: parsing what a form sent, and the result of grading it."""

import math
import re
from dataclasses import dataclass, field

NUMBER_RE = re.compile(r"^\s*\$?\s*([-+]?(?:\d[\d,_]*)?\.?\d+(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


class AnswerForged(ValueError):
    """The form carried something no honest page could send (unknown ids, wrong shapes): 400."""


class AnswerInvalid(ValueError):
    """The learner can fix this (not a number, a position used twice): shown to them, 422."""


@dataclass
class Grade:
    fraction: float  # 0..1 of the question's points
    feedback: list[str] = field(default_factory=list)  # HTML snippets for what the learner chose
    detail: dict = field(default_factory=dict)  # per-part correctness for the review

    @property
    def correct(self) -> bool:
        return self.fraction >= 1 - 1e-9

    @property
    def status(self) -> str:
        return mark(self.fraction)


def parse_number(text: str) -> tuple[float, str]:
    """'3,200,000 s' -> (3200000.0, 's'); raises AnswerInvalid for anything that is not a number."""
    match = NUMBER_RE.match(text or "")
    if not match:
        raise AnswerInvalid("Enter a number, for example 3200000 or 3.2e6.")
    digits = match.group(1).replace(",", "").replace("_", "")
    try:
        value = float(digits)
    except ValueError as error:
        raise AnswerInvalid("Enter a number, for example 3200000 or 3.2e6.") from error
    if not math.isfinite(value):
        raise AnswerInvalid("Enter a finite number.")
    return value, match.group(2)


def parse_tolerance(value) -> tuple[str, float]:
    """A tolerance is a non-negative number (absolute) or a string like '1%' (relative)."""
    if isinstance(value, bool):
        raise ValueError("tolerance must be a number or a percentage such as '1%'")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("tolerance cannot be negative")
        return "absolute", float(value)
    if isinstance(value, str) and value.strip().endswith("%"):
        percent = float(value.strip()[:-1])
        if percent < 0:
            raise ValueError("tolerance cannot be negative")
        return "relative", percent / 100
    raise ValueError("tolerance must be a number or a percentage such as '1%'")


def within_tolerance(value: float, answer: float, kind: str, amount: float) -> bool:
    allowed = amount if kind == "absolute" else abs(answer) * amount
    # A relative hair of slack, so 3.2e6 typed as 3200000000 ms is not lost to float rounding.
    return abs(value - answer) <= allowed + 1e-9 * abs(answer) + 1e-12


def normalise_text(text: str, case_sensitive: bool) -> str:
    text = " ".join((text or "").split())
    return text if case_sensitive else text.casefold()


def mark(fraction: float) -> str:
    """correct | partial | incorrect: how a review marks an answer, or one part of it."""
    if fraction >= 1 - 1e-9:
        return "correct"
    return "partial" if fraction > 0 else "incorrect"
