"""Production settings, as the process really starts them (a subprocess with DJANGO_ENV).

tests/core/test_settings.py already proves `check --deploy --fail-level WARNING` is clean and
that a missing SECRET_KEY, ALLOWED_HOSTS or DATABASE_URL (or a django-insecure key) is refused;
this adds the values behind the secure cookies and HSTS, and the refusals it does not cover.
"""

import json
import secrets

import pytest

from tests.core.test_settings import run_manage

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),  # 67 random characters
    "ALLOWED_HOSTS": "course.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
}
SHOWN = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
    "AXES_ENABLED",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "MIDDLEWARE",
    "AUTHENTICATION_BACKENDS",
]


def production_settings(**env) -> dict:
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SHOWN!r}}}))"
    )
    result = run_manage("shell", "--no-imports", "-c", script, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_hsts_and_redirect():
    values = production_settings()  # also the control: this environment starts
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True and values["X_FRAME_OPTIONS"] == "DENY"
    # The protections of tests/security are on in production too, not only in tests.
    assert values["AXES_ENABLED"] is True
    assert values["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert "csp.middleware.CSPMiddleware" in values["MIDDLEWARE"]
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] <= 1024 * 1024


@pytest.mark.parametrize(
    "env, named",
    [
        ({"SECRET_KEY": secrets.token_urlsafe(30)}, "SECRET_KEY"),  # random but too short
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),  # set, but to nothing
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG must be off"),
    ],
    ids=["short-key", "blank-hosts", "blank-database", "debug-on"],
)
def test_production_refuses_to_start(env, named):
    result = run_manage("check", **{**PRODUCTION, **env})
    assert result.returncode != 0
    # The last line says what is wrong and how to fix it.
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: DJANGO_ENV=production")
    assert named in message
