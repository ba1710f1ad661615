"""Append-only tables of the catalog app, enforced by the database on both engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.append_only import protect

ID = "2026-11-23T11:59:39:000000"
VERSION = "1.38.0"
DESCRIPTION = "append-only: price"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)

    async def run():
        await protect("price")

    manager.add_raw(run)
    return manager
