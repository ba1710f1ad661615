"""Append-only tables of the sales app, enforced by the database on both engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.append_only import protect

ID = "2026-11-23T11:59:46:000000"
VERSION = "1.38.0"
DESCRIPTION = "append-only: sale sale_line tender"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sales", description=DESCRIPTION)

    async def run():
        await protect("sale", "sale_line", "tender")

    manager.add_raw(run)
    return manager
