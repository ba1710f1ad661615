"""Inventory: a location's movement history pages newest first from three index ranges (as
sender, receiver, or a transfer's destination), each read backwards by id: a page costs the
same whether the location has ten movements or ten million."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-12-01T20:52:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "stock_movement (location, id) indexes for the location history"

INDEXES = (
    "CREATE INDEX IF NOT EXISTS stock_movement_from_id ON stock_movement (from_location, id)",
    "CREATE INDEX IF NOT EXISTS stock_movement_to_id ON stock_movement (to_location, id)",
    "CREATE INDEX IF NOT EXISTS stock_movement_destination_id "
    "ON stock_movement (destination, id)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inventory", description=DESCRIPTION)

    async def run():
        db = engine()
        for statement in INDEXES:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
