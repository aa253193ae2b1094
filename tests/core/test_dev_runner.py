"""`make run`'s process: serves the site, re-syncs when a lesson changes, and Ctrl-C stops it all."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import ContentTree

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def wait_for(predicate, timeout=40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError("timed out")


def test_dev_server_serves_resyncs_on_change_and_stops_on_ctrl_c(tmp_path):
    tree = ContentTree(tmp_path / "content")
    tree.lesson("01-intro.md", slug="intro", order=1)
    env = {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        "CONTENT_DIR": str(tree.root),
        "DATABASE_URL": f"sqlite:///{tmp_path}/dev.sqlite3",
        "LABS_PORT": str(free_port()),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "dev", "--port", str(port), "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/lessons/intro/"
    try:
        assert "About intro." in wait_for(lambda: fetch(url))
        tree.lesson("01-intro.md", slug="intro", order=1, body="## Overview\n\nFreshly edited.\n")
        wait_for(lambda: "Freshly edited." in (fetch(url) or ""))
        tree.lesson("02-broken.md", slug="broken", order=2, module="nowhere")
        time.sleep(2)
        labs = f"http://127.0.0.1:{env['LABS_PORT']}/_courseware/health"
        assert wait_for(lambda: fetch(labs) is not None or None), "the lab backend answers"
        with sqlite3.connect(f"{tmp_path}/dev.sqlite3") as db:  # a fleet of one: the node beats
            assert db.execute("SELECT name, state FROM labrunner_labnode").fetchall() == [("dev", "active")]
        assert "Freshly edited." in fetch(url), "invalid content must not take the site down"
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "lessons/02-broken.md:4: unknown module 'nowhere'" in output
    assert "Stopped." in output
    assert "Lab backend (moto + sandbox) on http://127.0.0.1:" in output
    assert fetch(url) is None, "the web server must stop with the runner"
    assert fetch(f"http://127.0.0.1:{env['LABS_PORT']}/") is None, "and so must the lab backend"
