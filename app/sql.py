"""Hand-written SQL for the counter's hot paths, on either engine.

Piccolo's query builder is pleasant but costly: building one SELECT with a few joined columns
takes more CPU than PostgreSQL spends running it, and a kiosk sale used to build about a hundred.
The requests a clerk makes all day (the kiosk context, the cart, completing a sale, the done
screen) therefore run fixed SQL strings through these helpers instead; everything else keeps
using the ORM.

Write `{}` for each argument: Piccolo turns it into `$1…` on PostgreSQL and `?` on SQLite, and
the query joins the task's current transaction (`app.db.write_transaction`) if there is one.
Use SQL both engines accept (no `::casts`, no `ILIKE`, no `RETURNING` on old SQLite). On
SQLite, a selected table column comes back converted by its declared type (dates, timestamps,
booleans), as through the ORM; computed values (sums, counts) come back as plain numbers.
"""

from __future__ import annotations

from collections.abc import Sized
from typing import Any

from piccolo.querystring import QueryString

from app.db import engine


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Every row, as dicts keyed by column name (or alias)."""
    response = await engine().run_querystring(QueryString(sql, *args))
    return [dict(row) for row in response or ()]


async def fetch_one(sql: str, *args: Any) -> dict[str, Any] | None:
    """The first row, or None. Put a LIMIT 1 (or a unique key) in the SQL."""
    rows = await fetch(sql, *args)
    return rows[0] if rows else None


async def fetch_value(sql: str, *args: Any) -> Any:
    """The first column of the first row, or None."""
    row = await fetch_one(sql, *args)
    return next(iter(row.values())) if row else None


async def execute(sql: str, *args: Any) -> None:
    """A statement whose result is not needed (UPDATE, INSERT without RETURNING)."""
    await engine().run_querystring(QueryString(sql, *args))


def in_list(values: Sized) -> str:
    """`({}, {}, {})`: the placeholders of an IN list of `len(values)` arguments (pass the values
    after the statement's other arguments, in order). An empty list has no SQL: refuse it."""
    if not len(values):
        raise ValueError("an IN list needs at least one value")
    return "(" + ", ".join(["{}"] * len(values)) + ")"


def next_id(table: str) -> str:
    """SQL for the id the next row of `table` will get, so a statement can name it first (a
    sale its ledger entry, a journal transaction its postings). PostgreSQL: nextval of the id
    sequence (never handed out twice). SQLite: max + 1, safe because the IMMEDIATE write
    transaction holds the database's write lock until commit."""
    from app.db import is_sqlite

    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    if is_sqlite():
        return f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table})"  # noqa: S608 (an identifier)
    return f"nextval(pg_get_serial_sequence('{table}', 'id'))"


def joined_text(expression: str) -> str:
    """An aggregate joining `expression` over the group as comma-separated text."""
    from app.db import is_sqlite

    if is_sqlite():
        return f"group_concat({expression}, ',')"
    return f"string_agg(CAST({expression} AS TEXT), ',')"


def split_ids(joined: str | None) -> tuple[int, ...]:
    """The ids of a `joined_text` aggregate, sorted."""
    return tuple(sorted(int(part) for part in (joined or "").split(",") if part))
