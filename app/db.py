"""Database engines and transactions for both supported engines.

SQLite is the embedded default: WAL journal, a busy timeout, and IMMEDIATE transactions for
writes (a deferred read-modify-write fails with "database is locked" under concurrency).
PostgreSQL is the production engine, with a connection pool per worker.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType

SQLITE_BUSY_TIMEOUT_SECONDS = 15


class SafeSQLiteTransaction(SQLiteTransaction):
    """Closes its connection even when BEGIN, COMMIT or ROLLBACK fails, or the task is cancelled."""

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            await self.begin()
        except BaseException:
            await self.connection.close()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            await self.connection.close()
            self.engine.current_transaction.reset(self.context)
        return exception is None


class FaredeskSQLiteEngine(SQLiteEngine):
    def transaction(  # type: ignore[override]
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return SafeSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )


class FaredeskPostgresEngine(PostgresEngine):
    """PostgreSQL with the pool size chosen in settings."""

    def __init__(self, config: dict[str, Any], pool_size: int = 10) -> None:
        super().__init__(config=config)
        self.pool_size = pool_size


def sqlite_path(url: str) -> Path:
    return Path(unquote(url.removeprefix("sqlite:///")))


def make_engine(url: str, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite:///"):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        prepare_sqlite_file(path)
        return FaredeskSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    parsed = urlparse(url)
    config = {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": unquote(parsed.username or "postgres"),
        "password": unquote(parsed.password or ""),
        "database": (parsed.path or "/faredesk").lstrip("/"),
    }
    return FaredeskPostgresEngine(config=config, pool_size=pool_size)


def prepare_sqlite_file(path: Path) -> None:
    """WAL is a property of the database file: set it once, before the first connection."""
    with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_SECONDS) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.close()


_ENGINE: Engine | None = None


def engine() -> Engine:
    """The process's engine (PICCOLO_CONF's DB), looked up once."""
    global _ENGINE
    if _ENGINE is None:
        db = engine_finder()
        if db is None:
            raise RuntimeError("no database engine configured (PICCOLO_CONF)")
        _ENGINE = db
    return _ENGINE


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def in_transaction() -> bool:
    """True inside `write_transaction()` (or any Piccolo transaction) in this task."""
    return engine().current_transaction.get() is not None


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """One transaction for one operation. Nested calls join the outer transaction."""
    async with engine().transaction():
        yield


async def _light_reset(connection: Any) -> None:
    """Release a pooled connection without asyncpg's default reset query.

    faredesk never changes session state (no SET, LISTEN, advisory locks or open cursors), so
    the default `RESET ALL; UNLISTEN *; ...` round trip after every query only doubled the
    round trips of a request. A connection returned mid-transaction is still rolled back.
    """
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


async def start_pool() -> None:
    db = engine()
    if isinstance(db, FaredeskPostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=db.pool_size, reset=_light_reset)


async def close_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()


async def ping() -> None:
    await engine().run_ddl("SELECT 1")
