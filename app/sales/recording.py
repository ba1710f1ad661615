"""Completing a counter sale: one database transaction, balanced in the ledger.

`complete_sale` is the heart of the counter. In ONE write transaction it:
takes the terminal's next gap-free receipt number (the counter row stays locked until commit,
which also serialises sales at one terminal), re-prices every line from the catalog (client
prices are never trusted; the only amount the clerk enters is a stored-value load, checked
against the product's bounds and the card's cap), enforces the catalog rules (reduced-fare
eligibility, pass sales window), applies the tenders (only cash gives change), claims the
approved card payments, writes the Sale, its lines and tenders, the fare-card loads and the
receipt print job, posts the balanced ledger entry and audits it.

A retry with the same form key returns the first result (`idempotency`); voids and refunds are
in `returns`.
"""


from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from app.audit.services import record
from app.auth.principal import Principal
from app.drawers.services import require_selling_shift as require_open_shift
from app.ledger import services as ledger
from app.sales.authority import OverrideAction, check_decider
from app.sales.bank_card_tenders import check_card_tenders, claim_attempts, tender_amounts, tender_values
from app.sales.cart import CartLine, TenderInput, settle_tenders
from app.sales.idempotency import (
    SALE,
    SaleResult,
    check_idempotency_key,
    now,
    run_once,
    sale_digest,
    take_receipt_number,
)
from app.sales.numbers import receipt_code, scan_code
from app.sales.postings import checked_legs, sale_legs
from app.sales.pricing import line_amounts, price_lines
from app.sales.sale_rows import insert_lines, insert_sale, insert_tenders, queue_card_loads, queue_receipt


async def complete_sale(
    actor: Principal,
    *,
    terminal_id: int,
    idempotency_key: str,
    lines: Sequence[CartLine],
    tenders: Sequence[TenderInput],
    card_serial: str | None = None,
    card_fare_category: str | None = None,
    card_balance_cents: int | None = None,
    override: Principal | None = None,
    at: datetime | None = None,
    finish: Callable[[int], Awaitable[None]] | None = None,
) -> SaleResult:
    """Record a counter sale (see the module docstring). Returns the first result on a retry.

    card_serial / card_fare_category / card_balance_cents: what the kiosk read from the
    customer's fare card (needed for products that go onto a card). `override`: a lead or
    supervisor who signed the sale off (a policy exception); recorded on the sale.
    `finish(sale_id)`: runs inside the sale's transaction, last (the kiosk ends its cart there,
    so the cart and the sale commit or roll back together).
    """
    key = check_idempotency_key(idempotency_key)
    moment = at or now()
    digest = sale_digest(terminal_id, lines, card_serial)

    async def operation() -> SaleResult:
        shift = await require_open_shift(actor, terminal_id)
        numbered = await take_receipt_number(terminal_id, key)
        terminal, number, sale_id = numbered.terminal, numbered.number, numbered.sale_id
        if override is not None:
            check_decider(OverrideAction.SALE_EXCEPTION, actor=override, doer_id=actor.id,
                          section_id=int(terminal["section_id"]))
        priced = await price_lines(lines, at=moment, card_serial=card_serial,
                                   card_fare_category=card_fare_category,
                                   card_balance_cents=card_balance_cents)
        total = sum(p.amount_cents for p in priced)
        settlement = settle_tenders(total, tenders)
        attempts = await check_card_tenders(settlement.tenders, terminal_id=terminal_id, kind=SALE)
        code = receipt_code(terminal["location_code"], terminal["code"], number)
        legs = checked_legs(sale_legs(line_amounts(priced),
                                      tender_amounts(settlement.tenders, attempts)))
        txn_id = None
        if legs:
            txn_id = await ledger.post(
                kind="sale", actor=actor, location_id=int(shift["location"]),
                business_date=shift["business_date"], legs=legs, shift_id=int(shift["id"]),
                terminal_id=terminal_id, clerk_id=actor.id, source_type="sale",
                source_id=str(sale_id), memo=f"Sale {code}",
            )
        await insert_sale(
            sale_id, kind=SALE, terminal_id=terminal_id, shift=shift, clerk_id=actor.id,
            number=number, key=key, total_cents=total, change_cents=settlement.change_cents,
            card_serial=(card_serial or "").strip() or None, original_id=None, reason_code="",
            override_id=override.id if override else None, txn_id=txn_id, created_at=moment,
            digest=digest,
        )
        await insert_lines(sale_id, [
            [index, p.product["id"], p.description[:160], p.line.quantity, p.unit_cents,
             p.amount_cents, p.product.get("fare_category_code"), p.card_serial, p.valid_from,
             p.valid_to, None]
            for index, p in enumerate(priced, start=1)
        ])
        await insert_tenders(sale_id, [tender_values(t, attempts, 1)
                                        for t in settlement.tenders])
        await claim_attempts(list(attempts), sale_id)
        await queue_card_loads(sale_id, priced)
        await queue_receipt(terminal_id, sale_id, actor)
        await record(actor, "sale.complete", "sale", sale_id, {
            "receipt": code, "total_cents": total, "change_cents": settlement.change_cents,
            "tenders": settlement.by_kind,
            "lines": [[p.product["code"], p.line.quantity, p.amount_cents] for p in priced],
            "override": override.username if override else None,
        })
        if finish is not None:
            await finish(sale_id)
        return SaleResult(sale_id, number, code, total, settlement.change_cents, True, SALE,
                          scan_code(terminal["code"], number))

    return await run_once(key, operation, terminal_id=terminal_id, digest=digest)
