"""Lambda tasks of a state machine: run in the sandbox, in the state machine's account, failing
with the error names Step Functions reports, so that Retry and Catch match as they do on AWS.

Both forms of a Lambda task (`arn:aws:states:::lambda:invoke`, with or without
`.waitForTaskToken`, and a function ARN as `Resource`) reach moto's engine through one function,
`lambda_eval_utils.execute_lambda_function_integration`. Here it calls Lambda's Invoke through the
lab backend's own front door, pinned to the execution's account, exactly as an SDK call: the
function runs in the sandbox (`LabBackend.execute`), receives the Payload as its event, and
another account's function is refused by the tenancy fence (Lambda's AccessDeniedException).

The error names (AWS's "Handling errors" pages): a function error is named by the function's own
`errorType` (`Lambda.Unknown` when the payload has none); an error of Lambda's Invoke API is
`Lambda.<code>` for the errors Invoke declares (`Lambda.TooManyRequestsException`,
`Lambda.ResourceNotFoundException`, `Lambda.ServiceException`, ...), `Lambda.AWSLambdaException`
for any other (AccessDeniedException among them), `Lambda.ServiceException` for a 5xx, and
`Lambda.SdkClientException` when Lambda could not be reached.
"""

import functools
import json
import re
import threading
import uuid

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from moto.stepfunctions.parser.api import (
    HistoryEventType,
    LambdaFunctionFailedEventDetails,
    TaskFailedEventDetails,
)
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_lambda import (
    StateTaskServiceLambda,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

from ...client.aws import ACCOUNT_HEADER

LAMBDA_TIMEOUT_S = 960  # Lambda's longest function timeout (900 s) and some
OWNER = re.compile(r"^(?:arn:[^:]+:lambda:[^:]*:)?(\d{12}):function:")
HEADER_CASE = {  # as AWS's Java SDK reports them in SdkHttpMetadata
    "connection": "Connection",
    "content-length": "Content-Length",
    "content-type": "Content-Type",
    "date": "Date",
    "x-amz-executed-version": "X-Amz-Executed-Version",
    "x-amzn-requestid": "x-amzn-RequestId",
    "x-amzn-trace-id": "X-Amzn-Trace-Id",
}
CLIENT_CONFIG = Config(
    retries={"total_max_attempts": 1},
    read_timeout=LAMBDA_TIMEOUT_S,
    connect_timeout=10,
    max_pool_connections=50,  # an inline Map calls up to 40 functions at once
    inject_host_prefix=False,  # before an address, a host prefix resolves nowhere
)
MAX_CLIENTS = 256
_session = boto3.session.Session()
_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()
_endpoint: list[str] = []  # the lab backend serving the executions (the latest started)


class LambdaTaskError(Exception):
    """A Lambda task's failure, with the name Step Functions gives it."""

    def __init__(self, error: str, cause: str):
        super().__init__(error)
        self.error, self.cause = error, cause


@functools.cache
def invoke_errors() -> frozenset[str]:
    """The errors Lambda's Invoke declares (botocore's model of the API, as AWS's SDKs have it)."""
    model = botocore.session.get_session().get_service_model("lambda")
    return frozenset(shape.name for shape in model.operation_model("Invoke").error_shapes)


def client_for(account_id: str, service: str, region: str = "us-east-1"):
    """A client of the lab backend pinned to one account, with no retries of its own: Step
    Functions reports a throttle or a failure to the state machine, whose Retry decides."""
    key = (account_id, service, region)
    with _clients_lock:  # boto3's session is not safe to make clients from in parallel (Map, Parallel)
        client = _clients.get(key)
        if client is None:
            if not _endpoint:
                raise RuntimeError("Step Functions runs only inside a started lab backend.")
            if len(_clients) >= MAX_CLIENTS:
                _clients.clear()
            client = _session.client(
                service,
                endpoint_url=_endpoint[-1],
                region_name=region,
                aws_access_key_id="states",
                aws_secret_access_key="states",
                config=CLIENT_CONFIG,
            )
            client.meta.events.register("before-send", lambda request, **kwargs: _pin(request, account_id))
            _clients[key] = client
        return client


def _pin(request, account_id: str) -> None:
    request.headers[ACCOUNT_HEADER] = account_id


def error_name(error: ClientError) -> str:
    code = error.response.get("Error", {}).get("Code", "")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500)
    if code in invoke_errors():
        return f"Lambda.{code}"
    return "Lambda.ServiceException" if status >= 500 else "Lambda.AWSLambdaException"


def _client_error_cause(error: ClientError) -> str:
    meta = error.response.get("ResponseMetadata", {})
    details = "; ".join(
        [
            "Service: AWSLambda",
            f"Status Code: {meta.get('HTTPStatusCode')}",
            f"Error Code: {error.response['Error'].get('Code')}",
            f"Request ID: {meta.get('RequestId')}",
            "Proxy: null",
        ]
    )
    return f"{error.response['Error'].get('Message')} ({details})"


