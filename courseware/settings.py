"""One settings module, driven by environment variables.

Development defaults are safe and need nothing set. `DJANGO_ENV=production` refuses to start
without a real SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ([] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    missing = []
    if len(SECRET_KEY) < 50 or SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
        missing.append("SECRET_KEY (at least 50 random characters)")
    if not ALLOWED_HOSTS:
        missing.append("ALLOWED_HOSTS (comma-separated host names)")
    if not os.environ.get("DATABASE_URL"):
        missing.append("DATABASE_URL (for example postgres://user:password@host:5432/name)")
    if DEBUG:
        missing.append("DJANGO_DEBUG must be off")
    if missing:
        raise ImproperlyConfigured("DJANGO_ENV=production refuses to start without: " + "; ".join(missing))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "courseware.core",
    "courseware.accounts",
    "courseware.catalog",
    "courseware.quizzes",
    "courseware.instructor",
    "courseware.pricing",
    "courseware.labrunner",
    "courseware.search",
    "lti_tool",
    "courseware.lti",
    "courseware.course",
]

MIDDLEWARE = [
    "courseware.core.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "courseware.urls"
WSGI_APPLICATION = "courseware.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "courseware.accounts.context_processors.roles",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the content watcher write while the web server reads.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not shared-cache memory, so concurrent requests in browser tests wait on SQLite's
    # ordinary locks (as in development) instead of failing with "database table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "courseware",
    }
    CACHES = {"default": redis_cache}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "courseware.accounts.sessions"  # Django's database sessions, read with one plain query

PASSWORD_HASHERS = [
    "courseware.accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # verifies older hashes, then upgraded
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before the password check
    "courseware.accounts.backends.ModelBackend",  # Django's, reading a request's user in one plain query
    "django.contrib.auth.backends.ModelBackend",  # sessions made before the line above; never sees a login
]
# Login rate limiting: five failures for one username from one address locks that pair out for
# fifteen minutes (429). Keyed on the pair so one learner cannot lock another out from elsewhere.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
if env_bool("BEHIND_TLS_PROXY", False):
    # The proxy appends the client's address; trust exactly one hop.
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "catalog:dashboard"
LOGOUT_REDIRECT_URL = "catalog:outline"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not env_bool("STATIC_PLAIN_STORAGE", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Content lives in git beside the code; CONTENT_DIR lets tests point at a scratch copy.
CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", BASE_DIR)).resolve()
LESSONS_DIR = CONTENT_DIR / "lessons"

# Labs deploy to an emulated AWS: the moto lab backend (`manage.py labs_backend`) or LocalStack, at
# LABS_ENDPOINT; or a fleet of lab nodes (`labs_backend --node NAME`, docs/deploy.md) that beat
# every LABS_HEARTBEAT_S and count as lost after LABS_NODE_LOST_AFTER missed beats.
LABS_HEARTBEAT_S = float(os.environ.get("LABS_HEARTBEAT_S", "2"))
LABS_NODE_LOST_AFTER = int(os.environ.get("LABS_NODE_LOST_AFTER", "5"))
LABS_BACKEND = os.environ.get("LABS_BACKEND", "moto")
if LABS_BACKEND not in ("moto", "localstack"):
    raise ImproperlyConfigured("LABS_BACKEND must be moto or localstack")
LABS_PORT = int(os.environ.get("LABS_PORT", "5000"))
LABS_ENDPOINT = (
    os.environ.get("LOCALSTACK_ENDPOINT", "http://127.0.0.1:4566")
    if LABS_BACKEND == "localstack"
    else os.environ.get("LABS_ENDPOINT", f"http://127.0.0.1:{LABS_PORT}")
)
# Functions' requirements.txt: wheels from this index (pip's own when empty), cached for repeats.
LABS_PACKAGE_INDEX = os.environ.get("LABS_PACKAGE_INDEX", "")
LABS_DEPS_DIR = Path(os.environ.get("LABS_DEPS_DIR", BASE_DIR / "var" / "deps"))

# Lab steps run as tasks: a database queue by default (`db_worker`), a queue per lab node (any name).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"), "QUEUES": []}}

if PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "course@localhost")

# Request bodies: the largest legitimate one is a lab's files (64 KB each) or a 256 KB event.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# No file uploads: with no upload handlers, a posted file is read and dropped, never stored.
FILE_UPLOAD_HANDLERS: list[str] = []
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Scripts and styles come from our own static files only: no inline <script>, no style="".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page, never from the cookie
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One JSON object per line in production (LOG_FORMAT=json) for a log shipper; plain text in
# development. Every request is logged once by courseware.core.logging.RequestLogMiddleware.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "courseware.core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The request log line replaces Django's own 4xx/5xx warnings (errors still log a trace).
        "django.request": {"level": "ERROR"},
        "courseware.request": {
            "level": "INFO" if env_bool("REQUEST_LOG", PRODUCTION) else "WARNING",
        },
    },
}

# bench/pages.py serves a bare HttpResponse view beside the real pages as its baseline.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
