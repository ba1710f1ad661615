"""Browser tests: a live faredesk server in a subprocess, driven by headless Chromium.

Run them in their own pytest invocation (`make test-e2e`, or the third leg of tests/run_all.sh):
Playwright's sync API and the asyncio test loop of the other tests do not mix in one run.

The server gets a fresh database of its own: FAREDESK_E2E_DATABASE_URL when set (a PostgreSQL URL;
that database is dropped and created), otherwise a new SQLite file. It is migrated and seeded with
the demo agency (`faredesk migrate`, `faredesk seed-demo`) before the server starts.

Chromium is Debian's (`/usr/bin/chromium`, or FAREDESK_CHROMIUM), launched by Playwright with
`executable_path`; `playwright install` is never used. Without Chromium the tests are skipped,
unless FAREDESK_REQUIRE_BROWSER=1 (CI), when they fail.

For other areas' browser tests:

    from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, sign_in

    pytestmark = pytest.mark.e2e

    def test_something(live_server: LiveServer, page: Page) -> None:
        sign_in(page, "clerk")                       # demo users: admin, supervisor, lead, ...
        page.goto(live_server.url + "/kiosk")
        live_server.cli("seed-demo")                 # any `faredesk` command, same database
        live_server.env                              # the server's environment (FAREDESK_*)
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "faredesk-demo"
DEMO_USERS = ("admin", "supervisor", "lead", "coordinator", "clerk", "auditor")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STARTUP_SECONDS = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is a browser test, marked or not."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def chromium_path() -> str | None:
    candidate = os.environ.get("FAREDESK_CHROMIUM") or "/usr/bin/chromium"
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(reason: str) -> None:
    if os.environ.get("FAREDESK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required but cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _recreate_postgres(url: str) -> None:
    import asyncpg

    parsed = urlparse(url)
    name = (parsed.path or "/").lstrip("/")
    if not name:
        raise ValueError("FAREDESK_E2E_DATABASE_URL needs a database name")

    async def recreate() -> None:
        conn = await asyncpg.connect(
            host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432,
            user=unquote(parsed.username or "postgres"),
            password=unquote(parsed.password) if parsed.password else None, database="postgres",
        )
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    # In a thread of its own: Playwright's sync API may already run an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, recreate()).result(timeout=60)


@dataclass
class LiveServer:
    """A running faredesk: its base URL, its environment and a way to run CLI commands on its DB."""

    url: str
    env: dict[str, str]
    database_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def cli(self, *args: str, check: bool = True, **extra_env: str) -> subprocess.CompletedProcess[str]:
        """Run `faredesk <args>` against the server's database."""
        result = subprocess.run(
            [sys.executable, "-c", "from app.cli import main; main()", *args],
            cwd=PROJECT_ROOT, env={**self.env, **extra_env}, capture_output=True, text=True,
            timeout=300, stdin=subprocess.DEVNULL, check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"faredesk {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _wait_for_health(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            raise RuntimeError(f"faredesk exited while starting:\n{server.log()[-4000:]}")
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"faredesk did not become healthy in {STARTUP_SECONDS}s:\n{server.log()[-4000:]}")


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    work = Path(tempfile.mkdtemp(prefix="faredesk-e2e-"))
    database_url = os.environ.get("FAREDESK_E2E_DATABASE_URL", "").strip()
    if database_url:
        _recreate_postgres(database_url)
    else:
        database_url = f"sqlite:///{work / 'e2e.sqlite3'}"
    port = _free_port()
    env = {
        **os.environ,
        "PICCOLO_CONF": "app.piccolo_conf",
        "FAREDESK_ENV": "development",
        "FAREDESK_DATABASE_URL": database_url,
        "FAREDESK_VAR_DIR": str(work / "var"),
        "FAREDESK_SECRET_KEY": "e2e-secret-key-" + "k" * 40,
        "FAREDESK_DEMO_PASSWORD": DEMO_PASSWORD,
        "FAREDESK_HOST": "127.0.0.1",
        "FAREDESK_PORT": str(port),
        "FAREDESK_HTTPS": "0",
        "PYTHONUNBUFFERED": "1",
    }
    server = LiveServer(url=f"http://127.0.0.1:{port}", env=env, database_url=database_url,
                        log_path=work / "server.log")
    server.cli("migrate")
    server.cli("seed-demo")
    with server.log_path.open("wb") as log:
        server.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_for_health(server)
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        _unavailable("Chromium not found (apt-get install chromium, or set FAREDESK_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(live_server: LiveServer, chromium: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test, 1280×800, with the server as base URL."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="en-US",
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form and wait for the page after it (home, or `next`)."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.click("[data-testid=sign-out]")
