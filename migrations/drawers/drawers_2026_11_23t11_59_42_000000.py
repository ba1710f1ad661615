"""Append-only tables of the drawers app, enforced by the database on both engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.append_only import protect

ID = "2026-11-23T11:59:42:000000"
VERSION = "1.38.0"
DESCRIPTION = "append-only: shift_count cash_movement"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="drawers", description=DESCRIPTION)

    async def run():
        await protect("shift_count", "cash_movement")

    manager.add_raw(run)
    return manager
