"""AWS errors in the shape each service speaks, so an SDK raises the error AWS would.

The body and headers come from moto's own response serializers, driven by botocore's model of
the service (JSON, REST-JSON, query XML or S3's REST-XML), so `botocore` parses them exactly as it
parses AWS's answers: `ClientError` with the code and message, and retries on throttling.
"""

import functools
import json
import uuid
import warnings

from moto.core.exceptions import ServiceException
from moto.core.serialize import SERIALIZERS, get_serializer_class
from moto.core.utils import get_service_model
from werkzeug.exceptions import HTTPException

# Names a request's SigV4 scope uses that are not the botocore service's name.
SIGNING_TO_SERVICE = {
    "states": "stepfunctions",
    "monitoring": "cloudwatch",
    "execute-api": "apigatewaymanagementapi",
    "eventbridge": "events",
}
THROTTLE_CODES = (
    "TooManyRequestsException",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "Throttling",
)


class _Error(ServiceException):
    def __init__(self, code: str, message: str):
        super().__init__(code, message)


@functools.cache
def _model(service: str):
    try:
        return get_service_model(service)  # botocore's model, in moto's wrapper
    except Exception:  # not a service botocore knows: answer as a JSON service would
        return None


def protocol(service: str) -> str:
    model = _model(service)
    if model is None:
        return "json"
    for candidate in (model.protocol, *model.metadata.get("protocols", [])):
        if candidate in SERIALIZERS:
            return candidate
    return "json"


def render(service: str, code: str, message: str, status: int) -> tuple[int, list, bytes]:
    """(status, headers, body) of an AWS error of `service` (a botocore name or signing name)."""
    service = SIGNING_TO_SERVICE.get(service, service)
    model = _model(service)
    if model is None:
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)], body
    operation = model.operation_model(model.operation_names[0])  # errors do not vary by operation
    with warnings.catch_warnings():  # moto warns about codes its model lacks; ours are deliberate
        warnings.simplefilter("ignore")
        serializer = get_serializer_class(service, protocol(service))(operation)
        response = serializer.serialize(_Error(code, message))
    request_id = str(uuid.uuid4())
    body = response["body"]
    body = (body.encode() if isinstance(body, str) else body).replace(b"request-id", request_id.encode())
    headers = [(k, str(v)) for k, v in response["headers"].items()]
    headers.append(("x-amzn-RequestId", request_id))
    return status, headers, body


def throttle_code(service: str) -> tuple[str, int]:
    """The code and status this service throttles with, from its own model; S3 says SlowDown."""
    service = SIGNING_TO_SERVICE.get(service, service)
    if service == "s3":
        return "SlowDown", 503
    model = _model(service)
    shapes = {shape.name: shape for shape in (model.error_shapes if model else [])}
    for name in THROTTLE_CODES:
        if name in shapes:
            error = shapes[name].metadata.get("error", {})
            return error.get("code", name), int(error.get("httpStatusCode") or 400)
    return "ThrottlingException", 400


def access_denied_code(service: str) -> str:
    service = SIGNING_TO_SERVICE.get(service, service)
    if protocol(service) in ("query", "rest-xml"):
        return "AuthorizationError" if service == "sns" else "AccessDenied"
    return "AccessDeniedException"


class AwsError(HTTPException):
    """Raised anywhere in a request (also deep inside moto): answers as the service would."""

    def __init__(self, service: str, code: str, message: str, status: int = 400):
        self.service, self.error_code, self.message = service, code, message
        self.code, self._headers, self._body = render(service, code, message, status)
        # moto's dispatcher answers an HTTPException with its description as the body
        super().__init__(description=self._body.decode())

    def get_body(self, environ=None, scope=None) -> str:
        return self._body.decode()

    def get_headers(self, environ=None, scope=None) -> list:
        return list(self._headers)

    def __str__(self) -> str:
        return f"{self.error_code}: {self.message}"
