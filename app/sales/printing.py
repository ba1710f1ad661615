"""After the sale commits: receipts and drawer slips (the print queue).

The server is the record: a receipt is printed only after the sale committed, from a PrintJob
queued in the sale's transaction. The kiosk takes `next_print_jobs`, builds the receipt from
`receipt_for_job` (a plain `ReceiptData`; the kiosk turns it into `hardware.receipt.Receipt`),
prints, and reports `mark_printed` or `mark_print_failed`. A failed job stays queued; the
first receipt of a sale that prints in full is the original, whichever job or attempt it is
(a receipt queued because the printer failed prints as the original once it prints), and
only a copy printed after that one says DUPLICATE — a reprint asked for at the counter
included. Receipts carry the agency's local date and time (FAREDESK_TIMEZONE).

Fare-card loads work the same way, in `app.sales.fare_card_loads`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app import sql
from app.audit.services import record
from app.auth.principal import Principal
from app.db import write_transaction
from app.errors import Conflict, NotFound
from app.i18n import receipts as receipt_i18n
from app.sales.numbers import receipt_code, scan_code
from app.sales.reasons import reason_label as reason_text
from app.sales.tables import PrintJob
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
    auth_code: str | None = None  # the terminal's approval code
    reference: str | None = None  # the terminal's transaction id


@dataclass(frozen=True)
class ReceiptData:
    """Mirrors hardware.receipt.Receipt field for field (the kiosk converts it)."""

    agency_name: str
    agency_lines: list[str]
    location_name: str
    terminal_name: str
    clerk_name: str
    receipt_number: str  # "CENTRAL-K1-000123" (also what the barcode carries)
    issued_at: datetime  # the agency's local time (aware)
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


def _line_detail(line: dict[str, Any], words: receipt_i18n.ReceiptWords) -> str | None:
    return words.line_detail(line["card_serial"], line["valid_from"], line["valid_to"])


#: A sale's receipt facts, one row per line (in line order): the sale with its terminal,
#: location (name, address), clerk, approver and, for a void or refund, the original's codes.
_RECEIPT_SQL = """
SELECT s.id, s.kind, s.receipt_number, s.total_cents, s.change_cents, s.created_at,
       s.reason_code, t.code AS terminal_code, t.name AS terminal_name,
       l.code AS location_code, l.name AS location_name, l.address AS location_address,
       c.full_name AS clerk_name, ov.full_name AS override_name,
       o.receipt_number AS original_number, ot.code AS original_terminal_code,
       ol.code AS original_location_code,
       sl.line_no, sl.description, sl.quantity, sl.unit_cents, sl.amount_cents, sl.card_serial,
       sl.valid_from, sl.valid_to, sl.fare_category AS line_category, lp.kind AS line_kind
FROM sale s
JOIN terminal t ON t.id = s.terminal
JOIN location l ON l.id = s.location
JOIN app_user c ON c.id = s.clerk
LEFT JOIN app_user ov ON ov.id = s.override_by
LEFT JOIN sale o ON o.id = s.original
LEFT JOIN terminal ot ON ot.id = o.terminal
LEFT JOIN location ol ON ol.id = o.location
LEFT JOIN sale_line sl ON sl.sale = s.id
LEFT JOIN product lp ON lp.id = sl.product
WHERE s.id = {}
ORDER BY sl.line_no
"""

#: What a sale's tenders show on the receipt, in the order they were written.
_RECEIPT_TENDERS_SQL = """
SELECT kind, amount_cents, change_cents, card_brand, card_last4, auth_code, terminal_txn_id
FROM tender WHERE sale = {} ORDER BY id
"""


def _receipt_tender(t: dict[str, Any]) -> ReceiptTenderData:
    """Cash shows what was handed over (applied + change); other tenders their amount."""
    amount = int(t["amount_cents"])
    if t["kind"] == "cash":
        amount += int(t["change_cents"] or 0)
    return ReceiptTenderData(t["kind"], amount, t["card_brand"], t["card_last4"],
                             t["auth_code"] or None, t["terminal_txn_id"] or None)


def agency_local(moment: datetime) -> datetime:
    """A stored moment in the agency's time zone (a naive value from the database is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(get_settings().tz)


