"""A standby runtime's folders: bound into its sandbox empty, filled with its function's files once
the function is known.

A sandbox's mounts are fixed when bwrap starts it, so a runtime started ahead of its function
binds folders of its own at /var/task, /opt and /var/run/aws, and the host fills them later with
hard links (a copy where the folders are on different filesystems). The sandbox sees exactly what
a bind mount of the function's folders would show, read-only as they are.
"""

import os
import shutil
from pathlib import Path

from .layers import link_or_copy

SOCKET_NAME = "aws.sock"
SOCKET_IN_SANDBOX = f"/var/run/aws/{SOCKET_NAME}"


class SlotUnavailable(OSError):
    pass


class Slot:
    def __init__(self, root: Path):
        self.root = root
        self.task, self.opt, self.run = root / "task", root / "opt", root / "run"
        for folder in (self.task, self.opt, self.run):
            folder.mkdir(parents=True, exist_ok=True)

    def fill(self, code: Path, opt: Path | None, socket: Path | None) -> None:
        """The function's code, its merged layers and its account's socket, where the sandbox looks."""
        shutil.copytree(code, self.task, symlinks=True, dirs_exist_ok=True, copy_function=link_or_copy)
        if opt is not None:
            shutil.copytree(opt, self.opt, symlinks=True, dirs_exist_ok=True, copy_function=link_or_copy)
        if socket is not None:
            try:  # a socket cannot be copied: a link to it reaches the same listener
                os.link(socket, self.run / SOCKET_NAME)
            except OSError as error:
                raise SlotUnavailable(f"cannot link the account socket into the standby: {error}") from error

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
