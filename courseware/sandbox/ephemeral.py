"""/tmp as Lambda gives it: ephemeral storage of the function's configured size (512-10,240 MB), on
disk, separate from its memory; kept across warm invocations, fresh for each new environment.

A tmpfs would be charged to the function's memory (a 128 MB function could not write 400 MB), so
each environment gets a small ext4 filesystem of its own: a sparse file, formatted and
loop-mounted by the host. Writes past its size fail with ENOSPC, as on Lambda; disk is used only
for what is written. Making one takes a few tens of milliseconds, paid on a cold start. Where the
host cannot loop-mount (not root, no loop devices, no mkfs.ext4), the sandbox falls back to a
tmpfs of the same size and its self-check says that /tmp then shares the function's memory.
"""

import math
import os
import shutil
import subprocess
import threading
import uuid
from collections import defaultdict
from pathlib import Path

# ext4 keeps about 2% of a filesystem for itself. The first disk of each size is measured once
# and the file resized so that the function gets its MB free, and not more.
FIRST_GUESS = 1.035


class EphemeralUnavailable(RuntimeError):
    pass


def supported() -> bool:
    if not (shutil.which("mkfs.ext4") and shutil.which("mount") and shutil.which("umount")):
        return False
    return Path("/dev/loop-control").exists()


class EphemeralDisk:
    def __init__(self, directory: Path, image_mb: int, *, uid: int, gid: int):
        self.image, self.mountpoint = directory / "tmp.ext4", directory / "tmp"
        self.mounted = False
        directory.mkdir(parents=True, exist_ok=True)
        self.mountpoint.mkdir(exist_ok=True)
        with open(self.image, "wb") as sparse:
            sparse.truncate(image_mb * 1024 * 1024)
        self._run(
            "mkfs.ext4",
            "-q",
            "-F",
            "-m",
            "0",
            "-O",
            "^has_journal,^resize_inode",
            "-E",
            f"root_owner={uid}:{gid},lazy_itable_init=1",
            str(self.image),
        )
        self._run("mount", "-o", "loop,nosuid,nodev", str(self.image), str(self.mountpoint))
        self.mounted = True

    @staticmethod
    def _run(*command: str) -> None:
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise EphemeralUnavailable(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def free_mb(self) -> float:
        stat = os.statvfs(self.mountpoint)
        return stat.f_bavail * stat.f_frsize / 2**20

    def remove(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.mountpoint)], capture_output=True)
            self.mounted = False
        self.image.unlink(missing_ok=True)
        shutil.rmtree(self.mountpoint, ignore_errors=True)


class DiskPool:
    """Disks made ahead, so a cold start takes a ready one instead of waiting the 30-150 ms that
    formatting and mounting take. Sizes asked for are remembered and `spare` of each kept ready;
    a disk is never reused (a new environment gets a fresh /tmp, as on Lambda)."""

    def __init__(self, directory: Path, *, uid: int, gid: int, spare: int = 2):
        self.directory, self.uid, self.gid, self.spare = directory, uid, gid, spare
        self._ready: dict[int, list[EphemeralDisk]] = defaultdict(list)
        self._wanted: set[int] = {512}  # Lambda's default size
        self._image_mb: dict[int, int] = {}  # size asked -> file size that gives it, once measured
        self._lock = threading.Lock()
        self._refill = threading.Event()
        self._closed = False
        self._refill.set()
        threading.Thread(target=self._fill_forever, daemon=True, name="ephemeral-disks").start()

    def take(self, size_mb: int) -> EphemeralDisk:
        with self._lock:
            self._wanted.add(size_mb)
            ready = self._ready[size_mb]
            disk = ready.pop() if ready else None
        self._refill.set()
        return disk or self._make(size_mb)

    def _make(self, size_mb: int) -> EphemeralDisk:
        image_mb = self._image_mb.get(size_mb)
        if image_mb is not None:
            return EphemeralDisk(self.directory / uuid.uuid4().hex[:12], image_mb, uid=self.uid, gid=self.gid)
        image_mb = math.ceil(size_mb * FIRST_GUESS)
        for _ in range(4):  # the first of its size: measure, and resize until it gives size_mb
            disk = EphemeralDisk(self.directory / uuid.uuid4().hex[:12], image_mb, uid=self.uid, gid=self.gid)
            free = disk.free_mb()
            if size_mb - 2 <= free <= size_mb:
                with self._lock:
                    self._image_mb[size_mb] = image_mb
                return disk
            disk.remove()
            image_mb += math.floor(size_mb - free) if free > size_mb else math.ceil(size_mb - 1 - free)
        raise EphemeralUnavailable(f"could not size a {size_mb} MB filesystem")

    def _fill_forever(self) -> None:
        while self._refill.wait():
            self._refill.clear()
            while not self._closed:
                with self._lock:
                    short = [size for size in self._wanted if len(self._ready[size]) < self.spare]
                if not short:
                    break
                try:
                    disk = self._make(short[0])
                except (EphemeralUnavailable, OSError):
                    return  # the host cannot make them ahead; `take` makes them as asked
                with self._lock:
                    if self._closed:
                        disk.remove()
                        return
                    self._ready[short[0]].append(disk)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            disks = [disk for ready in self._ready.values() for disk in ready]
            self._ready.clear()
        self._refill.set()
        for disk in disks:
            disk.remove()


OWNER_FILE = "owner.pid"  # in each sandbox's work folder: the process whose disks these are


def claim(workdir: Path) -> None:
    """Mark a sandbox's work folder as this process's, so a later one can tell it was abandoned."""
    (workdir / OWNER_FILE).write_text(str(os.getpid()))


def reclaim_abandoned(parent: Path, prefix: str) -> list[Path]:
    """Unmount and remove the work folders of sandboxes whose process died without shutting down
    (a lab node killed with SIGKILL): their /tmp disks stay mounted, each holding a loop device,
    until someone unmounts them. A folder whose owner lives, or that names none, is left alone."""
    mounts = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()]
    reclaimed = []
    for workdir in sorted(parent.glob(prefix + "*")):
        try:
            owner = int((workdir / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        inside = str(workdir) + os.sep
        for mountpoint in sorted((m for m in mounts if m.startswith(inside)), reverse=True):
            subprocess.run(["umount", "-l", mountpoint], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)
        reclaimed.append(workdir)
    return reclaimed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