def _footer(sale: dict[str, Any], words: receipt_i18n.ReceiptWords) -> list[str]:
    if sale["kind"] == "sale":
        return words.sale_footer()
    original = receipt_code(sale["original_location_code"], sale["original_terminal_code"],
                            sale["original_number"])
    return words.return_footer(sale["kind"], original, sale["reason_code"],
                               reason_text(sale["reason_code"]), sale["override_name"])


async def receipt_data(sale_id: int, duplicate: bool = False, locale: str = "en") -> ReceiptData:
    """Everything the receipt shows; card tenders carry brand and last 4 digits only.
    Worded in the customer's language (`locale`, app.i18n.languages).

    Two statements: the sale with its lines (one row per line), then its tenders.
    """
    rows = await sql.fetch(_RECEIPT_SQL, sale_id)
    if not rows:
        raise NotFound("No such sale.")
    sale = rows[0]
    words = receipt_i18n.words(locale)
    lines = [row for row in rows if row["line_no"] is not None]
    tenders = await sql.fetch(_RECEIPT_TENDERS_SQL, sale_id)
    address = [part.strip() for part in (sale["location_address"] or "").splitlines()
               if part.strip()]
    return ReceiptData(
        agency_name=get_settings().agency_name,
        agency_lines=address,
        location_name=sale["location_name"],
        terminal_name=sale["terminal_name"],
        clerk_name=sale["clerk_name"],
        receipt_number=receipt_code(sale["location_code"], sale["terminal_code"],
                                    sale["receipt_number"]),
        issued_at=agency_local(sale["created_at"]),
        lines=[
            ReceiptLineData(words.product_name(line["line_kind"], line["line_category"],
                                               line["description"]),
                            int(line["quantity"]), int(line["unit_cents"]),
                            int(line["amount_cents"]), _line_detail(line, words))
            for line in lines
        ],
        subtotal_cents=sum(int(line["amount_cents"]) for line in lines),
        total_cents=int(sale["total_cents"]),
        tenders=[_receipt_tender(t) for t in tenders],
        change_cents=int(sale["change_cents"]),
        footer_lines=_footer(sale, words),
        duplicate=duplicate,
        title=words.title(sale["kind"]),
        scan_code=scan_code(sale["terminal_code"], sale["receipt_number"]),
        sale_id=int(sale["id"]),
    )


# ---------------------------------------------------------------- drawer slips

#: Kinds of cash movement that print a slip (for the safe-drop bag, the paid-out file).
SLIP_KINDS = {"paid_out": "PAID OUT", "safe_drop": "SAFE DROP"}
SLIP_PREFIX = {"paid_out": "PO", "safe_drop": "SD"}


@dataclass(frozen=True)
class SlipData:
    """Mirrors hardware.slip.Slip field for field (the kiosk converts it)."""

    agency_name: str
    location_name: str
    terminal_name: str
    title: str
    number: str
    amount_cents: int
    reason: str
    clerk_name: str
    issued_at: datetime
    witness_name: str | None = None
    approved_by: str | None = None


#: A cash movement with its shift's terminal and location and the people who signed it.
_SLIP_SQL = """
SELECT m.id, m.kind, m.amount_cents, m.reason, m.created_at, t.name AS terminal_name,
       l.name AS location_name, c.full_name AS clerk_name, w.full_name AS witness_name,
       o.full_name AS override_name
FROM cash_movement m
JOIN shift s ON s.id = m.shift
JOIN terminal t ON t.id = s.terminal
JOIN location l ON l.id = t.location
JOIN app_user c ON c.id = m.created_by
LEFT JOIN app_user w ON w.id = m.witness
LEFT JOIN app_user o ON o.id = m.override_by
WHERE m.id = {}
"""


async def slip_data(movement_id: int) -> SlipData | None:
    """The slip a paid-out or safe drop prints (None for kinds that print none)."""
    row = await sql.fetch_one(_SLIP_SQL, movement_id)
    if row is None:
        raise NotFound("No such drawer movement.")
    if row["kind"] not in SLIP_KINDS:
        return None
    return SlipData(
        agency_name=get_settings().agency_name, location_name=row["location_name"],
        terminal_name=row["terminal_name"], title=SLIP_KINDS[row["kind"]],
        number=f"{SLIP_PREFIX[row['kind']]}-{row['id']}", amount_cents=int(row["amount_cents"]),
        reason=row["reason"] or "", clerk_name=row["clerk_name"],
        issued_at=agency_local(row["created_at"]), witness_name=row["witness_name"],
        approved_by=row["override_name"],
    )


