"""Runtime images: what a function sees of Lambda's Python runtime, and nothing of the platform.

An image is a folder per runtime (`var/runtimes/python3.12/`), built from `runtimes.yaml`:

- `runtime/`: AWS's runtime interface client (`awslambdaric`) and our bootstrap, mounted at
  /var/runtime as on Lambda;
- `sdk/`: boto3 and botocore, mounted at /var/lang/lib/pythonX.Y/site-packages, where the
  Amazon Linux 2023 runtimes keep them;
- the interpreter itself is the host's CPython of that version, mounted read-only at /var/lang;
- `layers/<name>.zip`: the layers AWS publishes that functions attach by ARN (Powertools), built
  for this runtime; the emulator serves them under AWS's account (`public_layers`).

A runtime whose interpreter the host lacks has no image, and a deploy that asks for it is refused
with the list of those it has: nothing runs on a Python other than the one declared. Packages are
installed as wheels only (no package's setup code runs on the host) and compiled with the image's
own interpreter, since the sandbox's read-only mounts can never cache bytecode.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

TABLE = Path(__file__).with_name("runtimes.yaml")
BOOTSTRAP_DIR = Path(__file__).with_name("runtime")
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "var" / "runtimes"
PYENV_ROOT = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))


class RuntimeUnavailable(ValueError):
    def __init__(self, runtime: str, available: list[str]):
        known = runtime in table()["runtimes"]
        what = "is not a Lambda Python runtime" if not known else "has no interpreter on this lab backend"
        offered = ", ".join(available) or "none (run `make install`)"
        super().__init__(f"Runtime {runtime} {what}. Runtimes available here: {offered}.")
        self.runtime, self.available = runtime, available


@dataclass(frozen=True)
class RuntimeImage:
    runtime: str  # python3.12
    version: str  # 3.12
    prefix: Path  # the interpreter's installation, mounted at /var/lang
    runtime_dir: Path
    sdk_dir: Path

    def public_layer(self, name: str) -> Path:
        return self.runtime_dir.parent / "layers" / f"{name}.zip"

    @property
    def python(self) -> str:
        return f"/var/lang/bin/python{self.version}"

    @property
    def host_python(self) -> Path:
        return self.prefix / "bin" / f"python{self.version}"

    @property
    def site_packages(self) -> str:
        return f"/var/lang/lib/python{self.version}/site-packages"

    @property
    def sdk_mounted_as_site_packages(self) -> bool:
        return (self.prefix / "lib" / f"python{self.version}" / "site-packages").is_dir()

    def sys_path(self) -> list[str]:
        """Lambda's module search order: the function, its layers, the runtime's SDK, the runtime."""
        sdk = self.site_packages if self.sdk_mounted_as_site_packages else "/var/runtime/sdk"
        return ["/var/task", f"/opt/python/lib/python{self.version}/site-packages", "/opt/python", sdk, "/var/runtime"]


def table() -> dict:
    return yaml.safe_load(TABLE.read_text())


def find_interpreter(version: str) -> Path | None:
    """The host's CPython `version` (3.12): an explicit LABS_PYTHON_3_12, the platform's own, a
    pyenv build, or the system's. Returns the installation prefix."""
    override = os.environ.get(f"LABS_PYTHON_{version.replace('.', '_')}")
    candidates = [Path(override)] if override else []
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        candidates.append(Path(sys.base_prefix) / "bin" / f"python{version}")
    if PYENV_ROOT.is_dir():
        builds = sorted(PYENV_ROOT.glob(f"versions/{version}.*/bin/python{version}"), key=_patch_level, reverse=True)
        candidates += builds
    candidates += [Path(f"/usr/bin/python{version}"), Path(f"/usr/local/bin/python{version}")]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate.resolve().parent.parent
    return None


def _patch_level(path: Path) -> tuple:
    return tuple(int(part) for part in path.parents[1].name.split(".") if part.isdigit())


