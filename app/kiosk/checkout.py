"""Completing a sale at the kiosk, and the device steps after the commit.

Order matters and is fixed here: (1) `complete_sale` commits the sale, its ledger entry, the
pending card loads and the print job in one transaction; (2) only then the drawer opens (cash),
the loads are written to the fare card with read-back, the receipt prints from the queue, and
the customer display thanks the customer. A device fault in step 2 never touches what step 1
recorded: loads stay pending (Retry), receipts stay queued (Retry / Reprint as DUPLICATE).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from app.auth.principal import Principal
from app.errors import ValidationFailed
from app.formatting import money
from app.i18n import receipts as receipt_i18n
from app.kiosk import after_commit, devices
from app.kiosk import cart_store as carts
from app.kiosk.context import AtKiosk
from app.sales import fare_card_loads
from app.sales.cart import CASH, CHECK, CartLine, TenderInput
from app.sales.idempotency import SaleResult, recorded_sale
from app.sales.recording import complete_sale

log = logging.getLogger("faredesk.kiosk.checkout")


@dataclass
class AfterCommit:
    """What the devices did after the commit, in clerk words."""

    drawer: str = ""
    printed: int = 0
    print_problems: list[str] = field(default_factory=list)
    loads_written: int = 0
    load_problems: list[str] = field(default_factory=list)


async def complete(at: AtKiosk, state: carts.CartState, *, idempotency_key: str,
                   final_tender: TenderInput | None = None,
                   override: Principal | None = None) -> tuple[SaleResult, AfterCommit]:
    """Record the sale (tenders collected so far + the final one), then run the devices.

    The cart ends in the sale's own transaction (`carts.end_in_sale`): after a crash the kiosk
    finds either the sale and an empty cart, or no sale and the cart as it was."""
    done = await answered(at, state, idempotency_key)
    if done is not None:
        return done, AfterCommit()
    await carts.require_no_card_running(state)
    tenders = state.collected_tenders() + ([final_tender] if final_tender else [])
    lines, card = state.cart_lines(), state.card_facts()
    result = await complete_sale(
        at.clerk, terminal_id=at.terminal_id, idempotency_key=idempotency_key,
        lines=lines, tenders=tenders, override=override, finish=carts.end_in_sale(state),
        **card)
    after = AfterCommit()
    if result.created:
        after = await after_sale(at.terminal, result.sale_id, actor=at.clerk,
                                 cash=any(t.kind == CASH for t in tenders),
                                 change_cents=result.change_cents, total_cents=result.total_cents,
                                 card_loads=_names_a_card(lines, card["card_serial"]),
                                 locale=at.customer_language)
    return result, after


async def answered(at: AtKiosk, state: carts.CartState,
                   idempotency_key: str) -> SaleResult | None:
    """A tender form sent again after its answer: the sale it recorded, once its cart is gone
    (a resend is answered with the recorded sale, never a validation error about the empty
    cart). With items on the cart, `complete_sale` decides: the same cart gets the recorded
    sale, another cart is refused."""
    if state.lines:
        return None
    return await recorded_sale(idempotency_key, terminal_id=at.terminal_id)


def _names_a_card(lines: list[CartLine], card_serial: str | None) -> bool:
    """Whether the sale can have fare-card loads: complete_sale queues one only for a line
    with a card serial (its own or the sale's), so without any there is nothing to write."""
    return any((serial or "").strip() for serial in
               [card_serial, *(line.card_serial for line in lines)])


async def pay_cash(at: AtKiosk, state: carts.CartState, *, tendered_cents: int,
                   idempotency_key: str) -> tuple[SaleResult, AfterCommit]:
    """Cash covers what is still to pay (change is given back) and completes the sale."""
    done = await answered(at, state, idempotency_key)
    if done is not None:
        return done, AfterCommit()
    if tendered_cents < state.remaining_cents:
        raise ValidationFailed(
            f"Cash handed over is less than the {money(state.remaining_cents)} still to pay. "
            "Count it again, or take the rest another way.")
    return await complete(at, state, idempotency_key=idempotency_key,
                          final_tender=TenderInput(kind=CASH, amount_cents=tendered_cents))


async def take_check(at: AtKiosk, state: carts.CartState, *, amount_cents: int,
                     check_number: str, idempotency_key: str
                     ) -> tuple[SaleResult, AfterCommit] | None:
    """A check pays part (kept on the cart: None) or the rest (the sale completes)."""
    done = await answered(at, state, idempotency_key)
    if done is not None:
        return done, AfterCommit()
    if not check_number.strip():
        raise ValidationFailed("Enter the check number.",
                               field_errors={"check_number": "Enter the check number."})
    if not 0 < amount_cents <= state.remaining_cents:
        raise ValidationFailed(f"A check pays between $0.01 and {money(state.remaining_cents)} "
                               "here.")
    if amount_cents < state.remaining_cents:
        await carts.add_tender(state, {"kind": CHECK, "amount_cents": amount_cents,
                                       "check_number": check_number.strip(),
                                       "label": f"check {check_number.strip()}"})
        return None
    return await complete(at, state, idempotency_key=idempotency_key,
                          final_tender=TenderInput(kind=CHECK, amount_cents=amount_cents,
                                                   check_number=check_number.strip()))


async def after_sale(terminal: dict[str, Any], sale_id: int, *, actor: Principal, cash: bool,
                     change_cents: int = 0, total_cents: int = 0,
                     card_loads: bool = True, locale: str = "en") -> AfterCommit:
    """Drawer, receipt and display run apart from the request (after_commit: a printer that
    does not answer never holds the clerk; the done screen shows their result as it arrives);
    the fare card is written here, since the clerk hands it back. card_loads=False: the sale
    has no fare-card loads (the caller knows), so they are not looked up. The receipt and the
    display speak the customer's language (`locale`)."""
    after = AfterCommit()
    after_commit.after_sale(terminal, sale_id, actor=actor, cash=cash, locale=locale,
                            display=receipt_i18n.display_thanks(locale, change_cents, total_cents))
    if card_loads:
        await write_loads(terminal, sale_id, actor, after)
    return after


async def write_loads(terminal: dict[str, Any], sale_id: int, actor: Principal,
                      after: AfterCommit) -> None:
    """Write each pending load to the fare card; confirmed by read-back, else left pending."""
    for load in await fare_card_loads.pending_card_loads(sale_id):
        try:
            await devices.write_load(terminal, load)
        except Exception as exc:
            message = devices.clerk_message(exc)
            await fare_card_loads.mark_card_load_failed(int(load["id"]), message, actor=actor)
            after.load_problems.append(f"{load['description']}: {message}")
            continue
        await fare_card_loads.mark_card_load_written(int(load["id"]), actor=actor)
        after.loads_written += 1


#: Printing lives with the other after-commit device steps.
to_receipt = after_commit.to_receipt


async def print_queue(terminal: dict[str, Any], after: AfterCommit | None = None,
                      locale: str = "en") -> AfterCommit:
    """Print what waits in the terminal's queue now (see after_commit.print_queue)."""
    after = after or AfterCommit()
    outcome = await after_commit.print_queue(terminal, locale)
    after.printed += outcome.printed
    after.print_problems += outcome.problems
    return after
