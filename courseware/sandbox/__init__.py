"""Run learners' Lambda handlers safely, faithfully and fast. No Django imports.

    sandbox = Sandbox(limits=SandboxLimits(max_environments=10))
    result = sandbox.invoke(FunctionConfig(name="hello", handler="handler.handler", code=Path("src")), {"x": 1})

Containment is bubblewrap plus cgroups (where the host allows them); `Sandbox.self_check()` proves
it at startup and names what is missing. Without bwrap the sandbox refuses to run unless the
caller passes `unsafe=True` (or LABS_SANDBOX_UNSAFE=1), which logs a loud warning on every run.
"""

from .config import FunctionConfig, InvocationResult, SandboxLimits
from .executor import Sandbox, SandboxUnavailable
from .images import Images, RuntimeUnavailable
from .selfcheck import SelfCheck

__all__ = [
    "FunctionConfig",
    "Images",
    "InvocationResult",
    "RuntimeUnavailable",
    "Sandbox",
    "SandboxLimits",
    "SandboxUnavailable",
    "SelfCheck",
]
