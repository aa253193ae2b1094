"""The names Step Functions gives a Lambda task's failures, which Retry and Catch match on."""

import json

import pytest
from botocore.exceptions import ClientError

from courseware.labrunner.emulator.stepfunctions.lambda_tasks import (
    error_name,
    function_error,
    invoke_errors,
    owner,
)


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Invoke"
    )


@pytest.mark.parametrize(
    ("code", "status", "name"),
    [
        ("TooManyRequestsException", 429, "Lambda.TooManyRequestsException"),
        ("ServiceException", 500, "Lambda.ServiceException"),
        ("ResourceNotFoundException", 404, "Lambda.ResourceNotFoundException"),
        ("AccessDeniedException", 403, "Lambda.AWSLambdaException"),  # not among Invoke's declared errors
        ("InternalFailure", 500, "Lambda.ServiceException"),
    ],
)
def test_lambda_api_errors_are_named_as_step_functions_names_them(code, status, name):
    assert error_name(client_error(code, status)) == name


def test_invoke_declares_the_errors_aws_documents_for_retry():
    assert {"ServiceException", "TooManyRequestsException", "ResourceNotFoundException"} <= invoke_errors()
    assert "AccessDeniedException" not in invoke_errors()


def test_a_function_error_is_named_by_its_error_type_or_lambda_unknown():
    payload = json.dumps({"errorType": "OrderMissing", "errorMessage": "no order"})
    assert (function_error(payload).error, function_error(payload).cause) == ("OrderMissing", payload)
    bare = function_error('{"errorMessage": "Task timed out after 3.00 seconds"}')
    assert bare.error == "Lambda.Unknown"
    assert bare.cause.startswith("The cause could not be determined because Lambda did not return an error type.")


@pytest.mark.parametrize(
    ("name", "account"),
    [
        ("arn:aws:lambda:us-east-1:111122223333:function:f", "111122223333"),
        ("arn:aws:lambda:us-east-1:111122223333:function:f:live", "111122223333"),
        ("111122223333:function:f", "111122223333"),
        ("f", None),
        ("f:live", None),
    ],
)
def test_the_account_a_function_name_names(name, account):
    assert owner(name) == account
