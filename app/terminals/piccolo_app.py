"""Counter terminals (one kiosk with its devices) and the browsers enrolled to run them."""
from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.kiosk.tables import KioskCart, KioskSession
from app.terminals.tables import KioskEnrollment, ReceiptCounter, Terminal

APP_CONFIG = AppConfig(
    app_name="terminals",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "terminals"),
    table_classes=[Terminal, KioskEnrollment, ReceiptCounter, KioskSession, KioskCart],
    migration_dependencies=["app.piccolo_apps"],
    commands=[],
)
