"""Issue 9 item 11, the property: for random carts, tenders and return attempts at a kiosk, the
card money the payment terminal moved always equals what the books show.

terminal's approved total (the simulator's own ledger: charges +, refunds −)
    == card tenders recorded in sales and refunds (refunds are negative)
     + card outcomes listed to settle (an approved charge +, an approved refund −)

Each example rings up a random cart (sometimes with an out-of-range load that must be refused
before any charge), pays part by card and the rest by cash or check (or the customer leaves and
the card part is given back), then tries a random void or refund, valid or not (no reason, a
bogus reason, more than was sold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from piccolo.query.functions.aggregate import Sum

from app.catalog import rules
from app.kiosk import devices
from app.sales import bank_card_payments as bank_cards
from app.sales.tables import Sale, Tender
from tests.fixtures import Browser
from tests.integration.test_kiosk_sale import _add, _key, _sale_id, _wait_card
from tests.integration.test_kiosk_support import (
    HX,
    Counter,
    make_product,
    selling_counter,
    terminal_row,
)

PROPERTY = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@dataclass
class Kiosk:
    counter: Counter
    terminal: dict[str, Any]
    products: dict[str, int]


KIOSKS: dict[int, Kiosk] = {}


async def the_kiosk(browser: Browser) -> Kiosk:
    """One signed-in kiosk with an open shift for all examples of the run."""
    if id(browser) not in KIOSKS:
        counter, _ = await selling_counter(browser)
        terminal = await terminal_row(counter)
        devices.present_card(terminal, stored_value_cents=0)
        products = {
            "scrip": await make_product(counter.admin, rules.TAXI_SCRIP, 500),
            "book": await make_product(counter.admin, rules.TICKET_BOOK, 2_250),
            "load": await make_product(counter.admin, rules.STORED_VALUE, None, min_cents=500,
                                       max_cents=30_000, balance_cap_cents=40_000),
        }
        KIOSKS[id(browser)] = Kiosk(counter, terminal, products)
    return KIOSKS[id(browser)]


def terminal_net(kiosk: Kiosk) -> int:
    sim = devices.device_set(kiosk.terminal).terminal.simulator
    return int(sim.charged_total())


async def books_net(kiosk: Kiosk) -> int:
    row = await Tender.select(Sum(Tender.amount_cents).as_alias("t")).where(
        (Tender.kind == "card") & (Tender.sale.terminal == kiosk.counter.terminal_id)).first()
    recorded = int(row["t"] or 0) if row else 0
    listed = 0
    for outcome in await bank_cards.unresolved_card_outcomes([kiosk.counter.org.location_id]):
        if outcome["terminal"] == kiosk.counter.terminal_id and \
                outcome["status"] in bank_cards.USABLE_STATUSES:
            listed += outcome["amount_cents"] * (1 if outcome["kind"] == "sale" else -1)
    return recorded + listed


async def pay_by_card(browser: Browser, cents: int) -> bool:
    started = await browser.post_form("/kiosk/pay/card", {"amount": f"{cents / 100:.2f}"},
                                      headers=HX)
    if "/kiosk/pay/card/" not in started.text:
        return False
    outcome = await _wait_card(browser, started.text)
    return "hx-redirect" in outcome.headers or "Approved" in outcome.text


async def finish(browser: Browser, how: str) -> int | None:
    """Pay what is still due (cash or check), or give every collected tender back."""
    panel = (await browser.get("/kiosk/cart", headers=HX)).text
    due = re.search(r'data-testid="remaining">\$([\d,]+\.\d\d)', panel)
    total = re.search(r'data-testid="total">.*?class="amount">\$([\d,]+\.\d\d)', panel, re.S)
    amount = (due or total)
    if how == "leave":
        while 'data-testid="give-back-0"' in panel:
            panel = (await browser.post_form("/kiosk/cart/tender/0/give-back", headers=HX)).text
        await browser.post_form("/kiosk/cart/clear", headers=HX)
        return None
    if 'data-testid="finish-sale"' in panel:
        done = await browser.post_form("/kiosk/pay/finish", {"idempotency_key": _key(panel)},
                                       headers=HX)
        return await _sale_id(done)
    assert amount, panel
    kind = "check" if how == "check" else "cash"
    form = (await browser.get(f"/kiosk/tender/{kind}", headers=HX)).text
    fields = {"idempotency_key": _key(form)}
    if kind == "check":
        fields.update(amount=amount.group(1), check_number="500")
    else:
        fields.update(tendered=amount.group(1))
    done = await browser.post_form(f"/kiosk/pay/{kind}", fields, headers=HX)
    return await _sale_id(done)


async def try_return(browser: Browser, sale_id: int, kind: str, reason: str, qty: int) -> None:
    sale = await Sale.select().where(Sale.id == sale_id).first()
    found = (await browser.get(f"/kiosk/refund?code={sale['receipt_number']}")).text
    form_key = re.findall(r'name="idempotency_key" value="([0-9a-f]+)"', found)[-1]
    if kind == "void":
        await browser.post_form(f"/kiosk/void/{sale_id}", {"idempotency_key": form_key,
                                                           "reason": reason})
        return
    line_id = re.search(r'name="line_(\d+)"', found)
    assert line_id, found
    await browser.post_form(f"/kiosk/refund/{sale_id}", {
        "idempotency_key": form_key, f"line_{line_id.group(1)}": str(qty), "reason": reason})


@PROPERTY
@given(lines=st.lists(st.tuples(st.sampled_from(["scrip", "book"]), st.integers(1, 2)),
                      min_size=1, max_size=3),
       bad_load=st.booleans(), card_pct=st.sampled_from([0, 40, 100]),
       how=st.sampled_from(["cash", "check", "leave"]),
       ret=st.sampled_from(["refund", "void", "none"]),
       reason=st.sampled_from(["overcharge", "keyed_in_error", "", "bogus"]),
       qty=st.sampled_from([1, 9]))
async def test_the_terminal_never_moves_card_money_the_books_do_not_show(
    browser: Browser, lines: list[tuple[str, int]], bad_load: bool, card_pct: int, how: str,
    ret: str, reason: str, qty: int,
) -> None:
    kiosk = await the_kiosk(browser)
    for name, times in lines:
        for _ in range(times):
            await _add(browser, kiosk.products[name])
    if bad_load:  # refused in the dialog: never on the cart, never charged
        await browser.post_form("/kiosk/card/read", headers=HX)
        refused = await browser.post_form("/kiosk/cart/add", {
            "product_id": str(kiosk.products["load"]), "value": "1000"}, headers=HX)
        assert "The largest load is $300.00" in refused.text
    total = sum({"scrip": 500, "book": 2_250}[n] * t for n, t in lines)
    card_part = total * card_pct // 100
    sale_id: int | None = None
    paid = bool(card_part) and await pay_by_card(browser, card_part)
    if paid and card_part == total:  # the card paid it all: the sale completed
        recent = await Sale.select(Sale.id).where(
            Sale.terminal == kiosk.counter.terminal_id).order_by(Sale.id, ascending=False).first()
        sale_id = int(recent["id"])
    if sale_id is None:
        sale_id = await finish(browser, how)
    if sale_id is not None and ret != "none":
        await try_return(browser, sale_id, ret, reason, qty)
    assert terminal_net(kiosk) == await books_net(kiosk)
