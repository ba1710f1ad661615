"""After the sale commits: the fare-card loads the kiosk writes onto the customer's card.

Queued in the sale's transaction (`sale_rows.queue_card_loads`), like its receipt:
`pending_card_loads(sale_id)` lists what to write onto the fare card (a negative value takes
stored value off on a refund); the kiosk writes and reports `mark_card_load_written` or
`mark_card_load_failed` (a failed load stays for a retry).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app import sql
from app.audit.services import record
from app.auth.principal import Principal
from app.db import write_transaction
from app.errors import Conflict, NotFound


def _now() -> datetime:
    return datetime.now(UTC)


#: A sale's fare-card loads (with their line's description); add the status filter and order.
_LOADS_OF_SALE_SQL = """
SELECT cl.id, cl.sale_line, cl.card_serial, cl.product_code, cl.value_cents, cl.valid_from,
       cl.valid_to, cl.status, cl.attempts, cl.last_error, cl.written_at,
       sl.description AS description
FROM card_load cl JOIN sale_line sl ON sl.id = cl.sale_line
WHERE sl.sale = {}
"""

#: A sale's loads still to write (pending or failed), oldest first.
_PENDING_LOADS_SQL = _LOADS_OF_SALE_SQL + "AND cl.status IN ('pending', 'failed') ORDER BY cl.id"

#: All of a sale's loads, oldest first.
_ALL_LOADS_SQL = _LOADS_OF_SALE_SQL + "ORDER BY cl.id"


async def pending_card_loads(sale_id: int) -> list[dict[str, Any]]:
    """Loads of the sale still to be written onto the fare card (pending or failed)."""
    return await sql.fetch(_PENDING_LOADS_SQL, sale_id)


async def card_loads_for_sale(sale_id: int) -> list[dict[str, Any]]:
    """Every fare-card load of the sale, whatever its status, oldest first."""
    return await sql.fetch(_ALL_LOADS_SQL, sale_id)


#: One load with the id of its sale.
_LOAD_SQL = """
SELECT cl.id, cl.sale_line, cl.card_serial, cl.product_code, cl.value_cents, cl.valid_from,
       cl.valid_to, cl.status, cl.attempts, cl.last_error, cl.written_at, sl.sale AS sale_id
FROM card_load cl JOIN sale_line sl ON sl.id = cl.sale_line
WHERE cl.id = {}
"""

#: The load is on the card.
_LOAD_WRITTEN_SQL = """
UPDATE card_load SET status = 'written', written_at = {}, attempts = attempts + 1 WHERE id = {}
"""

#: The write failed (kept for a retry).
_LOAD_FAILED_SQL = """
UPDATE card_load SET status = 'failed', last_error = {}, attempts = attempts + 1 WHERE id = {}
"""


async def _load(load_id: int) -> dict[str, Any]:
    row = await sql.fetch_one(_LOAD_SQL, load_id)
    if row is None:
        raise NotFound("No such card load.")
    return row


async def mark_card_load_written(load_id: int, *, actor: Principal | None = None) -> None:
    async with write_transaction():
        load = await _load(load_id)
        if load["status"] == "written":
            return
        if load["status"] not in ("pending", "failed"):
            raise Conflict("This card load was cancelled by a refund; do not write it.")
        await sql.execute(_LOAD_WRITTEN_SQL, _now(), load_id)
        await record(actor, "card_load.written", "sale", load["sale_id"], {
            "load": load_id, "card": load["card_serial"], "product": load["product_code"],
            "value_cents": load["value_cents"],
        })


async def mark_card_load_failed(load_id: int, error: str, *, actor: Principal | None = None) -> None:
    async with write_transaction():
        load = await _load(load_id)
        if load["status"] == "written":
            raise Conflict("This card load was written already.")
        message = " ".join(error.split())[:200]
        await sql.execute(_LOAD_FAILED_SQL, message, load_id)
        await record(actor, "card_load.failed", "sale", load["sale_id"],
                     {"load": load_id, "card": load["card_serial"], "error": message})
