"""Test configuration shared by every test.

The engine is chosen by environment, as in production:
- FAREDESK_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/faredesk_test runs the suite
  on PostgreSQL (the database is dropped and created afresh, then migrated from zero);
- otherwise a new SQLite file in a temporary folder.

Tests create their own sections, users and data with unique names (see `factories`), so no
test depends on another and nothing needs deleting (ledger and audit tables refuse DELETE).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="faredesk-test-"))
_PG_URL = os.environ.get("FAREDESK_TEST_DATABASE_URL", "").strip()
# Under pytest-xdist each worker process gets its own database (suffix _gw0, _gw1 ...).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _PG_URL and _WORKER:
    _PG_URL = f"{_PG_URL}_{_WORKER}"
os.environ["FAREDESK_VAR_DIR"] = str(_TMP)
os.environ["FAREDESK_DATABASE_URL"] = _PG_URL or f"sqlite:///{_TMP / 'test.sqlite3'}"
os.environ["PICCOLO_CONF"] = "app.piccolo_conf"
os.environ.setdefault("FAREDESK_ENV", "development")
os.environ["FAREDESK_SECRET_KEY"] = "test-secret-key-" + "x" * 40
for _device in ("PRINTER", "TERMINAL", "CARDREADER", "DISPLAY"):
    os.environ[f"FAREDESK_{_device}_URL"] = "sim://"

import pytest  # noqa: E402


def _recreate_postgres_database(url: str) -> None:
    import asyncpg

    from app.db import make_engine

    engine = make_engine(url)
    config = engine.config  # type: ignore[attr-defined]
    name = config["database"]

    async def recreate() -> None:
        conn = await asyncpg.connect(
            host=config["host"], port=config["port"], user=config["user"],
            password=config["password"] or None, database="postgres",
        )
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(recreate())


def _is_xdist_controller(config: pytest.Config) -> bool:
    return not _WORKER and bool(getattr(config.option, "numprocesses", None))


def _cache_password_hashes() -> None:
    """Tests create hundreds of users with the same few secrets: hash each secret once.

    Still real argon2id hashes (verified by the real code); only the repeated work is skipped.
    """
    import functools

    from app.auth import passwords, users

    cached = functools.lru_cache(maxsize=64)(passwords.hash_secret)
    users.hash_secret = cached  # type: ignore[assignment]


def pytest_configure(config: pytest.Config) -> None:
    _cache_password_hashes()
    if _is_xdist_controller(config):
        return
    if _PG_URL:
        _recreate_postgres_database(_PG_URL)
    from app.migrate import migrate

    asyncio.run(migrate())


def pytest_report_header(config: pytest.Config) -> str:
    engine = "PostgreSQL" if _PG_URL else "SQLite"
    return f"faredesk database: {engine} ({os.environ['FAREDESK_DATABASE_URL']})"


pytest_plugins = ["tests.fixtures", "tests.platform_fixtures"]
