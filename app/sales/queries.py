"""Reading sales: one sale with its lines and tenders, what is still refundable, and finding a
sale by its receipt number or scan code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app import sql
from app.errors import NotFound, ValidationFailed
from app.sales.idempotency import KIND_LABELS, SALE
from app.sales.numbers import parse_receipt_code, receipt_code, scan_code
from app.sales.tables import Sale, SaleLine, Tender

#: Sale rows with the names screens and receipts show (terminal, location, clerk, override);
#: add a WHERE.
_SALE_SELECT = """
SELECT s.id, s.kind, s.terminal, s.shift, s.location, s.clerk, s.business_date,
       s.receipt_number, s.idempotency_key, s.total_cents, s.change_cents, s.card_serial,
       s.original, s.reason_code, s.override_by, s.journal_txn_id, s.created_at,
       t.code AS terminal_code, t.name AS terminal_name, l.code AS location_code,
       l.name AS location_name, l.section AS section_id, c.full_name AS clerk_name,
       c.username AS clerk_username, o.full_name AS override_name
FROM sale s
JOIN terminal t ON t.id = s.terminal
JOIN location l ON l.id = s.location
JOIN app_user c ON c.id = s.clerk
LEFT JOIN app_user o ON o.id = s.override_by
"""

#: A sale and its voids and refunds (they name it in `original`), oldest first.
_SALE_AND_RETURNS_SQL = _SALE_SELECT + "WHERE s.id = {} OR s.original = {} ORDER BY s.id"

#: Sales with a receipt number (any terminal).
_SALES_BY_NUMBER_SQL = _SALE_SELECT + "WHERE s.receipt_number = {} ORDER BY s.id"

#: A terminal's latest sales, newest first.
_RECENT_SALES_SQL = _SALE_SELECT + "WHERE s.terminal = {} ORDER BY s.id DESC LIMIT {}"

#: A sale's lines with their product's code and kind, in line order.
_SALE_LINES_SQL = """
SELECT sl.id, sl.sale, sl.line_no, sl.product, sl.description, sl.quantity, sl.unit_cents,
       sl.amount_cents, sl.fare_category, sl.card_serial, sl.valid_from, sl.valid_to,
       sl.original_line, p.code AS product_code, p.kind AS product_kind
FROM sale_line sl JOIN product p ON p.id = sl.product
WHERE sl.sale = {}
ORDER BY sl.line_no
"""

#: A sale's tenders, in the order they were written.
_SALE_TENDERS_SQL = """
SELECT id, sale, kind, amount_cents, tendered_cents, change_cents, card_brand, card_last4,
       auth_code, terminal_txn_id, check_number, account_ref
