"""After the sale commits: receipts (print queue) and fare-card loads.

The server is the record: a receipt is printed only after the sale committed, from a PrintJob
queued in the sale's transaction. The kiosk takes `next_print_jobs`, builds the receipt from
`receipt_for_job` (a plain `ReceiptData`; the kiosk turns it into `hardware.receipt.Receipt`),
prints, and reports `mark_printed` or `mark_print_failed`. A failed job stays queued and
reprints marked DUPLICATE (the first attempt may have printed part of it); a reprint asked for
at the counter is a new job, also DUPLICATE.

Card loads work the same way: `pending_card_loads(sale_id)` lists what to write onto the fare
card (a negative value takes stored value off on a refund); the kiosk writes and reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.audit.services import record
from app.auth.principal import Principal
from app.db import write_transaction
from app.errors import Conflict, NotFound
from app.org.tables import Location
from app.sales.reasons import reason_label as reason_text
from app.sales.services import get_sale
from app.sales.tables import CardLoad, PrintJob
from app.settings import get_settings

QUEUED = "queued"
PRINTED = "printed"
FAILED = "failed"
RETRYABLE = (QUEUED, FAILED)
TITLES = {"sale": "SALE", "void": "VOID", "refund": "REFUND"}


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReceiptLineData:
    description: str
    quantity: int
    unit_cents: int
    amount_cents: int
    detail: str | None = None


@dataclass(frozen=True)
class ReceiptTenderData:
    kind: str
    amount_cents: int
    brand: str | None = None
    last4: str | None = None


@dataclass(frozen=True)
class ReceiptData:
    """Mirrors hardware.receipt.Receipt field for field (the kiosk converts it)."""

    agency_name: str
    agency_lines: list[str]
    location_name: str
    terminal_name: str
    clerk_name: str
    receipt_number: str  # "CENTRAL-K1-000123" (also what the barcode carries)
    issued_at: datetime
    lines: list[ReceiptLineData]
    subtotal_cents: int
    total_cents: int
    tenders: list[ReceiptTenderData]
    change_cents: int
    footer_lines: list[str] = field(default_factory=list)
    duplicate: bool = False
    title: str = "SALE"
    scan_code: str = ""  # "R-K1-123"
    sale_id: int = 0


def _line_detail(line: dict[str, Any]) -> str | None:
    parts = []
    if line["card_serial"]:
        parts.append(f"Card {line['card_serial']}")
    if line["valid_from"] and line["valid_to"]:
        parts.append(f"Valid {line['valid_from']:%m/%d/%Y}–{line['valid_to']:%m/%d/%Y}")
    return ", ".join(parts) or None


async def receipt_data(sale_id: int, duplicate: bool = False) -> ReceiptData:
    """Everything the receipt shows; card tenders carry brand and last 4 digits only."""
    sale = await get_sale(sale_id)
    location = await Location.select(Location.name, Location.address).where(
        Location.id == sale["location"]
    ).first()
    assert location is not None
    address = [part.strip() for part in (location["address"] or "").splitlines() if part.strip()]
    footer = ["Thank you for riding.", "Keep this receipt for refunds."]
    if sale["kind"] != "sale":
        original = await get_sale(int(sale["original"]))
        footer = [f"{sale['kind_label']} of receipt {original['receipt_code']}",
                  f"Reason: {reason_text(sale['reason_code'])}"]
        if sale["override_name"]:
            footer.append(f"Approved by {sale['override_name']}")
    return ReceiptData(
        agency_name=get_settings().agency_name,
        agency_lines=address,
        location_name=location["name"],
        terminal_name=sale["terminal_name"],
        clerk_name=sale["clerk_name"],
        receipt_number=sale["receipt_code"],
        issued_at=sale["created_at"],
        lines=[
            ReceiptLineData(line["description"], int(line["quantity"]), int(line["unit_cents"]),
                            int(line["amount_cents"]), _line_detail(line))
            for line in sale["lines"]
        ],
        subtotal_cents=sum(int(line["amount_cents"]) for line in sale["lines"]),
        total_cents=int(sale["total_cents"]),
        tenders=[
            ReceiptTenderData(t["kind"], int(t["amount_cents"]) + int(t["change_cents"] or 0),
                              t["card_brand"], t["card_last4"])
            if t["kind"] == "cash" else
            ReceiptTenderData(t["kind"], int(t["amount_cents"]), t["card_brand"], t["card_last4"])
            for t in sale["tenders"]
        ],
        change_cents=int(sale["change_cents"]),
        footer_lines=footer,
        duplicate=duplicate,
        title=TITLES.get(sale["kind"], sale["kind"].upper()),
        scan_code=sale["scan_code"],
        sale_id=int(sale["id"]),
    )


# ---------------------------------------------------------------- print queue


async def queue_print(
    terminal_id: int, sale_id: int, duplicate: bool, requested_by: Principal | None
) -> int:
    """Queue a receipt for the terminal's printer (a reprint: duplicate=True); returns the job id."""
    async with write_transaction():
        await get_sale(sale_id)
        job = PrintJob(terminal=terminal_id, sale=sale_id, duplicate=duplicate, status=QUEUED,
                       created_at=_now(), requested_by=requested_by.id if requested_by else None)
        await job.save()
        await record(requested_by, "receipt.reprint" if duplicate else "receipt.queue",
                     "sale", sale_id, {"job": job.id, "terminal_id": terminal_id})
    return int(job.id)