# ---------------------------------------------------------------- print queue

#: Every column of print jobs; add a WHERE.
_JOB_SELECT = """
SELECT id, terminal, sale, duplicate, status, attempts, last_error, created_at, printed_at,
       requested_by, note
FROM print_job
"""

#: A terminal's jobs in either of two statuses (RETRYABLE), oldest first, up to a limit.
_WAITING_JOBS_SQL = _JOB_SELECT + "WHERE terminal = {} AND status IN ({}, {}) ORDER BY id LIMIT {}"

#: One job.
_JOB_SQL = _JOB_SELECT + "WHERE id = {}"

#: A sale's jobs, oldest first.
_SALE_JOBS_SQL = _JOB_SELECT + "WHERE sale = {} ORDER BY id"

#: How many of a sale's receipts printed in full (any job, any attempt).
_PRINTED_OF_SALE_SQL = "SELECT COUNT(*) AS printed FROM print_job WHERE sale = {} AND status = {}"

#: Whether the sale exists (its id, or no row).
_SALE_EXISTS_SQL = "SELECT id FROM sale WHERE id = {}"

#: Marks a job printed unless it already is; returns its id (no row: printed before, or no job).
_MARK_PRINTED_SQL = """
UPDATE print_job SET status = {}, printed_at = {}, attempts = attempts + 1
WHERE id = {} AND status <> {}
RETURNING id
"""


async def queue_print(
    terminal_id: int, sale_id: int, duplicate: bool, requested_by: Principal | None
) -> int:
    """Queue a receipt for the terminal's printer (a reprint: duplicate=True); returns the job id."""
    async with write_transaction():
        if await sql.fetch_one(_SALE_EXISTS_SQL, sale_id) is None:
            raise NotFound("No such sale.")
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
    return await sql.fetch(_WAITING_JOBS_SQL, terminal_id, *RETRYABLE, limit)


async def print_jobs_for_sale(sale_id: int) -> list[dict[str, Any]]:
    """Every print job of a sale (the receipt, its retries' state, reprints), oldest first."""
    return await sql.fetch(_SALE_JOBS_SQL, sale_id)


async def _job(job_id: int) -> dict[str, Any]:
    row = await sql.fetch_one(_JOB_SQL, job_id)
    if row is None:
        raise NotFound("No such print job.")
    return row


async def receipt_for(job: Mapping[str, Any], locale: str = "en") -> ReceiptData:
    """The receipt a job (a row as `next_print_jobs` gives it) prints, in the customer's
    language: the original until one of the sale's receipts has printed, DUPLICATE after that
    (a failed attempt printed none)."""
    if job["sale"] is None:
        raise NotFound("This print job has no sale.")
    printed = await sql.fetch_one(_PRINTED_OF_SALE_SQL, int(job["sale"]), PRINTED)
    return await receipt_data(int(job["sale"]), duplicate=bool(printed and int(printed["printed"])),
                              locale=locale)


async def receipt_for_job(job_id: int, locale: str = "en") -> ReceiptData:
    """The receipt a job prints (see `receipt_for`)."""
    return await receipt_for(await _job(job_id), locale)


async def mark_printed(job_id: int) -> None:
    """The job printed (a repeated report changes nothing). One statement."""
    marked = await sql.fetch(_MARK_PRINTED_SQL, PRINTED, _now(), job_id, PRINTED)
    if not marked:
        await _job(job_id)  # NotFound when there is no such job; else it had printed already


#: A terminal's failed jobs go back in the queue (a Retry): the done screen shows them printing.
_REQUEUE_SQL = """
UPDATE print_job SET status = {} WHERE terminal = {} AND status = {} RETURNING id
"""


async def requeue_failed(actor: Principal, terminal_id: int) -> int:
    """The clerk pressed Retry: the terminal's failed receipts wait to print again; how many."""
    async with write_transaction():
        again = await sql.fetch(_REQUEUE_SQL, QUEUED, terminal_id, FAILED)
        if again:
            await record(actor, "receipt.retry", "terminal", terminal_id,
                         {"jobs": [int(r["id"]) for r in again]})
    return len(again)


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
