"""Guards on receipt_counter (only ever +1, never deleted) and payment_attempt (a recorded
request and a final answer are never rewritten), on both engines (issue 9 item 4)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.sales.guards import install

ID = "2026-12-01T20:02:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "guards: receipt_counter, payment_attempt"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sales", description=DESCRIPTION)

    async def run():
        await install()

    manager.add_raw(run)
    return manager
