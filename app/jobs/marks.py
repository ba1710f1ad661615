"""Sweep marks: record a thing done under a unique key, in the caller's transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from app import sql
from app.jobs.tables import SweepMark


async def first_time(key: str, sweep: str) -> bool:
    """Take `key` for this sweep; False when it was already taken (then do nothing).

    Call inside the transaction that does the thing, so the mark and the effect commit together.
    On PostgreSQL a second machine inserting the same key waits for the first to commit and then
    finds it taken; on SQLite the IMMEDIATE write transaction serialises the two.
    """
    row = await sql.fetch_one(
        "INSERT INTO sweep_mark (key, sweep, done_at) VALUES ({}, {}, {}) "
        "ON CONFLICT (key) DO NOTHING RETURNING id",
        key[:200], sweep[:100], datetime.now(UTC),
    )
    return row is not None


async def is_done(key: str) -> bool:
    return bool(await SweepMark.exists().where(SweepMark.key == key))
