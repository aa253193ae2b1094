"""The Event Source Mapping API made Lambda's, on moto's `LambdaBackend` (`install`).

Create and Update check the whole of a mapping's settings (`.mappings.validate`) before moto
stores anything, so a refused call leaves nothing half-written; Create also finds the source
(Lambda's "Stream not found" and SQS's "queue does not exist" messages), refuses a second mapping
of one source to one function (ResourceConflictException), and takes a stream's StartingPosition
there and then. `get_configuration` reports State, LastProcessingResult and AWS's defaults.
"""

from moto.awslambda.exceptions import InvalidParameterValueException
from moto.awslambda.models import EventSourceMapping, LambdaBackend
from moto.sqs.models import sqs_backends

from . import dynamodb, kinesis, mappings, streams

STREAM_DEFAULTS = {
    "BisectBatchOnFunctionError": False,
    "DestinationConfig": {"OnFailure": {}},
    "FunctionResponseTypes": [],
    "MaximumBatchingWindowInSeconds": 0,
    "MaximumRecordAgeInSeconds": -1,
    "MaximumRetryAttempts": -1,
    "ParallelizationFactor": 1,
    "TumblingWindowInSeconds": 0,
}
QUEUE_DEFAULTS = {"FunctionResponseTypes": [], "MaximumBatchingWindowInSeconds": 0}
_originals: dict = {}


def _check_source(backend: LambdaBackend, arn: str) -> None:
    kind = mappings.kind_of(arn)
    account, region = backend.account_id, backend.region_name
    if kind.startswith("sqs"):
        queue = sqs_backends[account][region].queues.get(arn.rsplit(":", 1)[1])
        if queue is None or queue.queue_arn != arn:
            raise InvalidParameterValueException(
                "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
                "SQS Error Message: The specified queue does not exist."
            )
    elif not {"dynamodb": dynamodb, "kinesis": kinesis}[kind].exists(account, region, arn):
        raise InvalidParameterValueException(f"Stream not found: {arn}")


def _check_duplicate(backend: LambdaBackend, arn: str, function_name: str) -> None:
    function = backend.get_function(function_name)
    for esm in backend._event_source_mappings.values():
        if esm.event_source_arn != arn or esm.function_arn != function.function_arn:
            continue
        if mappings.kind_of(arn).startswith("sqs"):
            message = f'An event source mapping with SQS arn (" {arn} ") and function (" {function.function_name} ") '
        else:
            message = f'The event source arn (" {arn} ") and function (" {function.function_name} ") provided mapping '
        raise mappings.ResourceConflict(
            message + f"already exists. Please update or delete the existing mapping with UUID {esm.uuid}"
        )


def create_event_source_mapping(self: LambdaBackend, spec: dict) -> EventSourceMapping:
    arn = spec.get("EventSourceArn")
    if not arn or not spec.get("FunctionName"):
        return _originals["create"](self, spec)  # moto names what is missing
    mappings.validate(spec)
    self.get_function(spec["FunctionName"])  # ResourceNotFoundException first, as on AWS
    _check_source(self, arn)
    _check_duplicate(self, arn, spec["FunctionName"])
    esm = _originals["create"](self, spec)
    enabled = spec.get("Enabled", True)
    esm.enabled = enabled not in (False, "false", "False")
    esm.state = "Creating" if esm.enabled else "Disabled"
    if mappings.is_stream(arn):
        esm.positions = streams.start_positions(esm)
        esm.last_processing_result = "No records processed"
    return esm


def update_event_source_mapping(self: LambdaBackend, uuid: str, spec: dict) -> EventSourceMapping | None:
    esm = self.get_event_source_mapping(uuid)
    if esm is None:
        return None
    settings = {**mappings.settings_of(esm), **{key: value for key, value in spec.items() if key != "Enabled"}}
    mappings.validate(settings)
    was_enabled = bool(esm.enabled)
    updated = _originals["update"](self, uuid, spec)
    if "Enabled" in spec and bool(spec["Enabled"]) != was_enabled:
        updated.state = "Enabling" if updated.enabled else "Disabling"
    else:
        updated.state = "Updating"
    return updated


def get_configuration(self: EventSourceMapping) -> dict:
    config = _originals["configuration"](self)
    stream = mappings.is_stream(self.event_source_arn)
    for key, value in (STREAM_DEFAULTS if stream else QUEUE_DEFAULTS).items():
        config.setdefault(key, value)
    config["State"] = getattr(self, "state", "Enabled" if self.enabled else "Disabled")
    config["StateTransitionReason"] = "User action" if stream else "USER_INITIATED"
    if stream:
        config["LastProcessingResult"] = getattr(self, "last_processing_result", "No records processed")
    else:
        config.pop("LastProcessingResult", None)
        config.pop("StartingPosition", None)
    return config


def install() -> None:
    if _originals:
        return
    _originals["create"] = LambdaBackend.create_event_source_mapping
    _originals["update"] = LambdaBackend.update_event_source_mapping
    _originals["configuration"] = EventSourceMapping.get_configuration
    LambdaBackend.create_event_source_mapping = create_event_source_mapping
    LambdaBackend.update_event_source_mapping = update_event_source_mapping
    EventSourceMapping.get_configuration = get_configuration
