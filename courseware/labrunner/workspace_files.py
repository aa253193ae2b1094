"""The paths a learner's function folder may hold, as `sam build` and Lambda would take them.

A workspace is a folder of text files: the handler, sub-folders (one per function in a SAM lab,
`CodeUri: src/`), a `requirements.txt`, a layer's `python/` tree. Paths are relative, with no
`..`, of sensible characters and depth, and the folder has a size a lab needs and no more.
"""

import re

from courseware.content.labs import MAX_FILE_BYTES

MAX_FILES = 60
MAX_TOTAL_BYTES = 1024 * 1024
MAX_DEPTH = 6
SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")


class BadPath(ValueError):
    pass


def clean_path(raw: str) -> str:
    """`src/app.py` from what the learner typed; BadPath says what is wrong with it."""
    path = (raw or "").strip().replace("\\", "/").removeprefix("./")
    if not path:
        raise BadPath("give the file a name, such as src/app.py")
    if path.startswith("/"):
        raise BadPath(f"{path}: a path inside the function's folder, not from /")
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise BadPath(f"{path}: no empty parts, '.' or '..' in a path")
    if len(parts) > MAX_DEPTH:
        raise BadPath(f"{path}: folders go at most {MAX_DEPTH} deep")
    for part in parts:
        if not SEGMENT.match(part):
            raise BadPath(f"{path}: use letters, digits, '.', '_' and '-' in names ({part!r})")
    return path


def check_folder(files: dict[str, str]) -> None:
    """The whole folder within its limits (BadPath if not)."""
    if len(files) > MAX_FILES:
        raise BadPath(f"a lab folder holds at most {MAX_FILES} files")
    for name, text in files.items():
        if len(text.encode()) > MAX_FILE_BYTES:
            raise BadPath(f"{name} is larger than {MAX_FILE_BYTES // 1024} KB")
    if sum(len(text.encode()) for text in files.values()) > MAX_TOTAL_BYTES:
        raise BadPath(f"the files come to more than {MAX_TOTAL_BYTES // 1024} KB in all")
    paths = set(files)
    for name in paths:  # a file and a folder cannot share a name
        parts = name.split("/")
        for depth in range(1, len(parts)):
            if "/".join(parts[:depth]) in paths:
                raise BadPath(f"{'/'.join(parts[:depth])} is a file, so it cannot also be a folder")
