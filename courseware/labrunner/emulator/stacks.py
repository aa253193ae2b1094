"""CloudFormation as AWS runs it when a resource cannot be created: the stack fails and rolls back.

moto creates a stack's resources inside CreateStack and lets any error escape, so the call
answers 500 (which SDKs retry, meeting "stack already exists") and the stack is left
CREATE_IN_PROGRESS forever. On AWS, CreateStack succeeds, the failing resource gets a
CREATE_FAILED event with the reason, and the stack rolls back to ROLLBACK_COMPLETE, which is what
a deploy waits for and reads. Lab quotas make this path common (a template with more queues than
a lab account may have), so the emulator does the same.

moto's model of `AWS::Lambda::Function` also drops the properties the runtime work depends on
(Layers, Architectures, EphemeralStorage) and a layer version's `Ref` is empty: both are made
whole here, so a SAM template's layers and /tmp size reach the function.
"""

from moto.awslambda.models import LambdaFunction, LayerVersion
from moto.cloudformation import parsing
from moto.cloudformation.models import Event, Stack

_original_create = parsing.parse_and_create_resource
_original_create_resources = Stack.create_resources


class ResourceFailed(Exception):
    def __init__(self, logical_id: str, resource_type: str, reason: str):
        super().__init__(reason)
        self.logical_id, self.resource_type, self.reason = logical_id, resource_type, reason


def _reason(error: Exception) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


def _create_resource(logical_id, resource_json, resources_map, account_id, region_name):
    try:
        return _original_create(logical_id, resource_json, resources_map, account_id, region_name)
    except ResourceFailed:
        raise
    except Exception as error:
        raise ResourceFailed(logical_id, resource_json.get("Type", ""), _reason(error)) from error


def _create_resources(self: Stack) -> None:
    try:
        _original_create_resources(self)
    except ResourceFailed as failure:
        self.events.append(
            Event(
                stack_id=self.stack_id,
                stack_name=self.name,
                logical_resource_id=failure.logical_id,
                physical_resource_id="",
                resource_type=failure.resource_type,
                resource_status="CREATE_FAILED",
                resource_status_reason=failure.reason,
                resource_properties=None,
            )
        )
        self.status = "ROLLBACK_IN_PROGRESS"
        self._add_stack_event(
            "ROLLBACK_IN_PROGRESS",
            f"The following resource(s) failed to create: [{failure.logical_id}]. Rollback requested by user.",
        )
        try:
            self.resource_map.delete()
        except Exception:  # what could not be made may not delete cleanly either
            pass
        self.status = "ROLLBACK_COMPLETE"
        self._add_stack_event("ROLLBACK_COMPLETE")
        # A rolled-back stack has no outputs; moto would resolve them lazily on DescribeStacks,
        # creating the failed resource again and answering 500.
        self.output_map._output_json_map = {}


_original_function = LambdaFunction.create_from_cloudformation_json.__func__


def _function(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    function = _original_function(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    properties = cloudformation_json.get("Properties") or {}
    if properties.get("Layers"):
        function.update_configuration({"Layers": properties["Layers"]})
    if properties.get("Architectures"):
        function.architectures = list(properties["Architectures"])
    if (properties.get("EphemeralStorage") or {}).get("Size"):
        function.ephemeral_storage = int(properties["EphemeralStorage"]["Size"])
    if (properties.get("TracingConfig") or {}).get("Mode"):  # SAM's `Tracing: Active`
        function.tracing_config = {"Mode": properties["TracingConfig"]["Mode"]}
    return function


def install() -> None:
    parsing.parse_and_create_resource = _create_resource
    Stack.create_resources = _create_resources
    LambdaFunction.create_from_cloudformation_json = classmethod(_function)
    LayerVersion.physical_resource_id = property(lambda self: self.arn)  # what Ref gives, as on AWS
