"""The core Piccolo app: organisation, users and sessions, audit log.

Each later area registers its own Piccolo app (and migrations folder) in APP_MODULES.
"""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.audit.tables import AuditEvent
from app.auth.tables import User, UserSection, UserSession
from app.org.tables import Location, Section

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=str(MIGRATIONS / "core"),
    table_classes=[Section, Location, User, UserSection, UserSession, AuditEvent],
    migration_dependencies=[],
    commands=[],
)
