"""The ledger's tables. They reference only the foundation (locations, users); what a posting
belongs to in an area of work (a shift, a terminal, a product, later a customer account) is a
plain dimension column or the generic party pair, never a foreign key into that area, so the
ledger stays at the bottom of the house and imports no area.
"""

from typing import Any

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


class Account(Table, tablename="ledger_account"):
    """Chart of accounts: drawer_cash, card_clearing, checks_on_hand, safe, deposits_in_transit,
    revenue, stored_value_liability, receivable, over_short ... (kind: asset, liability, revenue,
    expense, equity)."""

    id = Serial(primary_key=True)

    code = Varchar(length=40, unique=True, null=False)
    name = Varchar(length=120, null=False)
    kind = Varchar(length=12, null=False)


class JournalTransaction(Table, tablename="journal_txn"):
    """One balanced business event. Append-only; a correction is a new reversing transaction."""

    id = BigSerial(primary_key=True)
    kind = Varchar(length=24, null=False, index=True)
    business_date = Date(null=False, index=True)
    location = ForeignKey(Location, null=False, on_delete=OnDelete.restrict, index=True)
    #: Dimension: the drawer shift (drawers' `shift.id`), a plain id.
    shift = Integer(null=True, default=None, index=True)
    occurred_at = Timestamptz()
    created_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    memo = Text(default="")
    source_type = Varchar(length=24, default="", index=True)
    source_id = Varchar(length=32, default="", index=True)
    reverses: ForeignKey[Any] = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    corrects_date = Date(null=True, default=None)


class Posting(Table, tablename="posting"):
    """One leg of a transaction; the legs of a transaction sum to zero. Append-only.

    Dimensions are copied from the transaction so reports aggregate one indexed table.
    Sign: positive = debit, negative = credit.

    Dimensions are plain columns: `shift`, `terminal` and `product` hold the ids of drawers',
    terminals' and catalog's rows (the areas own those tables; the ledger does not import
    them), `fare_category` and `tender_kind` plain codes, and `party_type` / `party_id` name
    whom a leg is owed by or to in an area that has parties (`customer_account`, 17).
    """

    id = BigSerial(primary_key=True)
    txn = ForeignKey(JournalTransaction, null=False, on_delete=OnDelete.restrict, index=True)
    account = ForeignKey(Account, null=False, on_delete=OnDelete.restrict, index=True)
    amount_cents = BigInt(null=False)
    business_date = Date(null=False, index=True)
    location = ForeignKey(Location, null=False, on_delete=OnDelete.restrict, index=True)
    shift = Integer(null=True, default=None, index=True)
    terminal = Integer(null=True, default=None)
    clerk = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    product = Integer(null=True, default=None)
    fare_category = Varchar(length=20, null=True, default=None)
    tender_kind = Varchar(length=12, null=True, default=None)
    party_type = Varchar(length=24, null=True, default=None)
    party_id = BigInt(null=True, default=None)


class DayLock(Table, tablename="day_lock"):
    """A business day signed off at a location: the ledger refuses postings dated that day.

    Corrections are posted on a later, open day and name the locked day in `corrects_date`.
    """

    id = Serial(primary_key=True)

    location = ForeignKey(Location, null=False, on_delete=OnDelete.restrict, index=True)
    business_date = Date(null=False, index=True)
    locked_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    locked_at = Timestamptz()
