"""Issue 9 items 4 and 5: a customer is rung up once, by the clerk whose drawer takes the money.

Reproduced on the old main: a reused key answered with the first sale while the current cart
was emptied; a resent check form refused ("A check pays between $0.01 and $0.00"); the cart
emptied in a statement after the sale's commit (a crash between them let the same items be sold
twice); cash taken while the card payment for the same cart was still at the terminal; receipt
counters and payment outcomes rewritable by hand; a lead signing in at a locked kiosk selling
into the clerk's drawer; an old cart silently carried into the next customer's sale.
"""

from __future__ import annotations

import re

import pytest

from app import sql
from app.auth.roles import Role
from app.catalog import rules
from app.kiosk import cart_store as carts
from app.kiosk import devices
from app.sales.idempotency import KeyReused
from app.sales.recording import complete_sale
from app.sales.tables import PaymentAttempt, Sale
from tests.fixtures import PIN, Browser, make_user
from tests.integration.test_kiosk_sale import _add, _key, _sale_id, _wait_card
from tests.integration.test_kiosk_support import (
    HX,
    make_product,
    selling_counter,
    terminal_row,
)
from tests.integration.test_sales_support import cash, key, line, make_shop


async def _sales(terminal_id: int) -> int:
    return await Sale.count().where(Sale.terminal == terminal_id)


async def _pay_cash(browser: Browser, key_: str, tendered: str):  # type: ignore[no-untyped-def]
    return await browser.post_form("/kiosk/pay/cash", {"idempotency_key": key_,
                                                       "tendered": tendered}, headers=HX)


async def test_a_key_already_used_for_another_cart_is_refused_and_the_cart_kept(
        browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, scrip)
    form_key = _key((await browser.get("/kiosk/tender/cash", headers=HX)).text)
    first = await _sale_id(await _pay_cash(browser, form_key, "10"))
    await _add(browser, book)  # the next customer
    reused = await _pay_cash(browser, form_key, "25")
    assert "already used for receipt" in reused.text and "other items" in reused.text
    assert await _sales(counter.terminal_id) == 1
    panel = await browser.get("/kiosk/cart", headers=HX)
    assert "$25.00" in panel.text  # the next customer's cart is still there
    second = await _sale_id(await _pay_cash(
        browser, _key((await browser.get("/kiosk/tender/cash", headers=HX)).text), "25"))
    assert second != first


async def test_a_key_used_at_another_terminal_is_refused() -> None:
    one, two = await make_shop(), await make_shop()
    k = key()
    await complete_sale(one.clerk, terminal_id=one.terminal_id, idempotency_key=k,
                        lines=[line(one.scrip)], tenders=[cash(500)])
    with pytest.raises(KeyReused, match="already used at counter"):
        await complete_sale(two.clerk, terminal_id=two.terminal_id, idempotency_key=k,
                            lines=[line(two.scrip)], tenders=[cash(500)])
    assert await _sales(two.terminal_id) == 0


async def test_resending_a_check_form_returns_the_recorded_sale(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, book)
    form = {"idempotency_key": _key((await browser.get("/kiosk/tender/check", headers=HX)).text),
            "amount": "25", "check_number": "1042"}
    first = await _sale_id(await browser.post_form("/kiosk/pay/check", form, headers=HX))
    again = await browser.post_form("/kiosk/pay/check", form, headers=HX)
    assert await _sale_id(again) == first
    assert await _sales(counter.terminal_id) == 1


async def test_the_cart_ends_in_the_sales_own_transaction(browser: Browser) -> None:
    """The kiosk dies right after the commit (no answer, no after-commit step): the cart is
    already empty, the screen says the last cart was sold, and paying again sells nothing."""
    counter, clerk = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    row = await sql.fetch_one("SELECT id FROM kiosk_cart WHERE terminal = {}",
                              counter.terminal_id)
    at = type("At", (), {"terminal_id": counter.terminal_id, "clerk": clerk})()
    state = await carts.load(at)  # type: ignore[arg-type]
    assert state.row_id == row["id"] and state.lines
    sold = await complete_sale(
        clerk, terminal_id=counter.terminal_id, idempotency_key=key(),
        lines=state.cart_lines(), tenders=[cash(1_000)], finish=carts.end_in_sale(state),
        **state.card_facts())
    page = await browser.get("/kiosk")  # the kiosk reloads
    assert "Cart is empty" in page.text and 'data-testid="last-sale"' in page.text
    assert f"/kiosk/sale/{sold.sale_id}" in page.text
    retry = await _pay_cash(browser, carts.new_key(), "10")  # a new form, the old items
    assert "empty" in retry.text
    assert await _sales(counter.terminal_id) == 1


