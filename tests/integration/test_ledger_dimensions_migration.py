"""The ledger-dimensions migration (2026-12-01T19:58) on a database that already holds postings.

A fresh database of the suite's engine (SQLite file, or a PostgreSQL database beside the test
database) is migrated up to the migration before it, filled with journal entries through SQL
in the old shape, then migrated to the end. Every posting row and every sum the application
reads (per account, per shift, per product, per terminal, per location and day) must come out
identical, the new party columns empty, the append-only triggers still in force, and on
PostgreSQL no foreign key may lead from the ledger into drawers, terminals or catalog.

The migration runs in a child process because the engine is chosen once per process from
FAREDESK_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

LAST_BEFORE = "2026-11-23T12:02:06:000000"  # the ledger's migration before the dimensions one
DAY = date(2026, 11, 20)

_SNAPSHOT_QUERIES = {
    "rows": "SELECT id, txn, account, amount_cents, business_date, location, shift, terminal, "
            "clerk, product, fare_category, tender_kind FROM posting ORDER BY id",
    "by_account": "SELECT account, SUM(amount_cents) AS total FROM posting "
                  "GROUP BY account ORDER BY account",
    "by_shift": "SELECT shift, account, SUM(amount_cents) AS total FROM posting "
                "GROUP BY shift, account ORDER BY shift, account",
    "by_product": "SELECT product, SUM(amount_cents) AS total FROM posting "
                  "GROUP BY product ORDER BY product",
    "by_terminal": "SELECT terminal, SUM(amount_cents) AS total FROM posting "
                   "GROUP BY terminal ORDER BY terminal",
    "by_day": "SELECT location, business_date, SUM(amount_cents) AS total FROM posting "
              "GROUP BY location, business_date ORDER BY location, business_date",
    "txns": "SELECT id, kind, shift, source_type, source_id FROM journal_txn ORDER BY id",
}


# ------------------------------------------------------------------------ the child process


async def _migrate(*, ledger_upto: str) -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards
    from piccolo.conf.apps import Finder

    for name in Finder().get_sorted_app_names():
        result = await run_forwards(app_name=name,
                                    migration_id=ledger_upto if name == "ledger" else "all")
        assert result.success, result.message


async def _fill_old_shape() -> None:
    """Three shifts at two terminals, products, a reversal: postings as the old code wrote them."""
    from app import sql

    run = sql.execute
    await run("INSERT INTO section (id, code, name) VALUES (1, 'S1', 'Section one')")
    await run("INSERT INTO location (id, code, name, section) VALUES (1, 'L1', 'Loc one', 1)")
    await run("INSERT INTO app_user (id, username, role) VALUES (1, 'clerk1', 'clerk')")
    for terminal in (1, 2):
        await run("INSERT INTO terminal (id, code, location) VALUES ({}, {}, 1)",
                  terminal, f"T{terminal}")
    for product in (1, 2):
        await run("INSERT INTO product (id, code, name, kind) VALUES ({}, {}, {}, 'pass')",
                  product, f"P{product}", f"Product {product}")
    accounts = {row["code"]: int(row["id"]) for row in
                await sql.fetch("SELECT id, code FROM ledger_account")}
    posting = ("INSERT INTO posting (txn, account, amount_cents, business_date, location, shift, "
               "terminal, clerk, product, fare_category, tender_kind) "
               "VALUES ({}, {}, {}, {}, 1, {}, {}, 1, {}, {}, {})")
    txn_id = 0
    for shift, terminal in ((1, 1), (2, 2), (3, 1)):
        await run("INSERT INTO shift (id, terminal, location, clerk, business_date, status) "
                  "VALUES ({}, {}, 1, 1, {}, 'approved')", shift, terminal, DAY)
        for sale in range(4):
            txn_id += 1
            price = 1_000 * shift + 137 * sale
            await run("INSERT INTO journal_txn (id, kind, business_date, location, shift, "
                      "occurred_at, created_by, memo, source_type, source_id) "
                      "VALUES ({}, 'sale', {}, 1, {}, CURRENT_TIMESTAMP, 1, '', 'sale', {})",
                      txn_id, DAY, shift, str(txn_id))
            await run(posting, txn_id, accounts["drawer_cash"], price + 500, DAY, shift,
                      terminal, None, None, "cash")
            await run(posting, txn_id, accounts["fare_revenue"], -price, DAY, shift, terminal,
                      1 + sale % 2, "adult", None)
            await run(posting, txn_id, accounts["card_fee_revenue"], -500, DAY, shift, terminal,
                      None, None, None)
    # A transaction with no shift, terminal or product (a deposit-like movement).
    txn_id += 1
    await run("INSERT INTO journal_txn (id, kind, business_date, location, occurred_at, "
              "created_by, memo) VALUES ({}, 'deposit', {}, 1, CURRENT_TIMESTAMP, 1, '')",
              txn_id, DAY)
    await run(posting, txn_id, accounts["safe"], -2_500, DAY, None, None, None, None, None)
    await run(posting, txn_id, accounts["deposits_in_transit"], 2_500, DAY, None, None, None,
              None, None)


def _plain(value: Any) -> Any:
    """JSON-safe: dates as ISO text, PostgreSQL's numeric SUM of cents as the exact int."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        assert value == int(value), value
        return int(value)
    return value


