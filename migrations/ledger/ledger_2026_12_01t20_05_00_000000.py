"""The day lock is append-only: deleting or rewriting its row must not reopen a signed-off day."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.append_only import protect

ID = "2026-12-01T20:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "day_lock append-only"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ledger", description=DESCRIPTION)

    async def run():
        await protect("day_lock")

    manager.add_raw(run)
    return manager
