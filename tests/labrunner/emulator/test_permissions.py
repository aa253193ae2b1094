"""Lambda's resource policy: AddPermission, GetPolicy and RemovePermission answer as Lambda does,
and `permissions.may_invoke` reads the statements as Lambda evaluates them."""

import json

import pytest
from botocore.exceptions import ClientError
from moto.awslambda.models import lambda_backends

from courseware.labrunner.emulator.permissions import may_invoke
from tests.apigw_fixtures import make_function

BUCKET = "arn:aws:s3:::uploads"


def function_of(account, name: str):
    return lambda_backends[account.account_id]["us-east-1"].get_function(name)


def statements(account, name: str, **qualifier) -> list[dict]:
    policy = account.client("lambda").get_policy(FunctionName=name, **qualifier)["Policy"]
    return json.loads(policy)["Statement"]


def add(account, name: str, sid: str, principal: str, **extra):
    return account.client("lambda").add_permission(
        FunctionName=name, StatementId=sid, Action="lambda:InvokeFunction", Principal=principal, **extra
    )


def test_add_permission_writes_lambdas_statement(account):
    make_function(account, "fn", grant=False)
    add(account, "fn", "s3", "s3.amazonaws.com", SourceArn=BUCKET, SourceAccount=account.account_id)
    add(account, "fn", "other-account", "210987654321")
    first, second = statements(account, "fn")
    assert first == {
        "Sid": "s3",
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": f"arn:aws:lambda:us-east-1:{account.account_id}:function:fn",
        "Condition": {
            "ArnLike": {"AWS:SourceArn": BUCKET},
            "StringEquals": {"AWS:SourceAccount": account.account_id},
        },
    }
    assert second["Principal"] == {"AWS": "arn:aws:iam::210987654321:root"}


def test_a_statement_id_is_used_once(account):
    make_function(account, "fn", grant=False)
    add(account, "fn", "s3", "s3.amazonaws.com")
    with pytest.raises(ClientError) as refused:
        add(account, "fn", "s3", "sns.amazonaws.com")
    assert refused.value.response["Error"]["Code"] == "ResourceConflictException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert "The statement id (s3) provided already exists" in refused.value.response["Error"]["Message"]


def test_missing_policies_and_statements_are_not_found(account):
    make_function(account, "fn", grant=False)
    with pytest.raises(ClientError) as no_policy:
        account.client("lambda").get_policy(FunctionName="fn")
    assert no_policy.value.response["Error"]["Code"] == "ResourceNotFoundException"
    add(account, "fn", "s3", "s3.amazonaws.com")
    with pytest.raises(ClientError) as no_statement:
        account.client("lambda").remove_permission(FunctionName="fn", StatementId="nope")
    assert no_statement.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as no_function:
        add(account, "missing", "s3", "s3.amazonaws.com")
    assert no_function.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_removed_permission_no_longer_allows(account):
    make_function(account, "fn", grant=False)
    add(account, "fn", "s3", "s3.amazonaws.com", SourceArn=BUCKET)
    assert may_invoke(function_of(account, "fn"), principal="s3.amazonaws.com", source_arn=BUCKET)
    account.client("lambda").remove_permission(FunctionName="fn", StatementId="s3")
    assert not may_invoke(function_of(account, "fn"), principal="s3.amazonaws.com", source_arn=BUCKET)


def test_principal_source_arn_and_source_account_must_all_match(account):
    make_function(account, "fn", grant=False)
    add(account, "fn", "s3", "s3.amazonaws.com", SourceArn="arn:aws:s3:::upload*", SourceAccount=account.account_id)
    function, mine = function_of(account, "fn"), account.account_id
    assert may_invoke(function, principal="s3.amazonaws.com", source_arn=BUCKET, source_account=mine)
    assert not may_invoke(function, principal="sns.amazonaws.com", source_arn=BUCKET, source_account=mine)
    assert not may_invoke(function, principal="s3.amazonaws.com", source_arn="arn:aws:s3:::other", source_account=mine)
    assert not may_invoke(function, principal="s3.amazonaws.com", source_arn=BUCKET, source_account="210987654321")
    assert not may_invoke(function, principal="s3.amazonaws.com", source_arn=BUCKET)  # no account sent


def test_arn_wildcards_match_each_part_of_the_arn(account):
    make_function(account, "fn", grant=False)
    api = f"arn:aws:execute-api:us-east-1:{account.account_id}:abc123"
    add(account, "fn", "api", "apigateway.amazonaws.com", SourceArn=f"{api}/*/GET/items/*")
    function = function_of(account, "fn")
    assert may_invoke(function, principal="apigateway.amazonaws.com", source_arn=f"{api}/prod/GET/items/{{id}}")
    assert not may_invoke(function, principal="apigateway.amazonaws.com", source_arn=f"{api}/prod/POST/items/1")
    assert not may_invoke(
        function,
        principal="apigateway.amazonaws.com",
        source_arn=f"arn:aws:execute-api:eu-west-1:{account.account_id}:abc123/prod/GET/items/1",
    )


def test_everyone_and_a_grant_without_conditions(account):
    make_function(account, "fn", grant=False)
    add(account, "fn", "anyone", "*")
    assert may_invoke(function_of(account, "fn"), principal="events.amazonaws.com", source_arn="arn:aws:events:x")


def test_a_grant_on_an_alias_covers_the_alias_only(account):
    make_function(account, "fn", grant=False)
    version = account.client("lambda").publish_version(FunctionName="fn")["Version"]
    account.client("lambda").create_alias(FunctionName="fn", Name="live", FunctionVersion=version)
    add(account, "fn", "alias", "sns.amazonaws.com", Qualifier="live")
    function = function_of(account, "fn")
    assert may_invoke(function, principal="sns.amazonaws.com", qualifier="live")
    assert not may_invoke(function, principal="sns.amazonaws.com")
    assert statements(account, "fn", Qualifier="live")[0]["Resource"].endswith(":function:fn:live")


def test_a_deny_statement_wins(account):
    make_function(account, "fn", grant=False)
    add(account, "fn", "s3", "s3.amazonaws.com")
    function = function_of(account, "fn")
    function.policy.statements.append(
        {
            "Sid": "no",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "lambda:*",
            "Resource": function.function_arn,
        }
    )
    assert not may_invoke(function, principal="s3.amazonaws.com")


def test_conditions_on_keys_that_are_not_evaluated_grant_nothing(account):
    make_function(account, "fn", grant=False)
    add(account, "fn", "s3", "s3.amazonaws.com")
    function = function_of(account, "fn")
    function.policy.statements[0]["Condition"] = {"StringEquals": {"aws:PrincipalTag/team": "a"}}
    assert not may_invoke(function, principal="s3.amazonaws.com")
