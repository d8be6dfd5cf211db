"""The LOGGING setting: one JSON object a line (python-json-logger) for a log collector,
or plain text for a developer's terminal. No Django import: settings.py builds it."""

from __future__ import annotations

from typing import Any

FORMATS = ("json", "text")

# WeasyPrint and fontTools narrate every step of every PDF at INFO; axes every attempt.
_QUIET = ("weasyprint", "fontTools", "axes")


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {FORMATS}, got {log_format!r}")
    formatters: dict[str, dict[str, Any]] = {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            # Fields named here come first; anything passed as `extra=` is added after.
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # An ISO 8601 moment in UTC, as the rest of the stored time is.
            "timestamp": "time",
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "opiekun.observability.requestid.RequestIdFilter"}},
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {name: {"level": "WARNING"} for name in _QUIET},
    }
