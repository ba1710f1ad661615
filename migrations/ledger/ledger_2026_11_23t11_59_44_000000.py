"""Append-only tables of the ledger app, enforced by the database on both engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.append_only import protect

ID = "2026-11-23T11:59:44:000000"
VERSION = "1.38.0"
DESCRIPTION = "append-only: journal_txn posting"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ledger", description=DESCRIPTION)

    async def run():
        await protect("journal_txn", "posting")

    manager.add_raw(run)
    return manager
