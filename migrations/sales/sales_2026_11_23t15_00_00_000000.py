"""Sales: find a sale's voids and refunds (and a line's returns) by index, not by a scan."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-11-23T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index sale.original and sale_line.original_line"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sales", description=DESCRIPTION)

    async def run():
        db = engine()
        await db.run_ddl("CREATE INDEX IF NOT EXISTS sale_original ON sale (original)")
        await db.run_ddl(
            "CREATE INDEX IF NOT EXISTS sale_line_original_line ON sale_line (original_line)"
        )

    manager.add_raw(run)
    return manager
