"""Lambda's filter pattern language, matcher by matcher, and the patterns it refuses."""

import json

import pytest

from courseware.labrunner.emulator.pollers.filtering import InvalidPattern, matches_any, parse_criteria

RECORD = {
    "eventName": "INSERT",
    "body": {"kind": "Order", "total": 12.5, "tags": ["gift", "eu"], "note": None, "email": "ada@example.com"},
}


def criteria(*patterns) -> dict:
    return {"Filters": [{"Pattern": json.dumps(pattern)} for pattern in patterns]}


def matched(pattern) -> bool:
    return matches_any(parse_criteria(criteria(pattern)), RECORD)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"eventName": ["INSERT"]}, True),
        ({"eventName": ["MODIFY", "REMOVE"]}, False),
        ({"body": {"total": [12.5]}}, True),
        ({"body": {"tags": ["eu"]}}, True),  # a list matches when any element does
        ({"body": {"note": [None]}}, True),
        ({"body": {"kind": [{"prefix": "Ord"}]}}, True),
        ({"body": {"kind": [{"prefix": {"equals-ignore-case": "ORD"}}]}}, True),
        ({"body": {"email": [{"suffix": "@example.com"}]}}, True),
        ({"body": {"email": [{"suffix": {"equals-ignore-case": "@EXAMPLE.COM"}}]}}, True),
        ({"body": {"kind": [{"equals-ignore-case": "order"}]}}, True),
        ({"body": {"kind": [{"anything-but": ["Order", "Refund"]}]}}, False),
        ({"body": {"kind": [{"anything-but": {"prefix": "Ref"}}]}}, True),
        ({"body": {"total": [{"numeric": [">", 10, "<=", 12.5]}]}}, True),
        ({"body": {"total": [{"numeric": ["<", 10]}]}}, False),
        ({"body": {"missing": [{"exists": False}]}}, True),
        ({"body": {"kind": [{"exists": False}]}}, False),
        ({"body": {"email": [{"wildcard": "ada@*.com"}]}}, True),
        ({"body": {"email": [{"wildcard": "bob@*"}]}}, False),
        ({"$or": [{"eventName": ["REMOVE"]}, {"body": {"kind": ["Order"]}}]}, True),
        ({"eventName": ["INSERT"], "body": {"kind": ["Refund"]}}, False),  # every key must match
        ({"body": {"kind": {"nested": ["x"]}}}, False),  # a string is not an object
    ],
)
def test_each_matcher_matches_as_lambda_documents(pattern, expected):
    assert matched(pattern) is expected


def test_several_filters_match_when_any_does_and_none_matches_everything():
    assert matches_any(parse_criteria(criteria({"eventName": ["REMOVE"]}, {"eventName": ["INSERT"]})), RECORD)
    assert matches_any(parse_criteria(None), RECORD)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '"INSERT"',
        '{"eventName": "INSERT"}',
        '{"eventName": []}',
        '{"body": {"kind": [{"prefix": 1}]}}',
        '{"body": {"total": [{"numeric": [">>", 1]}]}}',
        '{"body": {"kind": [{"unknown": "x"}]}}',
        '{"$or": [{"eventName": ["INSERT"]}]}',
    ],
)
def test_what_is_not_a_pattern_is_refused(text):
    with pytest.raises(InvalidPattern, match="Invalid filter pattern definition."):
        parse_criteria({"Filters": [{"Pattern": text}]})


def test_at_most_five_filters():
    with pytest.raises(InvalidPattern):
        parse_criteria(criteria(*[{"eventName": [str(n)]} for n in range(6)]))
