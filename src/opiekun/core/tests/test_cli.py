"""Bad input on the command line: one clear line on stderr, a non-zero exit, no
traceback, nothing half written. Runs the real `opiekun` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

OPIEKUN = str(Path(sys.executable).with_name("opiekun"))


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}}
    base.update(
        {
            "OPIEKUN_VAR_DIR": str(tmp_path),
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
        }
    )
    base.update(env)
    return subprocess.run(  # noqa: S603
        [OPIEKUN, *args], capture_output=True, text=True, env=base, timeout=120, check=False
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def test_it_names_a_broken_database_url(tmp_path: Path) -> None:
    result = run(["migrate"], tmp_path, DATABASE_URL="mysql://root@localhost/opiekun")
    assert_one_clear_line(result, "DATABASE_URL", "unsupported database URL")


def test_it_reports_an_unreachable_database(tmp_path: Path) -> None:
    result = run(["migrate"], tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/opiekun")
    assert_one_clear_line(result, "the database cannot be reached")


def test_it_needs_a_secret_key_without_debug(tmp_path: Path) -> None:
    result = run(["check"], tmp_path, DEBUG="false")
    assert_one_clear_line(result, "SECRET_KEY", "required")


def test_it_rejects_a_bad_time_zone(tmp_path: Path) -> None:
    result = run(["check"], tmp_path, TIME_ZONE="Mars/Olympus")
    assert_one_clear_line(result, "TIME_ZONE")


def test_it_rejects_an_unknown_preset_and_writes_nothing(tmp_path: Path) -> None:
    assert run(["migrate", "-v0"], tmp_path).returncode == 0
    result = run(["preset", "load", "acme"], tmp_path)
    assert_one_clear_line(result, "unknown preset 'acme'", "kjm, pwsk, ship, eks, mer, all")
    count = run(
        [
            "shell",
            "-v0",
            "-c",
            "from opiekun.catalog.models import Plan; print(Plan.objects.count())",
        ],
        tmp_path,
    )
    assert count.stdout.strip() == "0"


@pytest.mark.slow
def test_it_loads_presets_and_demo_idempotently_from_the_command_line(tmp_path: Path) -> None:
    assert run(["migrate", "-v0"], tmp_path).returncode == 0
    first = run(["preset", "load", "all"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "preset ship: " in first.stdout
    second = run(["preset", "load", "all"], tmp_path)
    assert second.stdout.count("0 created, 0 updated, 0 deleted") == 5
    assert "demo: 0 created" not in run(["demo"], tmp_path).stdout
    assert "demo: 0 created" in run(["demo"], tmp_path).stdout
