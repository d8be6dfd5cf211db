"""Typed readers for process settings that come from environment variables.

Every reader raises ``ConfigError`` naming the variable, so a bad value stops
start-up with one clear line instead of surfacing later as an odd failure.
Pure Python: no Django import, so settings.py can use it before Django is set up.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A process setting is missing or malformed; the message names the variable."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


class Env:
    """Reads variables from a mapping (``os.environ`` unless a test passes its own)."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source: Mapping[str, str] = os.environ if source is None else source

    def raw(self, name: str) -> str | None:
        value = self.source.get(name)
        return None if value is None else value.strip()

    def text(self, name: str, default: str | None = None) -> str:
        value = self.raw(name)
        if value is None or value == "":
            if default is None:
                raise ConfigError(name, "is required but not set")
            return default
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigError(name, f"expected true/false, got {value!r}")

    def number(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self.raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(name, f"expected a whole number, got {value!r}") from None
        if minimum is not None and number < minimum:
            raise ConfigError(name, f"must be at least {minimum}, got {number}")
        return number

    def decimal(self, name: str, default: str) -> Decimal:
        value = self.text(name, default)
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ConfigError(name, f"expected a decimal number, got {value!r}") from None
        if not number.is_finite() or number < 0:
            raise ConfigError(name, f"must be a non-negative number, got {value!r}")
        return number

    def url(self, name: str, default: str, *, schemes: tuple[str, ...] = ("https", "http")) -> str:
        """An absolute address without its trailing slash; empty when unset and the
        default is empty (a feature that is off)."""
        value = (self.raw(name) or default).rstrip("/")
        parts = urlsplit(value)
        if value and (parts.scheme not in schemes or not parts.netloc):
            raise ConfigError(
                name, f"expected an address like {schemes[0]}://host/..., got {value!r}"
            )
        return value

    def items(self, name: str, default: list[str]) -> list[str]:
        value = self.raw(name)
        if value is None:
            return default
        return [item.strip() for item in value.split(",") if item.strip()]

    def time_zone(self, name: str, default: str) -> str:
        value = self.text(name, default)
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ConfigError(name, f"unknown time zone {value!r}") from None
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, default)
        if value not in choices:
            raise ConfigError(name, f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def binds(self, name: str, default: list[str]) -> list[str]:
        """Addresses to listen on, comma-separated: ``host:port``, ``[::1]:port`` or
        ``unix:/path``."""
        values = self.items(name, default)
        if not values:
            raise ConfigError(name, "needs at least one address, e.g. 127.0.0.1:8000")
        for value in values:
            if value.startswith("unix:"):
                if len(value) == len("unix:"):
                    raise ConfigError(name, f"a unix socket needs a path, got {value!r}")
                continue
            host, sep, port = value.rpartition(":")
            if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ConfigError(name, f"expected host:port or unix:/path, got {value!r}")
        return values

    def database(self, name: str, default: str, base_dir: Path) -> dict[str, Any]:
        return parse_database_url(name, self.text(name, default), base_dir)


def parse_database_url(name: str, url: str, base_dir: Path) -> dict[str, Any]:
    """Turns ``sqlite:///var/db.sqlite3`` or ``postgres://user:pw@host:5432/db`` into
    a Django DATABASES entry. A relative SQLite path is relative to ``base_dir``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path, as dj-database-url reads them.
        raw_path = unquote(parts.path)
        if not raw_path or raw_path == "/":
            raise ConfigError(name, f"an SQLite URL needs a file path, got {url!r}")
        path = Path(raw_path[1:])
        if not path.is_absolute():
            path = base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                # Web process and worker both write: wait for the lock instead of failing,
                # and take the write lock at BEGIN so a read never has to upgrade.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ConfigError(name, f"a PostgreSQL URL needs a database name, got {url!r}")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(name, f"the port in {url!r} is not a number") from None
        options = dict(parse_qsl(parts.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ConfigError(
        name, f"unsupported database URL {url!r}: use sqlite:///path or postgres://..."
    )
