"""EventBridge's event-pattern language, checked and matched as AWS's Event Ruler does.

moto's matcher flattens the event, so fields of different elements of one array can match one
pattern, `anything-but` matches a missing field, and `exists` matches objects; its validation
accepts any operator name. This module follows AWS's documentation ("Creating event patterns",
"Content filtering"): a pattern is an object whose leaves are arrays; an array matches when any
of its matchers does; an event array matches when any element does (and the fields of one
sub-pattern must match within one element); matchers are exact values (string, number, null,
boolean), `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (a value, a list, or a
`prefix`/`suffix`/`equals-ignore-case`/`wildcard` matcher), `numeric`, `exists`, `cidr`,
`wildcard`, and `$or` between sub-patterns.
"""

import ipaddress
import json
import re
from decimal import Decimal, InvalidOperation

from moto.events.exceptions import InvalidEventPatternException

_MISSING = object()
_NUMERIC_OPERATORS = {"<", "<=", "=", ">=", ">"}
_NAMED = {"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists", "cidr", "wildcard"}
_ANYTHING_BUT_INNER = {"prefix", "suffix", "equals-ignore-case", "wildcard"}


class PatternError(InvalidEventPatternException):
    """AWS's InvalidEventPatternException: "Event pattern is not valid. Reason: ..."."""


def parse(text: str | None) -> dict:
    """The pattern's JSON, checked; an empty text matches every event."""
    if not text:
        return {}
    try:
        pattern = json.loads(text)
    except ValueError:
        raise PatternError("Filter is not valid JSON") from None
    if not isinstance(pattern, dict):
        raise PatternError("Filter is not an object")
    check(pattern)
    return pattern


def check(pattern: dict, path: str = "") -> None:
    for key, value in pattern.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2 or not all(isinstance(p, dict) for p in value):
                raise PatternError("$or must be an array of at least two objects")
            for option in value:
                check(option, path)
        elif isinstance(value, dict):
            if not value:
                raise PatternError(f"Empty objects are not allowed (at {where})")
            check(value, where)
        elif isinstance(value, list):
            if not value:
                raise PatternError("Empty arrays are not allowed")
            for matcher in value:
                _check_matcher(matcher, where)
        else:
            raise PatternError(f"'{key}' must be an object or an array")


def _check_matcher(matcher, where: str) -> None:
    if matcher is None or isinstance(matcher, str | bool | int | float):
        return
    if not isinstance(matcher, dict) or len(matcher) != 1:
        raise PatternError(f"Match value at {where} must be a string, number, null or one matcher object")
    ((name, value),) = matcher.items()
    if name not in _NAMED:
        raise PatternError(f"Unrecognized match type {name}")
    if name in ("prefix", "suffix"):
        _check_text(name, value, allow_ignore_case=True)
    elif name in ("equals-ignore-case", "wildcard"):
        _check_text(name, value, allow_ignore_case=False)
    elif name == "exists":
        if not isinstance(value, bool):
            raise PatternError("exists match pattern must be either true or false.")
    elif name == "cidr":
        try:
            ipaddress.ip_network(value, strict=False)
        except (TypeError, ValueError):
            raise PatternError(f"Malformed CIDR, one '/' required: {value}") from None
    elif name == "numeric":
        _check_numeric(value)
    else:
        _check_anything_but(value)


def _check_text(name: str, value, *, allow_ignore_case: bool) -> None:
    if allow_ignore_case and isinstance(value, dict) and set(value) == {"equals-ignore-case"}:
        value = value["equals-ignore-case"]
    values = value if isinstance(value, list) and name != "prefix" and name != "suffix" else [value]
    if not values or not all(isinstance(v, str) for v in values):
        raise PatternError(f"{name} match pattern must be a string")
    if name == "wildcard" and any("**" in v for v in values):
        raise PatternError("Consecutive wildcard characters are not allowed")


def _check_numeric(value) -> None:
    if not isinstance(value, list) or not value or len(value) % 2 or len(value) > 4:
        raise PatternError("Value of numeric must be an array of operators and numbers")
    pairs = list(zip(value[::2], value[1::2], strict=True))
    for operator, number in pairs:
        if operator not in _NUMERIC_OPERATORS:
            raise PatternError(f"Unrecognized numeric range operator: {operator}")
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise PatternError(f"Value of {operator} must be numeric")
    if len(pairs) == 2:
        (low_op, low), (high_op, high) = pairs
        if low_op not in (">", ">=") or high_op not in ("<", "<="):
            raise PatternError("Bad numeric range: a lower bound (>, >=) comes first, then an upper (<, <=)")
        if low >= high:
            raise PatternError("Bottom must be less than top")


