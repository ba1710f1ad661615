"""Kiosk selling: cart (add, scan, search, quantities), fare card, tenders, the done screen.

Thin: parse the form, call app.kiosk (cart, checkout, card_payment), pick the partial.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.catalog import services as catalog
from app.errors import DomainError, NotFound, ValidationFailed
from app.formatting import parse_count, parse_money
from app.kiosk import bank_card_payment, checkout, devices, receipts_view, selling
from app.kiosk import cart_store as carts
from app.kiosk.context import AtKiosk, ClerkAtKiosk, ClerkPolling
from app.kiosk.screens import frame, say_print_retried
from app.kiosk.web import is_htmx, kiosk_page, kiosk_partial, kiosk_router, to_kiosk
from app.sales import bank_card_payments as bank_cards
from app.sales.cart import CARD
from app.web.render import form_data, int_or_none, text


def _money(form: Any, name: str) -> int:
    raw = text(form, name, 20)
    try:
        return parse_money(raw)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field_errors={name: str(exc)}) from exc


# --- cart ---------------------------------------------------------------------------------

@get("/kiosk/cart", name="kiosk.cart")
async def cart_panel(request: Request, at: ClerkAtKiosk) -> Response:
    state = await carts.load(at)
    return await selling.cart_response(request, at, state)


@get("/kiosk/products", name="kiosk.products")
async def products(request: Request, at: ClerkAtKiosk, kind: FromQuery[str] = "") -> Response:
    if not is_htmx(request):
        return Redirect(path=f"/kiosk?kind={kind}")  # type: ignore[return-value]
    return kiosk_partial("kiosk/_grid.html", {"products": await selling.grid(kind)})


@get("/kiosk/search", name="kiosk.search")
async def search(request: Request, at: ClerkAtKiosk, code: FromQuery[str] = "") -> Template:
    found = await catalog.search_products(code[:64]) if len(code.strip()) >= 2 else []
    return kiosk_partial("kiosk/_search.html", {"found": found[:8]})


@post("/kiosk/cart/add", name="kiosk.cart.add")
async def add(request: Request, at: ClerkAtKiosk) -> Response:
    form = await form_data(request)
    _shift, state = await carts.load_for_selling(at)  # NoOpenShift: open a drawer first
    product_id = int_or_none(text(form, "product_id", 12)) or 0
    try:
        value = _money(form, "value") if text(form, "value", 20) else None
        added = await carts.add_product(
            at, state, product_id, value_cents=value,
            pass_month=selling.parse_month(text(form, "pass_month", 10)))
    except DomainError as exc:
        if "value" not in form or not is_htmx(request):
            raise
        # the amount dialog stays open with the reason; the line never entered the cart
        return kiosk_partial("kiosk/_value.html", {
            "product": await catalog.get_product(product_id), "error": exc.message,
            "value": text(form, "value", 20), "quick_loads": selling.QUICK_LOADS,
        }, headers={"HX-Retarget": "#modal", "HX-Reswap": "innerHTML"})
    await selling.mirror(at, state, added)
    response = await selling.cart_response(request, at, state)
    if is_htmx(request):
        response.headers["HX-Trigger-After-Swap"] = "kiosk:closeModal"
    return response


@post("/kiosk/cart/scan", name="kiosk.cart.scan")
async def scan(request: Request, at: ClerkAtKiosk) -> Response:
    """A barcode scanner types the code and Enter; a clerk may type a code or a name."""
    form = await form_data(request)
    code = text(form, "code", 64)
    _shift, state = await carts.load_for_selling(at)  # NoOpenShift: open a drawer first
    product = await catalog.find_product(code) if code else None
    if product is None:
        raise NotFound(f"Nothing matches “{code}”. Scan again, or tap the product.")
    if product["kind"] == "stored_value":
        raise ValidationFailed(f"{product['name']}: tap it to enter the amount to load.")
    month = None
    if product["kind"] == "monthly_pass":
        months = selling.sellable_pass_months(selling.business_date())
        month = months[0] if months else None
    added = await carts.add_product(at, state, int(product["id"]), pass_month=month,
                                    product=product)
    await selling.mirror(at, state, added)
    return await selling.cart_response(request, at, state)


@post("/kiosk/cart/qty", name="kiosk.cart.qty")
async def quantity(request: Request, at: ClerkAtKiosk) -> Response:
    form = await form_data(request)
    state = await carts.load(at)
    raw_qty = text(form, "quantity", 4)
    try:  # a plain whole number (the -/+ buttons send the new quantity; 0 removes the line)
        qty = parse_count(raw_qty, maximum=999)
    except ValueError:
        qty = 1
    await carts.set_quantity(state, int_or_none(text(form, "index", 4)) or 0, qty)
    await selling.mirror(at, state)
    return await selling.cart_response(request, at, state)


@post("/kiosk/cart/keep", name="kiosk.cart.keep")
async def keep(request: Request, at: ClerkAtKiosk) -> Response:
    """The kept cart (from before a lock or a sign-in) is this customer's: go on with it."""
    state = await carts.load(at)
    await carts.confirm_kept(state)
    return await selling.cart_response(request, at, state)


