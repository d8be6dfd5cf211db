"""Where the process keeps its state, and the one-machine engines (ADR 0024).

Importing settings writes nothing (a read-only image must start): the folders the
embedded engines need are made by ``prepare``, which the ``opiekun`` command runs before
any of its subcommands. With PostgreSQL and Redis or RabbitMQ it makes none.
Pure Python: settings.py uses it before Django is set up."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from opiekun.env import ConfigError

BROKERS = ("filesystem", "redis", "rediss", "amqp", "memory")
# Above the longest countdown of a retried task (send_message backs off up to an hour):
# Redis hands an unacknowledged message to another worker after this many seconds, and
# a task acknowledged late that waits for its countdown is unacknowledged meanwhile.
REDIS_VISIBILITY_TIMEOUT = 3 * 3600


def broker_scheme(url: str) -> str:
    return url.split(":", 1)[0].lower()


def broker_options(name: str, url: str, var_dir: Path) -> dict[str, Any]:
    """Celery's broker_transport_options for ``url``; ConfigError for an unknown broker."""
    scheme = broker_scheme(url)
    if scheme not in BROKERS:
        raise ConfigError(
            name, f"unsupported broker {url!r}: use filesystem://, redis:// or amqp://"
        )
    if scheme in {"redis", "rediss"}:
        return {"visibility_timeout": REDIS_VISIBILITY_TIMEOUT}
    if scheme != "filesystem":
        return {}
    folder = var_dir / "celery"
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        # kombu's default is ./control, in whatever folder the process was started from.
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


def refuse_embedded(allowed: bool, broker_url: str, database_engine: str) -> None:
    """Stops start-up on the filesystem (or in-memory) broker or SQLite unless allowed."""
    if allowed:
        return
    if broker_scheme(broker_url) in {"filesystem", "memory"}:
        raise ConfigError(
            "CELERY_BROKER_URL",
            f"{broker_scheme(broker_url)}:// serves one machine only; with DEBUG off set "
            "redis://... or amqp://..., or OPIEKUN_ALLOW_EMBEDDED=true to run on one machine",
        )
    if database_engine.endswith("sqlite3"):
        raise ConfigError(
            "DATABASE_URL",
            "SQLite serves one machine only; with DEBUG off set postgres://..., or "
            "OPIEKUN_ALLOW_EMBEDDED=true to run on one machine",
        )


class _Settings(Protocol):
    DEBUG: bool
    STATIC_ROOT: Path
    DATABASES: dict[str, dict[str, Any]]
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any]


def prepare(settings: _Settings) -> list[Path]:
    """Makes the folders the embedded engines write to (the SQLite file's, the
    filesystem broker's); returns those it made. Nothing for PostgreSQL and Redis.
    In development also STATIC_ROOT, which whitenoise looks into (and warns about when
    it is missing) although it serves from the apps' folders then."""
    wanted: list[Path] = [Path(settings.STATIC_ROOT)] if settings.DEBUG else []
    for database in settings.DATABASES.values():
        if str(database.get("ENGINE", "")).endswith("sqlite3") and database.get("NAME"):
            name = str(database["NAME"])
            if name != ":memory:" and not name.startswith("file:"):
                wanted.append(Path(name).parent)
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        if key in options:
            wanted.append(Path(options[key]))
    made = []
    for folder in wanted:
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            made.append(folder)
    return made
