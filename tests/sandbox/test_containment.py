"""Real attacks from learner code: each is contained, reported clearly, and leaves the host fine."""

import os

import pytest
from django.conf import settings

HOST_CANARY = "canary-9f3b1c-do-not-leak"


@pytest.fixture(autouse=True)
def host_secret(monkeypatch):
    # A secret in the server's environment that learner code must never see.
    monkeypatch.setenv("SECRET_KEY", HOST_CANARY)


def run(sandbox, function, body: str, **config):
    fn = function(
        "import os, socket, subprocess\n\ndef handler(event, context):\n"
        + "\n".join("    " + line for line in body.strip().splitlines())
        + "\n",
        **config,
    )
    result = sandbox.invoke(fn, {})
    assert result.status in {"ok", "error"}, result.to_dict()
    return result


@pytest.mark.parametrize(
    "path",
    [
        str(settings.BASE_DIR / "courseware" / "settings.py"),
        str(settings.BASE_DIR / "var" / "db.sqlite3"),
        str(settings.BASE_DIR / "var" / "test.sqlite3"),
        "/etc/passwd",
        "/etc/shadow",
        "/root/.bash_history",
        "/proc/1/root/etc/passwd",
    ],
)
def test_cannot_read_the_servers_files(sandbox, function, still_works, path):
    result = run(sandbox, function, f"return open({path!r}).read()[:100]")
    assert result.status == "error" and result.error["errorType"] in {
        "FileNotFoundError",
        "PermissionError",
    }, result.to_dict()
    still_works()


def test_cannot_see_another_functions_code(sandbox, function):
    other = function("SECRET_SOLUTION = 42\ndef handler(e, c):\n    return 1\n")
    assert sandbox.invoke(other, {}).status == "ok"
    probe = run(
        sandbox,
        function,
        f"return [os.path.exists({str(other.code)!r}), sorted(os.listdir('/var/task'))]",
    )
    assert probe.response == [False, ["handler.py"]]


def test_root_home_and_work_are_not_there(sandbox, function):
    result = run(
        sandbox,
        function,
        "return {p: os.path.exists(p) for p in ['/root', '/home', '/work', '/etc', '/var/lib/postgresql']}",
    )
    assert result.response == {
        "/root": False,
        "/home": False,
        "/work": False,
        "/etc": False,
        "/var/lib/postgresql": False,
    }


def test_no_host_environment_anywhere(sandbox, function):
    result = run(
        sandbox,
        function,
        "return [dict(os.environ), open('/proc/1/environ').read(), open('/proc/self/environ').read()]",
    )
    text = repr(result.response)
    assert HOST_CANARY not in text and "DATABASE_URL" not in text and "DJANGO" not in text
    keys = set(result.response[0])
    assert {"AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "_HANDLER", "LAMBDA_TASK_ROOT"} <= keys


def test_cannot_see_host_processes(sandbox, function):
    result = run(sandbox, function, "return sorted(int(p) for p in os.listdir('/proc') if p.isdigit())")
    assert max(result.response) < 10, "a private pid namespace shows only the sandbox's own processes"


@pytest.mark.parametrize("port", [5432, 6379, 8000, 5000, 4566, 22])
def test_cannot_reach_the_hosts_services(sandbox, function, port):
    body = f"""
s = socket.socket()
s.settimeout(1)
try:
    s.connect(('127.0.0.1', {port}))
    return 'connected'
except OSError as error:
    return type(error).__name__
"""
    result = run(sandbox, function, body)
    assert result.response in {"ConnectionRefusedError", "TimeoutError", "OSError"}, result.response


def test_only_its_own_loopback(sandbox, function):
    body = """
names = [name for _, name in socket.if_nameindex()]
routes = open('/proc/net/route').read().splitlines()[1:]
return [names, routes]
"""
    result = run(sandbox, function, body)
    assert result.response == [["lo"], []]


def test_runs_unprivileged_and_cannot_write_its_code(sandbox, function):
    body = """
caps = open('/proc/self/status').read().split('CapEff:')[1].split()[0]
try:
    open('/var/task/handler.py', 'a').write('# changed')
    wrote = True
except OSError:
    wrote = False
return [os.getuid(), caps, wrote]
"""
    result = run(sandbox, function, body)
    assert result.response == [993, "0000000000000000", False]


def test_a_subprocess_is_contained_too(sandbox, function):
    result = run(
        sandbox,
        function,
        "return subprocess.run(['/bin/cat', '/proc/1/environ'], capture_output=True).stdout.decode('utf-8', 'replace')",
    )
    assert HOST_CANARY not in result.response
    assert os.environ["SECRET_KEY"] == HOST_CANARY