async def test_a_cart_changed_while_it_was_paid_rolls_the_sale_back(browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    at = type("At", (), {"terminal_id": counter.terminal_id, "clerk": clerk})()
    state = await carts.load(at)  # type: ignore[arg-type]
    await _add(browser, scrip)  # another screen adds a second one meanwhile
    with pytest.raises(Exception, match="cart changed"):
        await complete_sale(
            clerk, terminal_id=counter.terminal_id, idempotency_key=key(),
            lines=state.cart_lines(), tenders=[cash(1_000)], finish=carts.end_in_sale(state))
    assert await _sales(counter.terminal_id) == 0
    assert "$20.00" in (await browser.get("/kiosk/cart", headers=HX)).text


async def test_no_cash_completes_a_sale_while_its_card_payment_is_at_the_terminal(
        browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, book)
    devices.control(terminal, "terminal", "slow")
    try:
        started = await browser.post_form("/kiosk/pay/card", {"amount": "25"}, headers=HX)
        cash_key = _key((await browser.get("/kiosk/tender/cash", headers=HX)).text)
        refused = await _pay_cash(browser, cash_key, "25")
        assert "still running on the payment terminal" in refused.text
        assert await _sales(counter.terminal_id) == 0
        paid = await _wait_card(browser, started.text, seconds=30)
    finally:
        devices.control(terminal, "terminal", "approve")
    sale_id = await _sale_id(paid)  # the card paid it, once
    attempt = await PaymentAttempt.select().where(PaymentAttempt.sale == sale_id).first()
    assert attempt["amount_cents"] == 2_500 and await _sales(counter.terminal_id) == 1


async def test_receipt_counters_and_final_card_outcomes_cannot_be_rewritten() -> None:
    shop = await make_shop()
    await complete_sale(shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
                        lines=[line(shop.scrip)], tenders=[cash(500)])
    for statement in ("UPDATE receipt_counter SET last_number = 0 WHERE terminal = {}",
                      "UPDATE receipt_counter SET last_number = last_number + 5 WHERE terminal = {}",
                      "DELETE FROM receipt_counter WHERE terminal = {}"):
        with pytest.raises(Exception, match="receipt_counter"):
            await sql.execute(statement, shop.terminal_id)
    from tests.integration.test_sales_support import approved_card

    reference = await approved_card(shop, 700)
    for statement in ("UPDATE payment_attempt SET status = 'declined' WHERE reference = {}",
                      "UPDATE payment_attempt SET amount_cents = 1 WHERE reference = {}",
                      "UPDATE payment_attempt SET card_last4 = '0000' WHERE reference = {}",
                      "DELETE FROM payment_attempt WHERE reference = {}"):
        with pytest.raises(Exception, match="payment_attempt"):
            await sql.execute(statement, reference)
    row = await PaymentAttempt.select().where(PaymentAttempt.reference == reference).first()
    assert (row["status"], row["amount_cents"], row["card_last4"]) == ("approved", 700, "4242")


# --- item 5: the cart belongs to one clerk's session and one customer ----------------------


async def test_a_lead_signing_in_at_a_locked_kiosk_does_not_sell_into_the_clerks_drawer(
        browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    await browser.post_form("/kiosk/lock")
    lead = await make_user(Role.LEAD, (counter.org.section_id,))
    signed = await browser.post_form("/kiosk/sign-in", {"login": lead.username, "pin": PIN})
    assert signed.status_code == 303
    refused = await browser.post_form("/kiosk/cart/add", {"product_id": str(scrip)}, headers=HX)
    assert "Selling needs your own open shift" in refused.text
    card = await browser.post_form("/kiosk/pay/card", {"amount": "10"}, headers=HX)
    assert "$10.00" not in card.text or "Selling needs" in card.text
    assert await _sales(counter.terminal_id) == 0
    assert await PaymentAttempt.count().where(PaymentAttempt.clerk == lead.id) == 0
    assert clerk.id != lead.id


async def test_a_kept_cart_is_confirmed_or_cleared_before_the_next_item(
        browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    await browser.post_form("/kiosk/lock")
    unlocked = await browser.post_form("/kiosk/unlock", {"pin": PIN})
    assert unlocked.status_code == 303
    panel = await browser.get("/kiosk/cart", headers=HX)
    assert 'data-testid="kept-cart"' in panel.text and "minute" in panel.text
    refused = await browser.post_form("/kiosk/cart/add", {"product_id": str(scrip)}, headers=HX)
    assert "Keep for this customer" in refused.text
    cash_key = _key((await browser.get("/kiosk/tender/cash", headers=HX)).text)
    assert "Keep for this customer" in (await _pay_cash(browser, cash_key, "10")).text
    assert await _sales(counter.terminal_id) == 0
    kept = await browser.post_form("/kiosk/cart/keep", headers=HX)
    assert 'data-testid="kept-cart"' not in kept.text
    await _add(browser, scrip)
    assert "$20.00" in (await browser.get("/kiosk/cart", headers=HX)).text
    # a cleared cart is nobody's: the next customer starts clean
    await browser.post_form("/kiosk/lock")
    await browser.post_form("/kiosk/unlock", {"pin": PIN})
    cleared = await browser.post_form("/kiosk/cart/clear", headers=HX)
    assert "Cart is empty" in cleared.text and 'data-testid="kept-cart"' not in cleared.text
    await _add(browser, scrip)
    assert re.search(r"\$10\.00", (await browser.get("/kiosk/cart", headers=HX)).text)
    assert clerk.role is Role.CLERK
