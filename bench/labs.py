#!/usr/bin/env python
"""Lab speed: grading lab 1, and deploy + invoke of lab 1, each beside a baseline from the same run.

- Baseline: the same handler created with one boto3 `create_function` in a fresh account of the
  same embedded backend, then invoked once: the least work a deploy and an invoke can be.
- Deploy + invoke: what the lab page's Deploy then Invoke do (`labrunner.deploy`, validation,
  role, code zip, then Invoke with the log tail and the summary read back), in a fresh account.
- Grade: `lab grade hello-lambda`'s work (deploy the solution to a fresh account, run 6 checks,
  which invoke 6 times and change the configuration once).

    .venv/bin/python bench/labs.py [--runs 10]
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseware.settings")

import django  # noqa: E402

django.setup()

from courseware.labrunner.client.aws import AccountAws, new_account_id  # noqa: E402
from courseware.labrunner.deploy import deploy  # noqa: E402
from courseware.labrunner.emulator.backend import LabBackend  # noqa: E402
from courseware.labrunner.grading.context import LabContext  # noqa: E402
from courseware.labrunner.grading.runner import files_in, grade_lab, lab_source  # noqa: E402
from courseware.sandbox import Sandbox, SandboxLimits  # noqa: E402


def baseline(endpoint: str, code: bytes) -> float:
    aws = AccountAws(endpoint=endpoint, account_id=new_account_id())
    started = time.perf_counter()
    role = aws.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = aws.client("lambda")
    lam.create_function(
        FunctionName="f",
        Runtime="python3.11",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": code},
        MemorySize=256,
        Timeout=10,
        Environment={"Variables": {"GREETING": "Hello"}},
    )
    lam.invoke(FunctionName="f", Payload=b'{"name": "Ada"}')
    return time.perf_counter() - started


def deploy_and_invoke(endpoint: str, lab, files, config) -> float:
    aws = AccountAws(endpoint=endpoint, account_id=new_account_id())
    started = time.perf_counter()
    deployment = deploy(aws=aws, spec=lab, files=files, config=lab.config | config)
    context = LabContext(
        aws=aws, resources=deployment.resources, function_name=deployment.function_name, events=lab.events
    )
    result = context.invoke(context.event("hello"))
    assert result.status == "ok" and result.response["message"] == "Hello, Ada!", result
    return time.perf_counter() - started


def grade(endpoint: str, lab, files, config) -> float:
    started = time.perf_counter()
    run = grade_lab(lab=lab, files=files, config=config, endpoint=endpoint)
    assert run.report.score == lab.points, run.to_dict(lab)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    lab = lab_source(ROOT, "hello-lambda")
    files, config = files_in(lab.solution_dir)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", files["handler.py"])
    backend = LabBackend(sandbox=Sandbox(SandboxLimits(max_environments=8))).start()
    try:
        endpoint = backend.endpoint
        grade(endpoint, lab, files, config)  # warm-up: imports, first sandbox
        times = {"baseline": [], "deploy+invoke": [], "grade": []}
        for _ in range(args.runs):  # interleaved, so drift on a shared machine hits all three
            times["baseline"].append(baseline(endpoint, archive.getvalue()))
            times["deploy+invoke"].append(deploy_and_invoke(endpoint, lab, files, config))
            times["grade"].append(grade(endpoint, lab, files, config))
    finally:
        backend.stop()
        backend.sandbox.shutdown()
    base = statistics.median(times["baseline"])
    print(f"lab 1 (hello-lambda), {args.runs} runs each, medians, fresh account per run:")
    rows = {name: statistics.median(values) for name, values in times.items()}
    for name, value in rows.items():
        print(f"  {name:<14} {value * 1000:8.1f} ms   {value / base:5.2f}x baseline")
    print(json.dumps({name: round(value * 1000, 1) for name, value in rows.items()}))


if __name__ == "__main__":
    main()
