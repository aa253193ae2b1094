"""The editor holds a function folder: files and sub-folders added, renamed and deleted, a
requirements.txt among them, and what is deployed is the folder as it stands."""

import json

import pytest
from django.urls import reverse

from courseware.labrunner import services
from courseware.labrunner.models import LabRun, LabWorkspace
from tests.lab_fixtures import HTMX, solution_post


def url(name, *args):
    return reverse(f"labrunner:{name}", args=["hello-lambda", *args])


@pytest.fixture
def workspace(student_client, student, labs):
    student_client.get(url("lab"))
    return LabWorkspace.objects.get(user=student)


def change(workspace, action, path, new_path=""):
    return services.lab_file_change(workspace=workspace, action=action, path=path, new_path=new_path)


def test_files_and_folders_are_added_renamed_and_deleted(workspace):
    workspace = change(workspace, "create", "src/app.py")
    workspace = change(workspace, "create", "src/util/text.py")
    workspace = change(workspace, "rename", "src", "lib")  # a folder moves with its files
    assert {"lib/app.py", "lib/util/text.py", "handler.py"} <= set(workspace.files)
    assert not any(name.startswith("src/") for name in workspace.files)
    workspace = change(workspace, "rename", "lib/app.py", "lib/main.py")
    workspace = change(workspace, "delete", "lib/main.py")
    assert "lib/main.py" not in workspace.files and "lib/util/text.py" in workspace.files


@pytest.mark.parametrize(
    ("action", "path", "new_path", "words"),
    [
        ("create", "../escape.py", "", "'..'"),
        ("create", "/etc/passwd", "", "not from /"),
        ("create", "my file.py", "", "letters, digits"),
        ("create", "handler.py", "", "already exists"),
        ("create", "handler.py/inner.py", "", "is a file"),
        ("create", "a/b/c/d/e/f/g.py", "", "at most 6 deep"),
        ("rename", "nothing.py", "x.py", "no file or folder"),
        ("delete", "nothing.py", "", "no file"),
        ("explode", "handler.py", "", "unknown file action"),
    ],
)
def test_a_bad_change_says_what_is_wrong_and_changes_nothing(workspace, action, path, new_path, words):
    before = dict(workspace.files)
    with pytest.raises(services.LabInputError, match=words):
        change(workspace, action, path, new_path)
    workspace.refresh_from_db()
    assert workspace.files == before


def test_the_folder_has_limits_and_a_function_keeps_a_file(workspace):
    for number in range(59):
        workspace = change(workspace, "create", f"many/f{number}.py")
    with pytest.raises(services.LabInputError, match="at most 60 files"):
        change(workspace, "create", "one-more.py")
    lonely = workspace
    lonely.files = {"handler.py": ""}
    lonely.save()
    with pytest.raises(services.LabInputError, match="at least one file"):
        change(lonely, "delete", "handler.py")


def test_the_editor_swaps_in_the_changed_folder(student_client, workspace):
    posted = solution_post() | {"create": "1", "new_file": "requirements.txt"}
    page = student_client.post(url("file"), posted, **HTMX)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="editor"' in html and 'name="file:requirements.txt"' in html
    assert 'aria-selected="true">requirements.txt<' in html  # the new file is open
    workspace.refresh_from_db()
    assert workspace.files["handler.py"] == solution_post()["file:handler.py"], "what was typed is saved first"
    refused = student_client.post(url("file"), {"create": "1", "new_file": "../x"}, **HTMX)
    assert refused.status_code == 422 and "&#x27;..&#x27;" in refused.content.decode()
    plain = student_client.post(url("file"), {"delete": "requirements.txt"})  # without JavaScript
    assert plain.status_code == 302
    workspace.refresh_from_db()
    assert "requirements.txt" not in workspace.files


def test_a_requirements_file_added_in_the_editor_is_installed_at_deploy(
    student_client, student, workspace, settings, tmp_path
):
    settings.LABS_DEPS_DIR = tmp_path / "deps"
    student_client.post(url("file"), {"create": "1", "new_file": "requirements.txt"}, **HTMX)
    code = (
        "from tabulate import tabulate\n\ndef handler(event, context):\n"
        "    return {'message': tabulate([[event.get('name', 'world')]])}\n"
    )
    posted = solution_post() | {"file:handler.py": code, "file:requirements.txt": "tabulate==0.9.0\n"}
    deployed = student_client.post(url("run_create", "deploy"), posted, **HTMX).content.decode()
    assert "Version 1 deployed" in deployed
    student_client.post(url("run_create", "invoke"), {"event": json.dumps({"name": "Ada"})}, **HTMX)
    run = LabRun.objects.filter(workspace__user=student, kind="invoke").first()
    assert run.result["status"] == "ok", run.result
    assert run.result["response"] == {"message": "---\nAda\n---"}
