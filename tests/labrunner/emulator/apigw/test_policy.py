import pytest

from courseware.labrunner.emulator.apigw.policy import PolicyError, evaluate, method_arn, validate_document

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/items/42"


def doc(*statements, version="2012-10-17"):
    document = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return document


def allow(resource=ARN, action="execute-api:Invoke", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(resource=ARN, action="execute-api:Invoke", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def verdict(*documents, action="execute-api:Invoke", resource=ARN):
    return evaluate(list(documents), action=action, resource=resource)


# -- validate_document -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "document",
    [
        doc(allow()),
        doc(allow(), version=None),
        {"Version": "2012-10-17", "Statement": allow()},  # a single statement need not be a list
        doc({"Effect": "Deny", "NotAction": ["s3:*", "sqs:*"], "NotResource": [ARN]}),
        doc(allow(Sid="one", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
    ],
)
def test_well_formed_documents_pass(document):
    assert validate_document(document) is None


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ("not a policy", "JSON object"),
        (["Statement"], "JSON object"),
        ({"Version": "2012-10-17"}, "no Statement"),
        (doc(), "at least one statement"),
        ({"Version": 2012, "Statement": [allow()]}, "Version"),
        (doc("Allow"), "statement 1 must be a JSON object"),
        (doc(allow(), {**allow(), "Effect": "allow"}), "statement 2: Effect must be Allow or Deny"),
        (doc({"Effect": "Allow", "Resource": ARN}), "exactly one of Action or NotAction"),
        (doc({**allow(), "NotAction": "s3:*"}), "exactly one of Action or NotAction"),
        (doc({"Effect": "Allow", "Action": "*"}), "exactly one of Resource or NotResource"),
        (doc({**allow(), "NotResource": "*"}), "exactly one of Resource or NotResource"),
        (doc(allow(action=["execute-api:Invoke", 7])), "Action must be a string or a list"),
        (doc(allow(resource=[])), "Resource must be a string or a list"),
        (doc(allow(resource="")), "Resource must be a string or a list"),
        (doc(allow(Condition="always")), "Condition must be a JSON object"),
    ],
)
def test_malformed_documents_say_what_is_wrong(document, complaint):
    with pytest.raises(PolicyError, match=complaint):
        validate_document(document)


def test_policy_error_is_a_value_error():
    assert issubclass(PolicyError, ValueError)


# -- evaluate ----------------------------------------------------------------------------------
def test_a_matching_allow_allows():
    assert verdict(doc(allow())) == "Allow"


def test_nothing_matching_is_an_implicit_deny():
    assert verdict(doc(allow(resource=ARN.replace("42", "43")))) == "ImplicitDeny"
    assert verdict() == "ImplicitDeny"


def test_an_explicit_deny_wins_over_an_allow_in_any_document():
    assert verdict(doc(allow(resource="*")), doc(deny())) == "ExplicitDeny"
    assert verdict(doc(deny(), allow(resource="*"))) == "ExplicitDeny"


def test_a_deny_for_another_resource_leaves_the_allow():
    assert verdict(doc(allow(resource="*"), deny(resource=ARN + "/more"))) == "Allow"


def test_statement_may_be_a_single_object():
    assert verdict({"Version": "2012-10-17", "Statement": allow()}) == "Allow"


def test_actions_compare_case_insensitively():
    assert verdict(doc(allow(action="EXECUTE-API:invoke"))) == "Allow"
    assert verdict(doc(allow(action="execute-api:Inv?ke"))) == "Allow"
    assert verdict(doc(allow(action="execute-api:*"))) == "Allow"
    assert verdict(doc(allow(action="execute-api:ManageConnections"))) == "ImplicitDeny"


def test_resources_compare_case_sensitively():
    assert verdict(doc(allow(resource=ARN.replace("GET", "get")))) == "ImplicitDeny"
    assert verdict(doc(allow(resource=ARN.replace("Prod", "prod")))) == "ImplicitDeny"


@pytest.mark.parametrize(
    "pattern",
    [
        "*",
        "arn:aws:execute-api:*",  # a * ending a segment runs on across colons
        "arn:aws:execute-api:us-east-1:123456789012:abc123/*",
        "arn:aws:execute-api:*:*:abc123/Prod/*/items/*",
        "arn:aws:execute-api:us-east-?:123456789012:abc123/Prod/GET/items/4?",
        "arn:aws:execute-api:us-east-1:*:abc123/*/GET/*",
    ],
)
def test_resource_wildcards_that_match(pattern):
    assert verdict(doc(allow(resource=pattern))) == "Allow"


@pytest.mark.parametrize(
    "pattern",
    [
        "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/items/4",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/Test/*",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/POST/*",
        "arn:aws:execute-api:us-east-1*abc123/*",  # ...but not from inside a segment
        "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/items/4?2",
        "arn:aws:execute-api:us-east-1:123456789012:abc.23/*",  # the dot is not a wildcard
    ],
)
def test_resource_wildcards_that_do_not_match(pattern):
    assert verdict(doc(allow(resource=pattern))) == "ImplicitDeny"


def test_a_star_inside_a_segment_does_not_cross_a_colon():
    resource = "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/a:b/c"
    ending = "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/a*"
    assert verdict(doc(allow(resource=ending)), resource=resource) == "Allow"
    inner = "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/*/c"
    assert verdict(doc(allow(resource=inner)), resource=resource) == "ImplicitDeny"


def test_lists_of_actions_and_resources_match_any_entry():
    statement = allow(action=["s3:GetObject", "execute-api:Invoke"], resource=["x", ARN])
    assert verdict(doc(statement)) == "Allow"


def test_not_action_applies_to_every_other_action():
    statement = {"Effect": "Allow", "NotAction": "execute-api:ManageConnections", "Resource": "*"}
    assert verdict(doc(statement)) == "Allow"
    statement = {"Effect": "Allow", "NotAction": "execute-api:*", "Resource": "*"}
    assert verdict(doc(statement)) == "ImplicitDeny"


def test_not_resource_applies_to_every_other_resource():
    deny_others = {"Effect": "Deny", "Action": "*", "NotResource": ARN}
    assert verdict(doc(allow(resource="*"), deny_others)) == "Allow"
    assert verdict(doc(allow(resource="*"), deny_others), resource=ARN + "/x") == "ExplicitDeny"


def test_conditions_are_read_pessimistically():
    condition = {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    assert verdict(doc(allow(Condition=condition))) == "ImplicitDeny"
    assert verdict(doc(allow(), deny(Condition=condition))) == "ExplicitDeny"


def test_evaluating_a_malformed_document_raises():
    with pytest.raises(PolicyError, match="Effect"):
        verdict(doc(allow()), doc({**allow(), "Effect": "Maybe"}))


# -- method_arn --------------------------------------------------------------------------------
def arn(**overrides):
    fields = {
        "region": "us-east-1",
        "account_id": "123456789012",
        "api_id": "abc123",
        "stage": "Prod",
        "method": "GET",
        "path": "/items/42",
    }
    return method_arn(**{**fields, **overrides})


def test_method_arn_names_stage_method_and_path():
    assert arn() == ARN


def test_method_arn_for_the_root_path_ends_with_a_slash():
    assert arn(path="/") == "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/"


def test_method_arn_keeps_the_default_stage_literally():
    assert arn(stage="$default", method="POST", path="/orders") == (
        "arn:aws:execute-api:us-east-1:123456789012:abc123/$default/POST/orders"
    )


def test_method_arn_uses_the_region_partition():
    assert arn(region="cn-north-1").startswith("arn:aws-cn:execute-api:cn-north-1:")
