"""Writing a sale: plain INSERTs, several rows in one statement; every column is given (no
ORM defaults)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from app import sql
from app.auth.principal import Principal
from app.catalog.rules import STORED_VALUE
from app.sales.idempotency import now
from app.sales.pricing import PricedLine
from app.sales.tables import SaleLine

#: One Sale row (its id reserved before: see `take_receipt_number`).
_INSERT_SALE_SQL = """
INSERT INTO sale (id, kind, terminal, shift, location, clerk, business_date, receipt_number,
                  idempotency_key, total_cents, change_cents, card_serial, original, reason_code,
                  override_by, journal_txn_id, created_at, request_digest)
VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})
"""

#: A sale's lines: one `_LINE_ROW` per line after VALUES.
_INSERT_LINES_SQL = """
INSERT INTO sale_line (sale, line_no, product, description, quantity, unit_cents, amount_cents,
                       fare_category, card_serial, valid_from, valid_to, original_line)
VALUES {rows}
"""
_LINE_ROW = "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"

#: A sale's tenders: one `_TENDER_ROW` per tender after VALUES.
_INSERT_TENDERS_SQL = """
INSERT INTO tender (sale, kind, amount_cents, tendered_cents, change_cents, card_brand,
                    card_last4, auth_code, terminal_txn_id, check_number, account_ref)
VALUES {rows}
"""
_TENDER_ROW = "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"

#: Pending fare-card loads: one `_LOAD_ROW` per load after VALUES; each finds its sale line
#: by (sale, line_no), so the lines' ids need not be read back.
_INSERT_LOADS_SQL = """
INSERT INTO card_load (sale_line, card_serial, product_code, value_cents, valid_from, valid_to,
                       status, attempts, last_error, written_at)
VALUES {rows}
"""
_LOAD_ROW = ("((SELECT id FROM sale_line WHERE sale = {} AND line_no = {}), "
             "{}, {}, {}, {}, {}, 'pending', 0, '', NULL)")

#: The receipt's job in the terminal's print queue.
_INSERT_PRINT_JOB_SQL = """
INSERT INTO print_job (terminal, sale, duplicate, status, attempts, last_error, created_at,
                       printed_at, requested_by, note)
VALUES ({}, {}, {}, 'queued', 0, '', {}, NULL, {}, '')
"""


def _rows(row_sql: str, count: int) -> str:
    """`count` copies of a VALUES row, comma-separated."""
    return ", ".join([row_sql] * count)


async def insert_sale(
    sale_id: int, *, kind: str, terminal_id: int, shift: Mapping[str, Any], clerk_id: int | None,
    number: int, key: str, total_cents: int, change_cents: int, card_serial: str | None,
    original_id: int | None, reason_code: str, override_id: int | None, txn_id: int | None,
    created_at: datetime, digest: str,
) -> None:
    await sql.execute(
        _INSERT_SALE_SQL, sale_id, kind, terminal_id, shift["id"], shift["location"], clerk_id,
        shift["business_date"], number, key, total_cents, change_cents, card_serial, original_id,
        reason_code, override_id, txn_id, created_at, digest,
    )


async def insert_lines(sale_id: int, rows: Sequence[Sequence[Any]]) -> None:
    """rows: line_no, product, description, quantity, unit_cents, amount_cents, fare_category,
    card_serial, valid_from, valid_to, original_line."""
    values = [value for row in rows for value in (sale_id, *row)]
    await sql.execute(_INSERT_LINES_SQL.format(rows=_rows(_LINE_ROW, len(rows))), *values)


async def insert_tenders(sale_id: int, rows: Sequence[Sequence[Any]]) -> None:
    """rows: `tender_values` of each tender (none: nothing to write)."""
    if not rows:
        return
    values = [value for row in rows for value in (sale_id, *row)]
    await sql.execute(_INSERT_TENDERS_SQL.format(rows=_rows(_TENDER_ROW, len(rows))), *values)


async def queue_card_loads(sale_id: int, priced: Sequence[PricedLine]) -> None:
    rows = [  # one load per unit: two day passes are two products on the card
        [sale_id, index, p.card_serial or "", p.product["code"],
         p.unit_cents if p.product["kind"] == STORED_VALUE else 0, p.valid_from, p.valid_to]
        for index, p in enumerate(priced, start=1) if p.loads_card
        for _unit in range(p.line.quantity)
    ]
    if rows:
        await sql.execute(_INSERT_LOADS_SQL.format(rows=_rows(_LOAD_ROW, len(rows))),
                          *[value for row in rows for value in row])


async def sale_line_ids(sale_id: int) -> dict[int, int]:
    rows = await SaleLine.select(SaleLine.id, SaleLine.line_no).where(SaleLine.sale == sale_id)
    return {int(r["line_no"]): int(r["id"]) for r in rows}


async def queue_receipt(terminal_id: int, sale_id: int, actor: Principal) -> None:
    await sql.execute(_INSERT_PRINT_JOB_SQL, terminal_id, sale_id, False, now(), actor.id)
