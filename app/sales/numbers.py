"""Gap-free receipt numbers per terminal, and the receipt codes printed and scanned.

`next_receipt_number` increments the terminal's ReceiptCounter row inside the caller's
transaction, so a rolled-back sale gives its number back and numbers have no gaps:

- one statement, INSERT ... ON CONFLICT DO UPDATE SET last_number = last_number + 1
  RETURNING (both engines), creates the row on first use (number 1) or increments it;
- the update takes the row lock on PostgreSQL, so concurrent sales at one terminal queue
  behind each other until the first commits; SQLite writes are serialised by the IMMEDIATE
  transaction (app.db).

Receipt code: "<LOCATION>-<TERMINAL>-<000123>" (printed), scan code "R-<TERMINAL>-<123>"
(barcode on the receipt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app import sql

RECEIPT_DIGITS = 6
_SCAN_RE = re.compile(r"^R-(?P<terminal>[A-Z0-9][A-Z0-9-]{0,19})-(?P<number>\d{1,9})$")
_PRINTED_RE = re.compile(r"^(?P<prefix>[A-Z0-9][A-Z0-9_-]{0,40})-(?P<number>\d{1,9})$")


#: The terminal's next receipt number (its counter row created at 1, or incremented and
#: locked until the transaction ends).
_NEXT_NUMBER_SQL = """
INSERT INTO receipt_counter (terminal, last_number) VALUES ({}, 1)
ON CONFLICT (terminal) DO UPDATE SET last_number = receipt_counter.last_number + 1
RETURNING last_number
"""


async def next_receipt_number(terminal_id: int) -> int:
    """The terminal's next receipt number; call inside the operation's write transaction."""
    return int(await sql.fetch_value(_NEXT_NUMBER_SQL, terminal_id))


def next_sale_id_sql() -> str:
    """SQL for the id the next Sale row will get, so its ledger entry can name it first.

    PostgreSQL: nextval of the id sequence (never handed out twice). SQLite: max + 1, safe
    because the IMMEDIATE transaction holds the write lock until commit.
    """
    return sql.next_id("sale")


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
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return ParsedCode(number=int(value))
    if match := _SCAN_RE.match(value):
        return ParsedCode(number=int(match["number"]), terminal_code=match["terminal"])
    if match := _PRINTED_RE.match(value):
        return ParsedCode(number=int(match["number"]), prefix=match["prefix"])
    return None
