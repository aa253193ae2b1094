"""The lab clock over HTTP, for the platform on the host port (with the control token).

`GET /_courseware/clock` reads the pinned account's clock; `POST` with `{"seconds": N}` moves it
forward and answers once what fell due has been started. Learner code never reaches it: its
socket refuses every `/_courseware/` path as an unknown AWS operation.
"""

import json

from .clock import CLOCK, ClockError

CLOCK_PATH = "/_courseware/clock"


def serve(environ, start_response, account: str | None):
    if account is None:
        return _answer(start_response, 400, {"message": "Name the account whose clock this is."})
    method = environ["REQUEST_METHOD"]
    if method == "POST":
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            seconds = json.loads(environ["wsgi.input"].read(length) or b"{}").get("seconds")
            CLOCK.advance(account, seconds)
        except (ValueError, AttributeError) as error:
            message = str(error) if isinstance(error, ClockError) else 'Send {"seconds": N} as JSON.'
            return _answer(start_response, 400, {"message": message})
    elif method != "GET":
        return _answer(start_response, 405, {"message": "GET reads the clock; POST moves it forward."})
    return _answer(start_response, 200, reading(account))


def reading(account: str) -> dict:
    return {
        "account": account,
        "now": CLOCK.now(account).isoformat(timespec="seconds"),
        "offset_seconds": CLOCK.offset(account).total_seconds(),
    }


def _answer(start_response, status: int, data: dict):
    body = json.dumps(data).encode()
    phrase = {200: "OK", 400: "Bad Request", 405: "Method Not Allowed"}[status]
    start_response(f"{status} {phrase}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
