"""`AWS::Lambda::Version` and `AWS::Lambda::Alias` in moto's CloudFormation, as AWS creates them.

SAM's `AutoPublishAlias` emits a version and an alias and points every trigger and permission at
the alias. moto has no model of `AWS::Lambda::Alias` (it was skipped: its `Ref` came out empty, so
the permission and the notification naming it lost their function), and its version answers
neither `Ref` (AWS: the version's ARN) nor `Fn::GetAtt Version`. Both are whole here.
"""

from moto.awslambda.models import LambdaVersion
from moto.awslambda.utils import get_backend
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel

_original_version = LambdaVersion.create_from_cloudformation_json.__func__


class LambdaAliasResource(CloudFormationModel):
    """An alias created by a stack; `Ref` gives its ARN, as on AWS."""

    def __init__(self, alias):
        self.alias = alias

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Alias"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        alias = get_backend(account_id, region_name).create_alias(
            name=properties["Name"],
            function_name=properties["FunctionName"],
            function_version=str(properties["FunctionVersion"]),
            description=properties.get("Description", ""),
            routing_config=properties.get("RoutingConfig"),
        )
        return cls(alias)

    @property
    def physical_resource_id(self) -> str:
        return self.alias.arn


def _version(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    version = _original_version(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    function = get_backend(account_id, region_name).get_function(cloudformation_json["Properties"]["FunctionName"])
    version.arn = f"{function.function_arn}:{version.version}"
    return version


def install() -> None:
    LambdaVersion.create_from_cloudformation_json = classmethod(_version)
    LambdaVersion.physical_resource_id = property(lambda self: getattr(self, "arn", ""))
    LambdaVersion.has_cfn_attr = classmethod(lambda cls, attr: attr == "Version")
    LambdaVersion.get_cfn_attribute = lambda self, attr: self.version
    parsing.get_model_list.cache_clear()  # moto lists the models once: let it see the alias's
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
