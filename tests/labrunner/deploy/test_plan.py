"""What is applied around the stack, and in which order: a bad reference is reported at its
template line, and nothing is left half applied."""

import pytest

from courseware.labrunner.deploy import DeployError
from tests.labrunner.deploy.api_templates import FUNCTION, HTTP_TEMPLATE, REST_TEMPLATE, deploy_template, line_of

AUTH_FUNCTION = "  AuthFn:\n" + FUNCTION
NEEDS_API = AUTH_FUNCTION + "      Environment:\n        Variables:\n          URL: !GetAtt Api.ApiEndpoint\n"


@pytest.mark.parametrize(
    ("change", "at", "words", "checked_first"),
    [
        (("/${UserPool}", "/${UserPol}"), "${UserPol}", "refers to UserPol, which is not in", True),
        (
            ("[!Ref UserPoolClient]", "[!GetAtt UserPoolClient.Nope]"),
            "UserPoolClient.Nope",
            "Fn::GetAtt UserPoolClient.Nope: the lab emulator knows ClientId",
            False,
        ),
        ((AUTH_FUNCTION, NEEDS_API), "URL: !GetAtt", "which the lab emulator creates after", True),
    ],
)
def test_a_bad_reference_is_reported_at_its_line_and_nothing_is_half_applied(aws, change, at, words, checked_first):
    template = HTTP_TEMPLATE.replace(*change)
    assert template != HTTP_TEMPLATE
    earlier = deploy_template(aws, REST_TEMPLATE)
    with pytest.raises(DeployError) as caught:
        deploy_template(aws, template)
    assert caught.value.file == "template.yaml"
    assert caught.value.line == line_of(template, at), str(caught.value)
    assert words in caught.value.message
    apigw, cognito = aws.client("apigateway"), aws.client("cognito-idp")
    assert aws.client("apigatewayv2").get_apis()["Items"] == []
    rest_apis = {api["id"] for api in apigw.get_rest_apis()["items"]}
    pools = [pool["Id"] for pool in cognito.list_user_pools(MaxResults=10)["UserPools"]]
    if checked_first:  # found before anything changed: the earlier deploy is still whole
        assert rest_apis == {earlier.resources[k]["id"] for k in ("Api", "ServerlessRestApi")}
        assert pools == [earlier.resources["UserPool"]["id"]]
        assert len(apigw.get_usage_plans()["items"]) == 1
    else:  # found while applying: what the failed deploy had made is gone, and nothing else
        assert rest_apis == set() and pools == []
        assert apigw.get_usage_plans()["items"] == [] and apigw.get_api_keys()["items"] == []
