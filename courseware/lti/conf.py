"""LTI's tunables: a Django setting of the same name wins, then the environment, then the default.
(They live here, not in settings.py, which is at its size limit.)"""

import os

from django.conf import settings

DEFAULTS = {
    "LTI_HTTP_TIMEOUT": 10.0,  # seconds for a call to a platform: JWKS, token, scores, memberships
    "LTI_PUSH_ATTEMPTS": 6,  # a score push that fails is tried this many times in all
    "LTI_PUSH_BACKOFF_SECONDS": 30,  # then waits this long, doubling after each failure
}


def setting(name: str):
    default = DEFAULTS[name]
    if hasattr(settings, name):
        return getattr(settings, name)
    return type(default)(os.environ.get(name, default))
