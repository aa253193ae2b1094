"""When the learner's function fails, the grader says so once, with its error, and does not judge
output that never existed: later checks that needed it are "not run", and the score stays honest.

These grade real labs' checks against the real lab backend, with handlers broken as a learner
breaks them."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from courseware.labrunner.grading.runner import files_in, grade_lab, lab_source

LABS = Path(settings.CONTENT_DIR) / "labs"

CRASHING_HELLO = """\
import os


def handler(event, context):
    greeting = os.environ["GREETING"]  # not set: KeyError on every invocation
    return {"message": f"{greeting}, {event.get('name') or 'world'}!"}
"""


def grade(slug: str, files: dict, config: dict, backend, **kwargs):
    lab = lab_source(settings.CONTENT_DIR, slug)
    run = grade_lab(lab=lab, files=files, config=config, endpoint=backend.endpoint, **kwargs)
    assert run.deploy_error is None, run.deploy_error
    return lab, run, {item.name: item for item in run.report.checks}


def test_a_crashing_handler_is_reported_once_and_later_checks_are_not_run(lab_backend):
    config = {"memory_mb": 256, "timeout_s": 10, "environment": {}}
    lab, run, checks = grade("hello-lambda", {"handler.py": CRASHING_HELLO}, config, lab_backend)
    assert checks["function_is_configured"].status == "passed"
    # No invocation in this one: an ordinary failure, judged as before.
    assert checks["greeting_comes_from_environment"].status == "failed"
    # The first check to see the crash says so, with the error.
    first = checks["greets_by_name"]
    assert first.status == "failed" and "KeyError: 'GREETING'" in first.message
    # The rest needed the function's output: not run, naming the error, not blaming correct code.
    for name in ("reports_the_context", "cold_then_warm"):
        assert checks[name].status == "not_run", checks[name]
        assert checks[name].message == "Not run: your function failed with KeyError: 'GREETING'."
        assert "context.function_name" not in checks[name].message
        assert checks[name].earned == 0 and not checks[name].passed
    hidden = run.report.checks[-1]
    assert hidden.title == "Hidden check" and hidden.status == "not_run"
    assert "GREETING" in hidden.message  # the error the learner has already been shown, nothing more
    assert run.report.function_error == "KeyError: 'GREETING'"
    assert run.report.score == 1 and run.report.total == lab.points  # honest: nothing counted twice


def test_a_check_that_expects_an_error_keeps_its_own_verdict(lab_backend):
    """invocation-models wants a ValueError for a bad order: a failing invocation there is the
    point of the check, and its message stands."""
    lab = lab_source(settings.CONTENT_DIR, "invocation-models")
    files, config = files_in(lab.solution_dir)
    files["template.yaml"] = files["template.yaml"].replace("MaximumRetryAttempts: 1", "MaximumRetryAttempts: 2")
    _, run, checks = grade("invocation-models", files, config, lab_backend)
    assert checks["invalid_order_is_a_function_error"].status == "passed"
    configured = checks["retries_and_destination_configured"]
    assert configured.status == "failed" and "MaximumRetryAttempts is 2" in configured.message
    assert all(item.status != "not_run" for item in run.report.checks)
    assert run.report.function_error is None


def test_behind_an_api_the_first_failure_names_the_error(lab_backend):
    lab = lab_source(settings.CONTENT_DIR, "http-api")
    files, config = files_in(lab.solution_dir)
    files["handler.py"] = files["handler.py"].replace(
        "def handler(event, context):", "def handler(event, context):\n    raise RuntimeError('database is down')", 1
    )
    assert "database is down" in files["handler.py"]
    _, run, _ = grade("http-api", files, config, lab_backend)
    failed = [item for item in run.report.checks if item.status == "failed"]
    not_run = [item for item in run.report.checks if item.status == "not_run"]
    assert failed and "RuntimeError: database is down" in failed[0].message
    assert len(not_run) >= 5
    assert all(item.message == "Not run: your function failed with RuntimeError: database is down." for item in not_run)
    assert run.report.function_error == "RuntimeError: database is down"


def test_lab_grade_json_keeps_its_fields_and_adds_the_new_ones(lab_backend):
    """What `lab grade --json` prints (GradeRun.to_dict): every field it had, plus the new ones."""
    config = {"memory_mb": 256, "timeout_s": 10}
    lab, run, _ = grade("hello-lambda", {"handler.py": CRASHING_HELLO}, config, lab_backend)
    data = json.loads(json.dumps(run.to_dict(lab)))
    assert {"lab", "account_id", "deployed", "deploy_error", "checks", "score", "total", "seconds"} <= set(data)
    assert data["function_error"] == "KeyError: 'GREETING'" and data["not_run"] == 3
    for item in data["checks"]:
        assert {"name", "title", "passed", "points", "earned", "message", "hidden", "status"} == set(item)
        assert item["passed"] is (item["status"] == "passed")


@pytest.mark.parametrize("slug", ["hello-lambda"])
def test_a_working_solution_has_nothing_not_run(slug, lab_backend):
    lab = lab_source(settings.CONTENT_DIR, slug)
    files, config = files_in(lab.solution_dir)
    _, run, _ = grade(slug, files, config, lab_backend)
    assert {item.status for item in run.report.checks} == {"passed"}
    assert run.report.function_error is None and run.report.score == lab.points
