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
        # A scratch folder of this call's own: concurrent first invocations (a schedule's
        # occurrences fired at once) unpack the same code side by side; the first rename wins.
        into.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f"{digest}.", suffix=".tmp", dir=into))
        scratch.chmod(0o755)  # mkdtemp's 0700 would hide the code from the sandbox's user
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.namelist():
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ValueError(f"unsafe path in the zip: {member}")
            zipped.extractall(scratch)
        _settle(scratch, target)
    return target


def _settle(scratch: Path, target: Path) -> None:
    """Move a finished scratch folder into place, unless another call got there first."""
    try:
        scratch.rename(target)
    except OSError:
        if not target.exists():
            raise
        shutil.rmtree(scratch, ignore_errors=True)


def merged(layers: tuple[Path, ...], workdir: Path) -> Path | None:
    if not layers:
        return None
    folders = [unpack(layer, workdir / "layers") for layer in layers]
    key = hashlib.sha256("\n".join(str(folder) for folder in folders).encode()).hexdigest()[:16]
    target = workdir / "opt" / key
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f"{key}.", suffix=".tmp", dir=target.parent))
        scratch.chmod(0o755)
        for folder in folders:
            shutil.copytree(folder, scratch, dirs_exist_ok=True, copy_function=_link_or_copy)
        _settle(scratch, target)
    return target


def _link_or_copy(source: str, destination: str) -> None:
    try:
        Path(destination).unlink(missing_ok=True)
        Path(destination).hardlink_to(source)
    except OSError:
        shutil.copy2(source, destination)
