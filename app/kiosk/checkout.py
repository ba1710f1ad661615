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
from app.kiosk import cart as carts
from app.kiosk import devices
from app.kiosk.context import AtKiosk
from app.sales import printing
from app.sales import services as sales
from app.sales.cart import CASH, CHECK, CartLine, TenderInput

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
                   override: Principal | None = None) -> tuple[sales.SaleResult, AfterCommit]:
    """Record the sale (tenders collected so far + the final one), then run the devices."""
    tenders = state.collected_tenders() + ([final_tender] if final_tender else [])
    lines, card = state.cart_lines(), state.card_facts()
    result = await sales.complete_sale(
        at.clerk, terminal_id=at.terminal_id, idempotency_key=idempotency_key,
        lines=lines, tenders=tenders, override=override, **card)
    await carts.reset_after_sale(state)
    after = AfterCommit()
    if result.created:
        after = await after_sale(at.terminal, result.sale_id, actor=at.clerk,
                                 cash=any(t.kind == CASH for t in tenders),
                                 change_cents=result.change_cents, total_cents=result.total_cents,
                                 card_loads=_names_a_card(lines, card["card_serial"]),
                                 locale=at.customer_language)
    return result, after


def _names_a_card(lines: list[CartLine], card_serial: str | None) -> bool:
    """Whether the sale can have fare-card loads: complete_sale queues one only for a line
    with a card serial (its own or the sale's), so without any there is nothing to write."""
    return any((serial or "").strip() for serial in
               [card_serial, *(line.card_serial for line in lines)])


async def pay_cash(at: AtKiosk, state: carts.CartState, *, tendered_cents: int,
                   idempotency_key: str) -> tuple[sales.SaleResult, AfterCommit]:
    """Cash covers what is still to pay (change is given back) and completes the sale."""
    if tendered_cents < state.remaining_cents:
        raise ValidationFailed(
            f"Cash handed over is less than the {money(state.remaining_cents)} still to pay. "
            "Count it again, or take the rest another way.")
    return await complete(at, state, idempotency_key=idempotency_key,
                          final_tender=TenderInput(kind=CASH, amount_cents=tendered_cents))


async def take_check(at: AtKiosk, state: carts.CartState, *, amount_cents: int,
                     check_number: str, idempotency_key: str
                     ) -> tuple[sales.SaleResult, AfterCommit] | None:
    """A check pays part (kept on the cart: None) or the rest (the sale completes)."""
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
    """Drawer, fare card, receipt, display. card_loads=False: the sale has no fare-card loads
    (the caller knows), so they are not looked up. The receipt and the display speak the
    customer's language (`locale`)."""
    after = AfterCommit()
    if cash:
        after.drawer = await devices.kick_drawer(terminal)
    if card_loads:
        await write_loads(terminal, sale_id, actor, after)
    await print_queue(terminal, after, locale)
    await devices.show(terminal, *receipt_i18n.display_thanks(locale, change_cents, total_cents))
    return after


async def write_loads(terminal: dict[str, Any], sale_id: int, actor: Principal,
                      after: AfterCommit) -> None:
    """Write each pending load to the fare card; confirmed by read-back, else left pending."""
    for load in await printing.pending_card_loads(sale_id):
        try:
            await devices.write_load(terminal, load)
        except Exception as exc:
            message = devices.clerk_message(exc)
            await printing.mark_card_load_failed(int(load["id"]), message, actor=actor)
            after.load_problems.append(f"{load['description']}: {message}")
            continue
        await printing.mark_card_load_written(int(load["id"]), actor=actor)
        after.loads_written += 1


def to_receipt(data: printing.ReceiptData, locale: str = "en") -> Any:
    """The sales service's receipt data as hardware's Receipt (in the customer's language)."""
    from hardware.receipt import Receipt, ReceiptLine, ReceiptTender

    return Receipt(
        agency_name=data.agency_name, agency_lines=list(data.agency_lines),
        location_name=data.location_name, terminal_name=data.terminal_name,
        clerk_name=data.clerk_name, receipt_number=data.receipt_number,
        issued_at=data.issued_at,
        lines=[ReceiptLine(description=line.description, quantity=line.quantity,
                           unit_cents=line.unit_cents, amount_cents=line.amount_cents,
                           detail=getattr(line, "detail", None)) for line in data.lines],
        subtotal_cents=data.subtotal_cents, total_cents=data.total_cents,
        tenders=[ReceiptTender(kind=t.kind, amount_cents=t.amount_cents, brand=t.brand,
                               last4=t.last4, auth_code=getattr(t, "auth_code", None))
                 for t in data.tenders],
        change_cents=data.change_cents, footer_lines=list(data.footer_lines),
        duplicate=data.duplicate, title=data.title,
        **receipt_i18n.hardware_options(locale, data.issued_at),
    )


async def print_queue(terminal: dict[str, Any], after: AfterCommit | None = None,
                      locale: str = "en") -> AfterCommit:
    """Print what waits in the terminal's queue, oldest first; stop at the first fault."""
    after = after or AfterCommit()
    for job in await printing.next_print_jobs(int(terminal["id"])):
        try:
            receipt = to_receipt(await printing.receipt_for(job, locale), locale)
            await devices.device_set(terminal).printer.print_receipt(receipt)
        except Exception as exc:
            if getattr(exc, "is_warning", False):  # printed, but the paper is running low
                await printing.mark_printed(int(job["id"]))
                after.printed += 1
                after.print_problems.append(devices.clerk_message(exc))
                continue
            message = devices.clerk_message(exc)
            await printing.mark_print_failed(int(job["id"]), message)
            after.print_problems.append(message)
            break
        await printing.mark_printed(int(job["id"]))
        after.printed += 1
    return after
