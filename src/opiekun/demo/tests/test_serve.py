"""`make run` ends in `opiekun serve`: the web server and the worker with beat come up,
/healthz answers 200, the demo logins are printed, and SIGTERM stops everything."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

OPIEKUN = str(Path(sys.executable).with_name("opiekun"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_it_serves_healthz_and_prints_the_logins(tmp_path: Path) -> None:
    # Without PYTHONUNBUFFERED, as in a newcomer's shell (helper FRESH's pass: the logins
    # were printed only at exit when the output went to a pipe or a file).
    dropped = {"DATABASE_URL", "CELERY_BROKER_URL", "PYTHONUNBUFFERED"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        {
            "OPIEKUN_VAR_DIR": str(tmp_path),
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3",
        }
    )
    for step in (["migrate", "-v0"], ["preset", "load", "all"], ["demo"]):
        subprocess.run([OPIEKUN, *step], env=env, check=True, capture_output=True, timeout=180)  # noqa: S603
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(  # noqa: S603
        [OPIEKUN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        body = b""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.5)
        assert b'"status": "ok"' in body
        for _ in range(40):
            if "Stop with Ctrl-C" in (tmp_path / "serve.log").read_text():
                break
            time.sleep(0.25)
        text = (tmp_path / "serve.log").read_text()
        assert f"opiekun is up: http://127.0.0.1:{port}/" in text
        assert "kierownik  / demo-kierownik" in text
        assert "nowak      / demo-nowak" in text
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        log.close()
