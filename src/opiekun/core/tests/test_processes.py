"""Issue 19, processes: every task goes to the queue of its kind, only tasks that may run
twice are acknowledged late, every periodic job is one of them (so a second beat does no
harm), production refuses the one-machine engines unless allowed, importing settings
writes nothing, and `opiekun web|worker|beat` run as real processes (ADR 0024)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from opiekun import queues
from opiekun.celery import app
from opiekun.env import ConfigError, Env

OPIEKUN = str(Path(sys.executable).with_name("opiekun"))
REDIS_DB = 1  # this suite's Redis database (the topology tests use others)


def our_tasks() -> set[str]:
    app.loader.import_default_modules()
    # Tests define tasks of their own (observability's echo): not the product's.
    return {n for n in app.tasks if n.startswith("opiekun.") and ".tests." not in f"{n}."}


def test_it_routes_every_task_to_the_queue_of_its_kind() -> None:
    assert our_tasks() == set(queues.TASKS), "list each new task in opiekun.queues.TASKS"
    for name, route in queues.TASKS.items():
        assert app.amqp.router.route({}, name)["queue"].name == route.queue, name
    assert {r.queue for r in queues.TASKS.values()} == set(queues.QUEUES)
    by_queue = {name: queues.TASKS[name].queue for name in queues.TASKS}
    assert by_queue["opiekun.mail.tasks.poll_mailbox"] == "mail"
    assert by_queue["opiekun.notifications.customer_tasks.send_notice"] == "notifications"
    assert by_queue["opiekun.reports.tasks.issue_statements"] == "exports"
    assert by_queue["opiekun.tickets.tasks.sweep_sla"] == "default"


def test_only_tasks_that_may_run_twice_are_acknowledged_late() -> None:
    our_tasks()
    for name, route in queues.TASKS.items():
        task = app.tasks[name]
        assert task.acks_late is route.twice_safe, name
        assert task.reject_on_worker_lost is route.twice_safe, name
    # A bounce leaves no mark: a second run would bounce the customer twice.
    assert app.tasks["opiekun.mail.tasks.send_bounce"].acks_late is False
    assert app.tasks["opiekun.mail.tasks.poll_mailbox"].acks_late is True
    # A task nobody listed is acknowledged when it starts.
    assert app.conf.task_acks_late is False


def test_a_second_beat_does_no_harm_because_every_periodic_job_may_run_twice() -> None:
    periodic = {str(entry["task"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert periodic <= set(queues.TASKS)
    assert [name for name in periodic if not queues.TASKS[name].twice_safe] == []


def test_it_reads_the_queues_an_operator_names() -> None:
    assert queues.parse_queues("mail, notifications") == ["mail", "notifications"]
    with pytest.raises(ValueError, match="unknown queue celery"):
        queues.parse_queues("mail,celery")
    with pytest.raises(ValueError, match="unknown queue"):
        queues.parse_queues(" , ")


def test_it_reads_the_addresses_gunicorn_binds() -> None:
    env = Env({"A": "0.0.0.0:8000, [::1]:8001,unix:/run/opiekun.sock"})
    assert env.binds("A", []) == ["0.0.0.0:8000", "[::1]:8001", "unix:/run/opiekun.sock"]
    assert Env({}).binds("A", ["127.0.0.1:8000"]) == ["127.0.0.1:8000"]
    for bad in ("8000", "localhost:http", "host:0", "host:70000", "unix:", ","):
        with pytest.raises(ConfigError, match=r"^B: "):
            Env({"B": bad}).binds("B", ["x:1"])


def command(args: list[str], tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [OPIEKUN, *args],
        capture_output=True,
        text=True,
        env=production(tmp_path, **extra),
        timeout=120,
        check=False,
    )


def production(tmp_path: Path, **extra: str) -> dict[str, str]:
    """What an operator sets, nothing of the test run's own environment."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": "p9Wd-" + "kP2vN9wL4mZ8cT1bY6hJ3sD5fG0aE7uQ" * 2,
        "OPIEKUN_SECRET_BOX_KEY": "ess0cLwCy8781h9JVAEkDD_BeQnVcd64cVTkVnabClU=",
        "OPIEKUN_VAR_DIR": str(tmp_path / "var"),
    }
    env.update(extra)
    return env


def one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_production_refuses_the_filesystem_broker(tmp_path: Path) -> None:
    result = command(["check"], tmp_path, DATABASE_URL="postgres://u@db.internal/opiekun")
    one_clear_line(result, "CELERY_BROKER_URL", "filesystem://", "OPIEKUN_ALLOW_EMBEDDED")


def test_production_refuses_sqlite(tmp_path: Path) -> None:
    result = command(["check"], tmp_path, CELERY_BROKER_URL="redis://queue.internal:6379/0")
    one_clear_line(result, "DATABASE_URL", "SQLite", "OPIEKUN_ALLOW_EMBEDDED")


def test_one_machine_is_allowed_when_said_outright(tmp_path: Path) -> None:
    result = command(["check"], tmp_path, OPIEKUN_ALLOW_EMBEDDED="true")
    assert result.returncode == 0, result.stderr
    # The command made the folders the embedded engines need, under OPIEKUN_VAR_DIR.
    assert (tmp_path / "var" / "celery" / "queue").is_dir()


