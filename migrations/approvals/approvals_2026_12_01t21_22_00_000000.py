"""The approval record (append-only), and the variance reviews written before it, copied in.

Every `variance_review` row becomes an `approval` row of the workflow "variance" (same step,
outcome, reason, note, over/short as the amount, actor, role and time; the shift's section and
clerk). `variance_review` keeps its rows and its figures untouched: history is added to, never
rewritten. The table is declared here as it was when this migration was written.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import BigInt, BigSerial, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.append_only import protect
from app.auth.tables import User
from app.db import engine

ID = "2026-12-01T21:22:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "approval (append-only), variance reviews copied in"


class Approval(Table, tablename="approval"):
    id = BigSerial(primary_key=True)
    workflow = Varchar(length=40, null=False)
    object_type = Varchar(length=40, null=False)
    object_id = BigInt(null=False)
    section_id = Integer(null=False)
    doer_id = Integer(null=True, default=None)
    step = Varchar(length=16, null=False)
    outcome = Varchar(length=24, null=False)
    reason_code = Varchar(length=32, default="")
    note = Text(default="")
    amount_cents = BigInt(default=0)
    actor = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    actor_role = Varchar(length=20, null=False)
    created_at = Timestamptz()


BACKFILL = """
INSERT INTO approval (workflow, object_type, object_id, section_id, doer_id, step, outcome,
                      reason_code, note, amount_cents, actor, actor_role, created_at)
SELECT 'variance', 'shift', r.shift, l.section, s.clerk, r.step, r.outcome,
       r.reason_code, r.note, r.over_short_cents, r.actor, r.actor_role, r.created_at
FROM variance_review r
JOIN shift s ON s.id = r.shift
JOIN location l ON l.id = s.location
ORDER BY r.id
"""

INDEXES = [
    "CREATE INDEX IF NOT EXISTS approval_object ON approval (workflow, object_id, id)",
    "CREATE INDEX IF NOT EXISTS approval_section ON approval (workflow, section_id, step)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="approvals", description=DESCRIPTION)

    async def run():
        await Approval.create_table(if_not_exists=True)
        for statement in INDEXES:
            await engine().run_ddl(statement)
        await engine().run_ddl(BACKFILL)
        await protect("approval")

    manager.add_raw(run)
    return manager
