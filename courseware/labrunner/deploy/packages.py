"""What a function's .zip holds, built as `sam build` builds it: the function's folder, and the
packages its `requirements.txt` names, installed for its runtime at the top of the zip. A layer's
zip is its folder (with `python/...` inside), its requirements installed into `python/` when the
template asks for a Python build.

Packages come from the configured index as wheels only, so no package's own setup code runs on
the platform's host, and an installed set is kept by the digest of the requirements and runtime:
a repeated deploy with the same requirements.txt installs nothing. Lambda's size quotas apply
here, where the learner can still fix them: 50 MB zipped for a direct upload, 250 MB unzipped.
"""

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from django.conf import settings

from courseware.sandbox.images import pip_install, table

from .outcome import DeployError

MAX_ZIPPED = 50 * 1024 * 1024  # Lambda: a .zip uploaded directly
MAX_UNZIPPED = 250 * 1024 * 1024  # Lambda: code and layers together, unzipped
REQUIREMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._ -]+\])?\s*(\(?[<>=!~][^;#]*\)?)?\s*(;[^#]*)?$")
NOT_FOUND = re.compile(r"(?:No matching distribution found for|satisfies the requirement) ([A-Za-z0-9._-]+)")


def folder_files(files: dict[str, str], folder: str) -> dict[str, str]:
    """The files under `folder` ("." for all), by their path inside it; never template.yaml."""
    prefix = "" if folder in ("", ".", "./") else folder.strip("/").removeprefix("./") + "/"
    return {
        name[len(prefix) :]: text for name, text in files.items() if name.startswith(prefix) and name != "template.yaml"
    }


def requirements(text: str, where: str) -> list[str]:
    """The requirement lines, each a package and its versions; anything pip would fetch from
    elsewhere (options, URLs, local paths) is refused at its line."""
    found = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if not REQUIREMENT.match(line):
            raise DeployError(
                f"{line!r}: write one package per line, such as Pillow==11.3.0 or requests>=2.32 "
                "(options, URLs and paths are not taken)",
                file=where,
                line=number,
            )
        found.append(line)
    return found


def install(text: str, runtime: str, where: str) -> Path | None:
    """The packages of a requirements.txt, installed for `runtime` (cached); None if it names none."""
    wanted = requirements(text, where)
    if not wanted:
        return None
    version = table()["runtimes"].get(runtime, {}).get("python")
    if version is None:
        raise DeployError(f"cannot install packages for the runtime {runtime}", file=where)
    key = hashlib.sha256("\n".join([runtime, settings.LABS_PACKAGE_INDEX, *sorted(wanted)]).encode())
    target = Path(settings.LABS_DEPS_DIR) / key.hexdigest()[:24]
    if target.is_dir():
        return target
    scratch = target.with_suffix(".installing")
    shutil.rmtree(scratch, ignore_errors=True)
    index = ["--index-url", settings.LABS_PACKAGE_INDEX] if settings.LABS_PACKAGE_INDEX else []
    try:
        pip_install(wanted, scratch, version, extra=index)
    except subprocess.CalledProcessError as error:
        shutil.rmtree(scratch, ignore_errors=True)
        raise _pip_failed(error, text, runtime, where) from error
    scratch.rename(target)
    return target


def _pip_failed(error: subprocess.CalledProcessError, text: str, runtime: str, where: str) -> DeployError:
    output = (error.stderr or "") + (error.stdout or "")
    missing = NOT_FOUND.search(output)
    if missing:
        name = missing.group(1)
        line = next(
            (n for n, raw in enumerate(text.splitlines(), 1) if raw.strip().lower().startswith(name.lower())), None
        )
        return DeployError(
            f"no version of {name} matching this line has a wheel for {runtime} on Linux x86_64 in the package index",
            file=where,
            line=line,
        )
    last = [line for line in output.splitlines() if line.strip()][-1:] or ["pip failed"]
    return DeployError(f"installing the packages failed: {last[0].strip()}", file=where)


def build_zip(files: dict[str, str], extra: Path | None = None, *, into: str = "") -> bytes:
    """A deterministic zip of `files` plus the tree `extra` (installed packages) under `into`."""
    archive = io.BytesIO()
    unzipped = 0
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in sorted(files):
            _add(zipped, name, files[name].encode())
            unzipped += len(files[name].encode())
        if extra is not None:
            for path in sorted(p for p in extra.rglob("*") if p.is_file()):
                data = path.read_bytes()
                _add(zipped, into + path.relative_to(extra).as_posix(), data)
                unzipped += len(data)
    if unzipped > MAX_UNZIPPED:
        raise DeployError(
            f"the code and its packages are {unzipped / 2**20:.0f} MB unzipped; Lambda takes at most 250 MB "
            "(code and layers together)",
            file="requirements.txt",
        )
    return archive.getvalue()


def _add(zipped: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zipped.writestr(info, data)


def function_zip(files: dict[str, str], folder: str = ".", runtime: str = "python3.11") -> bytes:
    """The function in `folder` as Lambda receives it, its requirements.txt installed."""
    own = folder_files(files, folder)
    where = _path(folder, "requirements.txt")
    packages = install(own["requirements.txt"], runtime, where) if "requirements.txt" in own else None
    return build_zip(own, packages)


def layer_zip(files: dict[str, str], folder: str, build_runtime: str | None) -> bytes:
    """A layer's folder as its zip; with a Python build method, its requirements.txt goes into python/."""
    own = folder_files(files, folder)
    packages = None
    if build_runtime and "requirements.txt" in own:
        packages = install(own.pop("requirements.txt"), build_runtime, _path(folder, "requirements.txt"))
    return build_zip(own, packages, into="python/")


def checked_direct_upload(body: bytes, where: str) -> bytes:
    if len(body) > MAX_ZIPPED:
        raise DeployError(
            f"the function's zip is {len(body) / 2**20:.1f} MB; Lambda takes at most 50 MB uploaded directly "
            "(move large packages to a layer)",
            file=where,
        )
    return body


def _path(folder: str, name: str) -> str:
    folder = folder.strip("/").removeprefix("./")
    return f"{folder}/{name}" if folder not in ("", ".") else name
