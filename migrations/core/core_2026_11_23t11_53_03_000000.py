"""The audit log is append-only, enforced by the database on both engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.append_only import protect

ID = "2026-11-23T11:53:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_event rejects UPDATE and DELETE"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def run():
        await protect("audit_event")

    manager.add_raw(run)
    return manager
