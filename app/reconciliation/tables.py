"""Reconciliation records.

`VarianceReview` is append-only: every recommendation and decision on a shift's count is a new
row, so the history of who said what about a variance is never rewritten. A deposit is a
workflow object (prepared → in transit → confirmed | discrepancy); its money moves in the
ledger and every status change is audited.
"""

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
from app.drawers.tables import Shift, ShiftCount
from app.org.tables import Location


class VarianceReview(Table, tablename="variance_review"):
    """A lead's recommendation or a supervisor's decision on one count of a shift."""

    id = BigSerial(primary_key=True)
    shift = ForeignKey(Shift, null=False, on_delete=OnDelete.restrict, index=True)
    shift_count = ForeignKey(ShiftCount, null=True, on_delete=OnDelete.restrict)
    step = Varchar(length=16, null=False)  # recommendation | decision
    outcome = Varchar(length=12, null=False)  # accept | recount | investigate
    reason_code = Varchar(length=32, default="")
    note = Text(default="")
    expected_cash_cents = BigInt(default=0)
    counted_cash_cents = BigInt(default=0)
    expected_checks_cents = BigInt(default=0)
    counted_checks_cents = BigInt(default=0)
    over_short_cents = BigInt(default=0)
    actor = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    actor_role = Varchar(length=20, null=False)
    journal_txn_id = BigInt(null=True, default=None)
    created_at = Timestamptz()


class Deposit(Table, tablename="deposit"):
    """A bank bag built from approved shifts of one location and business day."""

    id = Serial(primary_key=True)

    location = ForeignKey(Location, null=False, on_delete=OnDelete.restrict, index=True)
    business_date = Date(null=False, index=True)
    bag_number = Varchar(length=40, null=False)
    status = Varchar(length=16, default="prepared", index=True)
    cash_cents = BigInt(null=False)
    checks_cents = BigInt(default=0)
    checks_count = Integer(default=0)
    denominations = Text(default="{}")  # JSON {"2000": 5, ...} value in cents -> count
    prepared_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    prepared_at = Timestamptz()
    verified_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    verified_at = Timestamptz(null=True, default=None)
    sent_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    sent_at = Timestamptz(null=True, default=None)
    confirmed_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    confirmed_at = Timestamptz(null=True, default=None)
    bank_amount_cents = BigInt(null=True, default=None)
    note = Text(default="")


class DepositShift(Table, tablename="deposit_shift"):
    """Which shifts a deposit holds; a shift's cash is deposited once (unique)."""

    id = Serial(primary_key=True)

    deposit = ForeignKey(Deposit, null=False, on_delete=OnDelete.restrict, index=True)
    shift = ForeignKey(Shift, null=False, on_delete=OnDelete.restrict, unique=True)
    cash_cents = BigInt(default=0)
    checks_cents = BigInt(default=0)
