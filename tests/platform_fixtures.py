"""Fixtures for the platform tests: a real SMTP server (aiosmtpd), settings pointing at it,
and `faredesk worker` processes on the test database.

    async def test_x(smtp: Smtp) -> None:
        ...                                  # queue mail, deliver it
        [mail] = smtp.messages()             # parsed with the email package
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from app.mail.devserver import DevSmtpServer, MaildirHandler, received
from app.settings import get_settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ScriptedHandler(MaildirHandler):
    """Keeps mail like the development server; can refuse recipients or stall, as a real
    server might."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.refuse: dict[str, str] = {}  # address -> SMTP reply
        self.stall_seconds = 0.0
        self.rcpt_seen = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        self.rcpt_seen += 1
        if self.stall_seconds:
            await asyncio.sleep(self.stall_seconds)
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


@dataclass
class Smtp:
    server: DevSmtpServer
    handler: ScriptedHandler
    path: Path

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.server.port}"

    def messages(self) -> list[EmailMessage]:
        return received(self.path)

    def wait_for(self, n: int, timeout: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages()
            if len(found) >= n:
                return found
            time.sleep(0.2)
        return self.messages()


def use_settings(**env: str) -> None:
    for name, value in env.items():
        os.environ[name] = value
    get_settings.cache_clear()


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    """A real SMTP server on a free loopback port; FAREDESK_SMTP_URL points at it."""
    path = Path(tempfile.mkdtemp(prefix="faredesk-smtp-")) / "maildir"
    handler = ScriptedHandler(path)
    server = DevSmtpServer(path, port=free_port(), handler=handler).start()
    previous = os.environ.get("FAREDESK_SMTP_URL")
    smtp = Smtp(server, handler, path)
    use_settings(FAREDESK_SMTP_URL=smtp.url)
    try:
        yield smtp
    finally:
        server.stop()
        if previous is None:
            os.environ.pop("FAREDESK_SMTP_URL", None)
        else:
            os.environ["FAREDESK_SMTP_URL"] = previous
        get_settings.cache_clear()


@dataclass
class Workers:
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]]
    log_dir: Path

    def start(self, **extra: str) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "worker", "--threads", "2"],
            cwd=PROJECT_ROOT, env={**self.env, **extra}, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))


@pytest.fixture
def workers(smtp: Smtp) -> Iterator[Workers]:
    """`faredesk worker` processes on the test database, a job queue of their own (SQLite file)
    and the test's SMTP server; stopped (SIGTERM, then SIGKILL) at the end."""
    work = Path(tempfile.mkdtemp(prefix="faredesk-workers-"))
    env = {**os.environ, "FAREDESK_JOBS_URL": f"sqlite:///{work / 'jobs.sqlite3'}",
           "FAREDESK_SMTP_URL": smtp.url, "PYTHONUNBUFFERED": "1", "FAREDESK_LOG_LEVEL": "INFO"}
    pool = Workers(env, [], work)
    # the test process hands jobs to the same queue
    from app.jobs import queue

    previous = os.environ.get("FAREDESK_JOBS_URL")
    use_settings(FAREDESK_JOBS_URL=env["FAREDESK_JOBS_URL"])
    queue.reset()
    try:
        yield pool
    finally:
        for process in pool.processes:
            if process.poll() is None:
                process.terminate()
        for process in pool.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if previous is None:
            os.environ.pop("FAREDESK_JOBS_URL", None)
        else:
            os.environ["FAREDESK_JOBS_URL"] = previous
        get_settings.cache_clear()
        queue.reset()
