from piccolo.columns import (
    BigInt,
    BigSerial,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.auth.tables import User
from app.org.tables import Location
from app.terminals.tables import Terminal


class Shift(Table, tablename="shift"):
    """One clerk's drawer session at one terminal. State: open → counted → approved (or recount).

    The state column moves forward through drawers.states; money never lives here: amounts are
    in counts (ShiftCount) and the ledger.
    """

    id = Serial(primary_key=True)

    terminal = ForeignKey(Terminal, null=False, on_delete=OnDelete.restrict, index=True)
    location = ForeignKey(Location, null=False, on_delete=OnDelete.restrict, index=True)
    clerk = ForeignKey(User, null=False, on_delete=OnDelete.restrict, index=True)
    business_date = Date(null=False, index=True)
    status = Varchar(length=16, default="open", index=True)
    opened_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)
    approved_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    approved_at = Timestamptz(null=True, default=None)


class ShiftCount(Table, tablename="shift_count"):
    """A count as submitted: the opening float, the blind close, a recount. Append-only."""

    id = BigSerial(primary_key=True)
    shift = ForeignKey(Shift, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=12, null=False)  # open | close | recount
    counted_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    witness = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    cash_cents = BigInt(null=False)
    denominations = Text(default="{}")  # JSON {"10000": 2, "2000": 5, ...} value in cents -> count
    checks_cents = BigInt(default=0)
    checks_count = Integer(default=0)
    card_cents = BigInt(default=0)
    note = Text(default="")
    submitted_at = Timestamptz()


class CashMovement(Table, tablename="cash_movement"):
    """Paid-in, paid-out, safe drop, no-sale opening. Append-only; money moves in the ledger."""

    id = BigSerial(primary_key=True)
    shift = ForeignKey(Shift, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=12, null=False)  # paid_in | paid_out | safe_drop | no_sale
    amount_cents = BigInt(default=0)
    reason = Varchar(length=200, default="")
    created_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    witness = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    override_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
