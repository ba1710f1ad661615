"""The `faredesk` command line, run as a separate process against the test database."""

from __future__ import annotations

import os
import subprocess
import sys

from app.auth.roles import Role
from app.auth.tables import User, UserSection
from app.settings import PROJECT_ROOT
from tests.fixtures import Browser, make_org, unique
from tests.integration.test_auth_support import fingerprint

NEW_PASSWORD = "from-the-environment-1"


def faredesk(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `faredesk <args>` with the test's environment (same database) plus `env`."""
    environment = {**os.environ, **env}
    for name, value in env.items():
        if value == "":
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", *args],
        cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL, check=False,
    )


async def test_seed_demo_twice_is_idempotent() -> None:
    first = faredesk("seed-demo")
    assert first.returncode == 0, first.stderr
    assert "Demo agency" in first.stdout
    after_first = await fingerprint()
    second = faredesk("seed-demo")
    assert second.returncode == 0, second.stderr
    assert "Demo agency already present." in second.stdout
    assert await fingerprint() == after_first
    for username in ("admin", "supervisor", "lead", "coordinator", "clerk", "auditor"):
        assert await User.exists().where(User.username == username), username
        assert username in second.stdout  # the demo logins are printed every time
    assert "kiosk PIN 2468" in second.stdout and "faredesk-demo" in second.stdout


async def test_demo_users_can_sign_in(browser: Browser) -> None:
    assert faredesk("seed-demo").returncode == 0
    for username in ("admin", "clerk", "auditor"):
        async with Browser(transport=browser._transport, base_url="http://testserver") as b:
            assert (await b.sign_in(username, "faredesk-demo")).status_code == 303, username


def test_production_refuses_to_start_without_a_secret_key() -> None:
    for command in (("migrate",), ("serve",), ("seed-demo",)):
        result = faredesk(*command, FAREDESK_ENV="production", FAREDESK_SECRET_KEY="")
        assert result.returncode != 0, command
        assert "FAREDESK_SECRET_KEY must be set" in result.stderr, command
        assert "Traceback" not in result.stderr, command
    short = faredesk("migrate", FAREDESK_ENV="production", FAREDESK_SECRET_KEY="too-short")
    assert short.returncode != 0
    app = subprocess.run(
        [sys.executable, "-c", "import app.asgi"], cwd=PROJECT_ROOT, capture_output=True, text=True,
        env={**{k: v for k, v in os.environ.items() if k != "FAREDESK_SECRET_KEY"},
             "FAREDESK_ENV": "production"}, timeout=120, check=False,
    )
    assert app.returncode != 0 and "FAREDESK_SECRET_KEY" in app.stderr


async def test_production_refuses_demo_seeding() -> None:
    before = await fingerprint()
    result = faredesk("seed-demo", FAREDESK_ENV="production", FAREDESK_SECRET_KEY="s" * 48)
    assert result.returncode != 0
    assert "refusing to seed demo data" in result.stderr
    assert await fingerprint() == before


async def test_create_user_takes_the_password_from_the_environment(browser: Browser) -> None:
    org = await make_org()
    username = unique("cli")
    result = faredesk(
        "create-user", "--username", username, "--full-name", "Command Line Clerk",
        "--role", "clerk", "--section", org.code,
        FAREDESK_NEW_USER_PASSWORD=NEW_PASSWORD, FAREDESK_NEW_USER_PIN="7315",
    )
    assert result.returncode == 0, result.stderr
    assert f"Created user {username}" in result.stdout
    assert NEW_PASSWORD not in result.stdout + result.stderr
    user = await User.select().where(User.username == username).first()
    assert user is not None and user["role"] == Role.CLERK.value
    sections = await UserSection.select(UserSection.section).where(UserSection.user == user["id"])
    assert [s["section"] for s in sections] == [org.section_id]
    assert (await browser.sign_in(username, NEW_PASSWORD)).status_code == 303


async def test_create_user_reports_problems_and_creates_nothing() -> None:
    before = await fingerprint()
    weak = faredesk("create-user", "--username", unique("cli"), "--full-name", "Weak",
                    "--role", "auditor", FAREDESK_NEW_USER_PASSWORD="short")
    assert weak.returncode != 0 and "Use at least 12 characters." in weak.stderr
    unknown = faredesk("create-user", "--username", unique("cli"), "--full-name", "Lost",
                       "--role", "coordinator", "--section", "NO-SUCH-SECTION",
                       FAREDESK_NEW_USER_PASSWORD=NEW_PASSWORD)
    assert unknown.returncode != 0 and "unknown section code(s): NO-SUCH-SECTION" in unknown.stderr
    assert await fingerprint() == before


def test_settings_prints_the_table_of_every_setting() -> None:
    from app.settings import SETTINGS_DOC

    result = faredesk("settings")
    assert result.returncode == 0
    for doc in SETTINGS_DOC:
        assert f"| `{doc.name}` |" in result.stdout
