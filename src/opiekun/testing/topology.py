"""The processes of a deployment, started for the topology test (issue 19, item 2).

``Topology`` starts web processes, workers and beat as separate OS processes against one
PostgreSQL database and one Redis database of their own, each in its own process group so
that a test can kill one with SIGKILL as a crash would. ``_process()`` is the one place
that knows the command lines: ``opiekun web|worker|beat``, as the image runs them.

Run as ``python -m opiekun.testing.topology setup|facts`` (with the deployment's
environment) it creates the records the test needs, or prints what the database holds
afterwards as JSON: the test process itself never connects Django to that database."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
SECRET_KEY = "opiekun-topology-secret-key-that-is-long-enough-0123456789"
BOX_KEY = "5APIlKONsBD2ATnXUv5jA0xy7BA5HQLUxDC5lxG4fjU="


def _process(kind: str, *, port: int = 0, name: str = "") -> list[str]:
    """The command line of one process of the deployment: the image's entry points."""
    opiekun = str(BIN / "opiekun")
    if kind == "web":
        return [opiekun, "web", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"]
    if kind == "worker":
        return [opiekun, "worker", "--concurrency", "2", "--hostname", f"{name}@%h"]
    if kind == "beat":
        return [opiekun, "beat"]
    raise ValueError(kind)


def environment(
    database_url: str, broker_url: str, var_dir: Path, smtp_port: int
) -> dict[str, str]:
    """Production settings (DEBUG off) with fast periodic jobs so a few minutes hold
    many periods, and limits raised that would otherwise throttle the test's load."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        OPIEKUN_SECRET_BOX_KEY=BOX_KEY,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        OPIEKUN_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        SLA_SWEEP_SECONDS="5",
        MAIL_POLL_CHECK_SECONDS="5",
        MAIL_AUTO_REPLY_LIMIT="100000",
        API_RATE_USER="100000/min",
        DJANGO_SETTINGS_MODULE="opiekun.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class Topology:
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(
        self, label: str, kind: str, *, port: int = 0, **extra: str
    ) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{label}.log").open("wb")
        proc = subprocess.Popen(  # noqa: S603 - our own executables
            _process(kind, port=port, name=label),
            env={**self.env, **extra},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes its children too
        )
        self.processes[label] = proc
        return proc

    def log(self, label: str) -> str:
        return (self.logs / f"{label}.log").read_text(errors="replace")

    def crash(self, label: str) -> None:
        """kill -9 of the process and every child it forked (gunicorn's and Celery's)."""
        proc = self.processes[label]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(  # noqa: S603
            [str(BIN / "opiekun"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"opiekun {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def script(self, command: str, *args: str) -> dict[str, object]:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "opiekun.testing.topology", command, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"topology {command} failed:\n{done.stdout}\n{done.stderr}")
        result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def wait_http(self, port: int, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            url = f"http://127.0.0.1:{port}/healthz"
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
                return
            time.sleep(0.2)
        raise RuntimeError(f"web on {port} did not answer /healthz:\n{self.logs}")


def _setup(imap_port: str, imap_user: str, imap_password: str) -> dict[str, object]:
    """Presets, the personas with contracts, an API token for customer A and the mailbox."""
    from opiekun.catalog.actions import load_presets
    from opiekun.catalog.presets import PRESETS
    from opiekun.core import tokens
    from opiekun.mail.models import Mailbox
    from opiekun.testing.personas import make_personas

    load_presets(list(PRESETS))
    people = make_personas("KJM-CARE", "SHIP-START")
    _, token = tokens.create_token(people.customer_a.user, "topology")  # type: ignore[arg-type]
    mailbox = Mailbox.objects.create(
        name="pomoc",
        address="pomoc@kjm.example",
        host="127.0.0.1",
        port=int(imap_port),
        security=Mailbox.Security.PLAIN,
        username=imap_user,
        password=imap_password,
        poll_minutes=1,
    )
    return {
        "token": token,
        "mailbox": mailbox.pk,
        "senders": ["adam@a.example", "beata@b.example"],
    }


def _facts() -> dict[str, object]:
    """What the database holds after the run, for the test's assertions."""
    from django.db.models import Count

    from opiekun.core.models import AuditEvent, PeriodicRun
    from opiekun.mail.models import InboundMail
    from opiekun.tickets.models import Message, Ticket

    tickets = list(
        Ticket.objects.annotate(thread=Count("messages")).values(
            "pk", "subject", "channel", "reference", "reaction_due_at", "thread"
        )
    )
    opened = set(
        AuditEvent.objects.filter(kind="ticket.opened").values_list("subject_id", flat=True)
    )
    inbound = list(InboundMail.objects.values("dedupe_key", "state", "ticket_id"))
    acks = list(
        Message.objects.filter(direction=Message.Direction.OUTBOUND, channel="email").values(
            "ticket_id", "delivery", "message_id"
        )
    )
    runs = list(
        PeriodicRun.objects.filter(job="sla-sweep")
        .values("period", "finished_at")
        .order_by("period")
    )
    return {
        "tickets": [
            {
                "id": t["pk"],
                "subject": t["subject"],
                "channel": t["channel"],
                "reference": t["reference"],
                "deadline": t["reaction_due_at"] is not None,
                "messages": t["thread"],
                "opened_event": str(t["pk"]) in {str(x) for x in opened},
            }
            for t in tickets
        ],
        "inbound": inbound,
        "acks": acks,
        "sweeps": [{"period": r["period"], "finished": r["finished_at"] is not None} for r in runs],
    }


def main(argv: list[str]) -> None:
    import django

    django.setup()
    result = _setup(*argv[1:4]) if argv[0] == "setup" else _facts()
    sys.stdout.write(json.dumps(result, default=str) + "\n")


def post_json(
    port: int, path: str, token: str, body: dict[str, object]
) -> tuple[int, dict[str, object]]:
    """One API call; (status, JSON body). A dropped connection raises OSError."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def database_server() -> str:
    """The PostgreSQL server the test makes its own database on: DATABASE_URL's when that
    is PostgreSQL (CI's second pass), else the local one both CI passes have."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urllib.parse.urlsplit(url)
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return "postgres://postgres@127.0.0.1:5432"


if __name__ == "__main__":
    main(sys.argv[1:])
