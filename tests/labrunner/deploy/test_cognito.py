"""Cognito user pools made before the stack, so that functions can use their ids."""

import pytest

from courseware.labrunner.deploy import DeployError
from tests.labrunner.deploy.api_templates import COGNITO_IN_STACK, deploy_template, line_of


def test_a_user_pool_is_made_before_the_stack_so_functions_can_use_its_ids(aws):
    deployment = deploy_template(aws, COGNITO_IN_STACK)
    pool_id = deployment.resources["UserPool"]["id"]
    client_id = deployment.resources["Client"]["id"]
    function = aws.client("lambda").get_function_configuration(FunctionName=deployment.function_name)
    assert function["Environment"]["Variables"] == {
        "POOL_ID": pool_id,
        "CLIENT_ID": client_id,
        "ISSUER": f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}",
        "POOL_ARN": f"arn:aws:cognito-idp:us-east-1:{aws.account_id}:userpool/{pool_id}",
    }
    cognito = aws.client("cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Name"] == "lab-dev-users"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert pool["Policies"]["PasswordPolicy"]["RequireSymbols"] is False
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert client["UserPoolClient"]["ClientSecret"]
    iam, role = aws.client("iam"), deployment.resources["MainRole"]["id"]
    documents = [  # moto keeps the stack's inline policies as written, not as JSON
        str(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
    ]
    pool_arn = f"arn:aws:cognito-idp:us-east-1:{aws.account_id}:userpool/{pool_id}"
    assert any("AdminCreateUser" in text and pool_arn in text for text in documents)
    # The output naming the REST API (made after the stack) is left out; the stack is whole.
    stack = aws.client("cloudformation").describe_stacks(StackName="lab")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE" and not stack.get("Outputs")


def test_a_bad_attribute_of_a_user_pool_a_function_uses_is_reported_at_its_line(aws):
    template = COGNITO_IN_STACK.replace("UserPool.ProviderURL", "UserPool.ProviderUrl")
    with pytest.raises(DeployError) as caught:
        deploy_template(aws, template)
    assert caught.value.line == line_of(template, "UserPool.ProviderUrl"), str(caught.value)
    assert "the lab emulator knows Arn, ProviderName, ProviderURL" in caught.value.message
    assert aws.client("cognito-idp").list_user_pools(MaxResults=10)["UserPools"] == []
