"""Sign-in attempts by source address (failures and successes), for the per-address throttle.

Bookkeeping, not a record of business: old rows may be pruned. The audit log keeps the
failed sign-ins for good (app.auth.signin).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine, is_sqlite

ID = "2026-12-01T20:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "signin_attempt"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def run():
        db = engine()
        key = "INTEGER PRIMARY KEY AUTOINCREMENT" if is_sqlite() else "BIGSERIAL PRIMARY KEY"
        stamp = "TIMESTAMPTZ"
        await db.run_ddl(
            f"CREATE TABLE IF NOT EXISTS signin_attempt (id {key}, at {stamp} NOT NULL, "
            "source VARCHAR(64) NOT NULL, username VARCHAR(64) NOT NULL, "
            "kind VARCHAR(12) NOT NULL)"
        )
        await db.run_ddl(
            "CREATE INDEX IF NOT EXISTS signin_attempt_source_at ON signin_attempt (source, at)"
        )

    manager.add_raw(run)
    return manager