FROM tender WHERE sale = {} ORDER BY id
"""

#: Ids of the sales with a receipt number at a terminal, a location, or both (expanded).
_SALE_IDS_BY_NUMBER_SQL = "SELECT id FROM sale WHERE receipt_number = {{}}{where}"


def _shape_sale(row: dict[str, Any]) -> dict[str, Any]:
    row["receipt_code"] = receipt_code(row["location_code"], row["terminal_code"],
                                       row["receipt_number"])
    row["scan_code"] = scan_code(row["terminal_code"], row["receipt_number"])
    row["kind_label"] = KIND_LABELS.get(row["kind"], row["kind"])
    return row


async def get_sale(sale_id: int) -> dict[str, Any]:
    """The sale with `lines`, `tenders` and `returns` (its voids and refunds).

    Three statements: the sale with its returns, the lines, the tenders.
    """
    rows = await sql.fetch(_SALE_AND_RETURNS_SQL, sale_id, sale_id)
    sale = next((row for row in rows if int(row["id"]) == sale_id), None)
    if sale is None:
        raise NotFound("No such sale.")
    _shape_sale(sale)
    sale["lines"] = await sql.fetch(_SALE_LINES_SQL, sale_id)
    sale["tenders"] = await sql.fetch(_SALE_TENDERS_SQL, sale_id)
    sale["returns"] = [_shape_sale(row) for row in rows if row is not sale]
    return sale


@dataclass(frozen=True)
class Refundable:
    """What of a sale may still be given back: per line and per tender kind."""

    sale: dict[str, Any]
    lines: list[dict[str, Any]]  # each with refundable_quantity
    by_kind: dict[str, int] = field(default_factory=dict)
    voidable: bool = False


async def refundable(sale_id: int) -> Refundable:
    sale = await get_sale(sale_id)
    returned_qty, returned_by_kind = await _returned_so_far(sale_id)
    lines = []
    for line in sale["lines"]:
        line["refundable_quantity"] = int(line["quantity"]) - returned_qty.get(int(line["id"]), 0)
        lines.append(line)
    paid: dict[str, int] = {}
    for tender in sale["tenders"]:
        paid[tender["kind"]] = paid.get(tender["kind"], 0) + int(tender["amount_cents"])
    by_kind = {kind: amount - returned_by_kind.get(kind, 0) for kind, amount in paid.items()}
    return Refundable(sale, lines, by_kind, voidable=sale["kind"] == SALE and not sale["returns"])


async def _returned_so_far(sale_id: int) -> tuple[dict[int, int], dict[str, int]]:
    returns = await Sale.select(Sale.id).where(Sale.original == sale_id)
    ids = [int(r["id"]) for r in returns]
    if not ids:
        return {}, {}
    qty: dict[int, int] = {}
    for line in await SaleLine.select(SaleLine.original_line, SaleLine.quantity).where(
        SaleLine.sale.is_in(ids)
    ):
        key = int(line["original_line"])
        qty[key] = qty.get(key, 0) - int(line["quantity"])
    by_kind: dict[str, int] = {}
    for tender in await Tender.select(Tender.kind, Tender.amount_cents).where(
        Tender.sale.is_in(ids)
    ):
        by_kind[tender["kind"]] = by_kind.get(tender["kind"], 0) - int(tender["amount_cents"])
    return qty, by_kind


async def find_sale_by_receipt(
    receipt_number: int, *, terminal_id: int | None = None, location_id: int | None = None
) -> dict[str, Any] | None:
    """The sale with that receipt number at a terminal, or at a location (one match only)."""
    if terminal_id is None and location_id is None:
        raise ValueError("give terminal_id or location_id")
    where, args = "", [receipt_number]
    if terminal_id is not None:
        where += " AND terminal = {}"
        args.append(terminal_id)
    if location_id is not None:
        where += " AND location = {}"
        args.append(location_id)
    rows = await sql.fetch(_SALE_IDS_BY_NUMBER_SQL.format(where=where), *args)
    if not rows:
        return None
    if len(rows) > 1:
        raise ValidationFailed(
            f"Several counters issued receipt {receipt_number}: scan the receipt's barcode "
            "or enter the full receipt number (like CENTRAL-K1-000123)."
        )
    return await get_sale(int(rows[0]["id"]))


async def find_sale_by_code(
    code: str, *, terminal_id: int | None = None, location_id: int | None = None
) -> dict[str, Any] | None:
    """A sale from a scanned code ('R-K1-123'), a printed number ('CENTRAL-K1-000123'), or a
    bare number at `terminal_id` / `location_id`."""
    parsed = parse_receipt_code(code)
    if parsed is None:
        return None
    if parsed.terminal_code is None and parsed.prefix is None:
        if terminal_id is None and location_id is None:
            return None
        return await find_sale_by_receipt(parsed.number, terminal_id=terminal_id,
                                          location_id=location_id)
    rows = await sql.fetch(_SALES_BY_NUMBER_SQL, parsed.number)
    for row in rows:
        if parsed.terminal_code is not None and (
            row["terminal_code"].upper() == parsed.terminal_code
        ):
            return await get_sale(int(row["id"]))
        if parsed.prefix is not None and parsed.prefix == (
            f"{row['location_code']}-{row['terminal_code']}".upper()
        ):
            return await get_sale(int(row["id"]))
    return None


async def recent_sales(terminal_id: int, *, limit: int = 20) -> list[dict[str, Any]]:
    rows = await sql.fetch(_RECENT_SALES_SQL, terminal_id, limit)
    return [_shape_sale(r) for r in rows]
