"""GetExecutionHistory paged as AWS pages it.

moto's engine answers every event at once. AWS answers `maxResults` events a page (100 by
default, at most 1000) with a `nextToken`, newest first with `reverseOrder`, and without inputs
and outputs when `includeExecutionData` is false: code that reads only the first page of a long
history sees only that page, on AWS and here.
"""

import base64
import json

from moto.core.responses import ActionResult
from moto.stepfunctions.exceptions import InvalidToken

DEFAULT_PAGE, MAX_PAGE = 100, 1000
DATA_FIELDS = ("input", "inputDetails", "output", "outputDetails")


def _token(offset: int, arn: str) -> str:
    return base64.b64encode(json.dumps([offset, arn]).encode()).decode()


def _offset(token: str | None, arn: str) -> int:
    if not token:
        return 0
    try:
        offset, for_arn = json.loads(base64.b64decode(token))
    except (ValueError, TypeError) as error:
        raise InvalidToken() from error
    if for_arn != arn or not isinstance(offset, int):
        raise InvalidToken()
    return offset


def _without_data(event: dict) -> dict:
    event = dict(event)
    for key, details in list(event.items()):
        if key.endswith("EventDetails") and isinstance(details, dict):
            event[key] = {name: value for name, value in details.items() if name not in DATA_FIELDS}
    return event


def get_execution_history_response(self) -> ActionResult:
    arn = self._get_param("executionArn")
    size = self._get_int_param("maxResults") or DEFAULT_PAGE
    size = min(max(size, 1), MAX_PAGE)
    events = list(self.stepfunction_backend.get_execution_history(arn)["events"])
    if self._get_bool_param("reverseOrder", False):
        events.reverse()
    if self._get_bool_param("includeExecutionData", True) is False:
        events = [_without_data(event) for event in events]
    start = _offset(self._get_param("nextToken"), arn)
    page = {"events": events[start : start + size]}
    if start + size < len(events):
        page["nextToken"] = _token(start + size, arn)
    return ActionResult(page)
