"""The approvals' Piccolo app: the append-only approval record."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.approvals.tables import Approval

APP_CONFIG = AppConfig(
    app_name="approvals",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "approvals"),
    table_classes=[Approval],
    migration_dependencies=["app.piccolo_apps", "app.reconciliation.piccolo_app"],
    commands=[],
)
