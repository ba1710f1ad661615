"""Platform tables: job runs and sweep marks, the outbox, the mail log and opt-outs,
notifications and their preferences (written as SQL for both engines)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine, is_sqlite

ID = "2026-12-01T19:49:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "jobs, outbox, mail, notifications"

TABLES = {
    "job_run": """
        name VARCHAR(100) NOT NULL,
        args TEXT NOT NULL DEFAULT '{}',
        status VARCHAR(16) NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 5,
        last_error TEXT NOT NULL DEFAULT '',
        result VARCHAR(200) NOT NULL DEFAULT '',
        enqueued_at TIMESTAMPTZ NOT NULL,
        started_at TIMESTAMPTZ,
        finished_at TIMESTAMPTZ,
        lease_until TIMESTAMPTZ,
        rerun_of INTEGER""",
    "sweep_mark": """
        key VARCHAR(200) NOT NULL UNIQUE,
        sweep VARCHAR(100) NOT NULL,
        done_at TIMESTAMPTZ NOT NULL""",
    "outbox_message": """
        key VARCHAR(200) NOT NULL UNIQUE,
        topic VARCHAR(32) NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        personal BOOLEAN NOT NULL DEFAULT FALSE,
        status VARCHAR(16) NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL,
        available_at TIMESTAMPTZ NOT NULL,
        claimed_until TIMESTAMPTZ,
        sent_at TIMESTAMPTZ,
        last_error TEXT NOT NULL DEFAULT ''""",
    "mail_log": """
        message INTEGER NOT NULL UNIQUE,
        kind VARCHAR(64) NOT NULL DEFAULT '',
        to_address VARCHAR(320) NOT NULL,
        subject VARCHAR(300) NOT NULL DEFAULT '',
        essential BOOLEAN NOT NULL DEFAULT FALSE,
        status VARCHAR(16) NOT NULL,
        smtp_reply TEXT NOT NULL DEFAULT '',
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL""",
    "mail_opt_out": """
        address VARCHAR(320) NOT NULL UNIQUE,
        source VARCHAR(64) NOT NULL DEFAULT '',
        created_at TIMESTAMPTZ NOT NULL""",
    "notification": """
        recipient INTEGER NOT NULL REFERENCES app_user (id),
        kind VARCHAR(64) NOT NULL,
        title VARCHAR(300) NOT NULL,
        link VARCHAR(500) NOT NULL DEFAULT '',
        message INTEGER NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        read_at TIMESTAMPTZ,
        UNIQUE (message, recipient)""",
    "notification_preference": """
        recipient INTEGER NOT NULL REFERENCES app_user (id),
        kind VARCHAR(64) NOT NULL,
        email BOOLEAN NOT NULL DEFAULT FALSE,
        UNIQUE (recipient, kind)""",
}

INDEXES = [
    "CREATE INDEX IF NOT EXISTS job_run_status ON job_run (status, lease_until)",
    "CREATE INDEX IF NOT EXISTS job_run_name ON job_run (name, id)",
    "CREATE INDEX IF NOT EXISTS outbox_message_due ON outbox_message (status, available_at)",
    "CREATE INDEX IF NOT EXISTS notification_unread ON notification (recipient, read_at)",
    "CREATE INDEX IF NOT EXISTS mail_log_created ON mail_log (created_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="platform", description=DESCRIPTION)

    async def run():
        id_column = "id INTEGER PRIMARY KEY" if is_sqlite() else "id BIGSERIAL PRIMARY KEY"
        for name, columns in TABLES.items():
            await engine().run_ddl(f"CREATE TABLE IF NOT EXISTS {name} ({id_column},{columns})")
        for statement in INDEXES:
            await engine().run_ddl(statement)

    manager.add_raw(run)
    return manager
