"""Every calculator by service name: its estimate function and its input Fields."""

from . import apigateway, dynamodb, lambda_, messaging, stepfunctions, storage
from .core import Estimate, PricingInputError

SERVICES = {
    "lambda": (lambda_.lambda_estimate, lambda_.FIELDS),
    "apigateway": (apigateway.apigateway_estimate, apigateway.FIELDS),
    "dynamodb": (dynamodb.dynamodb_estimate, dynamodb.FIELDS),
    "sqs": (messaging.sqs_estimate, messaging.SQS_FIELDS),
    "sns": (messaging.sns_estimate, messaging.SNS_FIELDS),
    "stepfunctions": (stepfunctions.stepfunctions_estimate, stepfunctions.FIELDS),
    "s3": (storage.s3_estimate, storage.S3_FIELDS),
    "logs": (storage.logs_estimate, storage.LOGS_FIELDS),
}


def estimate(service: str, values: dict) -> Estimate:
    if service not in SERVICES:
        raise PricingInputError(
            "service",
            f"unknown service {str(service)[:30]!r} (known: {', '.join(sorted(SERVICES))})",
        )
    function, _fields = SERVICES[service]
    return function(values)
