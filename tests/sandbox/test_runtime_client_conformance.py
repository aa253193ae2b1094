"""The runtime interface client's own handler cases, run through our sandbox, give what the client
itself gives.

The oracle is AWS's client run directly, outside any sandbox: the same image's interpreter and
awslambdaric call `_get_handler` and `handle_event_request` with a client that records what
would be posted to the Runtime API (the cases of awslambdaric's tests/test_bootstrap.py: the
happy path, bad client context and identity, an unreadable event, an unmarshallable response,
custom and empty exceptions, import and syntax errors, a missing or malformed handler, a
built-in module's name, a handler in a folder, binary responses, Decimal). Each case then runs
in the sandbox, and the payload or error must be the same, field by field.
"""

import json
import subprocess
import textwrap

import pytest

from courseware.sandbox import Images

ORACLE = textwrap.dedent("""
    import json, os, sys, time
    from awslambdaric import bootstrap
    from awslambdaric.lambda_runtime_exception import FaultException

    class Recorder:
        marshaller = bootstrap.LambdaRuntimeClient.marshaller
        def post_invocation_result(self, invoke_id, result, content_type="application/json", invocation_id=None):
            self.posted = {"payload": (result if isinstance(result, bytes) else result.encode()).hex()}
        def post_invocation_error(self, invoke_id, error, xray_fault, invocation_id=None):
            self.posted = {"error": json.loads(error)}

    case = json.loads(sys.argv[1])
    sys.path.insert(0, case["task"])
    os.chdir(case["task"])
    try:
        handler = bootstrap._get_handler(case["handler"])
    except FaultException as fault:
        print(json.dumps({"error": bootstrap.make_error(fault.msg, fault.exception_type, fault.trace)}))
        sys.exit()
    except Exception:
        print(json.dumps({"error": bootstrap.build_fault_result(sys.exc_info(), None)}))
        sys.exit()
    client = Recorder()
    bootstrap.handle_event_request(client, handler, "req-1", case["event"].encode(), "application/json",
                                   case.get("client_context"), case.get("cognito_identity"),
                                   "arn:aws:lambda:us-east-1:123456789012:function:f", int(time.time() * 1000) + 3000,
                                   None, bootstrap.StandardLogSink())
    print(json.dumps(client.posted))
""")

CASES = {
    "happy": ("def handler(event, context):\n    return {'a': event['n'] + 1}\n", "handler.handler", {}),
    "decimal": ("from decimal import Decimal\ndef handler(e, c):\n    return [Decimal('1.10'), Decimal(2)]\n", "handler.handler", {}),
    "bad client context": ("def handler(e, c):\n    return 1\n", "handler.handler", {"client_context": "{not json"}),
    "bad identity": ("def handler(e, c):\n    return 1\n", "handler.handler", {"cognito_identity": "[oops"}),
    "unreadable event": ("def handler(e, c):\n    return e\n", "handler.handler", {"event": "{not json"}),
    "unmarshallable": ("def handler(e, c):\n    return {1, 2}\n", "handler.handler", {}),
    "custom error": ("class MyError(Exception): pass\ndef handler(e, c):\n    raise MyError('broken')\n", "handler.handler", {}),
    "empty error": ("class Quiet(Exception): pass\ndef handler(e, c):\n    raise Quiet()\n", "handler.handler", {}),
    "nested error": ("def inner():\n    return 1 / 0\ndef handler(e, c):\n    return inner()\n", "handler.handler", {}),
    "no module": ("def handler(e, c):\n    return 1\n", "nothere.handler", {}),
    "import fails": ("import not_installed\ndef handler(e, c):\n    return 1\n", "handler.handler", {}),
    "init raises": ("raise RuntimeError('at import')\ndef handler(e, c):\n    return 1\n", "handler.handler", {}),
    "syntax": ("def handler(e, c):\n    return (\n", "handler.handler", {}),
    "missing handler": ("def handler(e, c):\n    return 1\n", "handler.other", {}),
    "malformed name": ("def handler(e, c):\n    return 1\n", "handler", {}),
    "built-in name": ("def handler(e, c):\n    return 1\n", "sys.handler", {}),
    "handler in a folder": ("def handler(e, c):\n    return 'deep'\n", "sub/handler.handler", {"folder": "sub"}),
    "binary": ("def handler(e, c):\n    return b'\\x00\\xffbin'\n", "handler.handler", {}),
}  # fmt: skip


def write_case(root, code, options):
    folder = root / options.get("folder", "")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "handler.py").write_text(code)
    if options.get("folder"):
        (folder / "__init__.py").write_text("")


def oracle(image, task, handler, options) -> dict:
    case = {"task": str(task), "handler": handler, "event": options.get("event", '{"n": 1}')}
    case |= {key: options[key] for key in ("client_context", "cognito_identity") if key in options}
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{image.runtime_dir}:{image.sdk_dir}", "LANG": "C.UTF-8"}
    done = subprocess.run(
        [str(image.host_python), "-S", "-c", ORACLE, json.dumps(case)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def normalise(error: dict, task) -> dict:
    """The error, with the function's own frames (what sits above them is how each was started)."""
    frames = [frame.replace(str(task), "/var/task") for frame in error.get("stackTrace", [])]
    frames = [frame for frame in frames if '"/var/task/' in frame]
    return {"errorType": error["errorType"], "errorMessage": error["errorMessage"], "stackTrace": frames}


@pytest.mark.parametrize("name", list(CASES))
def test_the_runtime_clients_own_cases(sandbox, function, tmp_path, name):
    code, handler, options = CASES[name]
    image = Images().get("python3.11")
    write_case(tmp_path, code, options)
    expected = oracle(image, tmp_path, handler, options)
    fn = function(code, handler=handler)
    if options.get("folder"):
        write_case(fn.code, code, options)
    event = options.get("event", '{"n": 1}').encode()
    context = {key: options[key] for key in ("client_context", "cognito_identity") if key in options}
    result = sandbox.invoke(fn, event, context=context)
    if "payload" in expected:
        assert result.status == "ok", result.to_dict()
        assert result.payload == bytes.fromhex(expected["payload"])
    else:
        assert result.status == "error", result.to_dict()
        assert normalise(result.error, fn.code) == normalise(expected["error"], tmp_path)
        assert result.error.get("requestId") == (result.request_id if not result.init_failed else "")
