"""Issue 9 item 1: nothing reaches the payment terminal before the operation is known to be valid.

Each test reproduces a hole found on the old main: a $1,000 load charged to the card and only
then refused, a youth product on an adult card refused only at payment, refunds that reached the
terminal before their reason, key, section, void reason or refundable amount was checked, and a
late approval from the terminal that no list showed.
"""

from __future__ import annotations

import json
import re

from app import sql
from app.auth.roles import Role
from app.catalog import rules
from app.catalog import services as catalog
from app.kiosk import devices
from app.sales import bank_card_payments as bank_cards
from app.sales.tables import PaymentAttempt, Sale, SaleLine
from tests.fixtures import Browser, unique
from tests.integration.test_kiosk_sale import _add, _sale_id, _wait_card
from tests.integration.test_kiosk_support import (
    HX,
    clerk_signs_in,
    enrol,
    make_counter,
    make_product,
    open_shift,
    selling_counter,
    terminal_row,
)


async def _attempts(terminal_id: int, kind: str = "sale") -> int:
    return await PaymentAttempt.count().where(
        (PaymentAttempt.terminal == terminal_id) & (PaymentAttempt.kind == kind))


async def _stored_value(admin) -> int:  # type: ignore[no-untyped-def]
    return await make_product(admin, rules.STORED_VALUE, None, min_cents=500,
                              max_cents=30_000, balance_cap_cents=40_000)


async def _cart_lines(terminal_id: int) -> list[dict]:  # type: ignore[type-arg]
    row = await sql.fetch_one("SELECT lines FROM kiosk_cart WHERE terminal = {}", terminal_id)
    return json.loads(row["lines"]) if row else []


