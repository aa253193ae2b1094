"""API keys and usage plans on REST APIs: who may call a method that requires a key, how often.

A method with `apiKeyRequired` wants a key (from the `x-api-key` header, or from the Lambda
authorizer's `usageIdentifierKey` when the API's key source is AUTHORIZER) that is enabled and
belongs to a usage plan covering this API and stage; otherwise 403 Forbidden. The plan's throttle
is a token bucket (rate per second, burst), its quota a count per day, week or month; running
out answers 429, "Too Many Requests" or "Limit Exceeded", as API Gateway does.
"""

import threading
import time
from datetime import UTC, datetime, timedelta

from moto.apigateway.models import apigateway_backends

from .routes import Refusal

FORBIDDEN = {"message": "Forbidden"}


class UsageMeter:
    def __init__(self):
        self._buckets: dict[tuple, tuple[float, float]] = {}  # (plan, key) -> (tokens, last time)
        self._counts: dict[tuple, int] = {}  # (plan, key, period start) -> requests
        self._lock = threading.Lock()

    def take(self, plan, key_id: str, *, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            throttle = plan.throttle or {}
            if throttle.get("rateLimit") is not None:
                rate = float(throttle["rateLimit"])
                burst = float(throttle.get("burstLimit") or max(rate, 1))
                tokens, last = self._buckets.get((plan.id, key_id), (burst, now))
                tokens = min(burst, tokens + (now - last) * rate)
                if tokens < 1:
                    raise Refusal(429, {"message": "Too Many Requests"}, reason="throttled")
                self._buckets[(plan.id, key_id)] = (tokens - 1, now)
            quota = plan.quota or {}
            if quota.get("limit") is not None:
                window = (plan.id, key_id, period_start(quota, now))
                if self._counts.get(window, 0) >= int(quota["limit"]):
                    raise Refusal(429, {"message": "Limit Exceeded"}, reason="quota used up")
                self._counts[window] = self._counts.get(window, 0) + 1

    def remaining(self, plan, key_id: str, *, now: float | None = None) -> int | None:
        quota = plan.quota or {}
        if quota.get("limit") is None:
            return None
        window = (plan.id, key_id, period_start(quota, time.time() if now is None else now))
        with self._lock:
            return int(quota["limit"]) - self._counts.get(window, 0)

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._counts.clear()


def period_start(quota: dict, now: float) -> str:
    """The start of the quota's current period (UTC), moved by its offset in days."""
    day = datetime.fromtimestamp(now, UTC).date() - timedelta(days=int(quota.get("offset") or 0))
    period = str(quota.get("period", "DAY")).upper()
    if period == "WEEK":
        day -= timedelta(days=day.weekday())
    elif period == "MONTH":
        day = day.replace(day=1)
    return f"{period}:{day.isoformat()}"


METER = UsageMeter()


def check_api_key(route, request, usage_key: str | None) -> dict:
    """The identity fields a valid key adds to the event; raises Refusal otherwise."""
    if route.kind != "REST" or not route.api_key_required:
        return {}
    value = usage_key if route.api_key_source == "AUTHORIZER" else request.header("x-api-key")
    if not value:
        raise Refusal(403, FORBIDDEN, reason="the method requires an API key and none was sent")
    backend = apigateway_backends[route.account_id][route.region]
    key = next((k for k in backend.keys.values() if k.value == value), None)
    if key is None or not _enabled(key.enabled):
        raise Refusal(403, FORBIDDEN, reason="the API key is unknown or disabled")
    for plan in backend.usage_plans.values():
        covers = any(
            stage.get("apiId") == route.api_id and stage.get("stage") == route.stage for stage in plan.api_stages or []
        )
        if covers and key.id in backend.usage_plan_keys.get(plan.id, {}):
            METER.take(plan, key.id)
            return {"apiKey": value, "apiKeyId": key.id}
    raise Refusal(403, FORBIDDEN, reason="the key is in no usage plan for this API and stage")


def _enabled(value) -> bool:
    return value is True or str(value).lower() == "true"
