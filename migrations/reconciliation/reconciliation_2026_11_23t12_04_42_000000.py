"""Reconciliation: append-only variance reviews, and indexes for the day board and reports.

The board and the reports are SQL aggregates over `posting` and `sale`; these composite
indexes let both engines answer them from an index range instead of a table scan.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.append_only import protect
from app.db import engine

ID = "2026-11-23T12:04:42:000000"
VERSION = "1.38.0"
DESCRIPTION = "append-only variance_review; board and report indexes"

INDEXES = (
    "CREATE INDEX IF NOT EXISTS posting_shift_account ON posting (shift, account, amount_cents)",
    "CREATE INDEX IF NOT EXISTS posting_day_location ON posting (business_date, location)",
    "CREATE INDEX IF NOT EXISTS sale_terminal_day_receipt "
    "ON sale (terminal, business_date, receipt_number)",
    "CREATE INDEX IF NOT EXISTS deposit_location_day ON deposit (location, business_date)",
    "CREATE INDEX IF NOT EXISTS shift_location_day ON shift (location, business_date)",
)


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="reconciliation", description=DESCRIPTION
    )

    async def run():
        await protect("variance_review")
        db = engine()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