async def test_a_load_above_the_maximum_never_enters_the_cart(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    devices.present_card(await terminal_row(counter), stored_value_cents=0)
    sv = await _stored_value(counter.admin)
    await browser.post_form("/kiosk/card/read", headers=HX)
    refused = await browser.post_form("/kiosk/cart/add", {"product_id": str(sv),
                                                          "value": "1000.00"}, headers=HX)
    assert refused.status_code == 200
    assert 'data-testid="value-modal"' in refused.text  # the message is in the add dialog
    assert "The largest load is $300.00" in refused.text
    assert await _cart_lines(counter.terminal_id) == []


async def test_a_reduced_fare_product_never_enters_the_cart_of_an_adult_card(
        browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    youth = unique("yth").lower()[:20]
    category = await catalog.save_category(counter.admin, catalog.CategoryForm(
        youth, f"Youth {youth}", reduced=True))
    youth_pass = await make_product(counter.admin, rules.DAY_PASS, 250,
                                    fare_category_id=category)
    devices.present_card(await terminal_row(counter), fare_category="ADULT")
    await browser.post_form("/kiosk/card/read", headers=HX)
    refused = await browser.post_form("/kiosk/cart/add", {"product_id": str(youth_pass)},
                                      headers=HX)
    assert "customers only" in refused.text
    assert await _cart_lines(counter.terminal_id) == []


async def test_the_whole_cart_is_checked_before_the_terminal_charges(browser: Browser) -> None:
    """A cart kept from before (its lines written when the rules were not checked) holds a
    $1,000.00 load: paying by card is refused and the terminal is never asked."""
    counter, _ = await selling_counter(browser)
    devices.present_card(await terminal_row(counter), stored_value_cents=0)
    sv = await _stored_value(counter.admin)
    await browser.post_form("/kiosk/card/read", headers=HX)
    await _add(browser, sv, value="20")
    lines = await _cart_lines(counter.terminal_id)
    lines[0].update(unit_cents=100_000, value_cents=100_000)
    await sql.execute("UPDATE kiosk_cart SET lines = {} WHERE terminal = {}",
                      json.dumps(lines), counter.terminal_id)
    refused = await browser.post_form("/kiosk/pay/card", {"amount": "1000"}, headers=HX)
    assert "The largest load is $300.00" in refused.text
    assert await _attempts(counter.terminal_id) == 0


async def _refund_form(browser: Browser, sale_id: int) -> tuple[str, str]:
    sale = await Sale.select().where(Sale.id == sale_id).first()
    found = await browser.get(f"/kiosk/refund?code={sale['receipt_number']}")
    line_id = re.search(r'name="line_(\d+)"', found.text).group(1)  # type: ignore[union-attr]
    key = re.findall(r'name="idempotency_key" value="([0-9a-f]+)"', found.text)[-1]
    return line_id, key


async def _card_sale(browser: Browser, product_id: int, amount: str) -> int:
    await _add(browser, product_id)
    started = await browser.post_form("/kiosk/pay/card", {"amount": amount}, headers=HX)
    return await _sale_id(await _wait_card(browser, started.text))


async def test_refunds_and_voids_are_checked_before_the_terminal_refunds(
        browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    sale_id = await _card_sale(browser, scrip, "10")
    line_id, key = await _refund_form(browser, sale_id)
    bad_forms = [
        {"idempotency_key": key, f"line_{line_id}": "1", "reason": ""},  # no reason
        {"idempotency_key": "", f"line_{line_id}": "1", "reason": "overcharge"},  # no key
        {"idempotency_key": key, f"line_{line_id}": "2", "reason": "overcharge"},  # 2 of 1
    ]
    for form in bad_forms:
        refused = await browser.post_form(f"/kiosk/refund/{sale_id}", form)
        assert refused.status_code in (200, 400), refused.text
    bogus_void = await browser.post_form(f"/kiosk/void/{sale_id}", {
        "idempotency_key": key, "reason": "because-i-say-so"})
    assert bogus_void.status_code in (200, 400)
    assert await _attempts(counter.terminal_id, "refund") == 0
    assert not await Sale.exists().where(Sale.original == sale_id)


async def test_a_clerk_of_another_section_cannot_refund_to_the_card(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    sale_id = await _card_sale(browser, scrip, "10")
    line = await SaleLine.select(SaleLine.id).where(SaleLine.sale == sale_id).first()
    # a second counter of another section; its clerk posts a refund for the first sale
    other = await make_counter()
    enrol(browser, other)
    await clerk_signs_in(browser, other)
    await open_shift(browser, d2000=5)
    refused = await browser.post_form(f"/kiosk/refund/{sale_id}", {
        "idempotency_key": "k" * 32, f"line_{line['id']}": "1", "reason": "overcharge"})
    assert refused.status_code in (200, 403, 404)
    assert await _attempts(other.terminal_id, "refund") == 0
    assert not await Sale.exists().where(Sale.original == sale_id)


async def test_a_retried_refund_form_never_refunds_the_card_twice(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    sale_id = await _card_sale(browser, scrip, "10")
    line_id, key = await _refund_form(browser, sale_id)
    form = {"idempotency_key": key, f"line_{line_id}": "1", "reason": "overcharge"}
    first = await _sale_id(await browser.post_form(f"/kiosk/refund/{sale_id}", form))
    again = await _sale_id(await browser.post_form(f"/kiosk/refund/{sale_id}", form))
    assert again == first
    assert await _attempts(counter.terminal_id, "refund") == 1


async def test_a_late_approval_is_listed_at_once_as_an_outcome_to_settle(
        browser: Browser) -> None:
    """The terminal answered 'cancelled', then (its late reply) 'approved': the approval is
    recorded at once as a card outcome to settle, never lost and never overwriting the first."""
    counter, clerk = await selling_counter(browser)
    reference = await bank_cards.begin_card_payment(clerk, terminal_id=counter.terminal_id,
                                                    amount_cents=2_500)
    await bank_cards.record_card_result(reference, "cancelled", actor=clerk)
    await bank_cards.record_card_result(reference, "approved", "VISA", "4242", "A1B2", "TX99",
                                        actor=clerk)
    first = await bank_cards.get_attempt(reference)
    assert first["status"] == "cancelled"
    outcomes = await bank_cards.unresolved_card_outcomes([counter.org.location_id])
    late = [o for o in outcomes if o["amount_cents"] == 2_500 and o["status"] == "approved"]
    assert len(late) == 1 and reference in late[0]["message"]
    listing = await browser.get("/kiosk/card-outcomes")
    assert late[0]["reference"] in listing.text


async def test_an_approved_charge_left_by_an_abandoned_cart_is_listed_at_once(
        browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, book)
    await _add(browser, book)
    started = await browser.post_form("/kiosk/pay/card", {"amount": "25"}, headers=HX)
    assert "Approved" in (await _wait_card(browser, started.text)).text
    reference = re.search(r"/kiosk/pay/card/([A-Za-z0-9-]+)",
                          started.text).group(1)  # type: ignore[union-attr]
    # while the charge is on the cart it is the sale in progress, not an outcome to settle
    held = await bank_cards.unresolved_card_outcomes([counter.org.location_id])
    assert reference not in {o["reference"] for o in held}
    # the clerk signs in again elsewhere; the cart row is dropped by hand (an abandoned cart)
    await sql.execute("UPDATE kiosk_cart SET tenders = '[]', lines = '[]' WHERE terminal = {}",
                      counter.terminal_id)
    listed = await bank_cards.unresolved_card_outcomes([counter.org.location_id])
    assert reference in {o["reference"] for o in listed}
    assert clerk.role is Role.CLERK


async def test_a_card_refund_says_the_money_went_to_the_card_not_to_hand_over(
        browser: Browser) -> None:
    """Issue 9 item 3: the done screen of a refund to a card said "Give back to the customer
    $25.00", telling the clerk to hand over cash as well."""
    counter, _ = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 1_500)
    sale_id = await _card_sale(browser, book, "15")
    line_id, key = await _refund_form(browser, sale_id)
    refund_id = await _sale_id(await browser.post_form(f"/kiosk/refund/{sale_id}", {
        "idempotency_key": key, f"line_{line_id}": "1", "reason": "overcharge"}))
    page = (await browser.get(f"/kiosk/sale/{refund_id}")).text
    assert "Give back" not in page and 'data-testid="give-back"' not in page
    assert 'data-testid="back-to-card"' in page and "nothing to hand over" in page
    assert "$15.00" in page


async def test_an_approved_card_refund_no_refund_records_is_to_settle() -> None:
    """The condition the day board and a shift's approval can count by: an approved card
    refund that no refund sale records is money out of the books, like an unused charge."""
    from tests.integration.test_sales_support import approved_card, make_shop

    shop = await make_shop()
    reference = await approved_card(shop, 900, kind="refund")
    count = await PaymentAttempt.count().where(
        (PaymentAttempt.shift == shop.shift_id) & bank_cards.to_settle_condition())
    assert count == 1
    listed = await bank_cards.unresolved_card_outcomes([shop.location_id])
    assert [(o["reference"], o["problem"]) for o in listed] == [
        (reference, "Refunded, no refund sale")]
