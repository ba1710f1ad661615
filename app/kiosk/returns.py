"""Voids and refunds at the kiosk: the money goes back the way it came.

Card money goes back through the payment terminal FIRST (recorded as a card refund attempt,
run on the terminal, answer stored); only an approved card refund is passed to the sales
service, which records the void or refund with its reversing ledger entry in one transaction.
Above the override threshold a supervisor's (void: lead's) PIN is checked before anything is
sent to the terminal, so no card is refunded for a return that would then be refused.
Cash goes back only from a drawer that holds it (checked before the terminal, too).
After the commit: the drawer opens for cash, stored value comes off the card, the receipt prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.auth.principal import Principal
from app.drawers import services as drawers
from app.errors import DomainError, ValidationFailed
from app.formatting import money
from app.kiosk import checkout, devices, terminal_calls
from app.kiosk.context import AtKiosk
from app.sales import bank_card_payments as bank_cards
from app.sales.cart import CARD, CASH, CHECK, TenderInput, plan_refund_tenders
from app.sales.idempotency import SaleResult
from app.sales.queries import Refundable
from app.sales.returns import check_refund, check_void, refund_sale, void_sale


@dataclass(frozen=True)
class ReturnPlan:
    amount_cents: int
    by_kind: dict[str, int]


def plan(refundable: Refundable, quantities: Mapping[int, int]) -> ReturnPlan:
    by_id = {int(line["id"]): line for line in refundable.lines}
    amount = 0
    for line_id, quantity in quantities.items():
        line = by_id.get(line_id)
        if line is None:
            raise ValidationFailed("That line is not part of this sale.")
        amount += int(line["unit_cents"]) * quantity
    if amount <= 0:
        raise ValidationFailed("Choose what is being refunded (a quantity on at least one line).")
    return ReturnPlan(amount, plan_refund_tenders(amount, refundable.by_kind))


async def _card_refund(at: AtKiosk, amount_cents: int, original_txn_id: str | None) -> str:
    """Refund on the payment terminal against the original charge's terminal transaction id
    (the terminal requires it); the approved refund's reference (else a clear error)."""
    if not original_txn_id:
        raise DomainError("The card payment has no terminal transaction id to refund against; "
                          "ask a supervisor to refund it on the terminal.")
    reference = await bank_cards.begin_card_payment(at.clerk, terminal_id=at.terminal_id,
                                                    amount_cents=amount_cents, kind="refund")
    attempt = await terminal_calls.run_on_terminal(at.clerk, at.terminal, reference, amount_cents,
                                                   kind="refund", original_txn_id=original_txn_id)
    if attempt["status"] not in bank_cards.USABLE_STATUSES:
        raise DomainError(
            f"The card refund was {attempt['status_label'].lower()}. Nothing was recorded; "
            + ("a supervisor must settle the unclear card refund before trying again."
               if attempt["status"] == bank_cards.UNKNOWN else "try again or ask a supervisor."))
    return reference


async def _card_balance(at: AtKiosk, sale: dict[str, Any]) -> int | None:
    """Stored value comes off the customer's card: read it (it must be the sale's card)."""
    serials = {line["card_serial"] for line in sale["lines"] if line["card_serial"]}
    if not serials:
        return None
    try:
        card = await devices.read_card(at.terminal)
    except Exception as exc:
        raise DomainError(devices.clerk_message(exc) + " Put the customer's fare card on the "
                          "reader: value is taken back off it.") from exc
    if card["serial"] not in serials:
        raise DomainError(f"The card on the reader is {card['serial']}, not the card of this "
                          "sale. Put the right card on the reader.")
    return int(card["stored_value_cents"])


async def _require_cash_on_hand(at: AtKiosk, amount_cents: int, kind: str) -> None:
    """The drawer must hold the cash to give back: checked before any card money moves (the
    sales service checks again in its transaction)."""
    if amount_cents > 0:
        shift = await drawers.require_open_shift(at.clerk, at.terminal_id)
        await drawers.require_cash_on_hand(int(shift["id"]), amount_cents, kind)


