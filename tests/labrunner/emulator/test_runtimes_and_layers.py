"""The Lambda API as AWS checks it: runtimes this backend can run, layers (published ones and
AWS's public Powertools layer by its real ARN) mounted at /opt, and the package size quota."""

import base64
import io
import json
import zipfile

import pytest
from botocore.exceptions import ClientError

from courseware.labrunner.client.aws import AccountAws, new_account_id
from courseware.labrunner.deploy.function import execution_role
from courseware.sandbox import Images

POWERTOOLS = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python311-x86_64:18"


def zipped(files: dict[str, str | bytes]) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_file:
        for name, text in files.items():
            zip_file.writestr(name, text)
    return archive.getvalue()


@pytest.fixture
def aws(lab_backend):
    return AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())


def create(aws, name, code, **extra):
    return aws.client("lambda").create_function(
        FunctionName=name, Runtime=extra.pop("Runtime", "python3.11"), Handler="app.handler",
        Role=execution_role(aws), Code={"ZipFile": zipped({"app.py": code})}, Timeout=30, **extra,
    )  # fmt: skip


def invoke(aws, name, event=None):
    response = aws.client("lambda").invoke(FunctionName=name, Payload=json.dumps(event or {}), LogType="Tail")
    return json.loads(response["Payload"].read()), base64.b64decode(response["LogResult"]).decode()


def test_a_runtime_the_backend_cannot_run_is_refused_naming_those_it_can(aws):
    for runtime in ["python3.14", "nodejs22.x", "python2.7"]:
        if runtime in Images().available():
            continue
        with pytest.raises(ClientError) as refused:
            create(aws, "f", "def handler(e, c):\n    return 1\n", Runtime=runtime)
        assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
        assert (
            runtime in refused.value.response["Error"]["Message"]
            and "python3.11" in refused.value.response["Error"]["Message"]
        )
    create(aws, "g", "import sys\ndef handler(e, c):\n    return sys.version_info[1]\n", Runtime="python3.12")
    assert invoke(aws, "g")[0] == 12
    with pytest.raises(ClientError):
        aws.client("lambda").update_function_configuration(FunctionName="g", Runtime="nodejs22.x")


def test_a_published_layer_is_importable_from_opt(aws):
    layer = aws.client("lambda").publish_layer_version(
        LayerName="greetings", Content={"ZipFile": zipped({"python/greetings.py": "WORD = 'hello from a layer'\n"})},
        CompatibleRuntimes=["python3.11"],
    )  # fmt: skip
    code = "import greetings, os\ndef handler(e, c):\n    return [greetings.WORD, greetings.__file__, sorted(os.listdir('/opt'))]\n"
    create(aws, "layered", code, Layers=[layer["LayerVersionArn"]])
    assert invoke(aws, "layered")[0] == ["hello from a layer", "/opt/python/greetings.py", ["python"]]
    second = aws.client("lambda").publish_layer_version(
        LayerName="override", Content={"ZipFile": zipped({"python/greetings.py": "WORD = 'the later layer wins'\n"})}
    )
    aws.client("lambda").update_function_configuration(
        FunctionName="layered", Layers=[layer["LayerVersionArn"], second["LayerVersionArn"]]
    )
    assert invoke(aws, "layered")[0][0] == "the later layer wins"


def test_too_many_layers_and_too_big_a_package_are_refused(aws):
    small = aws.client("lambda").publish_layer_version(LayerName="x", Content={"ZipFile": zipped({"python/x.py": ""})})
    with pytest.raises(ClientError, match="more than 5 layers"):
        create(aws, "six", "def handler(e, c): pass\n", Layers=[small["LayerVersionArn"]] * 6)
    huge = zipped({"app.py": "def handler(e, c): pass\n", "blob.bin": b"\0" * (251 * 1024 * 1024)})
    with pytest.raises(ClientError, match="exceeds the maximum allowed size of 262144000 bytes"):
        aws.client("lambda").create_function(
            FunctionName="huge",
            Runtime="python3.11",
            Handler="app.handler",
            Role=execution_role(aws),
            Code={"ZipFile": huge},
        )


POWERTOOLS_HANDLER = """
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger(service="orders")
tracer = Tracer(service="orders")
metrics = Metrics(namespace="Lab", service="orders")
app = APIGatewayRestResolver()

@app.get("/orders/<order_id>")
@tracer.capture_method
def get_order(order_id):
    logger.info("looking up", extra={"order_id": order_id})
    metrics.add_metric(name="OrdersRead", unit=MetricUnit.Count, value=1)
    return {"id": order_id}

@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event, context):
    return app.resolve(event, context)
"""


def test_powertools_works_through_awss_public_layer_arn(aws):
    create(aws, "orders", POWERTOOLS_HANDLER, Layers=[POWERTOOLS], MemorySize=256)
    config = aws.client("lambda").get_function_configuration(FunctionName="orders")
    assert config["Layers"][0]["Arn"] == POWERTOOLS
    event = {"resource": "/orders/{order_id}", "path": "/orders/42", "httpMethod": "GET", "headers": {},
             "multiValueHeaders": {}, "queryStringParameters": None, "pathParameters": {"order_id": "42"},
             "requestContext": {"requestId": "r1", "stage": "prod", "resourcePath": "/orders/{order_id}",
                                "httpMethod": "GET", "path": "/prod/orders/42", "identity": {}}, "body": None,
             "isBase64Encoded": False}  # fmt: skip
    response, log = invoke(aws, "orders", event)
    assert response["statusCode"] == 200 and json.loads(response["body"]) == {"id": "42"}, response
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    looked = [line for line in lines if line.get("message") == "looking up"]
    assert len(looked) == 1, log  # once: the runtime's logging setup is AWS's, which Powertools expects
    assert looked[0]["order_id"] == "42" and looked[0]["service"] == "orders" and looked[0]["function_request_id"]
    emf = [line for line in lines if "_aws" in line]
    assert emf and emf[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [{"Name": "OrdersRead", "Unit": "Count"}]
    assert emf[0]["OrdersRead"] == [1.0] or emf[0]["OrdersRead"] == 1.0


def test_another_accounts_layer_is_not_found(aws, lab_backend):
    other = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())
    layer = other.client("lambda").publish_layer_version(
        LayerName="secret", Content={"ZipFile": zipped({"python/s.py": ""})}
    )
    with pytest.raises(ClientError) as refused:
        create(aws, "thief", "def handler(e, c): pass\n", Layers=[layer["LayerVersionArn"]])
    assert refused.value.response["Error"]["Code"] in ("ResourceNotFoundException", "AccessDeniedException")


def test_what_the_backend_cannot_honour_is_refused_not_ignored(aws):
    code = "def handler(e, c):\n    return 1\n"
    with pytest.raises(ClientError) as refused:
        create(aws, "snap", code, Runtime="python3.12", SnapStart={"ApplyOn": "PublishedVersions"})
    assert "SnapStart is not emulated" in refused.value.response["Error"]["Message"]
    create(aws, "plain", code)
    with pytest.raises(ClientError) as refused:
        aws.client("lambda").update_function_configuration(
            FunctionName="plain", SnapStart={"ApplyOn": "PublishedVersions"}
        )
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as refused:
        aws.client("lambda").create_function_url_config(FunctionName="plain", AuthType="NONE")
    assert "Function URLs are not emulated" in refused.value.response["Error"]["Message"]
    assert invoke(aws, "plain")[0] == 1  # the function itself is untouched
