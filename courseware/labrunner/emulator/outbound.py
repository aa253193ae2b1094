"""The emulator sends nothing out of its process on a learner's behalf.

Some of moto's services make HTTP requests of their own: SNS posts to http(s) subscriptions,
EventBridge to API destinations, Firehose to HTTP endpoints. From inside the lab backend such a
request would come from the host, past the sandbox, to whatever address the learner named: the
emulator's own control plane, the site, the database. So:

- SNS refuses, at Subscribe, every protocol it cannot deliver here (only `sqs` and `lambda`
  deliver; http, https, email, sms and the rest would be accepted and never arrive), saying why;
- any HTTP request moto's modules make with `requests` fails: each moto module that imported
  `requests` gets a stand-in whose calls raise (the rest of the process, tests included, keeps
  the real library).
"""

import importlib
import sys
import types

import requests
from moto.sns.exceptions import SNSInvalidParameter
from moto.sns.models import SNSBackend

DELIVERED = ("sqs", "lambda")
# moto modules known to make requests of their own; imported so the sweep below finds them.
SENDERS = (
    "moto.sns.models",
    "moto.events.models",
    "moto.firehose.models",
    "moto.awslambda.models",
    "moto.apigateway.integration_parsers.aws_parser",
    "moto.apigateway.integration_parsers.http_parser",
    "moto.core.authorization",
)


class OutboundRefused(requests.exceptions.ConnectionError):
    pass


def _refuse(*args, **kwargs):
    url = kwargs.get("url") or next((a for a in args if isinstance(a, str) and "://" in a), "")
    raise OutboundRefused(f"The lab emulator makes no outbound requests ({url}).")


NO_REQUESTS = types.SimpleNamespace(
    **{name: _refuse for name in ("get", "post", "put", "patch", "delete", "head", "request")},
    Session=lambda *a, **k: types.SimpleNamespace(request=_refuse, get=_refuse, post=_refuse),
    exceptions=requests.exceptions,
)


def install() -> None:
    for name in SENDERS:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.") and getattr(module, "requests", None) is requests:
            module.requests = NO_REQUESTS
    original = SNSBackend.subscribe
    if getattr(original, "refuses_undeliverable", False):
        return

    def subscribe(self, topic_arn: str, endpoint: str, protocol: str):
        if protocol not in DELIVERED:
            raise SNSInvalidParameter(
                f"Invalid parameter: Protocol: the labs deliver SNS messages to sqs and lambda "
                f"endpoints only; {protocol} endpoints are outside the lab's emulated AWS."
            )
        return original(self, topic_arn, endpoint, protocol)

    subscribe.refuses_undeliverable = True
    SNSBackend.subscribe = subscribe
