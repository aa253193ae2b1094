"""AddPermission and `AWS::Lambda::Permission` as Lambda writes them, so `.permissions` reads
what AWS would have stored.

moto stores AddPermission's statement with three differences from AWS, each fixed here:
- a second statement with a StatementId already used on the same resource is accepted; Lambda
  answers 409 ResourceConflictException (a redeploy that adds the same permission meets it);
- a 12-digit account as Principal stays a bare string; Lambda writes
  `{"AWS": "arn:aws:iam::ACCOUNT:root"}`;
- CloudFormation's `AWS::Lambda::Permission` is stored with its `FunctionName` inside the
  statement and a random Sid; CloudFormation calls AddPermission with the resource's physical id
  (`STACK-LOGICALID-SUFFIX`) as the StatementId and the function name as the path, as here.
"""

import json
import re

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import LambdaBackend, Permission
from moto.awslambda.utils import get_backend

ACCOUNT_RE = re.compile(r"^\d{12}$")
FUNCTION_ARN_RE = re.compile(r"^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:([^:]+)(?::([^:]+))?$")


class ResourceConflict(LambdaClientError):
    code = 409

    def __init__(self, statement_id: str):
        super().__init__(
            "ResourceConflictException",
            f"The statement id ({statement_id}) provided already exists. Please provide a new statement id, "
            "or remove the existing statement.",
        )


def split_name(function_name: str, qualifier: str | None = None) -> tuple[str, str | None]:
    """(name, qualifier) from a name, `name:qualifier` or a (qualified) function ARN."""
    found = FUNCTION_ARN_RE.match(function_name)
    if found:
        return found[1], found[2] or qualifier
    name, _, named = function_name.partition(":")
    return name, named or qualifier


_original_add = LambdaBackend.add_permission


def add_permission(self, function_name: str, qualifier: str | None, raw: str) -> dict:
    spec = json.loads(raw)
    name, qualifier = split_name(function_name, qualifier)
    function = self.get_function(name, qualifier)
    statement_id = spec.get("StatementId")
    resource = function.function_arn.split(":function:", 1)[0] + f":function:{name}"
    resource += f":{qualifier}" if qualifier not in (None, "$LATEST") else ""
    if statement_id and any(
        s.get("Sid") == statement_id and s.get("Resource") == resource for s in function.policy.statements
    ):
        raise ResourceConflict(statement_id)
    statement = _original_add(self, name, qualifier, raw)
    principal = statement.get("Principal")
    if isinstance(principal, str) and ACCOUNT_RE.match(principal):
        # after moto's parsing, which would turn any nested object of the request into a policy
        statement["Principal"] = {"AWS": f"arn:aws:iam::{principal}:root"}
    return statement


def _permission_from_cloudformation(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    properties = dict(cloudformation_json.get("Properties") or {})
    function_name = str(properties.pop("FunctionName"))
    properties["StatementId"] = resource_name  # the physical id CloudFormation generated
    name, qualifier = split_name(function_name)
    get_backend(account_id, region_name).add_permission(name, qualifier, json.dumps(properties))
    permission = Permission(region=region_name)
    permission.statement_id = resource_name
    return permission


def install() -> None:
    if getattr(LambdaBackend.add_permission, "as_lambda_writes", False):
        return
    add_permission.as_lambda_writes = True
    LambdaBackend.add_permission = add_permission
    Permission.create_from_cloudformation_json = classmethod(_permission_from_cloudformation)
    Permission.physical_resource_id = property(lambda self: getattr(self, "statement_id", ""))
