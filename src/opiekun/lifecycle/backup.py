"""Backup and restore (issue 19, item 7): the database and the stored files, into one
folder and back into an empty database.

The database: on PostgreSQL pg_dump's custom format, restored by pg_restore in one
transaction; on SQLite a consistent copy by SQLite's online backup API (the web process
and the worker may keep writing meanwhile). The files: every name a FileField of any
model holds, read through the storage API (local disk or S3 alike) with its SHA-256 in
the manifest, which the restore checks before writing it back; the dump's SHA-256 too, so
a truncated or changed dump is refused before the empty database is touched."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage
from django.db import connections, models

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass
class Manifest:
    engine: str
    created_at: str
    database: str
    files: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    format: int = FORMAT
    # Empty in backups made before the dump was hashed (same format: still restorable).
    database_sha256: str = ""

    def write(self, folder: Path) -> None:
        text = json.dumps(self.__dict__, indent=1, sort_keys=True)
        (folder / MANIFEST).write_text(text, encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BackupError(f"{folder}: no {MANIFEST}; not a backup folder") from None
        except (OSError, ValueError) as exc:
            raise BackupError(f"{folder / MANIFEST}: unreadable ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(f"{folder / MANIFEST}: not a backup of format {FORMAT}")
        try:
            return cls(**data)
        except TypeError:
            raise BackupError(f"{folder / MANIFEST}: not a backup of format {FORMAT}") from None


def _engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in DUMPS:
        raise BackupError(f"database: {vendor} is not supported (PostgreSQL or SQLite)")
    return vendor


def _pg_env(alias: str) -> dict[str, str]:
    """libpq's variables for the pg tools, so no password is on a command line."""
    s = connections[alias].settings_dict
    env = {**os.environ, "PGDATABASE": s["NAME"], "PGUSER": s["USER"] or ""}
    if s["HOST"]:
        env["PGHOST"] = s["HOST"]
    if s["PORT"]:
        env["PGPORT"] = str(s["PORT"])
    if s["PASSWORD"]:
        env["PGPASSWORD"] = s["PASSWORD"]
    if s.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = s["OPTIONS"]["sslmode"]
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def stored_names() -> Iterator[tuple[Storage, str]]:
    """Every (storage, name) a FileField of any model holds, each once."""
    seen: set[tuple[int, str]] = set()
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.FileField):
                continue
            names = model._base_manager.exclude(**{f.name: ""}).values_list(f.name, flat=True)
            for name in names.distinct().order_by(f.name).iterator():
                if (id(f.storage), name) not in seen:
                    seen.add((id(f.storage), name))
                    yield f.storage, name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _inside(folder: Path, name: str) -> Path:
    """The local path of a stored name under ``folder``; never outside it."""
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()) or name.startswith("/"):
        raise BackupError(f"file: the stored name {name!r} leaves the backup folder")
    return target


def backup(folder: Path, progress: Progress | None = None, alias: str = "default") -> Manifest:
    engine = _engine(alias)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder}: not empty; back up into a new folder")
    # Holds password hashes and encrypted mailbox secrets: the owner's eyes only.
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    manifest = Manifest(
        engine=engine, created_at=dt.datetime.now(dt.UTC).isoformat(), database=DUMPS[engine]
    )
    dump = folder / manifest.database
    if progress:
        progress("database", 0, 1)
    if engine == "postgresql":
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
        _run([*command, f"--file={dump}"], _pg_env(alias))
    else:
        connection = connections[alias]
        connection.ensure_connection()
        with sqlite3.connect(dump) as copy:
            connection.connection.backup(copy)
        copy.close()
    manifest.database_sha256 = _sha256(dump)
    if progress:
        progress("database", 1, 1)
    # After the dump, so every file it names is here (a newer file is harmless).
    names = list(stored_names())
    for n, (storage, name) in enumerate(names, start=1):
        target = _inside(folder / FILES, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
        except FileNotFoundError:
            target.unlink(missing_ok=True)
            manifest.missing.append(name)
        else:
            manifest.files.append(
                {"name": name, "size": target.stat().st_size, "sha256": _sha256(target)}
            )
        if progress:
            progress("files", n, len(names))
    manifest.write(folder)
    return manifest


def restore(folder: Path, progress: Progress | None = None, alias: str = "default") -> Manifest:
    manifest = Manifest.read(folder)
    engine = _engine(alias)
    if manifest.engine != engine:
        raise BackupError(
            f"database: the backup is of {manifest.engine}, this database is {engine}; "
            "restore into the same engine"
        )
    # The backup is checked whole before anything is written.
    dump = folder / manifest.database
    if not dump.is_file():
        raise BackupError(f"database: {dump} is missing from the backup")
    if manifest.database_sha256 and _sha256(dump) != manifest.database_sha256:
        raise BackupError(f"database: {dump} is changed in the backup (its SHA-256 differs)")
    for entry in manifest.files:
        local = _inside(folder / FILES, entry["name"])
        if not local.is_file() or _sha256(local) != entry["sha256"]:
            raise BackupError(f"file: {entry['name']} is missing or changed in the backup")
    connection = connections[alias]
    if connection.introspection.table_names():
        raise BackupError(
            "database: not empty; restore only into an empty database (a new one, or "
            "drop its tables first)"
        )
    if progress:
        progress("database", 0, 1)
    if engine == "postgresql":
        command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        env = _pg_env(alias)
        _run([*command, "--single-transaction", f"--dbname={env['PGDATABASE']}", str(dump)], env)
    else:
        connection.ensure_connection()
        try:
            with sqlite3.connect(dump) as source:
                source.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            # A backup from before the dump was hashed has no SHA-256 to check first.
            raise BackupError(f"database: {dump} cannot be read ({exc})") from None
        source.close()
    if progress:
        progress("database", 1, 1)
    storages = {name: storage for storage, name in stored_names()}
    for n, entry in enumerate(manifest.files, start=1):
        name = entry["name"]
        storage = storages.get(name)
        if storage is not None and not storage.exists(name):
            with _inside(folder / FILES, name).open("rb") as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"file: {name} was stored as {saved}")
        if progress:
            progress("files", n, len(manifest.files))
    return manifest
