from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.ledger.tables import Account, DayLock, JournalTransaction, Posting

APP_CONFIG = AppConfig(
    app_name="ledger",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "ledger"),
    table_classes=[Account, JournalTransaction, Posting, DayLock],
    # Only for the order of migrations: the first ledger migrations (2026-11-23) created
    # foreign keys to `product` and `shift`. The tables no longer reference either area.
    migration_dependencies=["app.catalog.piccolo_app", "app.drawers.piccolo_app"],
    commands=[],
)
