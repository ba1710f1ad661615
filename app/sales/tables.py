from piccolo.columns import (
    BigInt,
    BigSerial,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.auth.tables import User
from app.catalog.tables import Product
from app.drawers.tables import Shift
from app.org.tables import Location
from app.terminals.tables import Terminal


class Sale(Table, tablename="sale"):
    """A completed counter transaction: a sale, a refund or a void (both reference `original`).

    Append-only: a void or refund is a new Sale row with negative amounts, never an edit.
    """

    id = BigSerial(primary_key=True)
    kind = Varchar(length=8, default="sale", index=True)  # sale | refund | void
    terminal = ForeignKey(Terminal, null=False, on_delete=OnDelete.restrict, index=True)
    shift = ForeignKey(Shift, null=False, on_delete=OnDelete.restrict, index=True)
    location = ForeignKey(Location, null=False, on_delete=OnDelete.restrict, index=True)
    clerk = ForeignKey(User, null=False, on_delete=OnDelete.restrict, index=True)
    business_date = Date(null=False, index=True)
    receipt_number = Integer(null=False)
    idempotency_key = Varchar(length=64, unique=True, null=False)
    total_cents = BigInt(null=False)
    change_cents = BigInt(default=0)
    card_serial = Varchar(length=32, null=True, default=None)  # fare card, not a payment card
    original: ForeignKey = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    reason_code = Varchar(length=32, default="")
    override_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    journal_txn_id = BigInt(null=True, default=None)
    created_at = Timestamptz(index=True)
    #: What the request under `idempotency_key` asked for (services.request_digest): a retry
    #: with the key must ask for the same thing ('' on rows recorded before it was kept).
    request_digest = Varchar(length=32, default="")


class SaleLine(Table, tablename="sale_line"):
    id = BigSerial(primary_key=True)
    sale = ForeignKey(Sale, null=False, on_delete=OnDelete.restrict, index=True)
    line_no = Integer(null=False)
    product = ForeignKey(Product, null=False, on_delete=OnDelete.restrict, index=True)
    description = Varchar(length=160, null=False)
    quantity = Integer(default=1)
    unit_cents = BigInt(null=False)
    amount_cents = BigInt(null=False)
    fare_category = Varchar(length=20, null=True, default=None)
    card_serial = Varchar(length=32, null=True, default=None)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    original_line: ForeignKey = ForeignKey("self", null=True, on_delete=OnDelete.restrict)


class Tender(Table, tablename="tender"):
    """How a sale was paid. Cards keep brand, last 4, approval code and terminal id only."""

    id = BigSerial(primary_key=True)
    sale = ForeignKey(Sale, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=8, null=False)  # cash | card | check | account
    amount_cents = BigInt(null=False)  # applied to the sale (negative on refunds)
    tendered_cents = BigInt(default=0)  # cash handed over
    change_cents = BigInt(default=0)
    card_brand = Varchar(length=20, null=True, default=None)
    card_last4 = Varchar(length=4, null=True, default=None)
    auth_code = Varchar(length=12, null=True, default=None)
    terminal_txn_id = Varchar(length=40, null=True, default=None)
    check_number = Varchar(length=20, null=True, default=None)
    account_ref = Varchar(length=40, null=True, default=None)


class CardLoad(Table, tablename="card_load"):
    """A product or value to write onto a fare card after the sale commits.

    status: pending → written | failed (retry) → refunded. Operational state, not money.
    """

    id = BigSerial(primary_key=True)
    sale_line = ForeignKey(SaleLine, null=False, on_delete=OnDelete.restrict, index=True)
    card_serial = Varchar(length=32, null=False, index=True)
    product_code = Varchar(length=32, null=False)
    value_cents = BigInt(default=0)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    status = Varchar(length=10, default="pending", index=True)
    attempts = Integer(default=0)
    last_error = Varchar(length=200, default="")
    written_at = Timestamptz(null=True, default=None)


class PaymentAttempt(Table, tablename="payment_attempt"):
    """Every request sent to a payment terminal, recorded BEFORE it is sent.

    status: pending → approved | declined | cancelled | unknown. An unknown outcome is settled by
    a supervisor (settled_approved / settled_declined), never by a blind second charge.
    """

    id = BigSerial(primary_key=True)
    reference = Varchar(length=40, unique=True, null=False)
    kind = Varchar(length=8, default="sale")  # sale | refund
    terminal = ForeignKey(Terminal, null=False, on_delete=OnDelete.restrict, index=True)
    shift = ForeignKey(Shift, null=False, on_delete=OnDelete.restrict, index=True)
    clerk = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    amount_cents = BigInt(null=False)
    status = Varchar(length=20, default="pending", index=True)
    card_brand = Varchar(length=20, null=True, default=None)
    card_last4 = Varchar(length=4, null=True, default=None)
    auth_code = Varchar(length=12, null=True, default=None)
    terminal_txn_id = Varchar(length=40, null=True, default=None)
    message = Varchar(length=200, default="")
    sale = ForeignKey(Sale, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    # A refund attempt names the attempt whose money it returns (an unused approved charge).
    refund_of = Varchar(length=40, null=True, default=None, index=True)
    resolution_note = Varchar(length=200, default="")


class PrintJob(Table, tablename="print_job"):
    """The receipt print queue: a failed print waits here for retry; reprints say DUPLICATE."""

    id = BigSerial(primary_key=True)
    terminal = ForeignKey(Terminal, null=False, on_delete=OnDelete.restrict, index=True)
    sale = ForeignKey(Sale, null=True, on_delete=OnDelete.restrict, index=True)
    duplicate = Boolean(default=False)
    status = Varchar(length=10, default="queued", index=True)  # queued | printed | failed
    attempts = Integer(default=0)
    last_error = Varchar(length=200, default="")
    created_at = Timestamptz()
    printed_at = Timestamptz(null=True, default=None)
    requested_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    note = Text(default="")
