"""A lab node killed with SIGKILL never shuts its sandbox down: the /tmp disks it had mounted stay
mounted, each holding a loop device. The next sandbox on the machine unmounts and removes them."""

import subprocess
from pathlib import Path

from courseware.sandbox import Sandbox, SandboxLimits
from courseware.sandbox.ephemeral import EphemeralDisk, claim, reclaim_abandoned
from courseware.sandbox.executor import WORKDIR_PREFIX


def mounted() -> set[str]:
    return {line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()}


def abandoned_sandbox(parent: Path, name: str) -> tuple[Path, EphemeralDisk]:
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process that has exited: its pid names no one
    workdir = parent / name
    (workdir / "tmp").mkdir(parents=True)
    (workdir / "owner.pid").write_text(str(gone.pid))
    return workdir, EphemeralDisk(workdir / "tmp" / "a1", 16, uid=0, gid=0)


def test_a_dead_sandboxs_disks_are_unmounted_and_its_folder_removed(tmp_path):
    dead, disk = abandoned_sandbox(tmp_path, WORKDIR_PREFIX + "dead")
    assert str(disk.mountpoint) in mounted()
    live = tmp_path / (WORKDIR_PREFIX + "live")
    live.mkdir()
    claim(live)  # this process's: alive
    unnamed = tmp_path / (WORKDIR_PREFIX + "unnamed")
    unnamed.mkdir()  # says no owner: not ours to judge

    assert reclaim_abandoned(tmp_path, WORKDIR_PREFIX) == [dead]
    assert str(disk.mountpoint) not in mounted()
    assert not dead.exists() and live.exists() and unnamed.exists()


def test_a_new_sandbox_reclaims_what_a_killed_one_left(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    dead, disk = abandoned_sandbox(tmp_path, WORKDIR_PREFIX + "killed")
    sandbox = Sandbox(SandboxLimits())
    try:
        assert str(disk.mountpoint) not in mounted() and not dead.exists()
        assert (sandbox._workdir / "owner.pid").read_text().strip().isdigit()
    finally:
        sandbox.shutdown()
