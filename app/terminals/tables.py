from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.auth.tables import User
from app.org.tables import Location


class Terminal(Table, tablename="terminal"):
    id = Serial(primary_key=True)
    code = Varchar(length=20, unique=True, null=False)
    name = Varchar(length=80, null=False)
    location = ForeignKey(Location, null=False, on_delete=OnDelete.restrict, index=True)
    printer_url = Varchar(length=255, default="sim://")
    payment_url = Varchar(length=255, default="sim://")
    cardreader_url = Varchar(length=255, default="sim://")
    display_url = Varchar(length=255, default="sim://")
    paper_width_mm = Integer(default=80)
    active = Boolean(default=True)
    created_at = Timestamptz()


class KioskEnrollment(Table, tablename="kiosk_enrollment"):
    """A browser allowed to run /kiosk for one terminal. Only the token's SHA-256 is kept."""

    id = Serial(primary_key=True)

    terminal = ForeignKey(Terminal, null=False, on_delete=OnDelete.restrict, index=True)
    token_hash = Varchar(length=64, unique=True, null=False)
    label = Varchar(length=80, default="")
    enrolled_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    enrolled_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    last_seen_at = Timestamptz(null=True, default=None)


class ReceiptCounter(Table, tablename="receipt_counter"):
    """Gap-free receipt numbers: incremented inside the sale's own transaction."""

    id = Serial(primary_key=True)

    terminal = ForeignKey(Terminal, null=False, on_delete=OnDelete.restrict, unique=True)
    last_number = Integer(default=0)
