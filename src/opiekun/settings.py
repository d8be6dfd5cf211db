"""Process settings, all read from the environment through the typed helpers in env.py.

Per-vendor and per-customer policy (calendars, targets, prices) is data in the
database, never here.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from opiekun.core.secretbox import development_key, valid_key
from opiekun.datastore import default_storage, retention
from opiekun.env import ConfigError, Env
from opiekun.observability.config import Observability
from opiekun.schedule import beat_schedule
from opiekun.state import broker_options, refuse_embedded

env = Env()

# The checkout root in development; var/ beside src/ holds the embedded database. An
# installed package (no pyproject.toml above it) keeps its state in ./var of the folder it
# is started in, unless OPIEKUN_VAR_DIR says where. Nothing here creates a folder: the
# commands that need one do (opiekun.state), so a read-only image can import settings.
BASE_DIR = Path(__file__).resolve().parent.parent.parent
_CHECKOUT = (BASE_DIR / "pyproject.toml").is_file()
VAR_DIR = Path(
    env.text("OPIEKUN_VAR_DIR", str(BASE_DIR / "var" if _CHECKOUT else Path.cwd() / "var"))
).absolute()

DEBUG = env.flag("DEBUG", False)

_DEV_SECRET = "django-insecure-opiekun-development-only"  # noqa: S105 (used only with DEBUG)
if DEBUG:
    SECRET_KEY = env.text("SECRET_KEY", _DEV_SECRET)
else:
    SECRET_KEY = env.text("SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise ConfigError("SECRET_KEY", "must be at least 32 characters when DEBUG is off")

# Keys of the secret box that encrypts stored secrets (mailbox passwords): Fernet keys,
# comma-separated, the first encrypts, all decrypt (rotation: ADR 8). Required in
# production; with DEBUG a key derived from SECRET_KEY stands in.
SECRET_BOX_KEYS = env.items("OPIEKUN_SECRET_BOX_KEY", [])
if not SECRET_BOX_KEYS:
    if not DEBUG:
        raise ConfigError(
            "OPIEKUN_SECRET_BOX_KEY",
            "is required when DEBUG is off (make one: opiekun secrets new-key)",
        )
    SECRET_BOX_KEYS = [development_key(SECRET_KEY)]
for _key in SECRET_BOX_KEYS:
    if not valid_key(_key):
        raise ConfigError(
            "OPIEKUN_SECRET_BOX_KEY", "each key must be 32 url-safe base64-encoded bytes (Fernet)"
        )

ALLOWED_HOSTS = env.items("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # Only for its templates and static files: the API docs' Swagger UI is served from
    # here, never from a CDN (blank offline, and a third party in the page).
    "ninja",
    "opiekun.core",
    "opiekun.staff",
    "opiekun.customers",
    "opiekun.catalog",
    "opiekun.contracts",
    "opiekun.tickets",
    "opiekun.mail",
    "opiekun.knowledge",
    "opiekun.reports",
    "opiekun.invoicing",
    "opiekun.search",
    "opiekun.notifications",
    "opiekun.lifecycle",
    "opiekun.console",
    "opiekun.portal",
    "opiekun.api",
    # Above every app: the demo's records and the quick-start commands.
    "opiekun.demo",
]

MIDDLEWARE = [
    # First: every later log line of a request has its id; the timing covers the rest.
    "opiekun.observability.requestid.RequestIdMiddleware",
    "opiekun.observability.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "opiekun.core.twofactor.TwoFactorGate",
    "opiekun.core.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a lockout into the page that says so.
    "axes.middleware.AxesMiddleware",
]

# Sign-in security (README, "Sign-in security"; ADR 9).
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Wrong passwords before a lock, counted per user name (from any address) and per
# address (for any user name); a lock lifts by itself after LOGIN_LOCKOUT_MINUTES or
# when a manager unlocks it in the console (or `opiekun axes_reset_username NAME`).
AXES_FAILURE_LIMIT = env.number("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.number("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "opiekun.core.signin.locked_out"
AXES_CLIENT_IP_CALLABLE = "opiekun.core.clients.client_address"
AXES_VERBOSE = False
# Staff with a TOTP device always give a code; managers must have one (by default).
OTP_REQUIRED_FOR_MANAGERS = env.flag("OTP_REQUIRED_FOR_MANAGERS", True)
OTP_TOTP_ISSUER = env.text("OTP_TOTP_ISSUER", "opiekun")
# Password reset links work for this long (Django's default is 3 days).
PASSWORD_RESET_TIMEOUT = env.number("PASSWORD_RESET_TIMEOUT_MINUTES", 60, minimum=5) * 60

# Content-Security-Policy (django-csp): the app's own scripts and styles only, nothing
# inline, no third party (htmx and Swagger UI are served from here).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        # Said outright although default-src implies it: the ticket page frames its own
        # PDF previews (console ticket_page.preview), and nothing from elsewhere.
        "frame-src": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

ROOT_URLCONF = "opiekun.urls"
WSGI_APPLICATION = "opiekun.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "opiekun.portal.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.database(
        "DATABASE_URL",
        f"sqlite:///{VAR_DIR / 'opiekun.sqlite3'}",
        BASE_DIR if _CHECKOUT else VAR_DIR,
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env.choice("LANGUAGE_CODE", "pl", ("pl", "en"))
LANGUAGES = [("pl", "Polski"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
TIME_ZONE = env.time_zone("TIME_ZONE", "Europe/Warsaw")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"  # whitenoise serves from it once collected (opiekun web)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.text("MEDIA_ROOT", str(VAR_DIR / "media")))
# Development serves static files straight from the apps; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    # Local disk (MEDIA_ROOT) or an S3-compatible bucket: OPIEKUN_STORAGE (ADR 0027).
    "default": default_storage(env),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

ATTACHMENT_MAX_BYTES = env.number("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# The attachment types allowed (as read from a file's bytes) and the file names refused,
# comma-separated; unset: tickets/attachments.py's defaults, which refuse programs.
ATTACHMENT_ALLOWED_TYPES = frozenset(env.items("ATTACHMENT_ALLOWED_TYPES", [])) or None
ATTACHMENT_REFUSED_EXTENSIONS = frozenset(env.items("ATTACHMENT_REFUSED_EXTENSIONS", [])) or None
# Where customers reach the desk: links in e-mail sent by the worker, which has no request
# to take the host from (a ticket's page, an unsubscribe link, a rating link).
SITE_URL = env.text("SITE_URL", "http://localhost:8000").rstrip("/")
# How long a rating link in an e-mail stays valid.
RATING_LINK_MAX_AGE_DAYS = env.number("RATING_LINK_MAX_AGE_DAYS", 60, minimum=1)

# E-mail: Django's SMTP backend; the console backend prints mail in development.
EMAIL_BACKEND = env.text(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.text("EMAIL_HOST", "localhost")
EMAIL_PORT = env.number("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.text("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.text("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.flag("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.flag("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ConfigError("EMAIL_USE_SSL", "cannot be on together with EMAIL_USE_TLS")
EMAIL_TIMEOUT = env.number("EMAIL_TIMEOUT", 30, minimum=1)
# OAuth2 (XOAUTH2) sign-in to SMTP, with EMAIL_BACKEND=opiekun.mail.smtp.OAuth2EmailBackend:
# the provider's token URL, the app's id and secret, and a refresh token (Gmail, delegated
# Microsoft 365) or none (client credentials, Microsoft 365 app-only).
EMAIL_OAUTH2_TOKEN_URL = env.text("EMAIL_OAUTH2_TOKEN_URL", "")
EMAIL_OAUTH2_CLIENT_ID = env.text("EMAIL_OAUTH2_CLIENT_ID", "")
EMAIL_OAUTH2_CLIENT_SECRET = env.text("EMAIL_OAUTH2_CLIENT_SECRET", "")
EMAIL_OAUTH2_REFRESH_TOKEN = env.text("EMAIL_OAUTH2_REFRESH_TOKEN", "")
EMAIL_OAUTH2_SCOPE = env.text("EMAIL_OAUTH2_SCOPE", "")
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "opiekun@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Our Message-IDs are <...@MAIL_DOMAIN>, so replies to them are recognised as ours.
MAIL_DOMAIN = env.text("MAIL_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost")
# At most this many automatic mails (acknowledgements, bounces) per recipient a day.
MAIL_AUTO_REPLY_LIMIT = env.number("MAIL_AUTO_REPLY_LIMIT", 20, minimum=0)
# A message over this is not taken: it is kept, listed and politely bounced.
MAIL_MAX_MESSAGE_BYTES = env.number("MAIL_MAX_MESSAGE_BYTES", 30 * 1024 * 1024, minimum=1024)
# How often beat looks for mailboxes whose own interval has come.
MAIL_POLL_CHECK_SECONDS = env.number("MAIL_POLL_CHECK_SECONDS", 60, minimum=5)
MAIL_SEND_RETRIES = env.number("MAIL_SEND_RETRIES", 8, minimum=0)
# Outbound e-mail still pending this long after it was written or last tried is stuck
# (its task was lost): a beat sweep sends it again, or fails it visibly after
# MAIL_SEND_RETRIES tries. Above the longest backoff between retries (60 minutes).
MAIL_STUCK_MINUTES = env.number("MAIL_STUCK_MINUTES", 75, minimum=61)

# Celery: the filesystem broker needs no server, so `make run` works on a bare machine.
CELERY_BROKER_URL = env.text("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = broker_options("CELERY_BROKER_URL", CELERY_BROKER_URL, VAR_DIR)
# Production refuses the one-machine engines unless the operator says so (ADR 0024): a
# filesystem queue or an SQLite file on one machine's disk silently splits a desk run on
# several machines, and an image started without its settings would run on them.
ALLOW_EMBEDDED = env.flag("OPIEKUN_ALLOW_EMBEDDED", DEBUG)
refuse_embedded(ALLOW_EMBEDDED, CELERY_BROKER_URL, DATABASES["default"]["ENGINE"])
CELERY_TASK_ALWAYS_EAGER = env.flag("CELERY_TASK_ALWAYS_EAGER", False)
# Queues by kind; routes and late acknowledgement per task are in opiekun.queues (read by
# celery.py). A task not listed there is acknowledged when it starts.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The share of a reaction target after which the assignee and the account manager are
# warned (issue 3: default 75%).
SLA_WARNING_PERCENT = env.number("SLA_WARNING_PERCENT", 75, minimum=1)
if SLA_WARNING_PERCENT > 99:
    raise ConfigError("SLA_WARNING_PERCENT", f"must be below 100, got {SLA_WARNING_PERCENT}")
VAT_RATE_PERCENT = env.decimal("VAT_RATE_PERCENT", "23")
SLA_SWEEP_SECONDS = env.number("SLA_SWEEP_SECONDS", 60, minimum=5)
# Data lifecycle (ADR 0027): how long data is kept.
RETENTION = retention(env)

# The cache holds rate-limit counts (API, sign-in): local memory is per process, so with
# several web processes production sets CACHE_URL=redis://host:6379/1 to share them.
CACHE_URL = env.text("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ConfigError("CACHE_URL", f"unsupported cache {CACHE_URL!r}: use locmem:// or redis://")
# API rate limits, "N/s|min|hour|day": per signed-in user or token, per address otherwise.
API_RATE_USER = env.text("API_RATE_USER", "600/min")
API_RATE_ANON = env.text("API_RATE_ANON", "60/min")
for _name, _rate in (("API_RATE_USER", API_RATE_USER), ("API_RATE_ANON", API_RATE_ANON)):
    _count, _, _period = _rate.partition("/")
    if not _count.isdigit() or _period not in {"s", "sec", "min", "m", "hour", "h", "day", "d"}:
        raise ConfigError(_name, f"expected N/s, N/min, N/hour or N/day, got {_rate!r}")
# How many reverse proxies in front of the app append to X-Forwarded-For: the client's
# address is read from their entries only (rate limits, sign-in lockout). 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.number("TRUSTED_PROXY_COUNT", 0, minimum=0)

# A monitor sending `Authorization: Bearer <HEALTHZ_TOKEN>` gets /healthz's details
# (worker heartbeat, overdue mailboxes) without signing in; empty: staff only.
HEALTHZ_TOKEN = env.text("HEALTHZ_TOKEN", "")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.flag("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.flag("CSRF_COOKIE_SECURE", not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS: production redirects plain HTTP and asks browsers to remember HTTPS (HSTS);
# `opiekun check --deploy` is clean with the defaults. Behind a TLS-terminating proxy,
# SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto tells Django the request was HTTPS; set it
# only when the proxy always sets (and overwrites) that header.
SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env.number("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env.flag("SECURE_HSTS_PRELOAD", not DEBUG)
_proxy_header = env.text("SECURE_PROXY_SSL_HEADER", "")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_header.upper().replace("-", "_"),
        env.text("SECURE_PROXY_SSL_VALUE", "https"),
    )
# A load balancer's healthz, a Prometheus scrape in plain HTTP inside the network: no redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/(live|ready)$", r"^metrics$"]

# Logs, metrics, readiness and Sentry (ADR 26): each variable is described in
# observability/config.py.
_observability = Observability.read(env, VAR_DIR, DEBUG)
_observability.apply()
LOG_FORMAT, LOGGING = _observability.log_format, _observability.logging
METRICS_TOKEN = _observability.metrics_token
PROMETHEUS_MULTIPROC_DIR = _observability.metrics_dir
HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS = _observability.heartbeat_max_age_seconds

# KSeF (ADR 0030): no KSEF_API_URL (production https://api.ksef.mf.gov.pl/v2), no sending.
KSEF_API_URL = env.url("KSEF_API_URL", "")
# The installation's KSeF token: for sellers whose vendor stored none (issue 21, item 1).
KSEF_TOKEN = env.text("KSEF_TOKEN", "") if KSEF_API_URL else ""
KSEF_QR_URL = env.url("KSEF_QR_URL", "https://qr.ksef.mf.gov.pl", schemes=("https",))
CELERY_BEAT_SCHEDULE = beat_schedule(
    mail_poll_seconds=MAIL_POLL_CHECK_SECONDS,
    sla_sweep_seconds=SLA_SWEEP_SECONDS,
    ksef_send_seconds=env.number("KSEF_SEND_SECONDS", 300, minimum=30),
)
