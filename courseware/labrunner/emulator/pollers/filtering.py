"""Lambda's event filtering: the pattern language of `FilterCriteria`, checked and matched.

A filter is a JSON object whose leaves are lists of matchers, and a record matches when every
key of the pattern matches (`$or` takes a list of patterns, one of which must). Matchers, as
Lambda documents them: a value (string, number, null, true/false; numbers compare as numbers),
`prefix`, `suffix` (both also with `equals-ignore-case` inside), `equals-ignore-case`,
`anything-but` (a value, a list, or a prefix/suffix/equals-ignore-case/wildcard inside), `numeric`
(one or two comparisons), `exists` and `wildcard`. A field holding a list matches when any of its
elements does. A pattern that is not this language is refused at Create/UpdateEventSourceMapping
with Lambda's own "Invalid filter pattern definition.".

What a record looks like to a filter is the source's business (`.sqs`, `.dynamodb`, `.kinesis`):
an SQS `body` or a Kinesis `data` that holds JSON is matched as the JSON it holds.
"""

import json
import re

MAX_FILTERS = 5  # Lambda's quota of filters per event source mapping
INVALID = "Invalid filter pattern definition."
NUMERIC_OPERATORS = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_ABSENT = object()


class InvalidPattern(ValueError):
    pass


def parse_criteria(criteria) -> list[dict]:
    """The patterns of a mapping's FilterCriteria, each checked; InvalidPattern if any is not valid."""
    if criteria is None:
        return []
    filters = criteria.get("Filters") if isinstance(criteria, dict) else None
    if filters is None:
        return []
    if not isinstance(filters, list) or len(filters) > MAX_FILTERS:
        raise InvalidPattern(INVALID)
    patterns = []
    for entry in filters:
        text = entry.get("Pattern") if isinstance(entry, dict) else None
        if not isinstance(text, str) or not text:
            raise InvalidPattern(INVALID)
        try:
            pattern = json.loads(text)
        except ValueError as error:
            raise InvalidPattern(INVALID) from error
        check_pattern(pattern)
        patterns.append(pattern)
    return patterns


def check_pattern(pattern) -> None:
    if not isinstance(pattern, dict) or not pattern:
        raise InvalidPattern(INVALID)
    for key, value in pattern.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise InvalidPattern(INVALID)
            for alternative in value:
                check_pattern(alternative)
        elif isinstance(value, dict):
            check_pattern(value)
        elif isinstance(value, list) and value:
            for matcher in value:
                _check_matcher(matcher)
        else:
            raise InvalidPattern(INVALID)


def _check_matcher(matcher) -> None:
    if matcher is None or isinstance(matcher, str | int | float | bool):
        return
    if not isinstance(matcher, dict) or len(matcher) != 1:
        raise InvalidPattern(INVALID)
    ((kind, operand),) = matcher.items()
    if kind in ("prefix", "suffix"):
        ok = isinstance(operand, str) or (
            isinstance(operand, dict)
            and set(operand) == {"equals-ignore-case"}
            and isinstance(operand["equals-ignore-case"], str)
        )
    elif kind in ("equals-ignore-case", "wildcard"):
        ok = isinstance(operand, str)
    elif kind == "exists":
        ok = isinstance(operand, bool)
    elif kind == "numeric":
        ok = _numeric_ok(operand)
    elif kind == "anything-but":
        ok = _anything_but_ok(operand)
    else:
        ok = False
    if not ok:
        raise InvalidPattern(INVALID)


def _numeric_ok(operand) -> bool:
    if not isinstance(operand, list) or len(operand) not in (2, 4):
        return False
    pairs = list(zip(operand[::2], operand[1::2], strict=True))
    return all(op in NUMERIC_OPERATORS and _is_number(value) for op, value in pairs)


def _anything_but_ok(operand) -> bool:
    if isinstance(operand, str | int | float) and not isinstance(operand, bool):
        return True
    if isinstance(operand, list):
        return bool(operand) and all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in operand)
    if isinstance(operand, dict) and len(operand) == 1:
        ((kind, value),) = operand.items()
        return kind in ("prefix", "suffix", "equals-ignore-case", "wildcard") and isinstance(value, str)
    return False


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def matches_any(patterns: list[dict], record: dict) -> bool:
    """No filters: every record. Otherwise the record must match at least one pattern."""
    return not patterns or any(matches(pattern, record) for pattern in patterns)


def matches(pattern: dict, record) -> bool:
    for key, expected in pattern.items():
        if key == "$or":
            if not any(matches(alternative, record) for alternative in expected):
                return False
            continue
        actual = record.get(key, _ABSENT) if isinstance(record, dict) else _ABSENT
        if isinstance(expected, dict):
            if actual is _ABSENT or not matches(expected, actual):
                return False
        elif not _leaf_matches(expected, actual):
            return False
    return True


def _leaf_matches(matchers: list, actual) -> bool:
    for matcher in matchers:
        if isinstance(matcher, dict) and "exists" in matcher:
            present = actual is not _ABSENT
            if present == matcher["exists"]:
                return True
            continue
        if actual is _ABSENT:
            continue
        values = actual if isinstance(actual, list) else [actual]
        if any(_value_matches(matcher, value) for value in values):
            return True
    return False


def _value_matches(matcher, value) -> bool:
    if not isinstance(matcher, dict):
        if _is_number(matcher) and _is_number(value):
            return float(matcher) == float(value)
        return type(matcher) is type(value) and matcher == value
    ((kind, operand),) = matcher.items()
    if kind == "anything-but":
        return _anything_but(operand, value)
    if kind == "numeric":
        pairs = zip(operand[::2], operand[1::2], strict=True)
        return _is_number(value) and all(NUMERIC_OPERATORS[op](value, bound) for op, bound in pairs)
    return isinstance(value, str) and _string_matches(kind, operand, value)


def _string_matches(kind: str, operand, value: str) -> bool:
    ignore_case = isinstance(operand, dict)
    text = operand["equals-ignore-case"] if ignore_case else operand
    if kind == "equals-ignore-case":
        return value.casefold() == text.casefold()
    if kind == "wildcard":
        return re.fullmatch(_wildcard_regex(text), value, re.DOTALL) is not None
    if ignore_case:
        value, text = value.casefold(), text.casefold()
    return value.startswith(text) if kind == "prefix" else value.endswith(text)


def _wildcard_regex(text: str) -> str:
    # `*` is the only wildcard: every other character stands for itself.
    return ".*".join(re.escape(part) for part in text.split("*")) if "*" in text else re.escape(text)


def _anything_but(operand, value) -> bool:
    if isinstance(operand, dict):
        ((kind, text),) = operand.items()
        return isinstance(value, str) and not _string_matches(kind, text, value)
    excluded = operand if isinstance(operand, list) else [operand]
    return not any(_value_matches(item, value) for item in excluded)
