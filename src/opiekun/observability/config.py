"""The process settings of observability, read from the environment (settings.py names
them; kept here so settings.py stays one screenful per topic). No Django import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opiekun.env import Env
from opiekun.observability.logs import FORMATS, logging_config

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Observability:
    # Logs: one JSON object a line for a collector (the default in production), or
    # plain text for a terminal (the default with DEBUG); both carry the request id.
    log_format: str
    logging: dict[str, Any]
    # Prometheus scrapes /metrics with `Authorization: Bearer <METRICS_TOKEN>`; without
    # a token set, /metrics is not there (404).
    metrics_token: str
    # Every web and worker process of a machine writes its counts here and /metrics
    # adds them up. An operator may empty it while all the machine's processes are
    # stopped; made on first use, so nothing is written at import.
    metrics_dir: str
    # /healthz/ready fails when no worker ran beat's minute heartbeat for this long.
    heartbeat_max_age_seconds: int
    # Optional error reports to Sentry (or GlitchTip); nothing loads without a DSN.
    sentry_dsn: str
    sentry_environment: str
    sentry_release: str

    @classmethod
    def read(cls, env: Env, var_dir: Path, debug: bool) -> Observability:
        log_format = env.choice("LOG_FORMAT", "text" if debug else "json", FORMATS)
        return cls(
            log_format=log_format,
            logging=logging_config(log_format, env.choice("LOG_LEVEL", "INFO", LEVELS)),
            metrics_token=env.text("METRICS_TOKEN", ""),
            metrics_dir=env.text("PROMETHEUS_MULTIPROC_DIR", str(var_dir / "metrics")),
            heartbeat_max_age_seconds=env.number(
                "HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS", 300, minimum=120
            ),
            sentry_dsn=env.text("SENTRY_DSN", ""),
            sentry_environment=env.text("SENTRY_ENVIRONMENT", ""),
            sentry_release=env.text("SENTRY_RELEASE", ""),
        )

    def apply(self) -> None:
        # prometheus_client picks its mode from this variable when it is first
        # imported, which is after settings (observability/metrics.py).
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = self.metrics_dir
        if self.sentry_dsn:
            from opiekun.observability import sentry

            sentry.start(self.sentry_dsn, self.sentry_environment, self.sentry_release)
