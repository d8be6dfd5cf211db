"""`opiekun backup DIR` then `opiekun restore DIR` into an empty database (issue 19,
item 7): run as an operator would, the restore in a fresh process pointed at a new
database and an empty file store. Afterwards the register hashes are the same (R-REG-2:
the register handed over can still be verified), the issued copy verifies, and every
file is back, byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from opiekun.lifecycle.backup import MANIFEST
from opiekun.lifecycle.tests.scenario import a_month_of_support
from opiekun.testing.personas import Personas
from opiekun.testing.s3 import S3Server
from opiekun.tickets.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

OPIEKUN = str(Path(sys.executable).with_name("opiekun"))


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The DATABASE_URL of a new, empty database of this run's engine."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    s = connection.settings_dict
    name = f"{s['NAME']}_restored"[:63]
    admin = {"host": s["HOST"], "port": s["PORT"] or 5432, "user": s["USER"], "dbname": "postgres"}
    if s["PASSWORD"]:
        admin["password"] = s["PASSWORD"]
    with psycopg.connect(**admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
        pg.execute(f'CREATE DATABASE "{name}"')
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    yield f"postgres://{auth}@{s['HOST']}:{s['PORT'] or 5432}/{name}"
    with psycopg.connect(**admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def elsewhere(database_url: str, media: Path, var: Path, *args: str) -> str:
    """`opiekun ARGS` in a new process on the restored database and file store."""
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
        "OPIEKUN_VAR_DIR": str(var),
        "OPIEKUN_STORAGE": "local",
    }
    done = subprocess.run(  # noqa: S603 - our own command
        [OPIEKUN, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_r_reg_2_a_restored_backup_gives_the_same_register_hashes_and_files(
    contracted_personas: Personas, tmp_path: Path, empty_database: str
) -> None:
    p = contracted_personas
    month = a_month_of_support(p)
    files = {a.file.name: a.sha256 for a in Attachment.objects.all()}
    assert len(files) == 2

    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["engine"] == connection.vendor
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == files
    assert (folder / manifest["database"]).stat().st_size > 0

    media, var = tmp_path / "restored-media", tmp_path / "restored-var"
    out = elsewhere(empty_database, media, var, "restore", str(folder))
    assert "2 file(s)" in out

    for name, sha256 in files.items():
        assert hashlib.sha256((media / name).read_bytes()).hexdigest() == sha256
    script = (
        "import datetime as dt, json\n"
        "from opiekun.customers.models import Organisation\n"
        "from opiekun.reports import register\n"
        f"month = dt.date.fromisoformat({month.month.isoformat()!r})\n"
        "print(json.dumps({o.short_name: register.build(o, month).content_hash"
        " for o in Organisation.objects.all()}))\n"
    )
    restored = json.loads(
        elsewhere(empty_database, media, var, "shell", "--no-imports", "-c", script)
    )
    assert restored == month.register_hashes
    issued = tmp_path / "rejestr.csv"
    issued.write_bytes(month.issued_csv)
    verdict = elsewhere(empty_database, media, var, "report", "verify", str(issued))
    assert "the same today" in verdict and "byte for byte a copy" in verdict

    # The restored files download for their owner through the app, as before.
    check = (
        "from django.test import Client\n"
        "from opiekun.customers.models import Contact\n"
        "from opiekun.tickets.models import Attachment\n"
        "a = Attachment.objects.get(filename='zrzut.pdf')\n"
        "c = Client(); c.force_login(Contact.objects.get(full_name='Adam Klient').user)\n"
        "r = c.get(f'/portal/tickets/{a.ticket_id}/files/{a.pk}', HTTP_HOST='localhost')\n"
        "print(r.status_code, b''.join(r.streaming_content).decode())\n"
    )
    shown = elsewhere(empty_database, media, var, "shell", "--no-imports", "-c", check)
    assert shown.startswith("200 %PDF-1.4 zrzut z kopii")


def test_a_restore_refuses_a_database_that_is_not_empty(
    contracted_personas: Personas, tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    with pytest.raises(CommandError, match="database: not empty"):
        call_command("restore", str(folder))


def test_a_backup_refuses_a_folder_in_use_and_a_restore_a_changed_file(
    contracted_personas: Personas, tmp_path: Path
) -> None:
    a_month_of_support(contracted_personas)
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("x")
    with pytest.raises(CommandError, match="not empty; back up into a new folder"):
        call_command("backup", str(used))
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    name = json.loads((folder / MANIFEST).read_text())["files"][0]["name"]
    (folder / "files" / name).write_bytes(b"tampered")
    with pytest.raises(CommandError, match=f"file: {name} is missing or changed"):
        call_command("restore", str(folder))
    with pytest.raises(CommandError, match=r"no manifest\.json; not a backup folder"):
        call_command("restore", str(used))


def test_files_on_s3_are_backed_up_through_the_storage_api(
    contracted_personas: Personas, tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> None:
    a_month_of_support(contracted_personas)
    keys = s3_server.keys(s3_bucket)
    assert len(keys) == 2  # in the bucket, under the prefix "t/"
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    for entry in json.loads((folder / MANIFEST).read_text())["files"]:
        kept = (folder / "files" / entry["name"]).read_bytes()
        assert kept == s3_server.read(s3_bucket, f"t/{entry['name']}")
        assert hashlib.sha256(kept).hexdigest() == entry["sha256"]


def test_a_restore_refuses_a_truncated_database_dump_before_writing(
    contracted_personas: Personas, tmp_path: Path, empty_database: str
) -> None:
    """Helper FRESH's pass: the manifest hashed the files but not the dump, so a truncated
    dump was restored into the empty database until SQLite failed with a traceback,
    leaving a half-made file; the README promises the backup is checked whole first."""
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    manifest = json.loads((folder / MANIFEST).read_text())
    dump = folder / manifest["database"]
    assert manifest["database_sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": empty_database,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "OPIEKUN_VAR_DIR": str(tmp_path / "var"),
        "OPIEKUN_STORAGE": "local",
    }

    def restore() -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own command
            [OPIEKUN, "restore", str(folder)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    done = restore()
    assert done.returncode == 1
    assert "database: " in done.stderr and "is changed in the backup" in done.stderr
    assert "Traceback" not in done.stderr
    # Nothing was written: the same empty database takes a sound backup afterwards.
    if empty_database.startswith("sqlite"):
        target = Path(empty_database.removeprefix("sqlite:///"))
        assert not target.exists() or target.stat().st_size == 0
        # A backup from before the dump was hashed: SQLite's own refusal, named, no traceback.
        del manifest["database_sha256"]
        (folder / MANIFEST).write_text(json.dumps(manifest))
        done = restore()
        assert done.returncode == 1
        assert "cannot be read" in done.stderr and "Traceback" not in done.stderr
