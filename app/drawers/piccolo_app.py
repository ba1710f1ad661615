from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.drawers.tables import CashMovement, Shift, ShiftCount

APP_CONFIG = AppConfig(
    app_name="drawers",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "drawers"),
    table_classes=[Shift, ShiftCount, CashMovement],
    migration_dependencies=["app.terminals.piccolo_app"],
    commands=[],
)
