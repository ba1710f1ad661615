"""Kiosk working state: the clerk signed in at an enrolled browser, and each clerk's cart.

Not money: these rows are operational state. The sale itself is only recorded when it
commits (app.sales); a cart is a scratch pad kept server-side so an auto-lock, a reload or a
browser restart never loses what the clerk rang up.

Registered with the terminals Piccolo app (app/terminals/piccolo_app.py), whose migrations
created them: the tables live with the kiosk code that uses them, the schema did not move.
"""

from piccolo.columns import BigInt, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.auth.tables import User
from app.terminals.tables import KioskEnrollment, Terminal


class KioskSession(Table, tablename="kiosk_session"):
    """A clerk signed in (by PIN) at one enrolled browser. At most one open per enrolment.

    Locked when idle longer than FAREDESK_KIOSK_IDLE_SECONDS (computed from last_activity_at,
    or set explicitly by the Lock button); unlocked only by the same clerk's PIN.
    """

    id = Serial(primary_key=True)
    enrollment = ForeignKey(KioskEnrollment, null=False, on_delete=OnDelete.restrict, index=True)
    terminal = ForeignKey(Terminal, null=False, on_delete=OnDelete.restrict, index=True)
    clerk = ForeignKey(User, null=False, on_delete=OnDelete.restrict, index=True)
    started_at = Timestamptz()
    last_activity_at = Timestamptz()
    locked_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    end_reason = Varchar(length=40, default="")
    flash = Text(default="")  # a one-time message for the next kiosk screen


class KioskCart(Table, tablename="kiosk_cart"):
    """The cart of one clerk at one terminal (cart_key = "<terminal id>:<clerk id>").

    lines: JSON list of {product_id, quantity, amount_cents (stored value), pass_month,
    card_serial}; fare_card: JSON of the last card read (serial, category, balance,
    products) or ""; checkout_key: the idempotency key of the checkout form being shown;
    payment_*: the card payment in flight at the payment terminal, and its live prompt.
    """

    id = Serial(primary_key=True)
    cart_key = Varchar(length=40, unique=True, null=False)
    terminal = ForeignKey(Terminal, null=False, on_delete=OnDelete.restrict, index=True)
    clerk = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    lines = Text(default="[]")
    fare_card = Text(default="")
    tenders = Text(default="[]")
    checkout_key = Varchar(length=64, default="")
    payment_reference = Varchar(length=40, default="")
    payment_prompt = Varchar(length=200, default="")
    updated_at = Timestamptz()
    #: the sale that ended this cart last (set in the sale's own transaction)
    last_sale = BigInt(null=True, default=None)
    #: when the first item of the current customer went on (NULL: the cart is empty)
    started_at = Timestamptz(null=True, default=None)
    #: set when the cart outlives a lock or a sign-in: confirm or clear it before adding more
    kept_since = Timestamptz(null=True, default=None)
