"""CreateEventSourceMapping and UpdateEventSourceMapping as Lambda answers them.

moto stores a mapping with whatever it is given: a batch window that SQS would refuse, a filter
that is not a pattern, an on-failure destination on a queue, a starting position a DynamoDB
stream does not have. Here each is refused with Lambda's error and message, and what cannot be
emulated (ParallelizationFactor above 1, tumbling windows, metrics, provisioned pollers) is
refused naming it, rather than accepted and ignored.

A mapping also reports its `State` as Lambda does: `Creating` (or `Disabled`), `Updating`,
`Enabling` or `Disabling` until the poller takes the change in (`settle`), then `Enabled` or
`Disabled`; streams report their `LastProcessingResult`, and each kind its AWS defaults.
"""

import functools

import botocore.session
from moto.awslambda.exceptions import InvalidParameterValueException, LambdaClientError
from moto.awslambda.models import EventSourceMapping

from .filtering import InvalidPattern, parse_criteria

TRANSITIONAL = ("Creating", "Updating", "Enabling", "Disabling")
NOT_EMULATED = {
    "MetricsConfig": "event source mapping metrics",
    "ProvisionedPollerConfig": "provisioned pollers",
    "TumblingWindowInSeconds": "tumbling windows",
}
STREAM_ONLY = (
    "StartingPosition",
    "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError",
    "ParallelizationFactor",
)
NUMBERS = (
    "BatchSize",
    "MaximumBatchingWindowInSeconds",
    "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds",
    "ParallelizationFactor",
)
DEFAULT_BATCH = {"sqs": 10, "sqs-fifo": 10, "dynamodb": 100, "kinesis": 100}


class ValidationException(LambdaClientError):
    def __init__(self, message: str):
        super().__init__("ValidationException", message)


class ResourceConflict(LambdaClientError):
    code = 409

    def __init__(self, message: str):
        super().__init__("ResourceConflictException", message)


def kind_of(arn: str) -> str:
    """sqs, sqs-fifo, dynamodb or kinesis (anything else is refused before moto sees it)."""
    parts = arn.split(":") if isinstance(arn, str) else []
    service = parts[2] if len(parts) > 5 else ""
    if service == "sqs":
        return "sqs-fifo" if arn.endswith(".fifo") else "sqs"
    if service in ("dynamodb", "kinesis"):
        return service
    raise InvalidParameterValueException(
        f"The labs emulate event source mappings from SQS, DynamoDB Streams and Kinesis only; {arn} is none of them."
    )


def is_stream(arn: str) -> bool:
    return kind_of(arn) in ("dynamodb", "kinesis")


@functools.cache
def _range(name: str) -> tuple[int, int]:
    """(lowest, highest) of a setting, from botocore's model of the Lambda API (AWS's own data)."""
    shape = botocore.session.get_session().get_service_model("lambda").shape_for("CreateEventSourceMappingRequest")
    metadata = shape.members[name].metadata
    return metadata["min"], metadata["max"]


def _number(name: str, value) -> None:
    low, high = _range(name)
    field = name[0].lower() + name[1:]
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationException(f"1 validation error detected: Value '{value}' at '{field}' must be a number.")
    if value < low:
        bound = f"greater than or equal to {low}"
    elif value > high:
        bound = f"less than or equal to {high}"
    else:
        return
    raise ValidationException(
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must have value "
        f"{bound}"
    )


def validate(settings: dict) -> None:
    """Every rule Lambda applies to a mapping's settings (the whole of them, after an update)."""
    arn = settings["EventSourceArn"]
    kind = kind_of(arn)
    for name, text in NOT_EMULATED.items():
        if settings.get(name):
            raise InvalidParameterValueException(f"{name}: {text} are not emulated in the labs.")
    for name in NUMBERS:
        if settings.get(name) is not None:
            _number(name, settings[name])
    if (settings.get("ParallelizationFactor") or 1) > 1:
        raise InvalidParameterValueException("ParallelizationFactor above 1 is not emulated in the labs.")
    if kind.startswith("sqs"):
        _validate_queue(settings, kind)
    else:
        _validate_stream(settings, kind, arn)
    types = settings.get("FunctionResponseTypes") or []
    if any(value != "ReportBatchItemFailures" for value in types):
        raise ValidationException(
            f"1 validation error detected: Value '{types}' at 'functionResponseTypes' failed to satisfy constraint: "
            "Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]"
        )
    try:
        parse_criteria(settings.get("FilterCriteria"))
    except InvalidPattern as error:
        raise InvalidParameterValueException(str(error)) from error


