#!/usr/bin/env python
"""API Gateway front door speed: one request through it, beside a direct Invoke of the same
function in the same run (the least a request can cost: the sandbox runs the same code).

- Baseline: `lambda.invoke` of the echo function (boto3, account pinned), warm.
- Open route: GET through the front door to the same function (routing, a 1.0 event, the
  response mapping, the trace envelope), warm.
- Lambda authorizer, cached: the same with a TOKEN authorizer whose answer is in the cache.
- Lambda authorizer, uncached (TTL 0): the authorizer function runs on every request.
- IAM: SigV4 signed by the client, verified and the caller's policy evaluated.

Rounds interleave the five so machine noise hits them alike; medians are printed.

    .venv/bin/python bench/api.py [--runs 30]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseware.settings")

import django  # noqa: E402

django.setup()

from courseware.labrunner.client.api import call_api  # noqa: E402
from courseware.labrunner.client.aws import AccountAws, new_account_id  # noqa: E402
from courseware.labrunner.client.callers import iam_credentials  # noqa: E402
from courseware.labrunner.emulator.backend import start_embedded  # noqa: E402
from tests.apigw_fixtures import integration_uri, make_function, rest_api  # noqa: E402

AUTHORIZER = """
def handler(event, context):
    arn = event["methodArn"].split("/")[0] + "/*"
    return {"principalId": "bench", "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": arn}]}}
"""


def build(aws: AccountAws) -> dict:
    echo, token = make_function(aws, "echo"), make_function(aws, "auth", AUTHORIZER)
    apis = {
        "open": rest_api(aws, echo, [("GET", "/items", None, None)]),
        "iam": rest_api(aws, echo, [("GET", "/items", {"authorizationType": "AWS_IAM"}, None)]),
    }
    custom = {"authorizationType": "CUSTOM", "authorizerId": "AUTHORIZER"}
    for name, ttl in (("cached", 300), ("uncached", 0)):
        apis[name] = rest_api(
            aws,
            echo,
            [("GET", "/items", custom, None)],
            authorizer={
                "name": "T",
                "type": "TOKEN",
                "authorizerUri": integration_uri(token),
                "identitySource": "method.request.header.Authorization",
                "authorizerResultTtlInSeconds": ttl,
            },
        )
    arn = f"arn:aws:execute-api:us-east-1:{aws.account_id}:{apis['iam']}/*"
    apis["credentials"] = iam_credentials(
        aws,
        "bench",
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": arn}],
        },
    )
    return apis


def timed(call) -> float:
    started = time.perf_counter()
    status = call()
    assert status == 200, status
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    backend = start_embedded()
    try:
        aws = AccountAws(endpoint=backend.endpoint, account_id=new_account_id())
        apis = build(aws)
        lam = aws.client("lambda")
        cases = {
            "baseline: direct Invoke": lambda: lam.invoke(
                FunctionName="echo", Payload=json.dumps({"queryStringParameters": {"mode": "teapot"}}).encode()
            )["StatusCode"],
            "open route": lambda: call_api(aws, api_id=apis["open"], stage="prod", path="/items").status,
            "Lambda authorizer, cached": lambda: (
                call_api(aws, api_id=apis["cached"], stage="prod", path="/items", headers={"Authorization": "t"}).status
            ),
            "Lambda authorizer, TTL 0": lambda: (
                call_api(
                    aws, api_id=apis["uncached"], stage="prod", path="/items", headers={"Authorization": "t"}
                ).status
            ),
            "IAM (SigV4)": lambda: (
                call_api(aws, api_id=apis["iam"], stage="prod", path="/items", sign=apis["credentials"]).status
            ),
        }
        for call in cases.values():  # warm every execution environment first
            timed(call)
        samples = {name: [] for name in cases}
        for _ in range(runs):
            for name, call in cases.items():
                samples[name].append(timed(call))
    finally:
        backend.stop()
        backend.sandbox.shutdown()
    base = statistics.median(samples["baseline: direct Invoke"])
    print(f"{'case':<28} {'median':>10} {'vs baseline':>12}   ({runs} interleaved runs, warm)")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<28} {median * 1000:>8.1f} ms {median / base:>11.2f}x")


if __name__ == "__main__":
    main()