class Images:
    def __init__(self, root: Path | None = None):
        self.root = Path(root or os.environ.get("LABS_RUNTIMES_DIR") or DEFAULT_ROOT)

    def get(self, runtime: str) -> RuntimeImage:
        manifest = self._manifest(runtime)
        if manifest is None:
            raise RuntimeUnavailable(runtime, self.available())
        folder = self.root / runtime
        return RuntimeImage(runtime, manifest["version"], Path(manifest["prefix"]), folder / "runtime", folder / "sdk")

    def available(self) -> list[str]:
        return [runtime for runtime in table()["runtimes"] if self._manifest(runtime) is not None]

    def _manifest(self, runtime: str) -> dict | None:
        try:
            manifest = json.loads((self.root / runtime / "manifest.json").read_text())
        except (OSError, ValueError):
            return None
        return manifest if Path(manifest.get("prefix", "/nonexistent")).is_dir() else None

    # Building ---------------------------------------------------------------------------------
    def build(self, *, say=print) -> list[str]:
        """Build (or leave alone, when up to date) an image for every runtime the host can run."""
        spec = table()
        built, stale = [], []
        for runtime, details in spec["runtimes"].items():
            prefix = find_interpreter(details["python"])
            if prefix is None:
                say(f"{runtime}: no Python {details['python']} on this host; functions declaring it will be refused")
                continue
            wanted = self._wanted(details["python"], prefix, spec["packages"])
            built.append(runtime)
            if self._manifest(runtime) != wanted:
                say(f"{runtime}: building the runtime image with {prefix}/bin/python{details['python']}")
                stale.append((runtime, wanted))
        # Two at a time: each build is mostly pip waiting on the index and the disk.
        with ThreadPoolExecutor(max_workers=2) as pool:
            for done in [pool.submit(self._build_one, runtime, wanted, spec["packages"]) for runtime, wanted in stale]:
                done.result()
        return built

    @staticmethod
    def _wanted(version: str, prefix: Path, packages: dict) -> dict:
        bootstrap = hashlib.sha256()
        for path in sorted(BOOTSTRAP_DIR.glob("*.py")):
            bootstrap.update(path.name.encode() + path.read_bytes())
        layers = {
            name: {"packages": layer["packages"], "without": layer.get("without", [])}
            for name, layer in table().get("public_layers", {}).items()
        }
        return {
            "version": version,
            "prefix": str(prefix),
            "packages": packages,
            "layers": layers,
            "bootstrap": bootstrap.hexdigest(),
        }

    def _build_one(self, runtime: str, manifest: dict, packages: dict) -> None:
        version = manifest["version"]
        scratch = self.root / f".{runtime}.building"
        shutil.rmtree(scratch, ignore_errors=True)
        for part, names in (("runtime", packages["runtime"]), ("sdk", packages["sdk"])):
            pip_install(names, scratch / part, version)
        for path in BOOTSTRAP_DIR.glob("*.py"):
            shutil.copy2(path, scratch / "runtime" / path.name)
        for name, layer in manifest["layers"].items():  # as the layer's zip holds it: python/...
            folder = scratch / "layer-build" / name / "python"
            pip_install(layer["packages"], folder, version)
            for package in layer["without"]:
                for path in [folder / package, folder / f"{package}.py", *folder.glob(f"{package}-*.dist-info")]:
                    shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        python = Path(manifest["prefix"]) / "bin" / f"python{version}"
        subprocess.run([str(python), "-m", "compileall", "-q", "-j", "0", str(scratch)], check=True)
        for name in manifest["layers"]:
            (scratch / "layers").mkdir(exist_ok=True)
            shutil.make_archive(str(scratch / "layers" / name), "zip", scratch / "layer-build" / name)
        shutil.rmtree(scratch / "layer-build", ignore_errors=True)
        (scratch / "manifest.json").write_text(json.dumps(manifest, indent=2))
        target = self.root / runtime
        shutil.rmtree(target, ignore_errors=True)
        scratch.rename(target)


def pip_install(requirements: list[str], target: Path, version: str, *, extra: list[str] = ()) -> None:
    """Wheels for CPython `version` on this host's platform into `target` (pip's cache makes a
    repeat instant). Raises CalledProcessError with pip's output on failure."""
    target.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",  # compiled after, by the image's own interpreter
        "--no-warn-conflicts",
        "--target",
        str(target),
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        version,
        "--platform",
        "manylinux2014_x86_64",
        "--platform",
        "manylinux_2_17_x86_64",
        "--platform",
        "manylinux_2_28_x86_64",
        "--platform",
        "linux_x86_64",
        *extra,
        *requirements,
    ]  # each option beside its value, as pip reads them
    subprocess.run(command, check=True, capture_output=True, text=True)
