"""`python runserver.py` prepares a fresh machine and serves with a production server."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds}s")


@pytest.fixture
def running_server(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(FORUM_VAR_DIR=str(tmp_path / "var"))
    process = subprocess.Popen(
        [sys.executable, "runserver.py", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", tmp_path / "var", process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.communicate(timeout=30)


def test_runserver_migrates_collects_and_serves(running_server):
    base, var_dir, process = running_server
    health = wait_for(f"{base}/health")
    assert health.status == 200 and health.read() == b"ok"
    assert (var_dir / "db.sqlite3").exists()
    assert (var_dir / "staticfiles" / "staticfiles.json").exists()

    css = urllib.request.urlopen(f"{base}/static/vendor/bootstrap.min.css", timeout=5)
    assert css.status == 200
    assert css.headers["Content-Type"].startswith("text/css")

    login_page = urllib.request.urlopen(f"{base}/accounts/login/", timeout=5)
    assert login_page.status == 200
    assert b"<form" in login_page.read()

    os.killpg(process.pid, signal.SIGTERM)
    output = process.communicate(timeout=30)[0]
    assert f"Forum running at {base}/" in output
    assert "gunicorn" in output
