"""A runtime's output, cut into one log per invocation at the marker the runtime client writes
after each (`runtime/pipe_client.py`), each capped in size."""

LOG_END = b"\x1e--lambda-log-end--"


def split_output(stream, cap: int, put) -> None:
    """Read `stream` to its end, `put` each invocation's log (then what followed the last marker).
    Past `cap` bytes the rest is read and dropped, so a chatty function never blocks on a full pipe."""
    buffer, size, truncated, pending = [], 0, False, b""
    for chunk in iter(lambda: stream.read1(65536), b""):
        pending += chunk
        while (marker := pending.find(LOG_END)) >= 0:
            size, truncated = _append(buffer, pending[:marker], size, cap, truncated)
            pending = pending[marker + len(LOG_END) :].removeprefix(b"\n")
            log = b"".join(buffer).decode("utf-8", "replace")
            put(log + (f"\n[output truncated: more than {cap:,} bytes]\n" if truncated else ""))
            buffer, size, truncated = [], 0, False
        keep = len(LOG_END) - 1  # a marker may straddle two chunks
        if len(pending) > keep:
            size, truncated = _append(buffer, pending[:-keep], size, cap, truncated)
            pending = pending[-keep:]
    _append(buffer, pending, size, cap, truncated)
    put(b"".join(buffer).decode("utf-8", "replace"))


def _append(buffer: list, text: bytes, size: int, cap: int, truncated: bool) -> tuple[int, bool]:
    if not text:
        return size, truncated
    room = cap - size
    if room <= 0:
        return size, True
    buffer.append(text[:room])
    return size + min(room, len(text)), truncated or len(text) > room
