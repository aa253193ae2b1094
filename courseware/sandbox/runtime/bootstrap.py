"""The runtime's entry point inside the sandbox: set the scene as Lambda does, then hand over to
AWS's runtime interface client (`pipe_client`), which imports the handler and serves invocations.

Started as `python -S -u /var/runtime/bootstrap.py`: no site module (the interpreter's own
site-packages is not Lambda's), so the module search path is set here, in Lambda's order: the
function, its layers, the runtime's SDK, the runtime.
"""

import os
import sys


def main() -> None:
    search = os.environ.pop("_LAMBDA_SYS_PATH", "/var/task:/var/runtime").split(":")
    standard = [path for path in sys.path[1:] if path not in search and not path.endswith("/runtime")]
    sys.path[:] = search + standard
    if os.environ.get("_AWS_SOCKET"):
        from aws_forwarder import start  # only when the host provides an AWS socket

        start(os.environ.pop("_AWS_SOCKET"), int(os.environ.pop("_AWS_PORT")))
    from awslambdaric import bootstrap
    from pipe_client import PipeRuntimeClient

    client = PipeRuntimeClient(results_fd=int(os.environ.pop("_RESULT_FD", "3")))
    bootstrap.run(os.environ["_HANDLER"], client)


if __name__ == "__main__":
    main()
