"""Card outcomes the terminal could not resolve: listed for a supervisor to settle at the kiosk.

Settling states what really happened (checked on the processor's report): charged or not
charged. Never a blind second charge. A clerk at the kiosk asks a supervisor, who enters their
PIN in the form; a supervisor signed in at the kiosk settles as themselves.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from app.auth.errors import SignInFailed
from app.errors import DomainError
from app.kiosk import bank_card_payment
from app.kiosk import cart_store as carts
from app.kiosk.context import AtKiosk, ClerkAtKiosk
from app.kiosk.override import second_person
from app.kiosk.screens import frame
from app.kiosk.web import kiosk_page, kiosk_router, to_kiosk
from app.sales import bank_card_payments as bank_cards
from app.web.render import form_data, text


async def _page(request: Request, at: AtKiosk, **extra: Any) -> Template:
    from app.drawers.services import shift_in_use_for_terminal

    listed = await bank_cards.unresolved_card_outcomes([int(at.terminal["location"])])
    in_cart = {t.get("payment_reference") for t in (await carts.load(at)).tenders}
    # a charge of this terminal that pays for nothing: use it for the sale or refund it
    unused = [a for a in await bank_card_payment.unused_charges(at.terminal_id)
              if a["reference"] not in in_cart]
    unused_refs = {a["reference"] for a in unused}
    outcomes = [o for o in listed if o["reference"] not in unused_refs]
    return kiosk_page(request, "kiosk/card_outcomes.html", {
        **await frame(at, await shift_in_use_for_terminal(at.terminal_id)),
        "outcomes": outcomes, "unused": unused, "error": "", "errors": {}, "reference": "",
        **extra})


@get("/kiosk/card-outcomes", name="kiosk.card_outcomes")
async def outcomes(request: Request, at: ClerkAtKiosk) -> Template:
    return await _page(request, at)


@post("/kiosk/card-outcomes/{reference:str}", name="kiosk.card_outcomes.settle")
async def settle(request: Request, at: ClerkAtKiosk, reference: FromPath[str]) -> Response:
    form = await form_data(request)
    try:
        supervisor = await second_person(form, "override", at.clerk.origin, at.clerk) or at.clerk
        await bank_cards.settle_card_outcome(supervisor, reference[:40], text(form, "outcome", 12),
                                             text(form, "note", 200))
    except (DomainError, SignInFailed) as exc:
        return await _page(request, at, error=exc.message, errors=exc.field_errors,
                           reference=reference)
    return to_kiosk(request, "/kiosk/card-outcomes")


@post("/kiosk/card-outcomes/{reference:str}/refund", name="kiosk.card_outcomes.refund")
async def refund_charge(request: Request, at: ClerkAtKiosk, reference: FromPath[str]) -> Response:
    """An approved charge that paid for nothing goes back to the card through the terminal."""
    try:
        await bank_card_payment.refund_unused(at.clerk, at.terminal, reference[:40])
    except DomainError as exc:
        return await _page(request, at, error=exc.message, reference=reference)
    return to_kiosk(request, "/kiosk/card-outcomes")


@post("/kiosk/card-outcomes/{reference:str}/use", name="kiosk.card_outcomes.use")
async def use_charge(request: Request, at: ClerkAtKiosk, reference: FromPath[str]) -> Response:
    """Use a charge that was taken (settled as charged) for the sale on this clerk's cart."""
    attempt = await bank_cards.get_attempt(reference[:40])
    if int(attempt["terminal"]) != at.terminal_id or attempt["status"] not in bank_cards.USABLE_STATUSES:
        return await _page(request, at, error="That card payment cannot pay for a sale here.")
    state = await carts.load(at)
    try:
        await bank_card_payment.use_for_sale(state, attempt)
    except DomainError as exc:
        return await _page(request, at, error=exc.message)
    return to_kiosk(request, "/kiosk")


ROUTES = [kiosk_router([outcomes, settle, refund_charge, use_charge])]
