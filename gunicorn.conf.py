"""gunicorn's settings for `make serve` and deployments (gunicorn reads this file from the working
directory). Every value can be overridden by the environment a platform provides."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
# Sync workers: pages are short and database-bound, and the lab steps that take seconds run in
# task workers, never in a request. (2 x cores) + 1 is gunicorn's own starting point.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound; jitter staggers them.
max_requests = 5000
max_requests_jitter = 500
# The site logs each request itself (courseware.core.logging), with the user and a request id.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a TLS proxy, trust its X-Forwarded-* headers (settings.BEHIND_TLS_PROXY does the same).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket defaults to one path per user ($HOME/.gunicorn); two sites on one
# machine (a deployment and `bench/load.py`, say) would fight over it, and nothing here uses it.
control_socket_disable = True
