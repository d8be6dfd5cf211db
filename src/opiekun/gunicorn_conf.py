"""gunicorn's configuration for `opiekun web` (`gunicorn -c python:opiekun.gunicorn_conf`),
every value from the environment through env.py's readers, so a bad one stops start-up
with a line naming it. Pure Python: gunicorn reads it before Django is set up."""

from __future__ import annotations

import os

from opiekun.env import Env

env = Env()

wsgi_app = "opiekun.wsgi:application"
bind = env.binds("WEB_BIND", ["127.0.0.1:8000"])
# Processes, each with threads: a thread waiting on the database or the disk lets the
# others serve; 2 processes x 4 threads suit a small machine.
workers = env.number("WEB_WORKERS", 2, minimum=1)
threads = env.number("WEB_THREADS", 4, minimum=1)
# A request running longer than this is killed and its process replaced.
timeout = env.number("WEB_TIMEOUT", 30, minimum=1)
# On SIGTERM (a deploy), requests under way get this long to finish.
graceful_timeout = env.number("WEB_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = env.number("WEB_KEEPALIVE", 5, minimum=0)
# A process is replaced after this many requests (0: never), spread by the jitter so
# they are not all replaced at once; slow leaks stay bounded.
max_requests = env.number("WEB_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = env.number("WEB_MAX_REQUESTS_JITTER", 100, minimum=0)
# The proxies whose X-Forwarded-Proto gunicorn believes (Django's own is
# SECURE_PROXY_SSL_HEADER); comma-separated addresses, or * behind a private network.
forwarded_allow_ips = env.text("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-" if env.flag("WEB_ACCESS_LOG", True) else None
errorlog = "-"
loglevel = env.choice("WEB_LOG_LEVEL", "info", ("debug", "info", "warning", "error"))
# The workers' heartbeat files: in memory where the system has it, so a read-only image
# (or a slow disk) does not stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
