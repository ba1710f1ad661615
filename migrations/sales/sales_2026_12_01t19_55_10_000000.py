"""Sales: keep what each idempotency key asked for, so a reused key with another cart (or from
another counter) is refused instead of answered with the first sale (issue 9 item 4)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-12-01T19:55:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "sale.request_digest"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sales", description=DESCRIPTION)

    async def run():
        await engine().run_ddl(
            "ALTER TABLE sale ADD COLUMN request_digest VARCHAR(32) NOT NULL DEFAULT ''")

    manager.add_raw(run)
    return manager
