"""What the clerk sees after a sale: receipt, change due, card loads and print jobs (from the
database, so the screen is right after a reload or on another worker)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from app import sql
from app.errors import NotFound
from app.kiosk import after_commit
from app.kiosk.context import AtKiosk
from app.sales import fare_card_loads, printing
from app.sales.queries import get_sale, recent_sales

#: The done screen stops asking after this many polls, a second apart (a receipt still
#: queued then is shown as waiting, with Retry).
MAX_POLLS = 120

#: The latest drawer outcome after a sale (after_commit records it as an audit event).
_DRAWER_SQL = """
SELECT action, summary FROM audit_event
WHERE object_type = 'sale' AND object_id = {} AND action IN ({}, {})
ORDER BY id DESC LIMIT 1
"""


async def sale_view(at: AtKiosk, sale_id: int) -> dict[str, Any]:
    sale = await get_sale(sale_id)
    if int(sale["terminal"]) != at.terminal_id:
        raise NotFound("That sale was made at another counter.")
    # A fare-card load belongs to a line that names the card (sales and refunds write one only
    # for such a line): a sale without a card on any line has none to look up.
    names_a_card = any(line["card_serial"] for line in sale["lines"])
    loads = await fare_card_loads.card_loads_for_sale(sale_id) if names_a_card else []
    return {
        "sale": sale, "loads": loads,
        "loads_pending": [x for x in loads if x["status"] in ("pending", "failed")],
        "cash_tendered": sum(int(t["tendered_cents"]) for t in sale["tenders"]
                             if t["kind"] == "cash"),
        **await print_status(sale),
    }


async def print_status(sale: dict[str, Any], polls: int = 0) -> dict[str, Any]:
    """The receipt and drawer as far as the devices got: `printing` while a job waits in the
    queue (the done screen asks again, `next_poll`), `print_waiting` once one failed, the
    drawer's problem when it did not open. After MAX_POLLS the screen stops asking."""
    jobs = await printing.print_jobs_for_sale(int(sale["id"]))
    asking = polls < MAX_POLLS
    queued = [j for j in jobs if j["status"] == printing.QUEUED]
    drawer = await sql.fetch_one(_DRAWER_SQL, str(sale["id"]), after_commit.DRAWER_OPENED,
                                 after_commit.DRAWER_NOT_OPENED)
    cash = any(t["kind"] == "cash" for t in sale["tenders"]) and sale["kind"] == "sale"
    drawer_problem = ""
    if drawer and drawer["action"] == after_commit.DRAWER_NOT_OPENED:
        drawer_problem = str(json.loads(drawer["summary"] or "{}").get("problem", ""))
    return {
        "sale": sale, "jobs": jobs, "next_poll": polls + 1,
        "printing": bool(queued) and asking,
        "print_waiting": [j for j in jobs if j["status"] == printing.FAILED
                          or (j["status"] == printing.QUEUED and not asking)],
        "drawer_pending": cash and drawer is None and bool(queued) and asking,
        "drawer_problem": drawer_problem,
    }


async def print_status_for(at: AtKiosk, sale_id: int, polls: int = 0) -> dict[str, Any]:
    """`print_status` of one of this terminal's sales (the done screen's poll)."""
    sale = await get_sale(sale_id)
    if int(sale["terminal"]) != at.terminal_id:
        raise NotFound("That sale was made at another counter.")
    return await print_status(sale, polls)


async def reprint(at: AtKiosk, sale_id: int) -> None:
    await sale_view(at, sale_id)
    await printing.reprint_receipt(at.clerk, terminal_id=at.terminal_id, sale_id=sale_id)
    after_commit.print_later(at.terminal, at.customer_language)


#: How long "Retry printing" waits for the printer before answering the clerk anyway.
RETRY_WAIT_SECONDS = 3.0


async def retry(at: AtKiosk) -> after_commit.PrintOutcome | None:
    """Print the terminal's failed receipts again, apart from the request: wait a moment for
    the outcome to tell the clerk, never longer (None: the printer has not answered yet; the
    receipts show as printing until it does)."""
    await printing.requeue_failed(at.clerk, at.terminal_id)
    task = after_commit.print_later(at.terminal, at.customer_language)
    done, _ = await asyncio.wait({task}, timeout=RETRY_WAIT_SECONDS)
    return task.result() if done else None


async def recent(at: AtKiosk) -> dict[str, Any]:
    return {
        "sales": await recent_sales(at.terminal_id, limit=25),
        "queue": await printing.next_print_jobs(at.terminal_id, limit=25),
    }
