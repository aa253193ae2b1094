"""`manage.py doctor`: what a deployment needs beyond the health checks. Each check says what to
fix; none changes anything."""

from pathlib import Path

from django.conf import settings
from django.core import checks as django_checks
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from lti_tool.models import Key, LtiRegistration

from .health import ERROR, OK, WARNING, Check, health_report


def check_settings() -> list[Check]:
    found = django_checks.run_checks(include_deployment_checks=settings.PRODUCTION)
    problems = [c for c in found if c.level >= django_checks.WARNING and not c.is_silenced()]
    results = [
        Check(
            f"setting {c.id}",
            ERROR if c.level >= django_checks.ERROR else WARNING,
            str(c.msg).split("\n")[0][:200],
            fix=c.hint or "",
        )
        for c in problems
    ]
    mode = "production" if settings.PRODUCTION else "development settings"
    if not settings.PRODUCTION:
        results.append(
            Check(
                "settings",
                WARNING,
                f"{mode} (DJANGO_ENV is not production)",
                fix="set DJANGO_ENV=production with SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL",
            )
        )
    elif not problems:
        results.append(Check("settings", OK, "production; `check --deploy` is clean"))
    return results


def check_scale_out() -> list[Check]:
    results = []
    if connection.vendor != "postgresql":
        results.append(
            Check(
                "database engine",
                WARNING,
                f"{connection.vendor}",
                fix="use PostgreSQL (DATABASE_URL) for several web and task workers",
            )
        )
    if not settings.REDIS_URL:
        results.append(
            Check(
                "shared cache",
                WARNING,
                "local memory: each process caches alone",
                fix="set REDIS_URL so workers share the cache and sessions",
            )
        )
    if not settings.AXES_ENABLED:
        results.append(Check("login rate limit", WARNING, "off (AXES_ENABLED=0)", fix="unset AXES_ENABLED"))
    return results


def check_migrations() -> Check:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # noqa: BLE001
        return Check("migrations", ERROR, f"cannot read ({error.__class__.__name__})")
    if plan:
        return Check("migrations", ERROR, f"{len(plan)} not applied", fix="run `python manage.py migrate`")
    return Check("migrations", OK, "all applied")


def check_static_files() -> Check:
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" not in backend:
        status = WARNING if not settings.DEBUG else OK
        return Check(
            "static files",
            status,
            "served unhashed (development storage)",
            fix="turn DEBUG off so whitenoise serves hashed, compressed files",
        )
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return Check(
            "static files",
            ERROR,
            f"no manifest in {settings.STATIC_ROOT}",
            fix="run `python manage.py collectstatic --no-input` (make serve does)",
        )
    return Check("static files", OK, "hashed and compressed (whitenoise)")


def check_content() -> Check:
    from courseware.catalog.models import Lesson
    from courseware.course.services import content_load
    from courseware.labrunner.models import Lab

    course = content_load()
    if not course.ok:
        return Check(
            "content",
            ERROR,
            f"{len(course.problems)} problem(s), first: {course.problems[0]}",
            fix="run `python manage.py content check` and fix what it lists",
        )
    on_disk = {("lesson", s.slug): s.content_hash for s in course.lessons}
    on_disk |= {("lab", s.slug): s.content_hash for s in course.labs}
    indexed = {("lesson", slug): h for slug, h in Lesson.objects.values_list("slug", "content_hash")}
    indexed |= {("lab", slug): h for slug, h in Lab.objects.values_list("slug", "content_hash")}
    if on_disk != indexed:
        stale = sorted(slug for key, slug in (k for k in on_disk.keys() ^ indexed.keys()))
        changed = [k[1] for k in on_disk.keys() & indexed.keys() if on_disk[k] != indexed[k]]
        return Check(
            "content",
            ERROR if not indexed else WARNING,
            f"the index differs from {settings.CONTENT_DIR}: {', '.join((stale + changed)[:5])}",
            fix="run `python manage.py content sync`",
        )
    return Check("content", OK, f"{len(course.lessons)} lessons, {len(course.labs)} labs in sync")


def check_sandbox() -> list[Check]:
    from courseware.sandbox import Sandbox, SandboxUnavailable

    try:
        sandbox = Sandbox()
    except SandboxUnavailable as error:
        return [Check("sandbox", ERROR, "bubblewrap missing", fix=str(error))]
    try:
        report = sandbox.self_check()
    finally:
        sandbox.shutdown()
    if sandbox.unsafe:
        return [Check("sandbox", WARNING, "UNSAFE: learner code runs uncontained", fix="unset LABS_SANDBOX_UNSAFE")]
    return [
        Check(
            f"sandbox: {name}",
            OK if passed else ERROR,
            detail,
            fix="" if passed else "see docs/deploy.md#the-sandbox (cgroups, bubblewrap, user namespaces)",
        )
        for name, passed, detail in report.checks
    ]


def check_lti() -> list[Check]:
    """Only once a platform is registered (docs/lti.md): it needs the tool's signing key, and a
    launch's login and launch may reach different processes (the state is in the cache)."""
    platforms = LtiRegistration.objects.filter(is_active=True).count()
    if not platforms:
        return []
    key = Key.objects.active().order_by("-datetime_created").first()
    if key is None:
        return [Check("LTI", ERROR, f"{platforms} platform(s), no signing key", fix="manage.py lti rotate-key")]
    results = [Check("LTI", OK, f"{platforms} platform(s), signing key {key}")]
    if not settings.REDIS_URL:
        results.append(Check("LTI launch state", WARNING, "per process", fix="set REDIS_URL (docs/lti.md)"))
    return results


def doctor_checks(*, sandbox: bool = True) -> list[Check]:
    _, services = health_report()
    results = check_settings() + check_scale_out() + [check_migrations()] + check_lti()
    results += services + [check_static_files(), check_content()]
    return results + (check_sandbox() if sandbox else [])
