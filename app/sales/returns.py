"""Voids and refunds: new Sale rows (kind void | refund, `original` = the sale) with negative
lines and tenders and their own ledger entry (revenue debited, tenders credited)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.audit.services import record
from app.auth.principal import Principal
from app.db import is_sqlite
from app.drawers.services import require_cash_on_hand
from app.drawers.services import require_selling_shift as require_open_shift
from app.errors import ValidationFailed
from app.ledger import services as ledger
from app.sales import bank_card_payments as bank_cards
from app.sales.authority import OverrideAction, check_override
from app.sales.bank_card_tenders import check_card_tenders, claim_attempts, tender_amounts, tender_values
from app.sales.cart import (
    CARD,
    CASH,
    Settlement,
    TenderInput,
    settle_refund_tenders,
    validate_quantity,
)
from app.sales.errors import SaleRefused
from app.sales.idempotency import (
    KIND_LABELS,
    REFUND,
    VOID,
    SaleResult,
    check_idempotency_key,
    now,
    result_for_key,
    return_digest,
    run_once,
    take_receipt_number,
)
from app.sales.numbers import receipt_code, scan_code
from app.sales.postings import LineAmount, checked_legs, sale_legs
from app.sales.queries import Refundable, refundable
from app.sales.reasons import REFUND_REASONS, VOID_REASONS, check_reason
from app.sales.return_rules import ReturnLine, check_original, check_voidable, refund_lines
from app.sales.sale_rows import insert_lines, insert_sale, insert_tenders, queue_receipt, sale_line_ids
from app.sales.tables import CardLoad, Sale, SaleLine

_ReturnLine = ReturnLine


async def _lock_sale(sale_id: int) -> None:
    """Serialise returns of one sale (PostgreSQL row lock; SQLite's write lock already does)."""
    if not is_sqlite():
        await Sale.raw("SELECT id FROM sale WHERE id = {} FOR UPDATE", sale_id)


async def _original_for_return(sale_id: int) -> Refundable:
    await _lock_sale(sale_id)
    state = await refundable(sale_id)
    check_original(state.sale)
    return state


async def void_sale(
    actor: Principal,
    *,
    terminal_id: int,
    sale_id: int,
    reason_code: str,
    idempotency_key: str,
    card_refunds: Sequence[str] = (),
    override: Principal | None = None,
) -> SaleResult:
    """Void a whole sale of the current open shift at its own terminal.

    Cash, checks and account charges go back as they came; each card payment needs a card
    refund approved at the terminal for the same amount (`card_refunds`: their references).
    Above the override threshold a lead or supervisor (not the clerk) signs it off.
    """
    key = check_idempotency_key(idempotency_key)
    reason = check_reason(reason_code, VOID_REASONS)

    async def operation() -> SaleResult:
        shift = await require_open_shift(actor, terminal_id)
        state = await _original_for_return(sale_id)
        sale = state.sale
        signed_off = check_voidable(actor, state, shift=shift, terminal_id=terminal_id,
                                    terminal_section_id=int(shift["section_id"]),
                                    override=override)
        tenders = await _void_tenders(sale["tenders"], list(card_refunds))
        return_lines = [_ReturnLine(line, int(line["quantity"])) for line in sale["lines"]]
        settlement = settle_refund_tenders(int(sale["total_cents"]), tenders, state.by_kind)
        return await _record_return(
            actor, kind=VOID, key=key, shift=shift, terminal_id=terminal_id, original=sale,
            lines=return_lines, settlement=settlement, reason=reason, override=signed_off,
            card_balance_cents=None, digest=digest,
        )

    digest = return_digest(VOID, terminal_id, sale_id)
    return await run_once(key, operation, terminal_id=terminal_id, digest=digest)


async def _void_tenders(original_tenders: Sequence[Mapping[str, Any]],
                        card_refunds: list[str]) -> list[TenderInput]:
    """The original tenders, back the way they came; each card payment by a card refund."""
    card_count = sum(1 for t in original_tenders if t["kind"] == CARD)
    if len(card_refunds) != card_count:
        raise ValidationFailed(
            "Refund each card payment on the payment terminal first "
            f"({card_count} card payment(s) on this sale)."
        )
    result = [
        TenderInput(kind=t["kind"], amount_cents=int(t["amount_cents"]),
                    check_number=t["check_number"], account_ref=t["account_ref"])
        for t in original_tenders if t["kind"] != CARD
    ]
    for reference in card_refunds:
        attempt = await bank_cards.get_attempt(reference)
        result.append(TenderInput(kind=CARD, amount_cents=int(attempt["amount_cents"]),
                                  payment_reference=reference))
    return result


async def refund_sale(
    actor: Principal,
    *,
    terminal_id: int,
    original_sale_id: int,
    line_quantities: Mapping[int, int],
    reason_code: str,
    idempotency_key: str,
    refund_tenders: Sequence[TenderInput],
    card_balance_cents: int | None = None,
    override: Principal | None = None,
) -> SaleResult:
    """Refund some lines (by SaleLine id → quantity) of an earlier sale, at this terminal.

    Money goes back to the original tenders (card via a card refund approved at this terminal;
    cash from this drawer), never more per tender kind than was paid that way, and never more
    of a line than was sold (earlier refunds count). Value already written onto a fare card is
    taken off it: a CardLoad with negative value (pending) that the kiosk writes; the card's
    balance (`card_balance_cents`, read by the kiosk) must cover it. Above the override threshold
    a supervisor (not the clerk) signs it off.
    """
    key = check_idempotency_key(idempotency_key)
    reason = check_reason(reason_code, REFUND_REASONS)
    if not line_quantities:
        raise ValidationFailed("Choose what is being refunded.")
    for quantity in line_quantities.values():
        validate_quantity(quantity)

    async def operation() -> SaleResult:
        shift = await require_open_shift(actor, terminal_id)
        state = await _original_for_return(original_sale_id)
        sale = state.sale
        return_lines = refund_lines(actor, state, line_quantities,
                                    terminal_section_id=int(shift["section_id"]))
        amount = sum(r.amount_cents for r in return_lines)
        signed_off = check_override(OverrideAction.REFUND, clerk=actor, override=override,
                                    section_id=int(sale["section_id"]), amount_cents=amount)
        settlement = settle_refund_tenders(amount, refund_tenders, state.by_kind)
        return await _record_return(
            actor, kind=REFUND, key=key, shift=shift, terminal_id=terminal_id, original=sale,
            lines=return_lines, settlement=settlement, reason=reason, override=signed_off,
            card_balance_cents=card_balance_cents, digest=digest,
        )

    digest = return_digest(REFUND, terminal_id, original_sale_id, line_quantities)
    return await run_once(key, operation, terminal_id=terminal_id, digest=digest)


@dataclass(frozen=True)
class ReturnCheck:
    """A void or refund checked before any card money moves (`check_void`, `check_refund`).

    done: the return already recorded under this form's key (a retry: nothing to send to the
    terminal again). Otherwise `refundable` and `amount_cents` of the return as it will be
    recorded, and the override that signs it off.
    """

    done: SaleResult | None = None
    refundable: Refundable | None = None
    amount_cents: int = 0
    override: Principal | None = None


async def check_void(actor: Principal, *, terminal_id: int, sale_id: int, reason_code: str,
                     idempotency_key: str, override: Principal | None = None) -> ReturnCheck:
    """Everything `void_sale` checks, before the terminal refunds a card (nothing is written)."""
    key = check_idempotency_key(idempotency_key)
    check_reason(reason_code, VOID_REASONS)
    done = await result_for_key(key, terminal_id=terminal_id,
                                 digest=return_digest(VOID, terminal_id, sale_id))
    if done is not None:
        return ReturnCheck(done=done)
    shift = await require_open_shift(actor, terminal_id)
    state = await refundable(sale_id)
    signed_off = check_voidable(actor, state, shift=shift, terminal_id=terminal_id,
                                terminal_section_id=int(shift["section_id"]), override=override)
    return ReturnCheck(refundable=state, amount_cents=int(state.sale["total_cents"]),
                       override=signed_off)


async def check_refund(actor: Principal, *, terminal_id: int, original_sale_id: int,
                       line_quantities: Mapping[int, int], reason_code: str,
                       idempotency_key: str, override: Principal | None = None) -> ReturnCheck:
    """Everything `refund_sale` checks, before the terminal refunds a card (nothing is written)."""
    key = check_idempotency_key(idempotency_key)
    check_reason(reason_code, REFUND_REASONS)
    for quantity in line_quantities.values():
        validate_quantity(quantity)
    done = await result_for_key(key, terminal_id=terminal_id, digest=return_digest(
        REFUND, terminal_id, original_sale_id, line_quantities))
    if done is not None:
        return ReturnCheck(done=done)
    shift = await require_open_shift(actor, terminal_id)
    state = await refundable(original_sale_id)
    chosen = refund_lines(actor, state, line_quantities,
                          terminal_section_id=int(shift["section_id"]))
    amount = sum(r.amount_cents for r in chosen)
    signed_off = check_override(OverrideAction.REFUND, clerk=actor, override=override,
                                section_id=int(state.sale["section_id"]), amount_cents=amount)
    return ReturnCheck(refundable=state, amount_cents=amount, override=signed_off)


async def _record_return(
    actor: Principal,
    *,
    kind: str,
    key: str,
    shift: dict[str, Any],
    terminal_id: int,
    original: dict[str, Any],
    lines: Sequence[_ReturnLine],
    settlement: Settlement,
    reason: str,
    override: Principal | None,
    card_balance_cents: int | None,
    digest: str,
) -> SaleResult:
    await require_cash_on_hand(int(shift["id"]), settlement.by_kind.get(CASH, 0), kind)
    numbered = await take_receipt_number(terminal_id, key)
    terminal, number, sale_id = numbered.terminal, numbered.number, numbered.sale_id
    attempts = await check_card_tenders(settlement.tenders, terminal_id=terminal_id, kind=REFUND)
    loads = await _loads_to_take_back(lines, card_balance_cents)
    amount = sum(r.amount_cents for r in lines)
    code = receipt_code(terminal["location_code"], terminal["code"], number)
    line_amounts = [
        LineAmount(int(r.original["product"]), r.original["product_kind"],
                   r.original["fare_category"], r.amount_cents)
        for r in lines
    ]
    legs = checked_legs(sale_legs(line_amounts, tender_amounts(settlement.tenders, attempts),
                                  sign=-1))
    txn_id = None
    if legs:
        txn_id = await ledger.post(
            kind=kind, actor=actor, location_id=int(shift["location"]),
            business_date=shift["business_date"], legs=legs, shift_id=int(shift["id"]),
            terminal_id=terminal_id, clerk_id=actor.id, source_type="sale",
            source_id=str(sale_id), memo=f"{KIND_LABELS[kind]} {code} of {original['receipt_code']}",
        )
    await insert_sale(
        sale_id, kind=kind, terminal_id=terminal_id, shift=shift, clerk_id=actor.id,
        number=number, key=key, total_cents=-amount, change_cents=0,
        card_serial=original["card_serial"], original_id=original["id"], reason_code=reason,
        override_id=override.id if override else None, txn_id=txn_id, created_at=now(),
        digest=digest,
    )
    await insert_lines(sale_id, [
        [index, r.original["product"], r.original["description"], -r.quantity,
         r.original["unit_cents"], -r.amount_cents, r.original["fare_category"],
         r.original["card_serial"], r.original["valid_from"], r.original["valid_to"],
         r.original["id"]]
        for index, r in enumerate(lines, start=1)
    ])
    await insert_tenders(sale_id, [tender_values(t, attempts, -1) for t in settlement.tenders])
    await claim_attempts(list(attempts), sale_id)
    await _take_back_loads(sale_id, loads)
    await queue_receipt(terminal_id, sale_id, actor)
    await record(actor, f"sale.{kind}", "sale", sale_id, {
        "receipt": code, "original": original["receipt_code"], "amount_cents": amount,
        "reason": reason, "tenders": settlement.by_kind,
        "lines": [[r.original["product_code"], r.quantity, r.amount_cents] for r in lines],
        "override": override.username if override else None,
        "override_id": override.id if override else None,
    })
    return SaleResult(sale_id, number, code, -amount, 0, True, kind,
                      scan_code(terminal["code"], number))


@dataclass(frozen=True)
class _LoadBack:
    line_no: int
    original_load: dict[str, Any]
    written: bool


async def _loads_to_take_back(lines: Sequence[_ReturnLine],
                              card_balance_cents: int | None) -> list[_LoadBack]:
    """Card loads of the returned units: unwritten ones are cancelled, written ones taken off."""
    result: list[_LoadBack] = []
    value_to_remove = 0
    for index, r in enumerate(lines, start=1):
        loads = await CardLoad.select().where(CardLoad.sale_line == r.original["id"]).order_by(
            CardLoad.id)
        if not loads:
            continue
        earlier_returns = await SaleLine.select(SaleLine.id).where(
            SaleLine.original_line == r.original["id"])
        taken_back = await CardLoad.count().where(
            CardLoad.sale_line.is_in([int(x["id"]) for x in earlier_returns] or [-1]))
        unwritten = [ld for ld in loads if ld["status"] in ("pending", "failed")]
        written = [ld for ld in loads if ld["status"] == "written"][taken_back:]
        chosen = [(ld, False) for ld in unwritten] + [(ld, True) for ld in written]
        for load, was_written in chosen[:r.quantity]:
            result.append(_LoadBack(index, load, was_written))
            if was_written:
                value_to_remove += int(load["value_cents"])
    if value_to_remove:
        if card_balance_cents is None:
            raise ValidationFailed("Read the customer's fare card: the refunded value is taken "
                                   "off it.")
        if card_balance_cents < value_to_remove:
            raise SaleRefused(
                f"The card holds {card_balance_cents} cents; {value_to_remove} cents of stored "
                "value cannot be taken off it. Refund only what is still on the card."
            )
    return result


async def _take_back_loads(sale_id: int, loads: Sequence[_LoadBack]) -> None:
    if not loads:
        return
    line_ids = await sale_line_ids(sale_id)
    for item in loads:
        load = item.original_load
        if item.written:
            await CardLoad.insert(CardLoad(
                sale_line=line_ids[item.line_no], card_serial=load["card_serial"],
                product_code=load["product_code"], value_cents=-int(load["value_cents"]),
                valid_from=load["valid_from"], valid_to=load["valid_to"], status="pending",
            ))
        else:  # never reached the card: nothing to take off it
            await CardLoad.update({CardLoad.status: "refunded"}).where(CardLoad.id == load["id"])
