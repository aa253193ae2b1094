"""The seam into moto's Lambda: where it would run a function (in Docker), the lab backend runs it.

moto (5.2.5, pinned) funnels every way a function is run into two methods of `LambdaFunction`:
`invoke` (the Invoke API) and `_invoke_lambda` (SNS subscriptions and the like). `install`
points both at a `LambdaInvoker` (`.invoker`), which runs the code in the sandbox. Event source
mappings (SQS, DynamoDB Streams, Kinesis) never come this way: `.pollers` turns moto's inline
delivery off and polls them as Lambda does. Any code or configuration update bumps a revision, so the next invoke gets a new
execution environment (a cold start), as on Lambda. `tests/labrunner/emulator/test_backend.py`
holds the seam to moto's version.
"""

import functools
import json

from moto.awslambda.models import LambdaFunction

_installed: list = []  # LambdaInvokers, the one in charge last


def current():
    """The invoker that runs functions now (None before any backend started)."""
    return _installed[-1] if _installed else None


def install(invoker) -> None:
    """Point moto's Lambda at `invoker`. moto's state is per process, so with several
    backends in one process (tests, `lab grade` beside a running one) the latest started runs
    the code, and stopping it hands back to the one before."""
    _installed.append(invoker)

    def invoke(self, body, request_headers, response_headers):
        return _installed[-1].invoke(self, body, request_headers, response_headers)

    def _invoke_lambda(self, event=None):  # SNS subscriptions call this path
        result = _installed[-1].backend.execute(self, event)
        payload = result.response if result.status == "ok" else result.error
        return json.dumps(payload), result.status != "ok", result.logs

    LambdaFunction.invoke = invoke
    for name in ("update_configuration", "update_function_code"):
        _bump_revision_on(name)
    LambdaFunction._invoke_lambda = _invoke_lambda


def uninstall(invoker) -> None:
    if invoker in _installed:
        _installed.remove(invoker)


def _bump_revision_on(name: str) -> None:
    """Any update means new execution environments, as on Lambda (moto keeps no such counter)."""
    original = getattr(LambdaFunction, name)
    if getattr(original, "bumps_revision", False):
        return

    @functools.wraps(original)
    def updated(self, *args, **kwargs):
        self.revision = getattr(self, "revision", 0) + 1
        return original(self, *args, **kwargs)

    updated.bumps_revision = True
    setattr(LambdaFunction, name, updated)