async def _snapshot() -> dict[str, Any]:
    from app import sql

    return {name: [{k: _plain(v) for k, v in row.items()} for row in await sql.fetch(query)]
            for name, query in _SNAPSHOT_QUERIES.items()}


async def _after_checks() -> dict[str, Any]:
    from app import sql
    from app.db import is_sqlite

    party = await sql.fetch("SELECT COUNT(*) AS n FROM posting "
                            "WHERE party_type IS NOT NULL OR party_id IS NOT NULL")
    try:
        await sql.execute("UPDATE posting SET amount_cents = 0 WHERE id = 1")
        update_refused = False
    except Exception as exc:  # the trigger's error, engine-specific type
        update_refused = "append-only" in str(exc)
    area_fks: list[str] = []
    if not is_sqlite():
        area_fks = [row["conname"] for row in await sql.fetch(
            "SELECT con.conname FROM pg_constraint con "
            "JOIN pg_class rel ON rel.oid = con.conrelid "
            "JOIN pg_class ref ON ref.oid = con.confrelid "
            "WHERE con.contype = 'f' AND rel.relname IN ('posting', 'journal_txn') "
            "AND ref.relname IN ('shift', 'terminal', 'product')")]
    return {"party_tagged": int(party[0]["n"]), "update_refused": update_refused,
            "area_fks": area_fks}


async def _child() -> dict[str, Any]:
    await _migrate(ledger_upto=LAST_BEFORE)
    await _fill_old_shape()
    before = await _snapshot()
    await _migrate(ledger_upto="all")
    after = await _snapshot()
    return {"before": before, "after": after, **await _after_checks()}


# ------------------------------------------------------------------------ the test


def _fresh_database_url(tmp: Path) -> str:
    base = os.environ.get("FAREDESK_TEST_DATABASE_URL", "").strip()
    if not base:
        return f"sqlite:///{tmp / 'dimensions.sqlite3'}"
    from urllib.parse import urlsplit, urlunsplit

    import asyncpg

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = f"{base}_dims{('_' + worker) if worker else ''}"
    name = urlsplit(url).path.lstrip("/")
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))

    async def recreate() -> None:
        conn = await asyncpg.connect(server)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(recreate())
    return url


def test_the_dimensions_migration_keeps_every_posting_and_every_sum() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="faredesk-dims-"))
    env = {**os.environ, "FAREDESK_DATABASE_URL": _fresh_database_url(tmp),
           "PICCOLO_CONF": "app.piccolo_conf", "FAREDESK_VAR_DIR": str(tmp)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.test_ledger_dimensions_migration"],
        env=env, capture_output=True, text=True, timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    before, after = result["before"], result["after"]
    assert len(before["rows"]) == 12 * 3 + 2
    assert after == before
    assert {row["account"]: row["total"] for row in after["by_account"]} != {}
    assert sum(row["total"] for row in after["by_account"]) == 0
    assert result["party_tagged"] == 0
    assert result["update_refused"] is True
    assert result["area_fks"] == []


if __name__ == "__main__":
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):  # Piccolo prints its migration progress
        outcome = asyncio.run(_child())
    print(json.dumps(outcome))
