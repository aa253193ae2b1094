"""The lab backend: moto's Lambda runs learner code in the sandbox, and accounts stay apart."""

import base64
import io
import json
import zipfile

import pytest


@pytest.fixture
def backend(lab_backend):
    return lab_backend


def client(backend, service: str, account: str):
    return backend.client(service, account)


def deploy(backend, account: str, name: str, code: str, **config):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("app.py", code)
    role = client(backend, "iam", account).create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"][
        "Arn"
    ]
    client(backend, "lambda", account).create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": archive.getvalue()},
        Timeout=config.get("timeout", 15),
        MemorySize=config.get("memory", 512),
    )


def invoke(backend, account: str, name: str, event=None) -> tuple[dict, str, str | None]:
    response = client(backend, "lambda", account).invoke(
        FunctionName=name, Payload=json.dumps(event or {}).encode(), LogType="Tail"
    )
    return (
        json.loads(response["Payload"].read()),
        base64.b64decode(response["LogResult"]).decode(),
        response.get("FunctionError"),
    )


def test_invoke_runs_real_code_in_the_sandbox(backend):
    deploy(
        backend,
        "100000000001",
        "hello",
        "import os\ndef handler(event, context):\n    print('hi from', context.function_name)\n    return {'twice': event['n'] * 2, 'uid': os.getuid()}\n",
    )
    body, logs, error = invoke(backend, "100000000001", "hello", {"n": 21})
    assert error is None and body == {"twice": 42, "uid": 993}
    assert "hi from hello" in logs and "REPORT RequestId:" in logs and "Init Duration" in logs
    result = backend.last_result("100000000001", "hello")
    assert result.status == "ok" and result.cold_start


def test_errors_come_back_as_function_errors(backend):
    deploy(
        backend,
        "100000000001",
        "broken",
        "def handler(event, context):\n    raise KeyError('missing')\n",
    )
    body, logs, error = invoke(backend, "100000000001", "broken")
    assert error == "Unhandled" and body["errorType"] == "KeyError" and "[ERROR] KeyError" in logs


def test_learner_code_reaches_only_its_own_account(backend):
    code = """
import boto3

def handler(event, context):
    s3 = boto3.client("s3")
    if event.get("create"):
        s3.create_bucket(Bucket=event["create"])
    # A forged account header and another account's keys change nothing: the gateway pins it.
    forged = boto3.client("s3", aws_access_key_id="AKIAOTHERACCOUNT0001", aws_secret_access_key="x")
    forged.meta.events.register("before-send", lambda request, **kw: request.headers.__setitem__("x-moto-account-id", event["target"]))
    return sorted(b["Name"] for b in forged.list_buckets()["Buckets"])
"""
    deploy(backend, "200000000001", "alice", code)
    deploy(backend, "200000000002", "bob", code)
    assert invoke(backend, "200000000001", "alice", {"create": "alice-private", "target": "200000000002"})[0] == [
        "alice-private"
    ]
    seen_by_bob = invoke(backend, "200000000002", "bob", {"create": "bob-private", "target": "200000000001"})[0]
    assert seen_by_bob == ["bob-private"], "bob cannot see alice's bucket, even naming her account"
    assert [b["Name"] for b in client(backend, "s3", "200000000001").list_buckets()["Buckets"]] == ["alice-private"]