async def reprint_receipt(actor: Principal, *, terminal_id: int, sale_id: int) -> int:
    """A copy of a receipt, marked DUPLICATE."""
    return await queue_print(terminal_id, sale_id, True, actor)


async def next_print_jobs(terminal_id: int, *, limit: int = 10) -> list[dict[str, Any]]:
    """Jobs waiting for the terminal's printer (queued, or failed and waiting for a retry)."""
    rows: list[dict[str, Any]] = await PrintJob.select().where(
        (PrintJob.terminal == terminal_id) & PrintJob.status.is_in(list(RETRYABLE))
    ).order_by(PrintJob.id).limit(limit)
    return rows


async def _job(job_id: int) -> dict[str, Any]:
    row = await PrintJob.select().where(PrintJob.id == job_id).first()
    if row is None:
        raise NotFound("No such print job.")
    return row


async def receipt_for_job(job_id: int) -> ReceiptData:
    """The receipt a job prints: DUPLICATE for a reprint or for a retry after a failure."""
    job = await _job(job_id)
    if job["sale"] is None:
        raise NotFound("This print job has no sale.")
    return await receipt_data(int(job["sale"]), duplicate=bool(job["duplicate"]) or job["attempts"] > 0)


async def mark_printed(job_id: int) -> None:
    async with write_transaction():
        job = await _job(job_id)
        if job["status"] == PRINTED:
            return
        await PrintJob.update({
            PrintJob.status: PRINTED, PrintJob.printed_at: _now(),
            PrintJob.attempts: PrintJob.attempts + 1,
        }).where(PrintJob.id == job_id)


async def mark_print_failed(job_id: int, error: str) -> None:
    """The print did not complete: the job stays in the queue (as failed) for a retry."""
    async with write_transaction():
        job = await _job(job_id)
        if job["status"] == PRINTED:
            raise Conflict("This receipt has printed already.")
        message = " ".join(error.split())[:200]
        await PrintJob.update({
            PrintJob.status: FAILED, PrintJob.last_error: message,
            PrintJob.attempts: PrintJob.attempts + 1,
        }).where(PrintJob.id == job_id)
        await record(None, "receipt.print_failed", "sale", job["sale"],
                     {"job": job_id, "error": message})


async def cancel_print_job(actor: Principal, job_id: int, note: str = "") -> None:
    """Give up on a queued receipt (the customer left); it can be reprinted later."""
    async with write_transaction():
        job = await _job(job_id)
        if job["status"] not in RETRYABLE:
            return
        await PrintJob.update({PrintJob.status: "cancelled", PrintJob.note: note[:200]}).where(
            PrintJob.id == job_id)
        await record(actor, "receipt.cancel", "sale", job["sale"], {"job": job_id, "note": note})


# ---------------------------------------------------------------- fare-card loads


async def pending_card_loads(sale_id: int) -> list[dict[str, Any]]:
    """Loads of the sale still to be written onto the fare card (pending or failed)."""
    rows: list[dict[str, Any]] = await CardLoad.select(
        *CardLoad.all_columns(), CardLoad.sale_line.description.as_alias("description"),
    ).where(
        (CardLoad.sale_line.sale == sale_id) & CardLoad.status.is_in(["pending", "failed"])
    ).order_by(CardLoad.id)
    return rows


async def _load(load_id: int) -> dict[str, Any]:
    row = await CardLoad.select(
        *CardLoad.all_columns(), CardLoad.sale_line.sale.as_alias("sale_id"),
    ).where(CardLoad.id == load_id).first()
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
        await CardLoad.update({
            CardLoad.status: "written", CardLoad.written_at: _now(),
            CardLoad.attempts: CardLoad.attempts + 1,
        }).where(CardLoad.id == load_id)
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
        await CardLoad.update({
            CardLoad.status: "failed", CardLoad.last_error: message,
            CardLoad.attempts: CardLoad.attempts + 1,
        }).where(CardLoad.id == load_id)
        await record(actor, "card_load.failed", "sale", load["sale_id"],
                     {"load": load_id, "card": load["card_serial"], "error": message})
