"""The approval record: every recommendation and decision of every workflow, append-only.

A row says what was approved (workflow, object type and id, its section and the person whose
work it is), which step, the outcome and reason, the amount in cents, who said it in which role,
and when. The database refuses UPDATE and DELETE (app.append_only); a change of mind is a new
row, so "who said what" is never rewritten.
"""

from piccolo.columns import BigInt, BigSerial, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.auth.tables import User


class Approval(Table, tablename="approval"):
    id = BigSerial(primary_key=True)
    workflow = Varchar(length=40, null=False)
    object_type = Varchar(length=40, null=False)
    object_id = BigInt(null=False)
    section_id = Integer(null=False)
    doer_id = Integer(null=True, default=None)  # whose work it is (never its approver)
    step = Varchar(length=16, null=False)  # recommendation | decision
    outcome = Varchar(length=24, null=False)
    reason_code = Varchar(length=32, default="")
    note = Text(default="")
    amount_cents = BigInt(default=0)
    actor = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    actor_role = Varchar(length=20, null=False)
    created_at = Timestamptz()
