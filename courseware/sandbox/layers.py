"""Layers as Lambda applies them: each layer's archive extracted into /opt, in the function's
order, a later layer's files replacing an earlier one's. Merged once per combination and shared
by every environment that uses it."""

import hashlib
import shutil
import tempfile
import zipfile
from pathlib import Path

from .config import code_digest


def unpack(archive: Path, into: Path) -> Path:
    """A zip (or a directory, used as it is) as a directory; paths outside it are refused."""
    archive = Path(archive)
    if archive.is_dir():
        return archive.resolve()
    digest = hashlib.sha256(code_digest(archive).encode()).hexdigest()[:16]
    target = into / digest
    if not target.exists():
        scratch = _scratch(into)
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.namelist():
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ValueError(f"unsafe path in the zip: {member}")
            zipped.extractall(scratch)
        _settle(scratch, target)
    return target


def _scratch(into: Path) -> Path:
    """A folder of this call's own: two invocations of new code (pollers, asynchronous invokes)
    may unpack it at the same moment, and must not write into one folder."""
    into.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=into, suffix=".tmp"))


def _settle(scratch: Path, target: Path) -> None:
    try:
        scratch.rename(target)
    except OSError:  # another call finished first: its copy is the same
        shutil.rmtree(scratch, ignore_errors=True)


def merged(layers: tuple[Path, ...], workdir: Path) -> Path | None:
    if not layers:
        return None
    folders = [unpack(layer, workdir / "layers") for layer in layers]
    key = hashlib.sha256("\n".join(str(folder) for folder in folders).encode()).hexdigest()[:16]
    target = workdir / "opt" / key
    if not target.exists():
        scratch = _scratch(target.parent)
        for folder in folders:
            shutil.copytree(folder, scratch, dirs_exist_ok=True, copy_function=link_or_copy)
        _settle(scratch, target)
    return target


def link_or_copy(source: str, destination: str) -> None:
    try:
        Path(destination).unlink(missing_ok=True)
        Path(destination).hardlink_to(source)
    except OSError:
        shutil.copy2(source, destination)
