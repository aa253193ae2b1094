"""The runtime's entry point inside the sandbox: set the scene as Lambda does, then hand over to
AWS's runtime interface client (`pipe_client`), which imports the handler and serves invocations.

Started as `python -S -u /var/runtime/bootstrap.py`: no site module (the interpreter's own
site-packages is not Lambda's), so the module search path is set here, in Lambda's order: the
function, its layers, the runtime's SDK, the runtime.

A standby runtime (`_LAMBDA_STANDBY`, see the host's `standby` module) is started before its
function is known: it imports AWS's runtime client, says which modules that loaded, and waits for
its function's variables. From then on it goes exactly the way a fresh start goes.
"""

import os
import sys


def main() -> None:
    results_fd = int(os.environ.pop("_RESULT_FD", "3"))
    client = _wait_for_function(results_fd) if os.environ.pop("_LAMBDA_STANDBY", "") else None
    search = os.environ.pop("_LAMBDA_SYS_PATH", "/var/task:/var/runtime").split(":")
    standard = [path for path in sys.path[1:] if path not in search and not path.endswith("/runtime")]
    sys.path[:] = search + standard
    if os.environ.get("_AWS_SOCKET"):
        from aws_forwarder import start  # only when the host provides an AWS socket

        start(os.environ.pop("_AWS_SOCKET"), int(os.environ.pop("_AWS_PORT")))
    from awslambdaric import bootstrap
    from pipe_client import PipeRuntimeClient

    client = client or PipeRuntimeClient(results_fd=results_fd)
    bootstrap.run(os.environ["_HANDLER"], client)


def _wait_for_function(results_fd: int):
    # Imported before the function's folders are on the path: the host sends a function here only
    # if none of its top-level names is one of these modules (it would have shadowed it).
    from aws_forwarder import start  # noqa: F401
    from awslambdaric import bootstrap  # noqa: F401
    from pipe_client import PipeRuntimeClient

    client = PipeRuntimeClient(results_fd=results_fd)
    environment = client.wait_for_function(sorted({name.partition(".")[0] for name in sys.modules}))
    os.environ.clear()  # exactly the function's variables, as bwrap sets them on a fresh start
    os.environ.update(environment)
    return client


if __name__ == "__main__":
    main()