def test_importing_the_settings_writes_nothing(tmp_path: Path) -> None:
    """A read-only image imports settings in gunicorn: no folder may be made there."""
    env = production(
        tmp_path, OPIEKUN_ALLOW_EMBEDDED="true", DJANGO_SETTINGS_MODULE="opiekun.settings"
    )
    code = "import django; django.setup(); import opiekun.wsgi, opiekun.celery"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Only the web app, once loaded, makes the one folder its metrics are counted in
    # (ADR 26), inside OPIEKUN_VAR_DIR: the image's volume, never the code's folders.
    made = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert made in ([], ["var", "var/metrics"]), made


def test_web_names_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    result = command(["web"], tmp_path, OPIEKUN_ALLOW_EMBEDDED="true", WEB_WORKERS="many")
    one_clear_line(result, "WEB_WORKERS", "whole number")
    result = command(["web"], tmp_path, OPIEKUN_ALLOW_EMBEDDED="true", WEB_BIND="8000")
    one_clear_line(result, "WEB_BIND", "host:port")


def test_worker_refuses_an_unknown_queue(tmp_path: Path) -> None:
    result = command(["worker", "--queues", "mail,celery"], tmp_path, OPIEKUN_ALLOW_EMBEDDED="true")
    assert result.returncode != 0
    assert "--queues: unknown queue celery" in result.stderr


# Real processes ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated one-machine desk in production mode, with the Redis broker."""
    folder = tmp_path_factory.mktemp("site")
    env = production(
        folder,
        OPIEKUN_ALLOW_EMBEDDED="true",
        DATABASE_URL=f"sqlite:///{folder}/site.sqlite3",
        CELERY_BROKER_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
    )
    subprocess.run([OPIEKUN, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=300)  # noqa: S603
    return env


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    children: list[subprocess.Popen[bytes]] = []
    yield children
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        child.wait(timeout=60)


def wait_for(check: object, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting: {what}")


@pytest.mark.slow
def test_web_serves_with_its_settings_from_the_environment(
    site: dict[str, str], started: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    port = free_port()
    # DEBUG serves static files from the apps' folders: no collectstatic (minutes of
    # compression on a busy machine; the wheel's test goes through it).
    env = {
        **site,
        "DEBUG": "true",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
    }
    log = (tmp_path / "web.log").open("w+")
    started.append(
        subprocess.Popen([OPIEKUN, "web"], env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    )

    def up() -> bool:
        assert started[0].poll() is None, (tmp_path / "web.log").read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return bool(r.status == 200)
        except OSError:
            return False

    wait_for(up, "opiekun web on WEB_BIND")
    text = (tmp_path / "web.log").read_text()
    assert "Using worker: gthread" in text  # threads from WEB_THREADS
    started[0].send_signal(signal.SIGTERM)
    assert started[0].wait(timeout=60) == 0


@pytest.mark.slow
@pytest.mark.needs_redis
def test_a_worker_takes_only_its_queues_and_beat_runs(
    site: dict[str, str], started: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    import redis

    broker = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    broker.flushdb()
    sender = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from opiekun.celery import app; "
            "app.send_task('opiekun.core.tasks.heartbeat'); "
            "app.send_task('opiekun.mail.tasks.poll_due_mailboxes')",
        ],
        env={**site, "DJANGO_SETTINGS_MODULE": "opiekun.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert sender.returncode == 0, sender.stderr
    # Routed by kind: one message waits in each queue.
    assert (broker.llen("default"), broker.llen("mail")) == (1, 1)

    log = (tmp_path / "worker.log").open("w+")
    started.append(
        subprocess.Popen(  # noqa: S603
            [OPIEKUN, "worker", "--queues", "default", "--concurrency", "1", "--hostname", "d@%h"],
            env=site,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    )
    wait_for(
        lambda: (
            "opiekun.core.tasks.heartbeat" in (tmp_path / "worker.log").read_text()
            and " succeeded " in (tmp_path / "worker.log").read_text()
        ),
        "the heartbeat ran",
    )
    assert broker.llen("default") == 0
    assert broker.llen("mail") == 1  # not this worker's queue

    schedule = Path(site["OPIEKUN_VAR_DIR"]) / "celerybeat-schedule"
    beat_log = (tmp_path / "beat.log").open("w+")
    started.append(
        subprocess.Popen([OPIEKUN, "beat"], env=site, stdout=beat_log, stderr=subprocess.STDOUT)  # noqa: S603
    )
    # Not "beat: Starting...": that comes before beat sets up its schedule file, and a
    # SIGTERM during the set-up ends beat with status 1.
    wait_for(lambda: "beat: schedule ready" in (tmp_path / "beat.log").read_text(), "beat ready")
    assert any(schedule.parent.glob("celerybeat-schedule*"))
    beat = started[1]
    beat.send_signal(signal.SIGTERM)
    assert beat.wait(timeout=60) == 0, (tmp_path / "beat.log").read_text()
    broker.flushdb()
