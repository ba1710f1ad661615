from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.i18n.tables import LanguagePopulation, ServiceArea, TranslationAcceptance

APP_CONFIG = AppConfig(
    app_name="i18n",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "i18n"),
    table_classes=[TranslationAcceptance, LanguagePopulation, ServiceArea],
    migration_dependencies=["app.piccolo_apps"],
    commands=[],
)
