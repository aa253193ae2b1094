"""The Lambda API's own checks that moto leaves out, so a function that would be refused on AWS is
refused here, at CreateFunction or UpdateFunctionConfiguration, with AWS's error:

- the runtime: a Python runtime this lab backend has an image for (`courseware.sandbox.images`);
  any other is refused, naming the runtimes available, rather than run on another Python;
- the package: code and layers together at most 250 MB unzipped (Lambda's quota);
- layers: at most 5, and AWS's public layers (Powertools) found by their real ARNs
  (`arn:aws:lambda:REGION:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:N`):
  moto looks a layer ARN up by name in the caller's own account, so those would not be found.
  The platform builds them with each runtime image and serves any version number N.

What the emulator cannot honour is refused, never stored and ignored: SnapStart (moto keeps no
snapshot and would report it Off) and function URLs (nothing serves `*.lambda-url.*` hosts here).
"""

import base64
import io
import zipfile

from moto.awslambda.exceptions import InvalidParameterValueException
from moto.awslambda.models import LambdaBackend, LambdaFunction, Layer, LayerVersion, lambda_backends
from moto.awslambda.utils import split_layer_arn

from courseware.sandbox import Images
from courseware.sandbox.images import table

MAX_UNZIPPED = 262_144_000  # Lambda's deployment package quota: 250 MB, code and layers together
MAX_LAYERS = 5


def _unzipped_size(code: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(code)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return len(code)


class PublicLayers:
    """AWS's published layers, built into the runtime images: name -> (image, layer file)."""

    def __init__(self, images: Images):
        self.images = images
        self._versions: dict[str, LayerVersion] = {}
        spec = table().get("public_layers", {})
        self.account_names = {}
        for layer_name, layer in spec.items():
            for runtime in table()["runtimes"]:
                compact = runtime.replace(".", "")
                for pattern in layer["names"]:
                    self.account_names[(layer["account"], pattern.format(compact=compact))] = (runtime, layer_name)

    def find(self, arn: str) -> LayerVersion | None:
        parts = split_layer_arn(arn)
        key = (parts.account, parts.layer_name)
        if key not in self.account_names:
            return None
        if arn not in self._versions:
            runtime, layer_name = self.account_names[key]
            try:
                content = self.images.get(runtime).public_layer(layer_name).read_bytes()
            except (ValueError, OSError):
                return None
            version = LayerVersion(
                {
                    "LayerName": parts.layer_name,
                    "Content": {"ZipFile": base64.b64encode(content).decode()},
                    "CompatibleRuntimes": [runtime],
                },
                parts.account,
                parts.region,
            )
            version.attach(Layer(version), int(parts.version))
            self._versions[arn] = version
        return self._versions[arn]


def check_runtime(images: Images, runtime: str | None) -> None:
    if runtime is None:
        return
    available = images.available()
    if runtime in available:
        return
    if runtime in table()["runtimes"]:
        why = f"has no interpreter on this lab backend (it runs {', '.join(available)})"
    else:
        why = f"is not one the labs run: they run Python functions on {', '.join(available)}"
    raise InvalidParameterValueException(f"The runtime parameter of {runtime} {why}.")


def check_emulated(spec: dict) -> None:
    if ((spec.get("SnapStart") or {}).get("ApplyOn") or "None") != "None":
        raise InvalidParameterValueException(
            "SnapStart is not emulated by the lab backend: every cold start runs INIT in full, "
            "so leave SnapStart off (ApplyOn: None)."
        )


def check_package(account_id: str, region: str, code: bytes, layer_arns: list[str]) -> None:
    if len(layer_arns) > MAX_LAYERS:
        raise InvalidParameterValueException(f"Cannot reference more than {MAX_LAYERS} layers.")
    backend = lambda_backends[account_id][region]
    total = _unzipped_size(code)
    for arn in layer_arns:
        found = backend.layers_versions_by_arn(arn)
        total += _unzipped_size(found.code_bytes) if found else 0
    if total > MAX_UNZIPPED:
        raise InvalidParameterValueException(
            f"Function code combined with layers exceeds the maximum allowed size of {MAX_UNZIPPED} bytes. "
            f"The actual size is {total} bytes."
        )


_public: list[PublicLayers] = []


def install(images: Images) -> None:
    _public.append(PublicLayers(images))
    if getattr(LambdaBackend.create_function, "checks_lambda_api", False):
        return
    create, configure, find = (
        LambdaBackend.create_function,
        LambdaFunction.update_configuration,
        LambdaBackend.layers_versions_by_arn,
    )

    def create_function(self, spec):
        if spec.get("PackageType") == "Image":
            raise InvalidParameterValueException("The labs run .zip functions only, not container images.")
        check_runtime(_public[-1].images, spec.get("Runtime"))
        check_emulated(spec)
        zipped = (spec.get("Code") or {}).get("ZipFile")
        if zipped:
            check_package(self.account_id, self.region_name, base64.b64decode(zipped), spec.get("Layers") or [])
        return create(self, spec)

    def update_configuration(self, config_updates):
        check_runtime(_public[-1].images, config_updates.get("Runtime"))
        check_emulated(config_updates)
        if "Layers" in config_updates:
            check_package(self.account_id, self.region, self.code_bytes or b"", config_updates["Layers"] or [])
        return configure(self, config_updates)

    def layers_versions_by_arn(self, layer_version_arn):
        # moto finds a layer by its name in the caller's account whatever account the ARN names:
        # only the caller's own layers, and AWS's public ones, are found here.
        if split_layer_arn(layer_version_arn).account != self.account_id:
            return _public[-1].find(layer_version_arn)
        return find(self, layer_version_arn)

    def create_function_url_config(self, *args, **kwargs):
        raise InvalidParameterValueException(
            "Function URLs are not emulated by the lab backend: give the function an HTTP API "
            "(AWS::Serverless::HttpApi or an HttpApi event) to call it over HTTP."
        )

    create_function.checks_lambda_api = True
    LambdaBackend.create_function_url_config = create_function_url_config
    LambdaBackend.create_function = create_function
    LambdaFunction.update_configuration = update_configuration
    LambdaBackend.layers_versions_by_arn = layers_versions_by_arn