async def _record_after_card(card_reference: str | None, amount_cents: int,
                             record: Any) -> SaleResult:
    """Record the return; when that fails after the card was refunded, say so plainly (the
    approved card refund is listed at once as a card outcome to settle)."""
    try:
        result: SaleResult = await record()
    except DomainError as exc:
        if card_reference is None:
            raise
        raise DomainError(
            f"{exc.message} The card was refunded {money(amount_cents)} but no refund was "
            f"recorded: it is listed under Card outcomes (ref {card_reference}) for a "
            "supervisor to settle.", field_errors=exc.field_errors) from exc
    return result


async def refund(at: AtKiosk, *, sale_id: int, quantities: Mapping[int, int], reason: str,
                 key: str, override: Principal | None, check_number: str = "") -> SaleResult:
    """Check the whole refund (key, reason, section, lines still refundable, override, cash
    on hand, the fare card) first; only then refund the card part on the terminal."""
    checked = await check_refund(
        at.clerk, terminal_id=at.terminal_id, original_sale_id=sale_id,
        line_quantities=dict(quantities), reason_code=reason, idempotency_key=key,
        override=override)
    if checked.done is not None:  # this form was answered already: never refund twice
        return checked.done
    assert checked.refundable is not None
    chosen = plan(checked.refundable, quantities)
    if chosen.by_kind.get(CHECK) and not check_number.strip():
        raise ValidationFailed("Part of this refund goes back by check: enter the number of the "
                               "check you give the customer.",
                               field_errors={"check_number": "Enter the check number."})
    await _require_cash_on_hand(at, chosen.by_kind.get(CASH, 0), "refund")
    balance = await _card_balance(at, checked.refundable.sale)
    tenders = [TenderInput(kind=kind, amount_cents=amount,
                           check_number=check_number.strip() if kind == CHECK else None)
               for kind, amount in chosen.by_kind.items() if kind != CARD]
    reference = None
    if chosen.by_kind.get(CARD):
        charged: dict[str, Any] = next(
            (t for t in checked.refundable.sale["tenders"] if t["kind"] == CARD), {})
        reference = await _card_refund(at, chosen.by_kind[CARD], charged.get("terminal_txn_id"))
        tenders.append(TenderInput(kind=CARD, amount_cents=chosen.by_kind[CARD],
                                   payment_reference=reference))
    result = await _record_after_card(reference, chosen.by_kind.get(CARD, 0), lambda: (
        refund_sale(
            at.clerk, terminal_id=at.terminal_id, original_sale_id=sale_id,
            line_quantities=dict(quantities), reason_code=reason, idempotency_key=key,
            refund_tenders=tenders, card_balance_cents=balance, override=override)))
    if result.created:
        await checkout.after_sale(at.terminal, result.sale_id, actor=at.clerk,
                                  cash=CASH in chosen.by_kind, total_cents=result.total_cents,
                                  locale=at.customer_language)
    return result


async def void(at: AtKiosk, *, sale_id: int, reason: str, key: str,
               override: Principal | None) -> SaleResult:
    """Check the whole void first (key, reason, section, this drawer's sale, override, cash on
    hand); only then refund its card payments on the terminal."""
    checked = await check_void(at.clerk, terminal_id=at.terminal_id, sale_id=sale_id,
                               reason_code=reason, idempotency_key=key, override=override)
    if checked.done is not None:
        return checked.done
    assert checked.refundable is not None
    sale = checked.refundable.sale
    await _require_cash_on_hand(
        at, sum(int(t["amount_cents"]) for t in sale["tenders"] if t["kind"] == CASH), "void")
    card_tenders = [t for t in sale["tenders"] if t["kind"] == CARD]
    refunds = [await _card_refund(at, int(t["amount_cents"]), t.get("terminal_txn_id"))
               for t in card_tenders]
    result = await _record_after_card(
        ", ".join(refunds) or None, sum(int(t["amount_cents"]) for t in card_tenders),
        lambda: void_sale(at.clerk, terminal_id=at.terminal_id, sale_id=sale_id,
                          reason_code=reason, idempotency_key=key, card_refunds=refunds,
                          override=override))
    if result.created:
        await checkout.after_sale(at.terminal, result.sale_id, actor=at.clerk,
                                  cash=any(t["kind"] == CASH for t in sale["tenders"]),
                                  total_cents=result.total_cents, locale=at.customer_language)
    return result
