"""The platform's Piccolo app: jobs, outbox, mail and notifications (docs/platform.md)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.jobs.tables import JobRun, SweepMark
from app.mail.tables import MailLog, MailOptOut
from app.notifications.tables import Notification, NotificationPreference
from app.outbox.tables import OutboxMessage

APP_CONFIG = AppConfig(
    app_name="platform",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "platform"),
    table_classes=[JobRun, SweepMark, OutboxMessage, MailLog, MailOptOut, Notification,
                   NotificationPreference],
    migration_dependencies=["app.piccolo_apps"],
    commands=[],
)