@post("/kiosk/cart/clear", name="kiosk.cart.clear")
async def clear(request: Request, at: ClerkAtKiosk) -> Response:
    state = await carts.load(at)
    await carts.clear(state)
    await selling.mirror(at, state)
    return await selling.cart_response(request, at, state)


@get("/kiosk/cart/value/{product_id:int}", name="kiosk.cart.value")
async def value_form(request: Request, at: ClerkAtKiosk, product_id: FromPath[int]) -> Template:
    product = await catalog.get_product(product_id)
    return kiosk_partial("kiosk/_value.html", {"product": product,
                                               "quick_loads": selling.QUICK_LOADS})


@post("/kiosk/card/read", name="kiosk.card.read")
async def read_card(request: Request, at: ClerkAtKiosk) -> Response:
    state = await carts.load(at)
    try:
        card = await devices.read_card(at.terminal)
    except Exception as exc:
        raise DomainError(devices.clerk_message(exc) + " Place the card on the reader and "
                          "press Read card again.") from exc
    await carts.attach_card(state, card)
    return await selling.cart_response(request, at, state,
                                       f"Card {card['serial']} read.")


# --- tenders ------------------------------------------------------------------------------

def _modal(template: str, state: carts.CartState, **extra: Any) -> Template:
    return kiosk_partial(template, {**selling.cart_context(state), **extra})


@get("/kiosk/tender/{kind:str}", name="kiosk.pay.form")
async def pay_form(request: Request, at: ClerkAtKiosk, kind: FromPath[str]) -> Template:
    if kind not in ("cash", "check", "split"):
        raise NotFound("No such tender.")
    state = await carts.load(at)
    if not state.lines:
        raise ValidationFailed("The cart is empty.")
    return _modal(f"kiosk/_pay_{kind}.html", state)


async def _done(request: Request, sale_id: int) -> Response:
    return to_kiosk(request, f"/kiosk/sale/{sale_id}")


@post("/kiosk/pay/cash", name="kiosk.pay.cash")
async def pay_cash(request: Request, at: ClerkAtKiosk) -> Response:
    form = await form_data(request)
    state = await carts.load(at)
    try:
        result, _after = await checkout.pay_cash(
            at, state, tendered_cents=_money(form, "tendered"),
            idempotency_key=text(form, "idempotency_key", 64))
    except ValidationFailed as exc:
        if not state.lines:  # nothing left to pay for: say why on the screen
            raise
        return _modal("kiosk/_pay_cash.html", state, error=exc.message,
                      tendered=text(form, "tendered", 20))
    return await _done(request, result.sale_id)


@post("/kiosk/pay/check", name="kiosk.pay.check")
async def pay_check(request: Request, at: ClerkAtKiosk) -> Response:
    form = await form_data(request)
    state = await carts.load(at)
    number = text(form, "check_number", 20)
    try:
        done = await checkout.take_check(at, state, amount_cents=_money(form, "amount"),
                                         check_number=number,
                                         idempotency_key=text(form, "idempotency_key", 64))
    except ValidationFailed as exc:
        return _modal("kiosk/_pay_check.html", state, error=exc.message,
                      amount=text(form, "amount", 20), check_number=number)
    if done is None:  # part paid by check: back to the cart for the rest
        response = await selling.cart_response(request, at, state,
                                               f"Check {number} taken. Take the rest.")
        if is_htmx(request):
            response.headers["HX-Retarget"] = "#cart-panel"
            response.headers["HX-Trigger-After-Swap"] = "kiosk:closeModal"
        return response
    return await _done(request, done[0].sale_id)


