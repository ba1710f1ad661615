"""Apply every Piccolo migration (all apps) to the configured database."""

from __future__ import annotations

import os


async def migrate() -> None:
    os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all", migration_id="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}")
