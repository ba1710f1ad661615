"""Sales: one receipt number per terminal (gap-free numbers are also unique), a sale's lines numbered once."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-11-23T12:05:33:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique receipt number per terminal; unique line number per sale"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sales", description=DESCRIPTION)

    async def run():
        db = engine()
        await db.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS sale_terminal_receipt_number "
            "ON sale (terminal, receipt_number)"
        )
        await db.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS sale_line_sale_line_no ON sale_line (sale, line_no)"
        )

    manager.add_raw(run)
    return manager
