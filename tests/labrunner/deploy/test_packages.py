"""A function's folder as `sam build` packages it: requirements.txt installed for its runtime
(cached, wheels only, a clear error at the line of a package that cannot be had), one zip per
function folder in a SAM template, and a layer's folder built into python/."""

import io
import json
import zipfile

import pytest

from courseware.labrunner.deploy import DeployError, deploy, packages

TABULATE = "tabulate==0.9.0"
HANDLER = "from tabulate import tabulate\ndef handler(event, context):\n    return tabulate([[1, 2]])\n"


class FunctionLab:
    slug, deploy, handler, function = "packages-lab", "function", "handler.handler", None


def names(body: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return set(archive.namelist())


@pytest.fixture
def deps_dir(settings, tmp_path):
    settings.LABS_DEPS_DIR = tmp_path / "deps"
    return settings.LABS_DEPS_DIR


@pytest.mark.parametrize(
    ("line", "number"),
    [("-e git+https://example.com/x.git", 2), ("https://example.com/pkg.whl", 2), ("./local", 2),
     ("--index-url https://evil", 2), ("pkg @ https://example.com/p.whl", 2)],
)  # fmt: skip
def test_lines_that_would_fetch_from_elsewhere_are_refused_at_their_line(line, number):
    with pytest.raises(DeployError) as refused:
        packages.requirements(f"# what my function needs\n{line}\n", "requirements.txt")
    assert refused.value.file == "requirements.txt" and refused.value.line == number


def test_requirement_lines_as_pip_reads_them():
    text = "Pillow==11.3.0\nrequests>=2.32,<3  # for the API\n\naws-lambda-powertools[parser]~=3.0\nattrs; python_version>'3'\n"
    assert packages.requirements(text, "requirements.txt") == [
        "Pillow==11.3.0", "requests>=2.32,<3", "aws-lambda-powertools[parser]~=3.0", "attrs; python_version>'3'",
    ]  # fmt: skip


def test_requirements_are_installed_into_the_zip_once(deps_dir, monkeypatch):
    files = {"handler.py": HANDLER, "requirements.txt": TABULATE + "\n"}
    first = packages.function_zip(files, ".", "python3.11")
    assert {"handler.py", "requirements.txt", "tabulate/__init__.py"} <= names(first)
    calls = []
    monkeypatch.setattr(packages, "pip_install", lambda *a, **k: calls.append(a))
    assert packages.function_zip(files, ".", "python3.11") == first and calls == [], "a repeat deploy installs nothing"


def test_a_package_that_cannot_be_had_is_named_at_its_line(deps_dir):
    files = {"handler.py": HANDLER, "requirements.txt": f"{TABULATE}\nno-such-package-courseware-test==1.0\n"}
    with pytest.raises(DeployError) as refused:
        packages.function_zip(files, ".", "python3.11")
    assert refused.value.file == "requirements.txt" and refused.value.line == 2
    assert "no-such-package-courseware-test" in refused.value.message and "python3.11" in refused.value.message
    assert not any(path.suffix == ".installing" for path in deps_dir.iterdir()), "nothing half-installed is kept"


def test_a_function_labs_requirements_reach_the_function(aws, deps_dir):
    files = {"handler.py": HANDLER, "requirements.txt": TABULATE}
    config = {"memory_mb": 256, "timeout_s": 10, "environment": {}, "runtime": "python3.12"}
    deploy(aws=aws, spec=FunctionLab, files=files, config=config)
    response = aws.client("lambda").invoke(FunctionName="packages-lab", Payload=b"{}")
    assert json.loads(response["Payload"].read()) == "-  -\n1  2\n-  -"
    assert aws.client("lambda").get_function_configuration(FunctionName="packages-lab")["Runtime"] == "python3.12"


SAM = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.11
    Timeout: 10
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: shared/
      CompatibleRuntimes: [python3.11]
    Metadata:
      BuildMethod: python3.11
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: orders/
      Handler: app.handler
      Layers: [!Ref Shared]
  Reports:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: reports/
      Handler: app.handler
      Layers: [!Ref Shared]
"""


class SamLab:
    slug, deploy, handler, function = "two-functions", "sam", "app.handler", "Orders"


def test_each_function_folder_and_a_layer_are_built_as_sam_build_does(aws, deps_dir):
    files = {
        "template.yaml": SAM,
        "orders/app.py": "import money\ndef handler(e, c):\n    return ['orders', money.fmt(2)]\n",
        "reports/app.py": "import money, tabulate\ndef handler(e, c):\n    return ['reports', money.fmt(3)]\n",
        "shared/python/money.py": "def fmt(n):\n    return f'${n:.2f}'\n",
        "shared/requirements.txt": TABULATE,
    }
    deployment = deploy(aws=aws, spec=SamLab, files=files, config={})
    lam = aws.client("lambda")
    for logical, expected in (("Orders", ["orders", "$2.00"]), ("Reports", ["reports", "$3.00"])):
        name = deployment.resources[logical]["id"]
        answer = json.loads(lam.invoke(FunctionName=name, Payload=b"{}")["Payload"].read())
        assert answer == expected, answer
        code = lam.get_function(FunctionName=name)["Configuration"]
        assert code["Handler"] == "app.handler" and len(code["Layers"]) == 1
