"""opiekun's e-mail intake against a raw IMAP fetch and against django-helpdesk.

Corpus: 1,000 generated real-world-shaped messages (opiekun.testing.mailcorpus):
plain and HTML, windows-1250 / iso-8859-2 / UTF-8, PDF and inline-image attachments,
replies to earlier messages, out-of-office replies, a few without a Message-ID; from
two customers' contacts and one unknown sender. The same bytes go into three mailboxes
of one Dovecot (Debian's, started here on a free port), one per contestant:

  raw     imap-tools ``fetch(bulk=50)`` of every message, parsed by imap-tools: the limit
          any IMAP intake has to pay (the ratio's base); its default, one FETCH per
          message, is timed too and shown for reference;
  opiekun ``poll.poll``: fetch, keep the raw bytes, parse, dedupe, thread, open tickets
          with their SLA deadlines, attachments, acknowledgements queued, audit, mark
          done on the server; SQLite (the embedded default), one commit pair per message;
  peer    django-helpdesk's ``process_queue`` (what its ``get_email`` command runs), in
          a virtual environment of its own under var/bench, on SQLite too.

Each contestant is timed from connecting to the last message done, best of REPEATS
(each repeat a fresh mailbox and database). Then every message of the corpus is looked
up: ``lost`` counts messages opiekun does not hold, ``duplicated`` those it holds twice.

Last line: mail: ratio_vs_raw_fetch=<raw/ours> speedup_vs_django_helpdesk=<peer/ours>
lost=<n> duplicated=<m>
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="opiekun-bench-mail-"))
os.environ.update(
    DEBUG="false",  # as in production: no query log
    SECRET_KEY="bench-only-secret-key-bench-only-secret-key",  # noqa: S106
    OPIEKUN_SECRET_BOX_KEY="ess0cLwCy8781h9JVAEkDD_BeQnVcd64cVTkVnabClU=",  # noqa: S106
    DATABASE_URL=f"sqlite:///{WORK}/opiekun.sqlite3",
    OPIEKUN_VAR_DIR=str(WORK / "var"),
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    MAIL_AUTO_REPLY_LIMIT="100000",  # the corpus is a week of mail from few senders
    DJANGO_SETTINGS_MODULE="opiekun.settings",
)
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.urls import get_resolver  # noqa: E402
from imap_tools import MailBoxUnencrypted  # noqa: E402

from opiekun.catalog.actions import load_presets  # noqa: E402
from opiekun.catalog.presets import PRESETS  # noqa: E402
from opiekun.mail import poll  # noqa: E402
from opiekun.mail.actions import dedupe_key  # noqa: E402
from opiekun.mail.models import InboundMail, Mailbox  # noqa: E402
from opiekun.testing.mailcorpus import generate  # noqa: E402
from opiekun.testing.mailservers import Dovecot, dovecot_available  # noqa: E402
from opiekun.testing.personas import make_personas  # noqa: E402
from opiekun.tickets.models import Message, Ticket  # noqa: E402

COUNT = 1000
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
SENDERS = ["adam@a.example", "beata@b.example", "adam@a.example", "nieznany@c.example"]
PEER_VENV = ROOT / "var" / "bench" / "helpdesk-venv"
PEER_PACKAGE = "django-helpdesk==2.6.1"


def peer_python() -> Path:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing {PEER_PACKAGE} into {PEER_VENV} (once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)  # noqa: S603
        subprocess.run(  # noqa: S603
            [str(python), "-m", "pip", "install", "--quiet", PEER_PACKAGE], check=True
        )
    return python


def time_raw(server: Dovecot, user: str, bulk: int | bool = 50) -> float:
    started = time.perf_counter()
    with MailBoxUnencrypted("127.0.0.1", server.port).login(user, server.password) as box:
        fetched = list(box.fetch(mark_seen=False, bulk=bulk))
    seconds = time.perf_counter() - started
    assert len(fetched) == COUNT, len(fetched)
    return seconds


def reset_opiekun() -> None:
    call_command("flush", interactive=False, verbosity=0)
    load_presets(list(PRESETS))
    make_personas("KJM-CARE", "SHIP-START")


def time_ours(server: Dovecot, user: str) -> tuple[float, poll.PollResult]:
    mailbox = Mailbox.objects.create(
        name=user,
        address="pomoc@kjm.example",
        host="127.0.0.1",
        port=server.port,
        security=Mailbox.Security.PLAIN,
        username=user,
        password=server.password,
    )
    # A running worker has its URLs loaded: both contestants load theirs before the clock.
    get_resolver().url_patterns  # noqa: B018
    started = time.perf_counter()
    result = poll.poll(mailbox)
    seconds = time.perf_counter() - started
    assert not result.error, result.line()
    return seconds, result


def time_peer(server: Dovecot, user: str, python: Path, round_: int) -> dict[str, float]:
    workdir = WORK / f"peer-{round_}"
    workdir.mkdir()
    out = subprocess.run(  # noqa: S603
        [
            str(python),
            str(ROOT / "bench" / "peer_helpdesk.py"),
            str(workdir),
            str(server.port),
            user,
            server.password,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def lost_and_duplicated(corpus: list[bytes]) -> tuple[int, int]:
    expected = {dedupe_key(raw)[0] for raw in corpus}
    held = list(
        InboundMail.objects.exclude(state=InboundMail.State.RECEIVED).values_list(
            "dedupe_key", flat=True
        )
    )
    lost = len(expected - set(held))
    duplicated = len(held) - len(set(held))
    # A message on a thread twice, or a ticket opened twice for one message, is a duplicate too.
    ids = list(
        Message.objects.filter(direction="in")
        .exclude(message_id=None)
        .values_list("message_id", flat=True)
    )
    duplicated += len(ids) - len(set(ids))
    return lost, duplicated


def main() -> None:
    if not dovecot_available():
        sys.exit("bench/mail.py needs Dovecot: apt-get install dovecot-imapd")
    python = peer_python()
    call_command("migrate", verbosity=0)
    corpus = generate(COUNT, SENDERS)
    size = sum(len(raw) for raw in corpus)
    print(f"corpus: {COUNT} messages, {size / 1024 / 1024:.1f} MB; {REPEATS} rounds", flush=True)
    server = Dovecot().start()
    raw_times, one_by_one_times, our_times, peer_times = [], [], [], []
    try:
        for round_ in range(REPEATS):
            users = {name: f"{name}{round_}" for name in ("raw", "ours", "peer")}
            for user in users.values():
                server.append(user, corpus)
            reset_opiekun()
            raw_times.append(time_raw(server, users["raw"]))
            one_by_one_times.append(time_raw(server, users["raw"], bulk=False))
            seconds, result = time_ours(server, users["ours"])
            our_times.append(seconds)
            peer = time_peer(server, users["peer"], python, round_)
            peer_times.append(peer["seconds"])
            print(
                f"round {round_ + 1}: raw {raw_times[-1]:.2f} s, opiekun {seconds:.2f} s "
                f"({result.line()}), django-helpdesk {peer['seconds']:.2f} s "
                f"({peer['tickets']:.0f} tickets, {peer['followups']:.0f} follow-ups)",
                flush=True,
            )
        lost, duplicated = lost_and_duplicated(corpus)
        tickets = Ticket.objects.count()
    finally:
        server.stop()
    raw, ours, peer_best = min(raw_times), min(our_times), min(peer_times)
    print()
    print("| contestant | best of 3 (s) | per message (ms) | messages/s |")
    print("| --- | ---: | ---: | ---: |")
    for name, seconds in (
        ("raw imap-tools fetch, 50 per command (the limit)", raw),
        ("raw imap-tools fetch, one per command (its default)", min(one_by_one_times)),
        ("opiekun poll (full ingest)", ours),
        ("django-helpdesk process_queue", peer_best),
    ):
        print(f"| {name} | {seconds:.2f} | {seconds / COUNT * 1000:.2f} | {COUNT / seconds:.0f} |")
    states = ", ".join(f"{k} {v}" for k, v in sorted(result.states.items()))
    print(f"\nopiekun tickets opened: {tickets}; messages: {states}")
    ratio, speedup = raw / ours, peer_best / ours
    print(
        f"mail: ratio_vs_raw_fetch={ratio:.2f} speedup_vs_django_helpdesk={speedup:.1f} "
        f"lost={lost} duplicated={duplicated}"
    )


if __name__ == "__main__":
    main()
