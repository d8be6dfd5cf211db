"""Issue 19, packaging: a wheel built from a clean clone carries the compiled Polish
catalogue and no tests; installed into a fresh virtual environment from the package
registry, `opiekun migrate` and `opiekun web` run in an empty folder with nothing but
environment variables, and the login page answers in Polish (ADR 0024)."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_clone(target: Path) -> Path:
    """The files a clone of this working tree would have: tracked or new, never ignored
    (no compiled .mo, no egg-info, no build/)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name.decode())
    assert not list(target.rglob("*.mo"))
    return target


def run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]  # noqa: S603
    assert result.returncode == 0, f"{argv}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout to clone from")
    base = tmp_path_factory.mktemp("wheel")
    source = clean_clone(base / "clone")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(base / "dist"), str(source)])
    (built,) = (base / "dist").glob("opiekun-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_has_the_compiled_catalogue_and_no_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "opiekun/locale/pl/LC_MESSAGES/django.mo" in names
    assert "opiekun/gunicorn_conf.py" in names
    assert "opiekun/core/templates/registration/login.html" in names
    assert [n for n in names if "/tests/" in n or n.startswith("opiekun/testing/")] == []


@pytest.mark.slow
def test_the_installed_wheel_serves_the_polish_ui_from_an_empty_folder(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    # From the package registry, pinned as the project pins them.
    run(
        [
            str(venv / "bin/pip"),
            "install",
            "--quiet",
            "-c",
            str(ROOT / "constraints.txt"),
            str(wheel),
        ],
        timeout=900,
    )
    site = tmp_path / "site"
    site.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": "w3Fz-" + "nA8qL2vR7tK4pX9cB1mD6hJ0sG5yE3uQ" * 2,
        "OPIEKUN_SECRET_BOX_KEY": "ess0cLwCy8781h9JVAEkDD_BeQnVcd64cVTkVnabClU=",
        "ALLOWED_HOSTS": "127.0.0.1",
        # One machine on purpose: SQLite and the filesystem broker, said outright.
        "OPIEKUN_ALLOW_EMBEDDED": "true",
        # Behind a TLS proxy, as production runs: the proxy says the request was HTTPS.
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "WEB_WORKERS": "1",
    }
    opiekun = str(venv / "bin/opiekun")
    run([opiekun, "migrate", "--noinput", "-v0"], cwd=site, env=env, timeout=300)
    port = free_port()
    log = (tmp_path / "web.log").open("w+")
    web = subprocess.Popen(  # noqa: S603
        [opiekun, "web", "--bind", f"127.0.0.1:{port}"],
        cwd=site,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        page = fetch(f"http://127.0.0.1:{port}/login/", web, tmp_path / "web.log")
        assert "Zaloguj się" in page and "Nazwa użytkownika" in page
        # The static files were collected on the way up and are served hashed.
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
        assert stylesheet is not None, page[:2000]
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1))
        assert "{" in fetch(
            f"http://127.0.0.1:{port}{stylesheet.group(1)}", web, tmp_path / "web.log"
        )
    finally:
        web.send_signal(signal.SIGTERM)
        stopped = web.wait(timeout=60)
        log.close()
    assert stopped == 0  # gunicorn stops cleanly on SIGTERM
    # All the state is under ./var of the folder it ran in.
    assert sorted(p.name for p in site.iterdir()) == ["var"]
    assert (site / "var" / "opiekun.sqlite3").is_file()


def fetch(url: str, web: subprocess.Popen[bytes], log: Path) -> str:
    request = urllib.request.Request(  # noqa: S310
        url, headers={"Accept-Language": "pl", "X-Forwarded-Proto": "https"}
    )
    # The first start collects and compresses the static files: minutes on a busy machine.
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        assert web.poll() is None, log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                assert response.status == 200
                return str(response.read().decode())
        except urllib.error.HTTPError:
            raise  # it answered, wrongly: no point waiting
        except OSError:  # not listening yet (URLError), or a slow first answer (timeout)
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer: {log.read_text()[-3000:]}")
