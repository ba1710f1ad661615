"""`make run` (`faredesk dev`): the web server, a worker and the development SMTP server start
together, mail sent through the app reaches /dev/mail, and SIGTERM stops all three."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest

from app.mail.devserver import maildir_path, received
from tests.platform_fixtures import PROJECT_ROOT, free_port

pytestmark = pytest.mark.slow


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_make_run_starts_web_worker_and_smtp_and_stops_them_together() -> None:
    var = Path(tempfile.mkdtemp(prefix="faredesk-dev-"))
    port, smtp_port = free_port(), free_port()
    env = {**os.environ, "FAREDESK_VAR_DIR": str(var),
           "FAREDESK_DATABASE_URL": os.environ["FAREDESK_DATABASE_URL"]}
    env.pop("FAREDESK_JOBS_URL", None)
    env.pop("FAREDESK_SMTP_URL", None)
    dev = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "dev", "--port", str(port),
         "--smtp-port", str(smtp_port)], cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        kids = children_of(dev.pid)
        assert len(kids) == 3, kids  # smtp, worker, web
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@b.example", "c@d.example", "hi"
        message.set_content("through the development server")
        for _ in range(50):
            try:
                with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as client:
                    client.send_message(message)
                break
            except OSError:
                time.sleep(0.2)
        [got] = received(maildir_path(var))
        assert got["Subject"] == "hi"
    finally:
        dev.send_signal(signal.SIGTERM)
        dev.wait(timeout=30)
    time.sleep(0.5)
    for kid in kids:
        assert not Path(f"/proc/{kid}").exists() or "Z" in Path(f"/proc/{kid}/stat").read_text().split()[2]
