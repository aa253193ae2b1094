"""Checks for Hello Lambda. Each gets `lab` (a LabContext bound to a fresh account)."""

from courseware.labrunner.grading import Fail, check


@check(
    points=1,
    hints=[
        "Memory and timeout are settings of the function, not lines of code. Where on this page "
        "do you change a function's settings, and what must you do after changing them?",
        "Set them in the **Settings** panel and deploy again: a setting only applies to the "
        "version you deploy. The lesson explains what memory buys you in [memory and "
        "CPU](lessons/lambda-limits#memory-and-cpu) and what the timeout limits in "
        "[timeout](lessons/lambda-limits#timeout).",
    ],
)
def function_is_configured(lab):
    """Memory is 256 MB and the timeout 10 s"""
    config = lab.configuration()
    if config["MemorySize"] != 256:
        raise Fail(f"Memory is {config['MemorySize']} MB; set it to 256 MB in Settings.")
    if config["Timeout"] != 10:
        raise Fail(f"Timeout is {config['Timeout']} s; set it to 10 s in Settings.")
    return "256 MB and 10 s."


@check(
    points=1,
    hints=[
        "The check reads the function's configuration, not your code. Configuration that is not "
        "code has its own place in the settings.",
        "Add one `NAME=value` line to **Environment variables** in Settings, then deploy. See "
        "[environment variables](lessons/lambda-anatomy#environment-variables).",
    ],
)
def greeting_comes_from_environment(lab):
    """GREETING is set in the environment"""
    variables = lab.configuration().get("Environment", {}).get("Variables", {})
    if variables.get("GREETING") != "Hello":
        raise Fail("Add the environment variable GREETING=Hello in Settings.")
    return "GREETING=Hello is set."


@check(
    points=2,
    hints=[
        "Invoke the saved event `hello` and compare the response with the message the check "
        "expects. Where does each part of the message come from?",
        "The name is in the event and the greeting word in an environment variable "
        "(`os.environ`). Read [the event object](lessons/lambda-anatomy#the-event-object).",
    ],
)
def greets_by_name(lab):
    """The handler greets the event's name"""
    result = lab.invoke(lab.event("hello"))
    if result.status != "ok":
        raise Fail(f"The invocation failed: {result.error.get('errorType')}: {result.error.get('errorMessage')}")
    if not isinstance(result.response, dict) or result.response.get("message") != "Hello, Ada!":
        raise Fail(f"Expected message 'Hello, Ada!' for the event hello; got {result.response!r}.")
    return "Hello, Ada!"


@check(
    points=2,
    hints=[
        "Everything the check asks for here is handed to your handler by Lambda in its second "
        "argument.",
        "Use the context object's attributes, and mind that one of them is a string on AWS. Read "
        "[the context object](lessons/lambda-anatomy#the-context-object).",
    ],
)
def reports_the_context(lab):
    """The response reports function name, memory and request id from the context"""
    result = lab.invoke({"name": "Grace"})
    body = result.response if isinstance(result.response, dict) else {}
    if body.get("function") != lab.function_name:
        raise Fail("'function' should be context.function_name.")
    if body.get("memory_mb") != 256:
        raise Fail("'memory_mb' should be int(context.memory_limit_in_mb), 256 once configured.")
    if not result.request_id or body.get("request_id") != result.request_id:
        raise Fail("'request_id' should be context.aws_request_id (compare with the REPORT line).")
    return "The context is read correctly."


@check(
    points=2,
    hints=[
        "Code at the top of `handler.py` runs once per execution environment; the handler runs on"
        " every invocation. How could the handler tell its first call from the next?",
        "A module-level variable set at import and changed inside the handler survives while the "
        "environment stays warm. Read [why globals "
        "survive](lessons/lambda-anatomy#why-globals-survive).",
    ],
)
def cold_then_warm(lab):
    """cold_start is true on a new environment and false when it is reused"""
    lab.client("lambda").update_function_configuration(
        FunctionName=lab.function_name, Description="regraded"
    )  # a configuration change: the next invocation gets a new environment
    first, second = lab.invoke({"name": "a"}), lab.invoke({"name": "b"})
    if first.init_duration_ms is None:
        raise Fail("The first invocation after a change should be a cold start.")
    if (first.response or {}).get("cold_start") is not True:
        raise Fail("cold_start should be true on the first invocation of an environment.")
    if (second.response or {}).get("cold_start") is not False:
        raise Fail("cold_start should be false when the environment is reused (use a module-level flag).")
    return "Cold, then warm: the module ran once."


@check(
    points=2, hidden=True,
    hints=[
        "Try an event that lacks the field your handler reads.",
        "Read the field with a default instead of indexing it. See [the event "
        "object](lessons/lambda-anatomy#the-event-object).",
    ],
)
def defaults_to_world(lab):
    result = lab.invoke(lab.event("empty"))
    if (result.response or {}).get("message") != "Hello, world!":
        raise Fail("An event without a name should be greeted as world.")
