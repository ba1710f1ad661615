"""One shift in use (open or being recounted) per terminal, enforced by the database.

A partial unique index works on both engines; the service checks first for a readable message,
the index settles a race between two simultaneous openings.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-11-23T12:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one open shift per terminal"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="drawers", description=DESCRIPTION)

    async def run():
        await engine().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS shift_one_in_use_per_terminal ON shift (terminal) "
            "WHERE status IN ('open', 'recount')"
        )

    manager.add_raw(run)
    return manager
