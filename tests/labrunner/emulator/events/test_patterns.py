"""The event-pattern language, with the examples of AWS's "Content filtering in Amazon EventBridge
event patterns" and "Creating event patterns"; TestEventPattern answers the same."""

import json

import pytest
from botocore.exceptions import ClientError

from courseware.labrunner.emulator.events.patterns import PatternError, matches, parse

EC2 = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {
        "instance-id": "i-1234567890abcdef0",
        "state": "terminated",
        "c-count": 5,
        "d-count": 3,
        "x-limit": 301.8,
        "source-ip": "10.0.0.123",
        "location": "us-east-1",
        "name": "dir/sub/file.png",
        "nothing": None,
        "flags": ["a", "b"],
        "items": [{"kind": "book", "price": 10}, {"kind": "pen", "price": 2}],
    },
}

CASES = [
    ({"source": ["aws.ec2"]}, True),
    ({"source": ["aws.s3"]}, False),
    ({"detail": {"state": ["running", "terminated"]}}, True),
    ({"detail": {"c-count": [5]}}, True),
    ({"detail": {"c-count": [5.0]}}, True),  # numbers compare as numbers
    ({"detail": {"c-count": ["5"]}}, False),  # a string is not a number
    ({"detail": {"nothing": [None]}}, True),
    ({"detail": {"missing": [None]}}, False),  # null does not match a missing field
    ({"time": [{"prefix": "2017-12-22"}]}, True),
    ({"detail": {"location": [{"prefix": {"equals-ignore-case": "US-"}}]}}, True),
    ({"detail": {"name": [{"suffix": ".png"}]}}, True),
    ({"detail": {"name": [{"suffix": {"equals-ignore-case": ".PNG"}}]}}, True),
    ({"detail": {"state": [{"equals-ignore-case": "TERMINATED"}]}}, True),
    ({"detail": {"state": [{"anything-but": "initializing"}]}}, True),
    ({"detail": {"state": [{"anything-but": ["stopped", "terminated"]}]}}, False),
    ({"detail": {"c-count": [{"anything-but": [1, 2, 5]}]}}, False),
    ({"detail": {"state": [{"anything-but": {"prefix": "term"}}]}}, False),
    ({"detail": {"name": [{"anything-but": {"suffix": ".txt"}}]}}, True),
    ({"detail": {"state": [{"anything-but": {"equals-ignore-case": ["TERMINATED"]}}]}}, False),
    ({"detail": {"name": [{"anything-but": {"wildcard": "dir/*.png"}}]}}, False),
    ({"detail": {"missing": [{"anything-but": "x"}]}}, False),  # anything-but needs the field
    ({"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}}, True),
    ({"detail": {"d-count": [{"numeric": ["<", 10]}]}}, True),
    ({"detail": {"x-limit": [{"numeric": ["=", 3.018e2]}]}}, True),
    ({"detail": {"x-limit": [{"numeric": [">", 302]}]}}, False),
    ({"detail": {"state": [{"exists": True}]}}, True),
    ({"detail": {"missing": [{"exists": False}]}}, True),
    ({"detail": {"state": [{"exists": False}]}}, False),
    ({"detail": [{"exists": True}]}, False),  # exists looks at leaves only
    ({"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}, True),
    ({"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}, False),
    ({"detail": {"name": [{"wildcard": "dir/*.png"}]}}, True),
    ({"detail": {"name": [{"wildcard": "*.jpg"}]}}, False),
    ({"detail": {"flags": ["b"]}}, True),  # any element of an array
    ({"detail": {"items": {"kind": ["pen"], "price": [2]}}}, True),
    ({"detail": {"items": {"kind": ["pen"], "price": [10]}}}, False),  # within one element only
    ({"source": ["aws.ec2"], "$or": [{"detail": {"c-count": [99]}}, {"detail": {"d-count": [3]}}]}, True),
    ({"$or": [{"source": ["x"]}, {"detail": {"state": ["y"]}}]}, False),
]


@pytest.mark.parametrize(("pattern", "expected"), CASES)
def test_the_pattern_language(pattern, expected):
    assert matches(parse(json.dumps(pattern)), EC2) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        {"source": "aws.ec2"},
        {"source": []},
        {"detail": {"n": [{"numeric": [">", "x"]}]}},
        {"detail": {"n": [{"numeric": ["<", 5, ">", 1]}]}},
        {"detail": {"n": [{"numeric": [">", 5, "<", 1]}]}},
        {"detail": {"n": [{"unknown-matcher": 1}]}},
        {"detail": {"n": [{"exists": "yes"}]}},
        {"detail": {"n": [{"wildcard": "a**b"}]}},
        {"detail": {"n": [{"prefix": 5}]}},
        {"$or": [{"source": ["a"]}]},
    ],
)
def test_bad_patterns_are_refused(pattern):
    with pytest.raises(PatternError, match="Event pattern is not valid"):
        parse(json.dumps(pattern))


@pytest.mark.parametrize(("pattern", "expected"), CASES[::4])
def test_test_event_pattern_agrees(account, pattern, expected):
    answer = account.client("events").test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(EC2))
    assert answer["Result"] is expected


def test_put_rule_and_test_event_pattern_refuse_a_bad_pattern(account):
    bad = json.dumps({"detail": {"n": [{"numeric": [">", "x"]}]}})
    for call in (
        lambda: account.client("events").put_rule(Name="bad", EventPattern=bad),
        lambda: account.client("events").test_event_pattern(EventPattern=bad, Event=json.dumps(EC2)),
    ):
        with pytest.raises(ClientError) as refused:
            call()
        assert refused.value.response["Error"]["Code"] == "InvalidEventPatternException"


def test_test_event_pattern_needs_an_event_with_its_envelope(account):
    with pytest.raises(ClientError, match="Parameter Event is not valid"):
        account.client("events").test_event_pattern(EventPattern='{"source": ["a"]}', Event='{"detail": {}}')
