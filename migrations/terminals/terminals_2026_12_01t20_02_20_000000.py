"""Kiosk carts: the sale that ended a cart, when its first item went on, and since when it has
been kept across a lock or a sign-in (issue 9 items 4 and 5)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-12-01T20:02:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "kiosk_cart.last_sale, started_at, kept_since"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="terminals", description=DESCRIPTION)

    async def run():
        db = engine()
        await db.run_ddl("ALTER TABLE kiosk_cart ADD COLUMN last_sale BIGINT NULL")
        await db.run_ddl("ALTER TABLE kiosk_cart ADD COLUMN started_at TIMESTAMPTZ NULL")
        await db.run_ddl("ALTER TABLE kiosk_cart ADD COLUMN kept_since TIMESTAMPTZ NULL")

    manager.add_raw(run)
    return manager
