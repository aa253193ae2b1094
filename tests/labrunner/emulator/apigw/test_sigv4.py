import hashlib
import json
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto import mock_aws
from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

from courseware.labrunner.emulator.apigw import sigv4
from courseware.labrunner.emulator.apigw.credentials import Caller, lookup_credentials
from courseware.labrunner.emulator.apigw.sigv4 import SignatureError, verify_request

ACCOUNT = "123456789012"
REGION = "us-east-1"
HOST = "abc123.execute-api.us-east-1.amazonaws.com"
URL = f"https://{HOST}/Prod/items/42"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def policy(sid):
    statement = {"Sid": sid, "Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}
    return {"Version": "2012-10-17", "Statement": [statement]}


@pytest.fixture(scope="module")
def aws():
    with mock_aws():
        yield SimpleNamespace(iam=boto3.client("iam", region_name=REGION), sts=boto3.client("sts", region_name=REGION))


@pytest.fixture(scope="module")
def user(aws):
    """alice: an inline and a managed policy of her own, and the same again through a group."""
    aws.iam.create_user(UserName="alice")
    aws.iam.put_user_policy(UserName="alice", PolicyName="own", PolicyDocument=json.dumps(policy("UserInline")))
    managed = aws.iam.create_policy(PolicyName="managed", PolicyDocument=json.dumps(policy("UserManagedV1")))
    arn = managed["Policy"]["Arn"]
    aws.iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(policy("Draft")), SetAsDefault=False)
    aws.iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    aws.iam.create_group(GroupName="learners")
    aws.iam.add_user_to_group(GroupName="learners", UserName="alice")
    aws.iam.put_group_policy(GroupName="learners", PolicyName="group", PolicyDocument=json.dumps(policy("GroupInline")))
    group_managed = aws.iam.create_policy(PolicyName="group-managed", PolicyDocument=json.dumps(policy("GroupManaged")))
    aws.iam.attach_group_policy(GroupName="learners", PolicyArn=group_managed["Policy"]["Arn"])
    aws.iam.create_group(GroupName="strangers")  # alice is not in it: its policy is not hers
    aws.iam.put_group_policy(GroupName="strangers", PolicyName="theirs", PolicyDocument=json.dumps(policy("Strangers")))
    return new_key(aws, "alice")


def new_key(aws, name):
    if not any(u["UserName"] == name for u in aws.iam.list_users()["Users"]):
        aws.iam.create_user(UserName=name)
    key = aws.iam.create_access_key(UserName=name)["AccessKey"]
    return SimpleNamespace(
        name=name,
        key=key["AccessKeyId"],
        secret=key["SecretAccessKey"],
        token=None,
        details=aws.iam.get_user(UserName=name)["User"],
    )


