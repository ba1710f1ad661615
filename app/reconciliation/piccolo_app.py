from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.reconciliation.tables import Deposit, DepositShift, VarianceReview

APP_CONFIG = AppConfig(
    app_name="reconciliation",
    migrations_folder_path=str(
        Path(__file__).resolve().parents[2] / "migrations" / "reconciliation"
    ),
    table_classes=[VarianceReview, Deposit, DepositShift],
    migration_dependencies=["app.ledger.piccolo_app", "app.sales.piccolo_app"],
    commands=[],
)
