from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.catalog.tables import FareCategory, Price, Product

APP_CONFIG = AppConfig(
    app_name="catalog",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "catalog"),
    table_classes=[FareCategory, Product, Price],
    migration_dependencies=["app.piccolo_apps"],
    commands=[],
)
