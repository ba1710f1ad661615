"""Gap-free receipt numbers per terminal, and the receipt codes printed and scanned.

`next_receipt_number` increments the terminal's ReceiptCounter row inside the caller's
transaction, so a rolled-back sale gives its number back and numbers have no gaps:

- the row is created on first use with INSERT ... ON CONFLICT DO NOTHING (both engines);
- UPDATE ... SET last_number = last_number + 1 ... RETURNING takes the row lock on PostgreSQL,
  so concurrent sales at one terminal queue behind each other until the first commits;
  SQLite writes are serialised by the IMMEDIATE transaction (app.db).

Receipt code: "<LOCATION>-<TERMINAL>-<000123>" (printed), scan code "R-<TERMINAL>-<123>"
(barcode on the receipt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.db import is_sqlite
from app.sales.tables import Sale
from app.terminals.tables import ReceiptCounter

RECEIPT_DIGITS = 6
_SCAN_RE = re.compile(r"^R-(?P<terminal>[A-Z0-9][A-Z0-9-]{0,19})-(?P<number>\d{1,9})$")
_PRINTED_RE = re.compile(r"^(?P<prefix>[A-Z0-9][A-Z0-9_-]{0,40})-(?P<number>\d{1,9})$")


async def next_receipt_number(terminal_id: int) -> int:
    """The terminal's next receipt number; call inside the operation's write transaction."""
    await ReceiptCounter.raw(
        "INSERT INTO receipt_counter (terminal, last_number) VALUES ({}, 0) "
        "ON CONFLICT (terminal) DO NOTHING",
        terminal_id,
    )
    rows = await ReceiptCounter.raw(
        "UPDATE receipt_counter SET last_number = last_number + 1 WHERE terminal = {} "
        "RETURNING last_number",
        terminal_id,
    )
    return int(rows[0]["last_number"])


async def reserve_sale_id() -> int:
    """The id the next Sale row will get, so its ledger entry can name it before the insert.

    PostgreSQL: nextval of the id sequence (never handed out twice). SQLite: max + 1, safe
    because the IMMEDIATE transaction holds the write lock until commit.
    """
    if is_sqlite():
        rows = await Sale.raw("SELECT COALESCE(MAX(id), 0) + 1 AS next_id FROM sale")
    else:
        rows = await Sale.raw("SELECT nextval(pg_get_serial_sequence('sale', 'id')) AS next_id")
    return int(rows[0]["next_id"])


def receipt_code(location_code: str, terminal_code: str, number: int) -> str:
    """'CENTRAL-K1-000123': what the receipt shows."""
    return f"{location_code}-{terminal_code}-{number:0{RECEIPT_DIGITS}d}"


def scan_code(terminal_code: str, number: int) -> str:
    """'R-K1-123': what the receipt's barcode carries."""
    return f"R-{terminal_code}-{number}"


@dataclass(frozen=True)
class ParsedCode:
    number: int
    terminal_code: str | None = None  # from a scan code
    prefix: str | None = None  # "<LOCATION>-<TERMINAL>" from a printed code


def parse_receipt_code(text: str) -> ParsedCode | None:
    """Parse a scan code, a printed code or a bare number; None when it is none of them."""
    value = text.strip().upper()
    if value.isdigit() and len(value) <= 9:
        return ParsedCode(number=int(value))
    if match := _SCAN_RE.match(value):
        return ParsedCode(number=int(match["number"]), terminal_code=match["terminal"])
    if match := _PRINTED_RE.match(value):
        return ParsedCode(number=int(match["number"]), prefix=match["prefix"])
    return None