@post("/kiosk/pay/finish", name="kiosk.pay.finish")
async def pay_finish(request: Request, at: ClerkAtKiosk) -> Response:
    """The tenders already collected cover the total: record the sale."""
    form = await form_data(request)
    state = await carts.load(at)
    if state.lines and state.remaining_cents > 0:
        raise ValidationFailed("There is still something to pay; take another tender.")
    result, _after = await checkout.complete(at, state,
                                             idempotency_key=text(form, "idempotency_key", 64))
    return await _done(request, result.sale_id)


@post("/kiosk/pay/card", name="kiosk.pay.card")
async def pay_card(request: Request, at: ClerkAtKiosk) -> Response:
    form = await form_data(request)
    state = await carts.load(at)
    amount = _money(form, "amount")
    if amount <= 0 or amount > state.remaining_cents:
        raise ValidationFailed(f"A card pays between $0.01 and "
                               f"{selling.money(state.remaining_cents)} here.")
    if state.payment_reference:
        raise ValidationFailed("A card payment is already running on the terminal.")
    reference = await bank_card_payment.start(at.clerk, at.terminal, state, amount)
    return await _card_status(request, at, reference)


async def _card_attempt(at: AtKiosk, reference: str) -> dict[str, Any]:
    attempt = await bank_cards.get_attempt(reference[:40])
    if int(attempt["terminal"]) != at.terminal_id:
        raise NotFound("That card payment belongs to another terminal.")
    return attempt


def _answer_waiting(attempt: dict[str, Any], state: carts.CartState) -> bool:
    """The terminal has answered and the cart has not taken the answer yet (or the card has
    paid the whole cart, which is not recorded yet): a POST must apply it."""
    if attempt["status"] == bank_cards.PENDING:
        return False
    if state.payment_reference == attempt["reference"]:
        return True
    return (attempt["status"] in bank_cards.USABLE_STATUSES and bool(state.lines)
            and state.remaining_cents <= 0
            and any(t.get("payment_reference") == attempt["reference"] for t in state.tenders))


def _card_partial(attempt: dict[str, Any], state: carts.CartState) -> Template:
    return kiosk_partial("kiosk/_card_payment.html", {
        "attempt": attempt, "prompt": state.payment_prompt, "cart": state})


async def _card_status(request: Request, at: AtKiosk, reference: str) -> Response:
    """POST: apply the terminal's answer to the cart; when the card paid the whole cart the
    sale completes (its key comes from the payment, so a second POST returns the same sale)."""
    attempt = await _card_attempt(at, reference)
    if attempt["sale"] is not None:  # it paid a sale already (a second POST): that sale
        return await _done(request, int(attempt["sale"]))
    state = await carts.load(at)
    await carts.apply_card_answer(state, attempt)
    if attempt["status"] in bank_cards.USABLE_STATUSES and state.lines and state.remaining_cents <= 0:
        result, _after = await checkout.complete(
            at, state, idempotency_key=f"card-{attempt['reference']}")
        return await _done(request, result.sale_id)
    if not is_htmx(request):
        return to_kiosk(request)
    return _card_partial(attempt, state)


@get("/kiosk/pay/card/{reference:str}", name="kiosk.pay.card.status")
async def card_status(request: Request, poll: ClerkPolling, reference: FromPath[str]) -> Response:
    """The status poll: reads only. Once the terminal has answered, the partial carries a form
    that POSTs (htmx sends it at once) to take the answer onto the cart. GET changes nothing."""
    attempt = await _card_attempt(poll, reference)
    if attempt["sale"] is not None:  # it paid a sale already: show that sale
        return await _done(request, int(attempt["sale"]))
    state = await carts.load(poll)
    if _answer_waiting(attempt, state):
        return kiosk_partial("kiosk/_card_answer.html", {"attempt": attempt})
    return _card_partial(attempt, state)


