"""A sale, void or refund is recorded at most once per form key, under the terminal's next
gap-free receipt number.

Idempotency: the sale form's key is unique in the database. A retry with the same key returns
the first result (created=False) — also when two submits race: the loser fails on the lock or
the unique key, rolls back (giving its receipt number back) and returns the winner's sale.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app import sql
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationFailed
from app.sales.cart import CartLine
from app.sales.numbers import next_receipt_number, next_sale_id_sql, receipt_code, scan_code

SALE = "sale"
VOID = "void"
REFUND = "refund"
KIND_LABELS = {SALE: "Sale", VOID: "Void", REFUND: "Refund"}
_KEY_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SaleResult:
    sale_id: int
    receipt_number: int
    receipt_code: str  # "CENTRAL-K1-000123"
    total_cents: int
    change_cents: int
    created: bool
    kind: str = SALE
    scan_code: str = ""  # "R-K1-123"


class _AlreadyDone(Exception):
    def __init__(self, result: SaleResult) -> None:
        super().__init__("already done")
        self.result = result


def check_idempotency_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValidationFailed("This form has expired: reload the page and try again.")
    return key


#: The sale already recorded under an idempotency key, with the codes its receipt shows.
_RESULT_FOR_KEY_SQL = """
SELECT s.id, s.kind, s.receipt_number, s.total_cents, s.change_cents, s.terminal,
       s.request_digest, t.code AS terminal_code, l.code AS location_code
FROM sale s
JOIN terminal t ON t.id = s.terminal
JOIN location l ON l.id = s.location
WHERE s.idempotency_key = {}
"""

#: A terminal with its location's code and section.
_TERMINAL_SQL = """
SELECT t.id, t.code, t.name, t.location, l.code AS location_code, l.section AS section_id
FROM terminal t JOIN location l ON l.id = t.location
WHERE t.id = {}
"""

#: Once the receipt counter is locked, in one round trip: the terminal (as `_TERMINAL_SQL`),
#: the id the new Sale row takes ({next_id}) and the sale a racing twin with the same key
#: committed meanwhile (done_id; NULL when none).
_AFTER_NUMBER_SQL = """
SELECT t.id, t.code, t.name, t.location, l.code AS location_code, l.section AS section_id,
       {next_id} AS next_id,
       (SELECT d.id FROM sale d WHERE d.idempotency_key = {{}}) AS done_id
FROM terminal t JOIN location l ON l.id = t.location
WHERE t.id = {{}}
"""


class KeyReused(Conflict):
    """An idempotency key sent again with another cart or return, or from another counter."""


def request_digest(*parts: object) -> str:
    """What a request asked for, as a short hash kept with the sale under its key: a retry
    with the same key must ask for the same thing (`result_for_key`)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def sale_digest(terminal_id: int, lines: Sequence[CartLine], card_serial: str | None) -> str:
    return request_digest(SALE, terminal_id, (card_serial or "").strip(), [
        (line.product_id, line.quantity, line.value_cents,
         line.valid_from.isoformat() if line.valid_from else None,
         (line.card_serial or "").strip()) for line in lines])


def return_digest(kind: str, terminal_id: int, sale_id: int,
                  line_quantities: Mapping[int, int] | None = None) -> str:
    return request_digest(kind, terminal_id, sale_id,
                          sorted((int(k), int(v)) for k, v in (line_quantities or {}).items()))


async def result_for_key(key: str, *, terminal_id: int | None = None,
                          digest: str | None = None) -> SaleResult | None:
    """The sale recorded under `key`, if any. Given the terminal and digest of the request,
    a key recorded at another terminal or for another request is refused (KeyReused)."""
    row = await sql.fetch_one(_RESULT_FOR_KEY_SQL, key)
    if row is None:
        return None
    if terminal_id is not None and int(row["terminal"]) != int(terminal_id):
        raise KeyReused(f"This form was already used at counter {row['terminal_code']}. Nothing "
                        "was recorded now: reload the screen and try again.")
    if digest is not None and row["request_digest"] and row["request_digest"] != digest:
        raise KeyReused(
            f"This form was already used for receipt {row['location_code']}-"
            f"{row['terminal_code']}-{int(row['receipt_number']):06d} with other items. Nothing "
            "was recorded now and the cart is unchanged: take the payment again.")
    return SaleResult(
        sale_id=int(row["id"]), receipt_number=int(row["receipt_number"]),
        receipt_code=receipt_code(row["location_code"], row["terminal_code"], row["receipt_number"]),
        total_cents=int(row["total_cents"]), change_cents=int(row["change_cents"]),
        created=False, kind=row["kind"],
        scan_code=scan_code(row["terminal_code"], row["receipt_number"]),
    )


async def recorded_sale(idempotency_key: str, *, terminal_id: int) -> SaleResult | None:
    """The sale or return already recorded under this form's key at this terminal (None: not
    yet). A key recorded at another terminal is refused (KeyReused)."""
    if not isinstance(idempotency_key, str) or not _KEY_RE.match(idempotency_key):
        return None
    return await result_for_key(idempotency_key, terminal_id=terminal_id)


async def run_once(key: str, operation: Any, *, terminal_id: int, digest: str) -> SaleResult:
    """Run `operation` (a coroutine function) in one write transaction, at most once per key.

    A key already recorded for the same request at the same terminal returns that result; for
    another request or terminal it is refused (KeyReused) and nothing changes."""
    done = await result_for_key(key, terminal_id=terminal_id, digest=digest)
    if done is not None:
        return done
    try:
        async with write_transaction():
            result: SaleResult = await operation()
        return result
    except _AlreadyDone as already:
        await result_for_key(key, terminal_id=terminal_id, digest=digest)  # same request?
        return already.result
    except KeyReused:
        raise
    except Exception:
        # A concurrent submit with the same key won (unique key, used card payment ...):
        # return its result. Anything else is a real error.
        done = await result_for_key(key, terminal_id=terminal_id, digest=digest)
        if done is not None:
            return done
        raise


@dataclass(frozen=True)
class _Numbered:
    """What a new sale row needs once its receipt number is taken."""

    number: int
    sale_id: int
    terminal: dict[str, Any]


async def take_receipt_number(terminal_id: int, key: str) -> _Numbered:
    """Lock the terminal's counter, then re-check the key: a racing twin has committed by now.

    Two statements: the counter, then (a new statement, so it sees what committed while it
    waited for the lock) the terminal, the new sale id and the key check together.
    """
    number = await next_receipt_number(terminal_id)
    row = await sql.fetch_one(_AFTER_NUMBER_SQL.format(next_id=next_sale_id_sql()), key,
                              terminal_id)
    if row is None:
        raise NotFound("No such terminal.")
    if row["done_id"] is not None:
        done = await result_for_key(key)
        assert done is not None
        raise _AlreadyDone(done)
    sale_id = int(row.pop("next_id"))
    row.pop("done_id")
    return _Numbered(number, sale_id, row)


async def terminal_info(terminal_id: int) -> dict[str, Any]:
    row = await sql.fetch_one(_TERMINAL_SQL, terminal_id)
    if row is None:
        raise NotFound("No such terminal.")
    return row
