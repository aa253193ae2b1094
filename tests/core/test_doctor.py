import json

import pytest
from django.core.management import call_command

from courseware.course.services import content_sync
from courseware.labrunner.emulator.backend import free_port


@pytest.fixture
def deployment(settings, lab_backend, db):
    """A deployment with every service up and the real content synced."""
    settings.LABS_ENDPOINT = lab_backend.endpoint
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    content_sync()
    return settings


def doctor(capsys, *args) -> tuple[int, dict[str, dict]]:
    code = 0
    try:
        call_command("doctor", "--json", *args)
    except SystemExit as exit:
        code = exit.code
    checks = json.loads(capsys.readouterr().out)
    return code, {check["name"]: check for check in checks}


def test_a_healthy_deployment_passes_with_the_sandbox_self_check(deployment, capsys):
    code, checks = doctor(capsys)
    assert code == 0, [c for c in checks.values() if c["status"] == "error"]
    assert checks["migrations"]["status"] == "ok"
    assert checks["content"]["status"] == "ok"
    assert checks["lab_backend"]["status"] == "ok"
    sandbox = [c for name, c in checks.items() if name.startswith("sandbox: ")]
    assert len(sandbox) >= 8 and all(c["status"] == "ok" for c in sandbox)
    assert any("network" in name for name in checks)


def test_content_changed_on_disk_says_to_sync(deployment, capsys, tmp_path):
    from courseware.catalog.models import Lesson

    Lesson.objects.filter(slug="lambda-limits").update(content_hash="stale")
    code, checks = doctor(capsys, "--no-sandbox")
    assert checks["content"]["status"] == "warning"
    assert "lambda-limits" in checks["content"]["summary"]
    assert "content sync" in checks["content"]["fix"]


def test_an_empty_index_and_a_missing_backend_fail_with_fixes(settings, db, capsys):
    settings.LABS_ENDPOINT = f"http://127.0.0.1:{free_port()}"
    code, checks = doctor(capsys, "--no-sandbox")
    assert code == 1
    assert checks["content"]["status"] == "error"
    assert checks["lab_backend"]["status"] == "error"
    assert "labs_backend" in checks["lab_backend"]["fix"]


def test_hashed_static_files_need_collectstatic(deployment, capsys, tmp_path):
    deployment.STORAGES = {
        **deployment.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    deployment.STATIC_ROOT = tmp_path / "static"
    code, checks = doctor(capsys, "--no-sandbox")
    assert code == 1
    assert checks["static files"]["status"] == "error"
    assert "collectstatic" in checks["static files"]["fix"]


def test_the_text_report_names_each_problem_and_its_fix(settings, db, capsys):
    settings.LABS_ENDPOINT = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(SystemExit):
        call_command("doctor", "--no-sandbox")
    out = capsys.readouterr().out
    assert "FAIL  lab_backend: moto unreachable" in out
    assert "      fix: labs cannot deploy or run" in out
    assert out.rstrip().endswith("warnings.")


def test_the_doctor_lists_each_lab_node_with_its_heartbeat_age(deployment, capsys):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import LabNodeFactory

    LabNodeFactory(name="n1")
    LabNodeFactory(name="n2", heartbeat_at=timezone.now() - timedelta(minutes=2))
    try:
        call_command("doctor", "--no-sandbox")
    except SystemExit:
        pass
    out = capsys.readouterr().out
    assert "warn  lab_nodes: 1 of 2 nodes live; lost: n2" in out
    assert "fix: their workspaces move on their next step" in out
    assert "      n1: state=active workspaces=0 active_runs=0 heartbeat_age_s=" in out
    assert "heartbeat_age_s=12" in out.split("      n2:")[1]