def _validate_queue(settings: dict, kind: str) -> None:
    batch = settings.get("BatchSize") or DEFAULT_BATCH[kind]
    window = settings.get("MaximumBatchingWindowInSeconds") or 0
    if kind == "sqs-fifo" and batch > 10:
        raise InvalidParameterValueException("Batch size must not exceed 10 for FIFO queues")
    if batch > 10 and window == 0:
        raise InvalidParameterValueException(
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
        )
    if settings.get("DestinationConfig"):
        raise InvalidParameterValueException(
            "Unsupported DestinationConfig parameter for given event source mapping type."
        )
    for name in STREAM_ONLY:
        if settings.get(name) not in (None, False):
            raise InvalidParameterValueException(f"Unsupported {name} parameter for given event source mapping type.")


def _validate_stream(settings: dict, kind: str, arn: str) -> None:
    position = settings.get("StartingPosition")
    if not position:
        raise InvalidParameterValueException(
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
            "Member must not be null."
        )
    if position not in ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"):
        raise ValidationException(
            f"1 validation error detected: Value '{position}' at 'startingPosition' failed to satisfy constraint: "
            "Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]"
        )
    if position == "AT_TIMESTAMP" and kind == "dynamodb":
        raise InvalidParameterValueException(f"Unsupported starting position for arn type: {arn}")
    age = settings.get("MaximumRecordAgeInSeconds")
    if age is not None and age != -1 and age < 60:
        raise InvalidParameterValueException(
            "MaximumRecordAgeInSeconds must be -1 (infinite) or between 60 and 604800 seconds."
        )
    destinations = settings.get("DestinationConfig") or {}
    if "OnSuccess" in destinations:
        raise InvalidParameterValueException(
            "Unsupported DestinationConfig parameter for given event source mapping type."
        )
    target = (destinations.get("OnFailure") or {}).get("Destination")
    if target and (len(target.split(":")) < 6 or target.split(":")[2] not in ("sqs", "sns", "s3")):
        raise InvalidParameterValueException(
            f"The destination ARN {target} is invalid: a stream's on-failure destination is an SQS queue, an SNS "
            "topic or an S3 bucket."
        )


def settings_of(esm: EventSourceMapping) -> dict:
    """The mapping's settings under the API's names, to validate an update against."""
    return {
        "EventSourceArn": esm.event_source_arn,
        "BatchSize": esm.batch_size,
        "MaximumBatchingWindowInSeconds": esm.max_batch_window,
        "FilterCriteria": esm.filter_criteria,
        "StartingPosition": esm.starting_position,
        "MaximumRetryAttempts": esm.max_retry_attempts,
        "MaximumRecordAgeInSeconds": esm.max_record_age,
        "BisectBatchOnFunctionError": esm.bisect_on_error,
        "DestinationConfig": esm.destination_config,
        "FunctionResponseTypes": esm.function_response_types,
        "ParallelizationFactor": esm.parallelization_factor,
        "TumblingWindowInSeconds": esm.tumbling_window,
        "MetricsConfig": esm.metrics,
        "ProvisionedPollerConfig": esm.poller_config,
    }


def settle(esm: EventSourceMapping) -> None:
    """The poller has taken the last change in: the mapping is Enabled or Disabled."""
    if getattr(esm, "state", "Enabled") in TRANSITIONAL:
        esm.state = "Enabled" if esm.enabled else "Disabled"


def is_polled(esm: EventSourceMapping) -> bool:
    return getattr(esm, "state", "Enabled") == "Enabled" and bool(esm.enabled)
