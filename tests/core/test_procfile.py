import io
import os
import signal
import time

import pytest

from courseware.core.procfile import ProcessGroup, ProcfileError, process_env, procfile_read
from courseware.settings import BASE_DIR


def test_the_projects_procfile_lists_the_scale_out_processes():
    names = [process.name for process in procfile_read(BASE_DIR / "Procfile")]
    assert names == ["release", "web", "worker", "labs"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("web: a\nnot a process line\n", "Procfile:2: expected 'name: command'"),
        ("web: a\n# comment\nweb: b\n", "Procfile:3: process type 'web' appears twice"),
    ],
)
def test_a_bad_procfile_names_the_line(tmp_path, text, message):
    (tmp_path / "Procfile").write_text(text)
    with pytest.raises(ProcfileError, match=message):
        procfile_read(tmp_path / "Procfile")


def test_when_one_process_exits_the_group_reports_it_and_stops_the_rest(tmp_path):
    out = io.StringIO()
    group = ProcessGroup(cwd=tmp_path, env=process_env(), out=out)
    group.start("long.1", "echo started; sleep 60")
    group.start("short.1", "echo bye; exit 3")
    started = time.monotonic()
    assert group.wait() == "short.1"
    group.stop(timeout=5)
    assert time.monotonic() - started < 10
    assert all(child.poll() is not None for _, child in group.children)
    text = out.getvalue()
    assert "long.1   | started" in text
    assert "short.1  | exited with status 3; stopping the others" in text


def test_a_lab_node_exiting_while_another_lives_stops_nothing(tmp_path):
    out = io.StringIO()
    group = ProcessGroup(cwd=tmp_path, env=process_env(), out=out)
    group.start("web.1", "sleep 60")
    group.start("labs.1", "sleep 60", survivable=True)
    group.start("labs.2", "sleep 60", survivable=True)
    first = group.children[1][1]
    os.killpg(first.pid, signal.SIGKILL)  # the first node dies
    first.wait()
    for _ in range(100):  # until the group has read its exit
        if "its workspaces move to labs.2" in out.getvalue():
            break
        time.sleep(0.05)
    assert "labs.1   | exited with status -9; its workspaces move to labs.2" in out.getvalue()
    assert not group.exited.is_set() and group.children[0][1].poll() is None
    os.killpg(group.children[2][1].pid, signal.SIGKILL)  # the last node: now everything stops
    assert group.wait() == "labs.2"
    group.stop(timeout=5)
    assert "labs.2   | exited with status -9; stopping the others" in out.getvalue()


def group_left(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_stop_waits_for_what_a_process_started_not_only_the_process(tmp_path):
    """As a gunicorn worker outlives its master by a moment: stopped means nothing is left."""
    group = ProcessGroup(cwd=tmp_path, env=process_env(), out=io.StringIO())
    group.start("web.1", "(trap '' TERM; sleep 1) & sleep 30")
    time.sleep(0.3)  # the background part is running and ignores SIGTERM
    pid = group.children[0][1].pid
    group.stop(timeout=10)
    assert not group_left(pid)


def test_stop_kills_what_ignores_sigterm_at_the_deadline(tmp_path):
    group = ProcessGroup(cwd=tmp_path, env=process_env(), out=io.StringIO())
    group.start("stubborn.1", "trap '' TERM; sleep 30 & wait; sleep 30")
    time.sleep(0.3)
    pid = group.children[0][1].pid
    started = time.monotonic()
    group.stop(timeout=1)
    assert not group_left(pid) and time.monotonic() - started < 5