def _check_anything_but(value) -> None:
    if isinstance(value, dict):
        if len(value) != 1 or next(iter(value)) not in _ANYTHING_BUT_INNER:
            raise PatternError("Value of anything-but must be an array or single string/number value.")
        ((name, inner),) = value.items()
        _check_text(name, inner, allow_ignore_case=False)
    elif isinstance(value, list):
        if not value or not all(isinstance(v, str) for v in value) and not all(_is_number(v) for v in value):
            raise PatternError("Inside anything but list, start|null|boolean is not supported.")
    elif not (isinstance(value, str) or _is_number(value)):
        raise PatternError("Value of anything-but must be an array or single string/number value.")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def matches(pattern: dict, event) -> bool:
    """Whether `event` (a dict) matches the checked `pattern`."""
    if isinstance(event, list):  # an array of objects: one element must match the whole sub-pattern
        return any(matches(pattern, element) for element in event)
    if not isinstance(event, dict):
        return False
    for key, expected in pattern.items():
        if key == "$or":
            if not any(matches(option, event) for option in expected):
                return False
        elif isinstance(expected, dict):
            if not matches(expected, event.get(key, _MISSING)):
                return False
        elif not _leaf_matches(expected, event.get(key, _MISSING)):
            return False
    return True


def _leaf_matches(matchers: list, value) -> bool:
    for matcher in matchers:
        if isinstance(matcher, dict) and "exists" in matcher:
            present = value is not _MISSING and not isinstance(value, dict)  # exists looks at leaves only
            if present == matcher["exists"]:
                return True
            continue
        if value is _MISSING or isinstance(value, dict):
            continue
        candidates = value if isinstance(value, list) else [value]
        if any(_one_matches(matcher, candidate) for candidate in candidates):
            return True
    return False


def _one_matches(matcher, value) -> bool:
    if not isinstance(matcher, dict):
        return _equal(matcher, value)
    ((name, argument),) = matcher.items()
    if name == "prefix":
        return _text(argument, value, lambda got, want: got.startswith(want))
    if name == "suffix":
        return _text(argument, value, lambda got, want: got.endswith(want))
    if name == "equals-ignore-case":
        return _text({"equals-ignore-case": argument}, value, lambda got, want: got == want)
    if name == "wildcard":
        options = argument if isinstance(argument, list) else [argument]
        return isinstance(value, str) and any(_wildcard(option).fullmatch(value) for option in options)
    if name == "numeric":
        return _numeric(argument, value)
    if name == "cidr":
        return _in_network(argument, value)
    return _anything_but(argument, value)


def _equal(expected, value) -> bool:
    if _is_number(expected) and _is_number(value):
        return Decimal(str(expected)) == Decimal(str(value))  # 5 matches 5.0, as Ruler compares numbers
    if isinstance(expected, bool) or isinstance(value, bool) or expected is None or value is None:
        return expected is value
    return type(expected) is type(value) and expected == value


def _text(argument, value, test) -> bool:
    if not isinstance(value, str):
        return False
    if isinstance(argument, dict):  # {"equals-ignore-case": ...}
        wanted = argument["equals-ignore-case"]
        options = wanted if isinstance(wanted, list) else [wanted]
        return any(test(value.casefold(), option.casefold()) for option in options)
    options = argument if isinstance(argument, list) else [argument]
    return any(test(value, option) for option in options)


def _wildcard(pattern: str) -> re.Pattern:
    parts, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if pattern[i] == "*" else re.escape(pattern[i]))
        i += 1
    return re.compile("".join(parts), re.DOTALL)


def _numeric(argument: list, value) -> bool:
    if not _is_number(value):
        return False
    try:
        got = Decimal(str(value))
    except InvalidOperation:
        return False
    tests = {"<": got.__lt__, "<=": got.__le__, "=": got.__eq__, ">=": got.__ge__, ">": got.__gt__}
    return all(tests[op](Decimal(str(number))) for op, number in zip(argument[::2], argument[1::2], strict=True))


def _in_network(argument: str, value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(argument, strict=False)
    except ValueError:
        return False


def _anything_but(argument, value) -> bool:
    if isinstance(argument, dict):
        return not _one_matches(argument, value)
    excluded = argument if isinstance(argument, list) else [argument]
    return not any(_equal(option, value) for option in excluded)