@post("/kiosk/pay/card/{reference:str}", name="kiosk.pay.card.apply")
async def card_apply(request: Request, at: ClerkAtKiosk, reference: FromPath[str]) -> Response:
    return await _card_status(request, at, reference)


@post("/kiosk/pay/card/{reference:str}/cancel", name="kiosk.pay.card.cancel")
async def card_cancel(request: Request, at: ClerkAtKiosk, reference: FromPath[str]) -> Response:
    problem = await bank_card_payment.cancel(at.terminal)
    if problem:
        raise DomainError(problem + " Press Cancel on the payment terminal itself.")
    return await _card_status(request, at, reference)


@post("/kiosk/cart/tender/{index:int}/give-back", name="kiosk.cart.tender.give_back")
async def give_back(request: Request, at: ClerkAtKiosk, index: FromPath[int]) -> Response:
    """The customer will not finish: a collected check is handed back, a card charge refunded."""
    state = await carts.load(at)
    if not 0 <= index < len(state.tenders):
        raise ValidationFailed("That payment is no longer on the cart.")
    tender = state.tenders[index]
    if tender["kind"] == CARD:
        await bank_card_payment.refund_unused(at.clerk, at.terminal, tender["payment_reference"])
        message = f"{selling.money(int(tender['amount_cents']))} refunded to the card."
    else:
        message = f"Give the check ({selling.money(int(tender['amount_cents']))}) back."
    await carts.drop_tender(state, index)
    return await selling.cart_response(request, at, state, message)


# --- after the sale -----------------------------------------------------------------------

@get("/kiosk/sale/{sale_id:int}", name="kiosk.sale.done")
async def sale_done(request: Request, at: ClerkAtKiosk, sale_id: FromPath[int]) -> Template:
    view = await receipts_view.sale_view(at, sale_id)
    return kiosk_page(request, "kiosk/sale_done.html", {**await frame(at, await _shift_or_none(at)),
                                                       **view})


async def _shift_or_none(at: AtKiosk) -> dict[str, Any] | None:
    from app.drawers.services import shift_in_use_for_terminal

    return await shift_in_use_for_terminal(at.terminal_id)


@post("/kiosk/sale/{sale_id:int}/reprint", name="kiosk.sale.reprint")
async def reprint(request: Request, at: ClerkAtKiosk, sale_id: FromPath[int]) -> Response:
    await receipts_view.reprint(at, sale_id)
    return to_kiosk(request, f"/kiosk/sale/{sale_id}")


@post("/kiosk/print/retry", name="kiosk.print.retry")
async def retry_print(request: Request, at: ClerkAtKiosk) -> Response:
    form = await form_data(request)
    outcome = await receipts_view.retry(at)  # waits a moment for the printer, never long
    await say_print_retried(at, outcome)
    back = text(form, "back", 100)
    return to_kiosk(request, back if back.startswith("/kiosk") else "/kiosk/receipts")


@post("/kiosk/sale/{sale_id:int}/loads/retry", name="kiosk.sale.loads.retry")
async def retry_loads(request: Request, at: ClerkAtKiosk, sale_id: FromPath[int]) -> Response:
    await receipts_view.sale_view(at, sale_id)  # this terminal's sale
    after = checkout.AfterCommit()
    await checkout.write_loads(at.terminal, sale_id, at.clerk, after)
    return to_kiosk(request, f"/kiosk/sale/{sale_id}")


@get("/kiosk/receipts", name="kiosk.receipts")
async def receipts(request: Request, at: ClerkAtKiosk) -> Template:
    return kiosk_page(request, "kiosk/receipts.html", {
        **await frame(at, await _shift_or_none(at)),
        **await receipts_view.recent(at)})


ROUTES = [kiosk_router([cart_panel, products, search, add, scan, quantity, keep, clear,
                        value_form,
                        read_card, pay_form, pay_cash, pay_check, pay_finish, pay_card, card_status,
                        card_apply, card_cancel, give_back, sale_done, reprint, retry_print,
                        retry_loads, receipts])]
