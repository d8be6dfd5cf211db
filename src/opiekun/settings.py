"""Process settings, all read from the environment through the typed helpers in env.py.

Per-vendor and per-customer policy (calendars, targets, prices) is data in the
database, never here.
"""

from __future__ import annotations

from pathlib import Path

from opiekun.core.secretbox import development_key, valid_key
from opiekun.env import ConfigError, Env

env = Env()

# The checkout root in development; var/ beside src/ holds the embedded database.
BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.text("OPIEKUN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.flag("DEBUG", False)

_DEV_SECRET = "django-insecure-opiekun-development-only"  # noqa: S105 (used only with DEBUG)
if DEBUG:
    SECRET_KEY = env.text("SECRET_KEY", _DEV_SECRET)
else:
    SECRET_KEY = env.text("SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise ConfigError("SECRET_KEY", "must be at least 32 characters when DEBUG is off")

# Keys of the secret box that encrypts stored secrets (mailbox passwords): Fernet keys,
# comma-separated, the first encrypts, all decrypt (rotation: ADR 7). Required in
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
    "opiekun.console",
    "opiekun.portal",
    "opiekun.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "opiekun.core.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

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
    "default": env.database("DATABASE_URL", "sqlite:///var/opiekun.sqlite3", BASE_DIR),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default lives under var/; create the folder so a fresh clone just works.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
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
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from it once collected
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.text("MEDIA_ROOT", str(VAR_DIR / "media")))
# Development serves static files straight from the apps; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

ATTACHMENT_MAX_BYTES = env.number("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

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

# Celery: the filesystem broker needs no server, so `make run` works on a bare machine.
CELERY_BROKER_URL = env.text("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.split(":", 1)[0] not in {"filesystem", "redis", "rediss", "amqp", "memory"}:
    raise ConfigError(
        "CELERY_BROKER_URL",
        f"unsupported broker {CELERY_BROKER_URL!r}: use filesystem://, redis:// or amqp://",
    )
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    # Sender and worker both need the folders; kombu does not create them.
    _queue_dir.mkdir(parents=True, exist_ok=True)
    _processed_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        # kombu's default is ./control, in whatever folder the process was started from.
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.flag("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "heartbeat": {"task": "opiekun.core.tasks.heartbeat", "schedule": 60.0},
}

# The share of a reaction target after which the assignee and the account manager are
# warned (issue 3: default 75%).
SLA_WARNING_PERCENT = env.number("SLA_WARNING_PERCENT", 75, minimum=1)
if SLA_WARNING_PERCENT > 99:
    raise ConfigError("SLA_WARNING_PERCENT", f"must be below 100, got {SLA_WARNING_PERCENT}")
VAT_RATE_PERCENT = env.decimal("VAT_RATE_PERCENT", "23")
SLA_SWEEP_SECONDS = env.number("SLA_SWEEP_SECONDS", 60, minimum=5)
CELERY_BEAT_SCHEDULE["expire-banks"] = {
    "task": "opiekun.contracts.tasks.expire_banks",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["grant-monthly-banks"] = {
    "task": "opiekun.contracts.tasks.grant_monthly_banks",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["contract-dates"] = {
    "task": "opiekun.contracts.tasks.contract_dates",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["maintenance-tickets"] = {
    "task": "opiekun.tickets.tasks.create_maintenance_tickets",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["mail-poll"] = {
    "task": "opiekun.mail.tasks.poll_due_mailboxes",
    "schedule": float(MAIL_POLL_CHECK_SECONDS),
}
CELERY_BEAT_SCHEDULE["sla-sweep"] = {
    "task": "opiekun.tickets.tasks.sweep_sla",
    "schedule": float(SLA_SWEEP_SECONDS),
}

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every step of every PDF at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
