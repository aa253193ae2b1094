"""The lab clock, read and moved forward from the host side (the grader, the lab page).

See `emulator.clock`: each account's time is real time plus an offset that only grows, so a
schedule of an hour fires when the clock is moved an hour, not an hour later.
"""

import json
import urllib.error
import urllib.request

from .aws import ACCOUNT_HEADER, CONTROL_HEADER, AccountAws, clock_token

CLOCK_PATH = "/_courseware/clock"


class ClockUnavailable(Exception):
    pass


def read_clock(aws: AccountAws) -> dict:
    """{"account", "now" (ISO 8601), "offset_seconds"} for the account."""
    return _call(aws, "GET", None)


def advance_clock(aws: AccountAws, seconds: float) -> dict:
    """Move the account's clock forward by `seconds`; what fell due has started on return."""
    return _call(aws, "POST", json.dumps({"seconds": seconds}).encode())


def _call(aws: AccountAws, method: str, body: bytes | None) -> dict:
    if aws.kind != "moto":
        raise ClockUnavailable(
            "The lab clock is the embedded lab backend's (LABS_BACKEND=moto); on LocalStack "
            "schedules run on real time, so this lab's timed steps cannot run there."
        )
    request = urllib.request.Request(
        aws.endpoint.rstrip("/") + CLOCK_PATH,
        data=body,
        method=method,
        headers={
            ACCOUNT_HEADER: aws.account_id,
            CONTROL_HEADER: clock_token(aws.control),  # never the control token itself
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            message = json.loads(error.read()).get("message") or error.reason
        except ValueError:
            message = error.reason
        raise ClockUnavailable(f"The lab clock refused: {message}") from None
