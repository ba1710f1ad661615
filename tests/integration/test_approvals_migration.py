"""The approvals migration (2026-12-01T21:22) on a database that already holds variance reviews.

A fresh database of the suite's engine is migrated without the approvals app, given shifts
and variance reviews in the shape the old code wrote, then migrated to the end. Every review
must appear once in the approval record (same step, outcome, reason, note, amount, actor, role,
with the shift's section and clerk), `variance_review` must be untouched, the pending view must
read the old recommendations, and the database must refuse UPDATE and DELETE on `approval`.
Runs in a child process: the engine is chosen once per process.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tests.integration.test_ledger_dimensions_migration import _fresh_database_url, _plain

DAY = date(2026, 11, 20)
REVIEWS = "SELECT * FROM variance_review ORDER BY id"


async def _migrate(*, skip: str | None) -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards
    from piccolo.conf.apps import Finder

    for name in Finder().get_sorted_app_names():
        if name != skip:
            result = await run_forwards(app_name=name, migration_id="all")
            assert result.success, result.message


async def _fill_old_shape() -> None:
    """Two sections; shift 1 decided by a lead, shift 2 recommended and still waiting, shift 3
    recommended then decided by a supervisor."""
    from app import sql

    run = sql.execute
    for section in (1, 2):
        await run("INSERT INTO section (id, code, name) VALUES ({}, {}, {})",
                  section, f"S{section}", f"Section {section}")
        await run("INSERT INTO location (id, code, name, section) VALUES ({}, {}, {}, {})",
                  section, f"L{section}", f"Location {section}", section)
        await run("INSERT INTO terminal (id, code, location) VALUES ({}, {}, {})",
                  section, f"T{section}", section)
    for user, role in ((1, "clerk"), (2, "clerk"), (3, "lead"), (4, "supervisor")):
        await run("INSERT INTO app_user (id, username, role) VALUES ({}, {}, {})",
                  user, f"user{user}", role)
    for shift, location, clerk in ((1, 1, 1), (2, 2, 2), (3, 1, 2)):
        await run("INSERT INTO shift (id, terminal, location, clerk, business_date, status) "
                  "VALUES ({}, {}, {}, {}, {}, 'counted')", shift, location, location, clerk, DAY)
    review = ("INSERT INTO variance_review (shift, step, outcome, reason_code, note, "
              "expected_cash_cents, counted_cash_cents, expected_checks_cents, "
              "counted_checks_cents, over_short_cents, actor, actor_role, created_at) "
              "VALUES ({}, {}, {}, {}, {}, {}, {}, 0, 0, {}, {}, {}, {})")
    at = datetime(2026, 11, 21, 9, 0)
    for shift, step, outcome, reason, note, expected, counted, actor, role in (
        (1, "decision", "accept", "change_error", "gave $1.50", 16_500, 16_350, 3, "lead"),
        (2, "recommendation", "accept", "count_error", "", 16_000, 17_000, 3, "lead"),
        (3, "recommendation", "investigate", "suspected_loss", "look at it", 9_000, 8_000, 3,
         "lead"),
        (3, "decision", "recount", "count_error", "", 9_000, 8_000, 4, "supervisor"),
    ):
        await run(review, shift, step, outcome, reason, note, expected, counted,
                  counted - expected, actor, role, at)


def _rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items() if k != "created_at"} for row in rows]


async def _child() -> dict[str, Any]:
    from app import sql

    await _migrate(skip="approvals")
    await _fill_old_shape()
    before = _rows(await sql.fetch(REVIEWS))
    await _migrate(skip=None)
    after = _rows(await sql.fetch(REVIEWS))
    approvals = _rows(await sql.fetch(
        "SELECT workflow, object_type, object_id, section_id, doer_id, step, outcome, "
        "reason_code, note, amount_cents, actor, actor_role FROM approval ORDER BY id"))
    from app.approvals import services
    from app.reconciliation.rules import VARIANCE_POLICY

    pending = await services.pending(VARIANCE_POLICY)
    refused = []
    for statement in ("UPDATE approval SET amount_cents = 0 WHERE id = 1",
                      "DELETE FROM approval WHERE id = 1"):
        try:
            await sql.execute(statement)
            refused.append(False)
        except Exception as exc:  # the trigger's error, engine-specific type
            refused.append("append-only" in str(exc))
    return {"before": before, "after": after, "approvals": approvals,
            "pending": sorted(pending), "refused": refused}


def test_the_approvals_migration_copies_every_variance_review_and_rewrites_none() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="faredesk-approvals-"))
    env = {**os.environ, "FAREDESK_DATABASE_URL": _fresh_database_url(tmp),
           "PICCOLO_CONF": "app.piccolo_conf", "FAREDESK_VAR_DIR": str(tmp)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.test_approvals_migration"],
        env=env, capture_output=True, text=True, timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["before"]) == 4 and result["after"] == result["before"]
    expected = [
        {"workflow": "variance", "object_type": "shift", "object_id": r["shift"],
         "section_id": {1: 1, 2: 2, 3: 1}[r["shift"]], "doer_id": {1: 1, 2: 2, 3: 2}[r["shift"]],
         "step": r["step"], "outcome": r["outcome"], "reason_code": r["reason_code"],
         "note": r["note"], "amount_cents": r["over_short_cents"], "actor": r["actor"],
         "actor_role": r["actor_role"]}
        for r in result["before"]
    ]
    assert result["approvals"] == expected
    assert result["pending"] == [2]  # shift 3's recommendation was decided
    assert result["refused"] == [True, True]


if __name__ == "__main__":
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):  # Piccolo prints its migration progress
        outcome = asyncio.run(_child())
    print(json.dumps(outcome))
