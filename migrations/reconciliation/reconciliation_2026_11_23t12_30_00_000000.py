"""Faster day board and reports: covering indexes the aggregates can answer from the index alone.

* posting (business_date, location, account, amount_cents): the day's ledger per account and the
  period reports read only the index (replaces posting_day_location);
* posting (shift, account, business_date, amount_cents): per-shift balances, by day
  (replaces posting_shift_account);
* journal_txn (location, corrects_date) for the few entries that correct another day (partial).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-11-23T12:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering indexes for the day board and reports"

STATEMENTS = (
    "CREATE INDEX IF NOT EXISTS posting_day_location_account "
    "ON posting (business_date, location, account, amount_cents)",
    "DROP INDEX IF EXISTS posting_day_location",
    "CREATE INDEX IF NOT EXISTS posting_shift_account_day "
    "ON posting (shift, account, business_date, amount_cents)",
    "DROP INDEX IF EXISTS posting_shift_account",
    "CREATE INDEX IF NOT EXISTS journal_txn_corrects "
    "ON journal_txn (location, corrects_date) WHERE corrects_date IS NOT NULL",
)


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="reconciliation", description=DESCRIPTION
    )

    async def run():
        db = engine()
        for statement in STATEMENTS:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
