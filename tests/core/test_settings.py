"""Production mode refuses to start without real settings, and passes `check --deploy` with them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "x7Qp9vL2" * 8


def run_manage(*args, **env):
    base = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ENV",
            "DJANGO_DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env, missing",
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "course.example.org"}, "DATABASE_URL"),
        (
            {
                "SECRET_KEY": "django-insecure-" + "a" * 50,
                "ALLOWED_HOSTS": "x",
                "DATABASE_URL": "sqlite:///x",
            },
            "SECRET_KEY",
        ),
    ],
)
def test_production_refuses_to_start_without_real_settings(env, missing):
    result = run_manage("check", DJANGO_ENV="production", **env)
    assert result.returncode != 0
    assert "DJANGO_ENV=production refuses to start without" in result.stderr
    assert missing in result.stderr


def test_production_check_deploy_is_clean():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="course.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_need_nothing():
    result = run_manage("check")
    assert result.returncode == 0, result.stderr


def test_redis_url_switches_cache_and_sessions_to_redis():
    script = (
        "from django.conf import settings; from django.core.cache import cache; "
        "cache.set('settings-test', 'via-redis', 30); "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, cache.get('settings-test'))"
    )
    result = run_manage("shell", "--no-imports", "-c", script, REDIS_URL="redis://127.0.0.1:6379/15")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cache",
        "via-redis",
    ]
