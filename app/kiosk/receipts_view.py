"""What the clerk sees after a sale: receipt, change due, card loads and print jobs (from the
database, so the screen is right after a reload or on another worker)."""

from __future__ import annotations

from typing import Any

from app.errors import NotFound
from app.kiosk import checkout
from app.kiosk.context import AtKiosk
from app.sales import printing
from app.sales import services as sales


async def sale_view(at: AtKiosk, sale_id: int) -> dict[str, Any]:
    sale = await sales.get_sale(sale_id)
    if int(sale["terminal"]) != at.terminal_id:
        raise NotFound("That sale was made at another counter.")
    # A fare-card load belongs to a line that names the card (sales and refunds write one only
    # for such a line): a sale without a card on any line has none to look up.
    names_a_card = any(line["card_serial"] for line in sale["lines"])
    loads = await printing.card_loads_for_sale(sale_id) if names_a_card else []
    jobs = await printing.print_jobs_for_sale(sale_id)
    return {
        "sale": sale, "loads": loads, "jobs": jobs,
        "loads_pending": [x for x in loads if x["status"] in ("pending", "failed")],
        "print_waiting": [j for j in jobs if j["status"] in printing.RETRYABLE],
        "cash_tendered": sum(int(t["tendered_cents"]) for t in sale["tenders"]
                             if t["kind"] == "cash"),
    }


async def reprint(at: AtKiosk, sale_id: int) -> None:
    await sale_view(at, sale_id)
    await printing.reprint_receipt(at.clerk, terminal_id=at.terminal_id, sale_id=sale_id)
    await checkout.print_queue(at.terminal, locale=at.customer_language)


async def recent(at: AtKiosk) -> dict[str, Any]:
    return {
        "sales": await sales.recent_sales(at.terminal_id, limit=25),
        "queue": await printing.next_print_jobs(at.terminal_id, limit=25),
    }
