"""Card payments at the payment terminal, run in the background while the screen polls.

1. `begin_card_payment` records the attempt (pending) and commits BEFORE anything is sent.
2. A background task runs `terminal.sale` through hardware's async facade (the blocking serial
   I/O is in a worker thread); each prompt the terminal shows (present card, enter PIN,
   processing) is stored on the cart row so any worker can show it.
3. The answer is stored with `record_card_result`; a crash or a lost reply is recorded as
   `unknown` — a supervisor settles it, the kiosk never charges blindly a second time.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from app.auth.principal import Principal
from app.kiosk import cart_store as carts
from app.kiosk import devices, terminal_calls
from app.sales import bank_card_payments as bank_cards

log = logging.getLogger("faredesk.kiosk.card")

#: Running tasks (kept referenced so they are not garbage-collected mid-payment).
_TASKS: set[asyncio.Task[None]] = set()


def _spawn(coro: Any) -> None:
    task = asyncio.get_running_loop().create_task(coro)
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


async def start(actor: Principal, terminal: dict[str, Any], state: carts.CartState,
                amount_cents: int, kind: str = "sale") -> str:
    """Check the whole cart, record the attempt, then run it on the terminal in the
    background; the reference. Nothing reaches the terminal for a cart the sale would refuse."""
    if kind == "sale":
        carts.refuse_if_kept(state)
        await carts.check_lines(state)
    reference = await bank_cards.begin_card_payment(actor, terminal_id=int(terminal["id"]),
                                                    amount_cents=amount_cents, kind=kind)
    state.payment_reference = reference
    state.payment_prompt = "Waiting for the payment terminal…"
    await carts.save(state)
    _spawn(run(actor, terminal, reference, amount_cents, state.row_id, kind))
    return reference


async def run(actor: Principal, terminal: dict[str, Any], reference: str, amount_cents: int,
              cart_row_id: int, kind: str = "sale") -> None:
    loop = asyncio.get_running_loop()

    def on_prompt(prompt: Any) -> None:  # may be called from the device's worker thread
        text = str(getattr(prompt, "text", "") or prompt)
        loop.call_soon_threadsafe(lambda: _spawn(carts.set_prompt(cart_row_id, text)))

    try:
        await terminal_calls.run_on_terminal(actor, terminal, reference, amount_cents, kind=kind,
                                             on_prompt=on_prompt, errors_are_final=True)
    except Exception:
        log.exception("could not record the card outcome for %s", reference)


async def cancel(terminal: dict[str, Any]) -> str:
    """Ask the terminal to cancel what it is doing; '' or a clerk message."""
    try:
        await devices.device_set(terminal).terminal.cancel()
    except Exception as exc:
        return devices.clerk_message(exc)
    return ""


def label(attempt: dict[str, Any]) -> str:
    if attempt.get("card_brand") and attempt.get("card_last4"):
        return f"card {attempt['card_brand']} ••{attempt['card_last4']}"
    return "card"


async def refund_unused(actor: Principal, terminal: dict[str, Any], reference: str) -> None:
    """Give back an approved card charge that paid for nothing (the customer left, or the
    supervisor settled an unclear payment as charged): refund it on the terminal, then close it.
    Raises DomainError with the clerk's next step when the terminal does not approve."""
    from app.errors import DomainError

    original = await bank_cards.get_attempt(reference)
    amount = int(original["amount_cents"])
    if not original.get("terminal_txn_id"):  # checked before anything reaches the terminal
        raise DomainError(
            "This charge has no terminal transaction id (its answer was lost), so the payment "
            "terminal cannot refund it from here: refund it with the terminal's own refund "
            "menu and have a supervisor settle it.")
    refund_ref = await bank_cards.begin_card_payment(actor, terminal_id=int(terminal["id"]),
                                                     amount_cents=amount, kind="refund",
                                                     refund_of=reference)
    attempt = await terminal_calls.run_on_terminal(
        actor, terminal, refund_ref, amount, kind="refund",
        original_txn_id=original.get("terminal_txn_id") or "")
    if attempt["status"] != bank_cards.APPROVED:
        raise DomainError(f"The card refund was {attempt['status_label'].lower()}; the charge "
                          "is not given back yet. Try again, or ask a supervisor.")
    await bank_cards.refund_unused_card_payment(actor, reference=reference, refund_reference=refund_ref)


async def unused_charges(terminal_id: int) -> list[dict[str, Any]]:
    """Card charges at this terminal that were taken (or settled as taken) but pay for nothing
    yet — e.g. an unclear payment a supervisor just settled as charged while the customer waits.
    The clerk uses one for the sale in progress, or refunds it to the card."""
    from app.sales.tables import PaymentAttempt

    rows = await PaymentAttempt.select(PaymentAttempt.reference).where(
        (PaymentAttempt.terminal == terminal_id) & (PaymentAttempt.kind == "sale")
        & PaymentAttempt.sale.is_null()
        & PaymentAttempt.status.is_in([bank_cards.APPROVED, bank_cards.SETTLED_APPROVED])
    ).order_by(PaymentAttempt.id)
    return [await bank_cards.get_attempt(r["reference"]) for r in rows]


async def use_for_sale(state: carts.CartState, attempt: dict[str, Any]) -> None:
    """Put an unused approved charge on the cart as a card tender (once)."""
    from app.errors import ValidationFailed

    reference = attempt["reference"]
    if any(t.get("payment_reference") == reference for t in state.tenders):
        return
    if not state.lines:
        raise ValidationFailed("Ring up the customer's items first, then use the card payment.")
    if int(attempt["amount_cents"]) > state.remaining_cents:
        raise ValidationFailed("That card payment is more than what is still to pay; refund it "
                               "to the card instead.")
    await carts.add_tender(state, {"kind": "card", "amount_cents": int(attempt["amount_cents"]),
                                   "payment_reference": reference, "label": label(attempt)})