def function_error(payload: str) -> LambdaTaskError:
    try:
        error = json.loads(payload).get("errorType")
    except (ValueError, AttributeError):
        error = None
    if not error:
        return LambdaTaskError(
            "Lambda.Unknown",
            "The cause could not be determined because Lambda did not return an error type. "
            f"Returned payload: {payload}",
        )
    return LambdaTaskError(error, payload)


def owner(function_name: str) -> str | None:
    """The account a FunctionName names (a full or partial ARN), if any."""
    match = OWNER.match(str(function_name))
    return match.group(1) if match else None


def refuse_other_account(details, function_name: str) -> None:
    """moto's Lambda would look the name up in the caller's account; AWS checks the function's
    resource policy, which in the labs never grants another account, so it refuses."""
    account = owner(function_name)
    if account is None or account == details.account:
        return
    role = str(details.role_arn).rsplit("/", 1)[-1] or "states"
    raise LambdaTaskError(
        "Lambda.AWSLambdaException",
        f"User: arn:aws:sts::{details.account}:assumed-role/{role}/{uuid.uuid4().hex} is not authorized to "
        f"perform: lambda:InvokeFunction on resource: {function_name} because no resource-based policy allows "
        "the lambda:InvokeFunction action (Service: AWSLambda; Status Code: 403; Error Code: "
        f"AccessDeniedException; Request ID: {uuid.uuid4()}; Proxy: null)",
    )


def execute(env, parameters: dict, region: str, state_credentials) -> None:
    """`lambda_eval_utils.execute_lambda_function_integration`, in the execution's account."""
    if env.is_mocked_mode():
        return _original[0](env=env, parameters=parameters, region=region, state_credentials=state_credentials)
    refuse_other_account(env.aws_execution_details, parameters.get("FunctionName", ""))
    client = client_for(env.aws_execution_details.account, "lambda", region)
    try:
        response = client.invoke(**parameters)
    except ClientError as error:
        raise LambdaTaskError(error_name(error), _client_error_cause(error)) from error
    except BotoCoreError as error:
        raise LambdaTaskError("Lambda.SdkClientException", f"Unable to execute HTTP request: {error}") from error
    body = response["Payload"].read().decode("utf-8", "replace")
    if response.get("FunctionError"):
        raise function_error(body)
    try:
        payload = json.loads(body)
    except ValueError:
        payload = body
    env.stack.append(invoke_output(response, payload))


def invoke_output(response: dict, payload) -> dict:
    """The task's result, as AWS's optimised integration returns Invoke's answer (its SDK's view of
    the HTTP response included), so `$.Payload`, `$.StatusCode` and `$.SdkHttpMetadata` resolve."""
    meta = response.get("ResponseMetadata") or {}
    headers = {
        HEADER_CASE.get(name, name): value
        for name, value in (meta.get("HTTPHeaders") or {}).items()
        if not name.startswith("x-courseware") and name != "server"
    }
    headers.setdefault("X-Amz-Executed-Version", response.get("ExecutedVersion") or "$LATEST")
    return {
        "ExecutedVersion": response.get("ExecutedVersion") or "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {name: [value] for name, value in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": meta.get("HTTPStatusCode", response.get("StatusCode")),
        },
        "SdkResponseMetadata": {"RequestId": meta.get("RequestId", "")},
        "StatusCode": response.get("StatusCode", 200),
    }


def _failure(env, error: LambdaTaskError, event_type, details_key: str, details) -> FailureEvent:
    return FailureEvent(
        env=env,
        error_name=CustomErrorName(error.error),
        event_type=event_type,
        event_details=EventDetails(**{details_key: details}),
    )


def _service_from_error(original):
    def from_error(self, env, ex):
        if isinstance(ex, LambdaTaskError):
            details = TaskFailedEventDetails(
                error=ex.error,
                cause=ex.cause,
                resource=self._get_sfn_resource(),
                resourceType=self._get_sfn_resource_type(),
            )
            return _failure(env, ex, HistoryEventType.TaskFailed, "taskFailedEventDetails", details)
        return original(self, env, ex)

    return from_error


def _function_from_error(original):
    def from_error(self, env, ex):
        if isinstance(ex, LambdaTaskError):
            details = LambdaFunctionFailedEventDetails(error=ex.error, cause=ex.cause)
            return _failure(env, ex, HistoryEventType.LambdaFunctionFailed, "lambdaFunctionFailedEventDetails", details)
        return original(self, env, ex)

    return from_error


_original: list = []


def install(endpoint: str) -> None:
    _endpoint.append(endpoint)
    _clients.clear()
    if _original:
        return
    _original.append(lambda_eval_utils.execute_lambda_function_integration)
    lambda_eval_utils.execute_lambda_function_integration = execute
    StateTaskServiceLambda._from_error = _service_from_error(StateTaskServiceLambda._from_error)
    StateTaskLambda._from_error = _function_from_error(StateTaskLambda._from_error)


def uninstall(endpoint: str) -> None:
    if endpoint in _endpoint:
        _endpoint.remove(endpoint)
    _clients.clear()
