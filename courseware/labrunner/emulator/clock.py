"""The lab clock: each account's own time, which the grader and the lab page move forward.

A schedule of `rate(1 hour)` or a Step Functions `Wait` of a day must not make a learner wait
an hour or a day. Each account's clock is the real time plus an offset that only grows: real
time passes as usual, and `advance` jumps it forward. Everything in the emulator that waits for
a moment (schedules, `Wait` states) asks this clock, never `time.time()`, and is woken when an
account's clock jumps. Learner code itself runs on real time (its sandbox clock is the host's),
as the events it receives carry the lab time they were sent at; the docs say so.
"""

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

MAX_ADVANCE = timedelta(days=366)  # one jump; a year covers every schedule a lab can teach


class ClockError(ValueError):
    pass


class LabClock:
    def __init__(self):
        self._offsets: dict[str, timedelta] = {}
        self._changed = threading.Condition()
        self._listeners: list[Callable[[str, datetime], None]] = []

    def now(self, account_id: str) -> datetime:
        return datetime.now(UTC) + self._offsets.get(account_id, timedelta())

    def offset(self, account_id: str) -> timedelta:
        return self._offsets.get(account_id, timedelta())

    def advance(self, account_id: str, seconds: float) -> datetime:
        """Move one account's clock forward; what falls due runs before this returns (listeners
        are called in this thread), so a grader that advances then looks sees it started."""
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds != seconds:
            raise ClockError("Advance the clock by a number of seconds.")
        step = timedelta(seconds=seconds)
        if step <= timedelta() or step > MAX_ADVANCE:
            raise ClockError(f"Advance the clock by more than 0 seconds and at most {MAX_ADVANCE.days} days.")
        with self._changed:
            self._offsets[account_id] = self.offset(account_id) + step
            self._changed.notify_all()
        now = self.now(account_id)
        for listener in list(self._listeners):
            listener(account_id, now)
        return now

    def subscribe(self, listener: Callable[[str, datetime], None]) -> None:
        """`listener(account_id, now)` after each jump of an account's clock."""
        self._listeners.append(listener)

    def unsubscribe(self, listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def wait_until(self, account_id: str, moment: datetime, *, stop: threading.Event | None = None) -> bool:
        """Block until the account's clock reaches `moment` (real time passing or a jump);
        False if `stop` was set first."""
        while True:
            remaining = (moment - self.now(account_id)).total_seconds()
            if remaining <= 0:
                return True
            if stop is not None and stop.is_set():
                return False
            with self._changed:  # woken by a jump; otherwise by real time, checked at least twice a second
                self._changed.wait(min(remaining, 0.5))

    def wake(self) -> None:
        """Wake every `wait_until` to look again (its stop flag may have been set)."""
        with self._changed:
            self._changed.notify_all()

    def forget(self, account_id: str) -> None:
        with self._changed:
            self._offsets.pop(account_id, None)


CLOCK = LabClock()  # one per process, as moto's state is
