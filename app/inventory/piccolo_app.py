from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.inventory.tables import (
    ItemType,
    StockCount,
    StockCountDecision,
    StockLocation,
    StockMovement,
    StockMovementRange,
    StockQuantity,
    StockRange,
    StockThreshold,
)

APP_CONFIG = AppConfig(
    app_name="inventory",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "inventory"),
    table_classes=[ItemType, StockLocation, StockRange, StockQuantity, StockMovement,
                   StockMovementRange, StockCount, StockCountDecision, StockThreshold],
    migration_dependencies=["app.piccolo_apps"],
    commands=[],
)
