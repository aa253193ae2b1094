"""Which AWS service a request is for, decided as moto's own dispatcher decides it.

moto's server picks a service from the request's SigV4 credential scope (`Credential=AKID/DATE/
REGION/SERVICE/aws4_request`), and for the few calls AWS accepts unsigned, from the `X-Amz-Target`
header, the form's `Action` or the Cognito key-set path. But before any of that it sends every
path under `/moto-api/` to its control plane (reset, configuration, recorder, seeding, state
transitions), `/latest/meta-data/` to an instance metadata service, `/{service}_{region}/...` to
itself, and anything it cannot place to S3. Those are moto's, not AWS's, so the lab backend does
not use its dispatcher's choice: it classifies the request the same way, then hands it to that one
service's application, whose routes are only that service's API. A path such as
`/moto-api/reset`, signed for S3, reaches S3 (which answers NoSuchBucket, as AWS would).

Only the services the labs teach are offered; a call to any other is refused in that service's
own error shape, saying which are offered.
"""

import threading
from dataclasses import dataclass
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import (
    UNSIGNED_ACTIONS,
    UNSIGNED_REQUESTS,
    DomainDispatcherApplication,
    create_backend_app,
)

# SigV4 signing names of the services a lab may call (the platform deploys with the same set).
LAB_SERVICES = frozenset(
    {
        "lambda",
        "s3",
        "sqs",
        "sns",
        "dynamodb",
        "logs",
        "monitoring",
        "events",
        "scheduler",
        "states",
        "sts",
        "iam",
        "cognito-idp",
        "cognito-identity",
        "apigateway",
        "cloudformation",
        "ssm",
        "secretsmanager",
        "kms",
        "xray",
        "kinesis",
    }
)
CONTROL_PREFIXES = ("/moto-api", "/favicon.ico", "/latest/meta-data", "/latest/api")
JWKS_SUFFIXES = ("/.well-known/jwks.json", "/.well-known/openid-configuration")


@dataclass(frozen=True)
class Target:
    kind: str  # service | unsigned | not-offered
    service: str = ""  # the SigV4 signing name (also names the error shape)
    backend: str = ""  # moto's backend, whose application serves the request


def credential_scope(environ) -> list[str] | None:
    """[access key, date, region, service, terminator] from the signature, header or query."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if auth.startswith("AWS4-HMAC-SHA256 "):
        for part in auth[len("AWS4-HMAC-SHA256 ") :].split(","):
            name, _, value = part.strip().partition("=")
            if name == "Credential":
                return value.split("/")
        return None
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if query.get("X-Amz-Algorithm") == ["AWS4-HMAC-SHA256"] and query.get("X-Amz-Credential"):
        return query["X-Amz-Credential"][0].split("/")  # a presigned URL
    return None


class Router:
    def __init__(self):
        self.dispatcher = DomainDispatcherApplication(create_backend_app)
        self._lock = threading.Lock()
        self.backends = {}  # signing name -> moto backend, for the calls AWS serves unsigned
        self._hosts: dict[str, str | None] = {}  # moto's inferred host -> its backend

    def warm(self) -> None:
        """Build every offered service's application now, outside any account's request (moto
        builds them from its default account's state, which requests may not touch)."""
        for service in sorted(LAB_SERVICES):
            environ = {
                "HTTP_AUTHORIZATION": _authorization(service, "us-east-1"),
                "PATH_INFO": "/",
                "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.ListTables",
            }
            backend = self._backend(environ, "/")
            if backend:
                self.app(backend)
        self.app("dynamodbstreams")

    def classify(self, environ) -> Target:
        path = environ.get("PATH_INFO", "")
        scope = credential_scope(environ)
        if scope is not None:
            if len(scope) != 5 or scope[4] != "aws4_request":
                return Target("unsigned")
            service = scope[3].lower()
            if service not in LAB_SERVICES or (service == "dynamodb" and not _target(environ)):
                return Target("not-offered", service)
            probe = dict(environ, HTTP_AUTHORIZATION=_authorization(service, scope[2]))
            backend = self._backend(probe, path)
            return Target("service", service, backend) if backend else Target("not-offered", service)
        # The calls AWS serves unsigned: Cognito's sign-in/sign-up, STS's web identity and SAML
        # exchanges, and a user pool's public keys.
        target = _target(environ)
        if target and target.split(".", 1)[0] in UNSIGNED_REQUESTS:
            service = UNSIGNED_REQUESTS[target.split(".", 1)[0]][0]
            return Target("service", service, self._unsigned_backend(service))
        if environ.get("REQUEST_METHOD") == "POST":
            action = _form_action(environ)
            if action in UNSIGNED_ACTIONS:
                return Target("service", "sts", self._unsigned_backend("sts"))
        if environ.get("REQUEST_METHOD") == "GET" and path.rstrip("/").endswith(JWKS_SUFFIXES):
            return Target("service", "cognito-idp", self._unsigned_backend("cognito-idp"))
        return Target("unsigned")

    def app(self, backend: str):
        with self._lock:
            app = self.dispatcher.app_instances.get(backend)
            if app is None:
                app = self.dispatcher.app_instances[backend] = self.dispatcher.create_app(backend)
            return app

    def _backend(self, environ, path: str) -> str | None:
        try:
            host = self.dispatcher.infer_service_region_host(environ, path)
        except (KeyError, IndexError, ValueError):  # e.g. DynamoDB without X-Amz-Target
            return None
        if not host:
            return None
        # moto lists its package's folders on disk for every lookup; a host's backend never
        # changes, so remember it (a few hosts per service and region).
        if host not in self._hosts:
            if len(self._hosts) > 4096:
                self._hosts.clear()
            self._hosts[host] = self.dispatcher.get_backend_for_host(host)
        return self._hosts[host]

    def _unsigned_backend(self, service: str) -> str:
        if service not in self.backends:
            environ = {"HTTP_AUTHORIZATION": _authorization(service, "us-east-1"), "PATH_INFO": "/"}
            self.backends[service] = self._backend(environ, "/")
        return self.backends[service]


def _authorization(service: str, region: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=courseware/20260101/{region}/{service}/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )


def _target(environ) -> str:
    return environ.get("HTTP_X_AMZ_TARGET", "")


def _form_action(environ) -> str | None:
    """The `Action` of a form-encoded body, read the way moto's dispatcher reads it (it puts
    the body back for the application)."""
    body = DomainDispatcherApplication._get_body(None, environ)
    return DomainDispatcherApplication.get_action_from_body(None, body)
