"""A bag number is used by one deposit only (the service checks first; this settles races)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-11-23T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique deposit bag number"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="reconciliation", description=DESCRIPTION
    )

    async def run():
        await engine().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS deposit_bag_number ON deposit (bag_number)"
        )

    manager.add_raw(run)
    return manager
