"""Voids, refunds (with the supervisor override modal) and unclear card outcomes at the kiosk."""

from __future__ import annotations

import re

from app.auth.roles import Role
from app.catalog import rules
from app.drawers import services as drawers
from app.kiosk import devices
from app.ledger import services as ledger
from app.ledger.accounts import DRAWER_CASH
from app.sales.tables import PaymentAttempt, Sale, Tender
from tests.fixtures import PIN, Browser, make_user
from tests.integration.test_kiosk_sale import _add, _key, _sale_id, _wait_card
from tests.integration.test_kiosk_support import HX, make_product, selling_counter, terminal_row


async def _cash_sale(browser: Browser, product_id: int, times: int, tendered: str) -> int:
    for _ in range(times):
        await _add(browser, product_id)
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    done = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": _key(cash.text),
                                                       "tendered": tendered}, headers=HX)
    return await _sale_id(done)


async def test_refund_above_the_threshold_needs_a_supervisor_pin(browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    sale_id = await _cash_sale(browser, book, 2, "50")
    sale = await Sale.select().where(Sale.id == sale_id).first()
    found = await browser.get(f"/kiosk/refund?code={sale['receipt_number']}")
    assert found.status_code == 200 and 'data-testid="refund-sale"' in found.text
    line_id = re.search(r'name="line_(\d+)"', found.text).group(1)  # type: ignore[union-attr]
    key = _key(found.text)
    form = {"idempotency_key": key, f"line_{line_id}": "1", "reason": "customer_changed_mind"}
    asked = await browser.post_form(f"/kiosk/refund/{sale_id}", form)
    assert asked.status_code == 200 and 'data-testid="override-modal"' in asked.text
    assert "needs a" in asked.text and "supervisor" in asked.text
    assert not await Sale.exists().where(Sale.original == sale_id)
    supervisor = await make_user(Role.SUPERVISOR, (counter.org.section_id,))
    wrong = await browser.post_form(f"/kiosk/refund/{sale_id}", {
        **form, "override_login": supervisor.username, "override_pin": "0000"})
    assert 'data-testid="override-modal"' in wrong.text and "do not match" in wrong.text
    done = await browser.post_form(f"/kiosk/refund/{sale_id}", {
        **form, "override_login": supervisor.username, "override_pin": PIN})
    refund_id = await _sale_id(done)
    refund = await Sale.select().where(Sale.id == refund_id).first()
    assert refund["kind"] == "refund" and refund["override_by"] == supervisor.id
    assert refund["clerk"] == clerk.id and abs(refund["total_cents"]) == 2_500
    page = await browser.get(f"/kiosk/sale/{refund_id}")
    assert "Give back in cash from the drawer" in page.text and "$25.00" in page.text
    balance = (await ledger.shift_balances(refund["shift"]))[DRAWER_CASH]
    assert balance == 10_000 + 5_000 - 2_500


async def test_small_refund_needs_no_override(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    sale_id = await _cash_sale(browser, scrip, 1, "10")
    sale = await Sale.select().where(Sale.id == sale_id).first()
    found = await browser.get(f"/kiosk/refund?code={sale['receipt_number']}")
    line_id = re.search(r'name="line_(\d+)"', found.text).group(1)  # type: ignore[union-attr]
    done = await browser.post_form(f"/kiosk/refund/{sale_id}", {
        "idempotency_key": _key(found.text), f"line_{line_id}": "1", "reason": "overcharge"})
    refund = await Sale.select().where(Sale.id == await _sale_id(done)).first()
    assert refund["override_by"] is None


async def test_unknown_receipt_says_so(browser: Browser) -> None:
    await selling_counter(browser)
    page = await browser.get("/kiosk/refund?code=999999")
    assert "No sale with receipt" in page.text


async def test_void_a_card_sale_refunds_on_the_terminal(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    started = await browser.post_form("/kiosk/pay/card", {"amount": "10"}, headers=HX)
    sale_id = await _sale_id(await _wait_card(browser, started.text))
    sale = await Sale.select().where(Sale.id == sale_id).first()
    found = await browser.get(f"/kiosk/refund?code={sale['receipt_number']}")
    assert "Void the whole sale" in found.text
    key = re.findall(r'name="idempotency_key" value="([0-9a-f]+)"', found.text)[-1]
    done = await browser.post_form(f"/kiosk/void/{sale_id}", {"idempotency_key": key,
                                                              "reason": "keyed_in_error"})
    void_id = await _sale_id(done)
    tender = await Tender.select().where(Tender.sale == void_id).first()
    assert tender["kind"] == "card" and tender["amount_cents"] == -1_000
    refund_attempt = await PaymentAttempt.select().where(
        (PaymentAttempt.kind == "refund") & (PaymentAttempt.sale == void_id)).first()
    assert refund_attempt["status"] == "approved"


async def test_no_void_when_the_drawer_lacks_the_cash_and_the_card_is_not_refunded(
        browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 1_500)  # a void needs no PIN
    await _add(browser, book)
    started = await browser.post_form("/kiosk/pay/card", {"amount": "10"}, headers=HX)
    assert "Approved" in (await _wait_card(browser, started.text)).text
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    sale_id = await _sale_id(await browser.post_form(
        "/kiosk/pay/cash", {"idempotency_key": _key(cash.text), "tendered": "5"}, headers=HX))
    sale = await Sale.select().where(Sale.id == sale_id).first()
    witness = await make_user(Role.LEAD, (counter.org.section_id,))
    await drawers.cash_movement(clerk, shift_id=sale["shift"], kind="safe_drop",
                                amount_cents=10_000 + 1, reason="", witness=witness)
    found = await browser.get(f"/kiosk/refund?code={sale['receipt_number']}")
    key = re.findall(r'name="idempotency_key" value="([0-9a-f]+)"', found.text)[-1]
    card_refunds = await PaymentAttempt.count().where(PaymentAttempt.kind == "refund")
    refused = await browser.post_form(f"/kiosk/void/{sale_id}", {"idempotency_key": key,
                                                                "reason": "keyed_in_error"})
    assert refused.status_code == 200
    assert "$5.00 is more than this drawer should hold" in refused.text
    assert "$4.99" not in refused.text  # the drawer's expected cash is never shown
    assert not await Sale.exists().where(Sale.original == sale_id)
    assert await PaymentAttempt.count().where(PaymentAttempt.kind == "refund") == card_refunds


async def test_lost_terminal_reply_goes_to_the_supervisor_list(browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    terminal = await terminal_row(counter)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, book)
    devices.control(terminal, "terminal", "timeout")
    try:
        # the sim terminal stops answering; the adapter gives up and reports unknown_outcome
        pad = devices.device_set(terminal).terminal.device
        pad.response_timeout = 1.0  # keep the test short
        pad.transaction_timeout = 2.0
        started = await browser.post_form("/kiosk/pay/card", {"amount": "25"}, headers=HX)
        outcome = await _wait_card(browser, started.text, seconds=30)
    finally:
        devices.control(terminal, "terminal", "approve")
    assert "Outcome unknown" in outcome.text and "Do not charge the card again" in outcome.text
    again = await browser.post_form("/kiosk/pay/card", {"amount": "25"}, headers=HX)
    assert "no clear outcome yet" in again.text  # never a blind second charge
    listing = await browser.get("/kiosk/card-outcomes")
    assert "Outcome unknown" in listing.text
    reference = re.search(r'/kiosk/card-outcomes/([A-Za-z0-9-]+)', listing.text).group(1)  # type: ignore[union-attr]
    supervisor = await make_user(Role.SUPERVISOR, (counter.org.section_id,))
    settled = await browser.post_form(f"/kiosk/card-outcomes/{reference}", {
        "outcome": "declined", "note": "not on the processor report",
        "override_login": supervisor.username, "override_pin": PIN})
    assert settled.status_code == 303
    attempt = await PaymentAttempt.select().where(PaymentAttempt.reference == reference).first()
    assert attempt["status"] == "settled_declined" and attempt["resolved_by"] == supervisor.id
    assert attempt["clerk"] == clerk.id


async def test_clerk_cancels_a_card_payment_on_the_terminal(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    devices.control(terminal, "terminal", "slow")  # the customer takes their time
    try:
        book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
        await _add(browser, book)
        started = await browser.post_form("/kiosk/pay/card", {"amount": "25"}, headers=HX)
        reference = re.search(r"/kiosk/pay/card/([A-Za-z0-9-]+)",
                              started.text).group(1)  # type: ignore[union-attr]
        await browser.post_form(f"/kiosk/pay/card/{reference}/cancel", headers=HX)
        outcome = await _wait_card(browser, started.text)
    finally:
        devices.control(terminal, "terminal", "approve")
    assert "Cancelled" in outcome.text and "nothing was charged" in outcome.text
    attempt = await PaymentAttempt.select().where(PaymentAttempt.reference == reference).first()
    assert attempt["status"] == "cancelled"
    panel = await browser.get("/kiosk/cart", headers=HX)
    assert "Still to pay" not in panel.text  # nothing collected; the cart can change again


async def test_refund_of_stored_value_takes_the_value_off_the_card(browser: Browser) -> None:
    """The sales service queues a negative load; after the refund commits the kiosk writes it to
    the card and confirms by read-back."""
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    serial = devices.present_card(terminal, serial=f"SV{counter.terminal_id:08d}",
                                  stored_value_cents=500)
    sv = await make_product(counter.admin, rules.STORED_VALUE, None, min_cents=500,
                            max_cents=30_000, balance_cap_cents=40_000)
    await browser.post_form("/kiosk/card/read", headers=HX)
    await _add(browser, sv, value="15")
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    sale_id = await _sale_id(await browser.post_form(
        "/kiosk/pay/cash", {"idempotency_key": _key(cash.text), "tendered": "15"}, headers=HX))
    assert (await devices.read_card(terminal))["stored_value_cents"] == 2_000
    sale = await Sale.select().where(Sale.id == sale_id).first()
    found = await browser.get(f"/kiosk/refund?code={sale['receipt_number']}")
    line_id = re.search(r'name="line_(\d+)"', found.text).group(1)  # type: ignore[union-attr]
    done = await browser.post_form(f"/kiosk/refund/{sale_id}", {
        "idempotency_key": _key(found.text), f"line_{line_id}": "1",
        "reason": "customer_changed_mind"})
    refund_id = await _sale_id(done)
    card = await devices.read_card(terminal)
    assert card["serial"] == serial and card["stored_value_cents"] == 500
    page = await browser.get(f"/kiosk/sale/{refund_id}")
    assert "not written" not in page.text


async def test_customer_leaves_after_paying_part_the_money_goes_back(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, book)
    check = await browser.get("/kiosk/tender/check", headers=HX)
    await browser.post_form("/kiosk/pay/check", {
        "idempotency_key": _key(check.text), "amount": "5", "check_number": "31"}, headers=HX)
    started = await browser.post_form("/kiosk/pay/card", {"amount": "10"}, headers=HX)
    outcome = await _wait_card(browser, started.text)
    assert "Approved" in outcome.text
    reference = re.search(r"/kiosk/pay/card/([A-Za-z0-9-]+)",
                          started.text).group(1)  # type: ignore[union-attr]
    cleared = await browser.post_form("/kiosk/cart/clear", headers=HX)
    assert "already paid" in cleared.text  # frozen while money is collected
    refunded = await browser.post_form("/kiosk/cart/tender/1/give-back", headers=HX)
    assert "$10.00 refunded to the card" in refunded.text
    attempt = await PaymentAttempt.select().where(PaymentAttempt.reference == reference).first()
    assert attempt["status"] == "refunded"
    handed = await browser.post_form("/kiosk/cart/tender/0/give-back", headers=HX)
    assert "Give the check ($5.00) back" in handed.text
    assert "Still to pay" not in handed.text
    assert "Cart is empty" in (await browser.post_form("/kiosk/cart/clear", headers=HX)).text
    assert not await Sale.exists().where(Sale.terminal == counter.terminal_id)


async def test_unclear_payment_settled_as_charged_pays_for_the_waiting_sale(
        browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    terminal = await terminal_row(counter)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, book)
    devices.control(terminal, "terminal", "timeout")
    try:
        pad = devices.device_set(terminal).terminal.device
        pad.response_timeout, pad.transaction_timeout = 1.0, 2.0
        started = await browser.post_form("/kiosk/pay/card", {"amount": "25"}, headers=HX)
        assert "Outcome unknown" in (await _wait_card(browser, started.text, seconds=30)).text
    finally:
        devices.control(terminal, "terminal", "approve")
    reference = re.search(r"/kiosk/pay/card/([A-Za-z0-9-]+)",
                          started.text).group(1)  # type: ignore[union-attr]
    supervisor = await make_user(Role.SUPERVISOR, (counter.org.section_id,))
    settled = await browser.post_form(f"/kiosk/card-outcomes/{reference}", {
        "outcome": "approved", "note": "on the processor report, auth 123",
        "override_login": supervisor.username, "override_pin": PIN})
    assert settled.status_code == 303
    listing = await browser.get("/kiosk/card-outcomes")
    assert "Charged, not used for a sale yet" in listing.text
    used = await browser.post_form(f"/kiosk/card-outcomes/{reference}/use")
    assert used.status_code == 303
    panel = await browser.get("/kiosk/cart", headers=HX)
    assert 'data-testid="finish-sale"' in panel.text
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', panel.text).group(1)  # type: ignore[union-attr]
    done = await browser.post_form("/kiosk/pay/finish", {"idempotency_key": key}, headers=HX)
    sale_id = await _sale_id(done)
    attempt = await PaymentAttempt.select().where(PaymentAttempt.reference == reference).first()
    assert attempt["sale"] == sale_id and attempt["clerk"] == clerk.id
    tender = await Tender.select().where(Tender.sale == sale_id).first()
    assert tender["kind"] == "card" and tender["amount_cents"] == 2_500