@pytest.fixture(scope="module")
def role(aws):
    """The role `lab-caller`, with an inline and a managed policy."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}],
    }
    role = aws.iam.create_role(RoleName="lab-caller", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    aws.iam.put_role_policy(RoleName="lab-caller", PolicyName="inline", PolicyDocument=json.dumps(policy("RoleInline")))
    managed = aws.iam.create_policy(PolicyName="role-managed", PolicyDocument=json.dumps(policy("RoleManaged")))
    aws.iam.attach_role_policy(RoleName="lab-caller", PolicyArn=managed["Policy"]["Arn"])
    return role


@pytest.fixture(scope="module")
def session(aws, role):
    return new_session(aws, role, "learner")


def new_session(aws, role, name):
    assumed = aws.sts.assume_role(RoleArn=role["Arn"], RoleSessionName=name, DurationSeconds=900)
    credentials = assumed["Credentials"]
    return SimpleNamespace(
        key=credentials["AccessKeyId"],
        secret=credentials["SecretAccessKey"],
        token=credentials["SessionToken"],
        role=role,
        arn=assumed["AssumedRoleUser"]["Arn"],
    )


def sign(
    who,
    *,
    method="GET",
    url=URL,
    body=b"",
    headers=None,
    params=None,
    region=REGION,
    service="execute-api",
    secret=None,
    query=False,
    expires=60,
):
    """The keyword arguments for verify_request, for a request botocore signed."""
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {}, params=params or {})
    credentials = Credentials(who.key, secret or who.secret, who.token)
    if query:
        SigV4QueryAuth(credentials, service, region, expires=expires).add_auth(request)
    else:
        SigV4Auth(credentials, service, region).add_auth(request)
    prepared = request.prepare()
    parts = urlsplit(prepared.url)
    return {
        "method": method,
        "path": parts.path,
        "query_string": parts.query,
        "headers": [*prepared.headers.items(), ("Host", parts.netloc)],
        "body": prepared.body or b"",
        "account_id": ACCOUNT,
        "region": REGION,
    }


def with_header(request, name, value):
    headers = [(k, v) for k, v in request["headers"] if k.lower() != name.lower()]
    return {**request, "headers": [*headers, (name, value)]}


def authorization(request):
    return next(v for k, v in request["headers"] if k.lower() == "authorization")


def amz_date(request):
    return next(v for k, v in request["headers"] if k.lower() == "x-amz-date")


def refusal(**request) -> str:
    with pytest.raises(SignatureError) as caught:
        verify_request(**request)
    assert caught.value.status == 403
    return caught.value.message


# -- callers -----------------------------------------------------------------------------------
def test_a_user_signed_request_names_the_user_and_all_their_policies(user):
    caller = verify_request(**sign(user))
    assert caller == Caller(
        access_key=user.key,
        account_id=ACCOUNT,
        arn=user.details["Arn"],
        user_id=user.details["UserId"],
        caller_id=user.details["UserId"],
        policies=caller.policies,
    )
    sids = [doc["Statement"][0]["Sid"] for doc in caller.policies]
    assert sids == ["UserInline", "UserManagedV1", "GroupInline", "GroupManaged"]  # no "Draft"
    assert caller.policies[0] == policy("UserInline")


def test_an_assumed_role_session_names_the_session_and_the_roles_policies(session):
    caller = verify_request(**sign(session))
    assert caller.arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/lab-caller/learner" == session.arn
    assert caller.user_id == caller.caller_id == f"{session.role['RoleId']}:learner"
    assert (caller.access_key, caller.account_id) == (session.key, ACCOUNT)
    assert [doc["Statement"][0]["Sid"] for doc in caller.policies] == ["RoleInline", "RoleManaged"]


def test_lookup_credentials_for_a_user_and_a_session(user, session):
    secret, token, caller = lookup_credentials(ACCOUNT, user.key)
    assert (secret, token, caller.arn) == (user.secret, None, user.details["Arn"])
    secret, token, caller = lookup_credentials(ACCOUNT, session.key)
    assert (secret, token, caller.arn) == (session.secret, session.token, session.arn)


def test_lookup_credentials_misses(aws, user):
    assert lookup_credentials(ACCOUNT, "AKIAUNKNOWN000000000") is None
    assert lookup_credentials("987650000001", user.key) is None  # keys belong to one account
    assert "987650000001" not in iam_backends and "987650000001" not in sts_backends
    bob = new_key(aws, "bob")
    assert lookup_credentials(ACCOUNT, bob.key)
    aws.iam.update_access_key(UserName="bob", AccessKeyId=bob.key, Status="Inactive")
    assert lookup_credentials(ACCOUNT, bob.key) is None


# -- canonical requests botocore signs ---------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/Prod/items/42",
        "/Prod/",
        "/Prod/items/a%20b/%C3%A9t%C3%A9",
        "/Prod/files/a%2Fb/~x/%2A(1)",
        "/Prod/items//x/./y/../z",
        "/Prod/items/./x/../",
        "/Prod/a/../../../b/.",
        "//Prod/items/",
        "/Prod/items/semi;colon/a+b",
    ],
)
def test_paths_as_sent(user, path):
    assert verify_request(**sign(user, url=f"https://{HOST}{path}")).arn == user.details["Arn"]


def test_query_strings_with_repeated_keys_and_spaces(user):
    params = [("tag", "b c"), ("tag", "a"), ("q", "50% off+more"), ("empty", ""), ("é", "ü/?")]
    request = sign(user, params=params)
    assert "tag=b+c" in request["query_string"]  # botocore sends a space as + and signs %20
    assert verify_request(**request).access_key == user.key


def test_a_query_string_written_into_the_url(user):
    assert verify_request(**sign(user, url=f"{URL}?b=2&a=1&a=0&flag"))


def test_a_json_body(user):
    body = json.dumps({"name": "Ada", "note": "café"}).encode()
    request = sign(user, method="POST", body=body, headers={"Content-Type": "application/json"})
    assert verify_request(**request)
    assert "The request signature we calculated" in refusal(**{**request, "body": body + b" "})


def test_a_session_token_is_needed_and_checked(session):
    assert verify_request(**sign(session)).arn == session.arn
    without = [(k, v) for k, v in sign(session)["headers"] if k != "X-Amz-Security-Token"]
    assert refusal(**{**sign(session), "headers": without}) == sigv4.INVALID_TOKEN
    assert refusal(**with_header(sign(session), "X-Amz-Security-Token", "forged")) == sigv4.INVALID_TOKEN


def test_a_user_key_with_a_session_token_is_refused(user):
    assert refusal(**with_header(sign(user), "X-Amz-Security-Token", "anything")) == sigv4.INVALID_TOKEN


def test_an_expired_session(aws, role):
    short = new_session(aws, role, "short")
    request = sign(short)
    assert verify_request(**request)
    moto_session = next(s for s in sts_backends[ACCOUNT]["global"].assumed_roles if s.access_key_id == short.key)
    moto_session.expiration = datetime(2020, 1, 1)  # naive UTC, as moto keeps it
    assert refusal(**request) == "The security token included in the request is expired"


def test_header_names_are_case_insensitive_and_repeats_join_with_commas(user):
    request = sign(user, headers={"X-Custom": "a,b c"})
    headers = [(k, v) for k, v in request["headers"] if k != "X-Custom"]
    split = {**request, "headers": [*headers, ("x-custom", "a"), ("X-CUSTOM", "  b   c ")]}
    assert verify_request(**split)
    assert refusal(**{**request, "headers": [*headers, ("x-custom", "a")]}).startswith(sigv4.MISMATCH)


@pytest.fixture
def far_east(monkeypatch):
    """A local time zone other than UTC, to catch local times read as UTC."""
    monkeypatch.setenv("TZ", "JST-9")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_date_header_instead_of_x_amz_date(user, far_east):
    request = sign(user, headers={"Date": "placeholder: botocore writes the time"})
    assert not any(k.lower() == "x-amz-date" for k, _ in request["headers"])
    assert dict(request["headers"])["Date"].endswith(" -0000")  # which Python reads as naive
    assert verify_request(**request)


def test_x_amz_content_sha256_stands_for_the_body(user):
    request = sign(user, method="PUT", body=b"data", headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert verify_request(**request)
    assert verify_request(**{**request, "body": b"other"})  # as signed: the body is not hashed


def test_a_presigned_url(user, session):
    assert verify_request(**sign(user, query=True, params={"a": "b c"})).arn == user.details["Arn"]
    assert verify_request(**sign(session, query=True)).arn == session.arn


def test_a_presigned_url_expires(user):
    request = sign(user, query=True, expires=60)
    assert verify_request(**request, now=time.time() + 30)
    message = refusal(**request, now=time.time() + 120)
    assert message.startswith("Signature expired: ") and message.endswith(" - 60 sec.)")


def test_a_presigned_url_missing_parameters(user):
    request = sign(user, query=True)
    query = "&".join(
        p for p in request["query_string"].split("&") if not p.startswith(("X-Amz-Date", "X-Amz-Signature="))
    )
    assert refusal(**{**request, "query_string": query}) == (
        "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters "
        "must include 'X-Amz-Date'. Re-examine the query-string parameters."
    )


# -- every refusal -----------------------------------------------------------------------------
def test_no_signature_at_all(user):
    request = {**sign(user), "headers": [("Host", HOST)]}
    assert refusal(**request) == "Missing Authentication Token"
    assert refusal(**with_header(request, "Authorization", "  ")) == "Missing Authentication Token"


def test_a_bearer_token_in_the_authorization_header(user):
    request = with_header(sign(user), "Authorization", "Bearer eyJhbGciOi.eyJzdWIi.c2ln")
    assert refusal(**request) == (
        "'eyJhbGciOi.eyJzdWIi.c2ln' not a valid key=value pair (missing equal-sign) in "
        "Authorization header: 'Bearer eyJhbGciOi.eyJzdWIi.c2ln'."
    )


def test_an_authorization_header_without_its_parameters(user):
    request = [(k, v) for k, v in sign(user)["headers"] if k.lower() != "x-amz-date"]
    request = with_header({**sign(user), "headers": request}, "Authorization", "Basic YWxpY2U6cHc=")
    assert refusal(**request) == (
        "Authorization header requires 'Credential' parameter. Authorization header requires "
        "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        "Authorization=Basic YWxpY2U6cHc="
    )


def test_a_missing_signature_parameter(user):
    request = sign(user)
    header = authorization(request).rsplit(", Signature=", 1)[0]
    assert refusal(**with_header(request, "Authorization", header)) == (
        f"Authorization header requires 'Signature' parameter. Authorization={header}"
    )


def test_another_algorithm(user):
    request = sign(user)
    header = authorization(request).replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")
    assert refusal(**with_header(request, "Authorization", header)) == (
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'."
    )


def test_a_credential_that_is_not_five_elements(user):
    request = sign(user)
    header = authorization(request).replace("/aws4_request", "")
    credential = header.split("Credential=")[1].split(",")[0]
    assert refusal(**with_header(request, "Authorization", header)) == (
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        f"keyid/date/region/service/term, got '{credential}'"
    )


def test_a_credential_scoped_to_another_day(user):
    request = sign(user)
    day = amz_date(request)[:8]
    header = authorization(request).replace(f"/{day}/", "/20200101/")
    assert refusal(**with_header(request, "Authorization", header)) == (
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        f"HTTP: '20200101' != '{day}', from '{amz_date(request)}'."
    )


def test_a_credential_scoped_to_another_region(user):
    assert refusal(**sign(user, region="us-west-2")) == (
        "Credential should be scoped to a valid region, not 'us-west-2'. "
    )


def test_a_credential_scoped_to_another_service(user):
    assert refusal(**sign(user, service="lambda")) == (
        "Credential should be scoped to correct service: 'execute-api'. "
    )


def test_a_credential_with_another_terminator(user):
    request = sign(user)
    header = authorization(request).replace("/aws4_request", "/aws5_request")
    assert refusal(**with_header(request, "Authorization", header)) == (
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
    )


def test_host_must_be_signed(user):
    request = sign(user)
    header = authorization(request).replace("SignedHeaders=host;", "SignedHeaders=")
    assert refusal(**with_header(request, "Authorization", header)) == (
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    )


def test_a_date_that_is_not_iso_8601(user):
    request = with_header(sign(user), "X-Amz-Date", "2024-01-01T00:00:00Z")
    assert refusal(**request) == (
        "Date must be in ISO-8601 'basic format'. Got '2024-01-01T00:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"
    )


def test_a_signature_older_than_five_minutes(user):
    request = sign(user)
    signed_at = datetime.strptime(amz_date(request), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert verify_request(**request, now=signed_at.timestamp() + 300)
    now = signed_at.timestamp() + 3600
    assert refusal(**request, now=now) == (
        f"Signature expired: {amz_date(request)} is now earlier than {stamp(now - 300)} ({stamp(now)} - 5 min.)"
    )


def test_a_signature_from_more_than_five_minutes_ahead(user):
    request = sign(user)
    signed_at = datetime.strptime(amz_date(request), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert verify_request(**request, now=signed_at.timestamp() - 300)
    now = signed_at.timestamp() - 301
    assert refusal(**request, now=now) == (
        f"Signature not yet current: {amz_date(request)} is still later than {stamp(now + 300)} ({stamp(now)} + 5 min.)"
    )


def stamp(moment):
    return datetime.fromtimestamp(moment, UTC).strftime("%Y%m%dT%H%M%SZ")


def test_an_unknown_access_key(user):
    stranger = SimpleNamespace(key="AKIAIOSFODNN7EXAMPLE", secret="x" * 40, token=None)
    assert refusal(**sign(stranger)) == "The security token included in the request is invalid."


def test_an_inactive_access_key(aws):
    carol = new_key(aws, "carol")
    assert verify_request(**sign(carol)).arn == carol.details["Arn"]
    aws.iam.update_access_key(UserName="carol", AccessKeyId=carol.key, Status="Inactive")
    assert refusal(**sign(carol)) == sigv4.INVALID_TOKEN


def test_a_wrong_secret_shows_what_should_have_been_signed(user):
    request = sign(user, secret="not-the-secret", params={"q": "x y"})
    message = refusal(**request)
    assert message.startswith(
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details.\n\nThe Canonical String for this request should have been\n'GET\n/Prod/items/42\nq=x%20y\n"
    )
    canonical = message.split("should have been\n'", 1)[1].split("'\n\nThe String-to-Sign", 1)[0]
    assert canonical.endswith(f"\nhost:{HOST}\nx-amz-date:{amz_date(request)}\n\nhost;x-amz-date\n{EMPTY_SHA256}")
    assert message.endswith(
        f"'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n{amz_date(request)}\n"
        f"{amz_date(request)[:8]}/us-east-1/execute-api/aws4_request\n"
        f"{hashlib.sha256(canonical.encode()).hexdigest()}'\n"
    )


def test_a_changed_request_no_longer_matches(user):
    request = sign(user)
    assert refusal(**{**request, "method": "DELETE"}).startswith(sigv4.MISMATCH)
    assert refusal(**{**request, "path": "/Prod/items/43"}).startswith(sigv4.MISMATCH)
    assert refusal(**{**request, "query_string": "admin=true"}).startswith(sigv4.MISMATCH)
