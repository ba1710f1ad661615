"""A verified deposit says so: bags verified before the `verified` state existed move to it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-12-01T19:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "deposit status verified"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="reconciliation", description=DESCRIPTION
    )

    async def run():
        await engine().run_ddl(
            "UPDATE deposit SET status = 'verified' "
            "WHERE status = 'prepared' AND verified_by IS NOT NULL"
        )

    manager.add_raw(run)
    return manager
