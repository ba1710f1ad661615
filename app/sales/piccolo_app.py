from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.sales.tables import CardLoad, PaymentAttempt, PrintJob, Sale, SaleLine, Tender

APP_CONFIG = AppConfig(
    app_name="sales",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "sales"),
    table_classes=[Sale, SaleLine, Tender, CardLoad, PaymentAttempt, PrintJob],
    migration_dependencies=["app.ledger.piccolo_app"],
    commands=[],
)
