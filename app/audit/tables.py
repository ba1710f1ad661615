from piccolo.columns import BigSerial, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.auth.tables import User


class AuditEvent(Table, tablename="audit_event"):
    """Append-only: the database rejects UPDATE and DELETE (see migrations/core)."""

    id = BigSerial(primary_key=True)
    at = Timestamptz(index=True)
    actor = ForeignKey(User, null=True, on_delete=OnDelete.restrict, index=True)
    actor_name = Varchar(length=120, default="system")
    origin = Varchar(length=64, default="")
    action = Varchar(length=64, null=False, index=True)
    object_type = Varchar(length=64, null=False, index=True)
    object_id = Varchar(length=64, default="", index=True)
    summary = Text(default="")
