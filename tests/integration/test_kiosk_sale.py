"""Selling at the kiosk through the ASGI app, with the simulated devices of the terminal."""

from __future__ import annotations

import asyncio
import re

import httpx

from app.auth.roles import Role
from app.catalog import rules
from app.catalog import services as catalog
from app.kiosk import after_commit, devices
from app.ledger import services as ledger
from app.ledger.accounts import DRAWER_CASH
from app.sales.tables import CardLoad, PaymentAttempt, PrintJob, Sale, Tender
from tests.fixtures import Browser, make_user
from tests.integration.test_kiosk_support import (
    HX,
    make_product,
    selling_counter,
    terminal_row,
)


def _key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html)
    assert match, "the checkout form carries an idempotency key"
    return match.group(1)


async def _add(browser: Browser, product_id: int, **extra: str) -> httpx.Response:
    response = await browser.post_form("/kiosk/cart/add", {"product_id": str(product_id),
                                                           **extra}, headers=HX)
    assert response.status_code == 200, response.text
    return response


async def _sale_id(response: httpx.Response) -> int:
    target = response.headers.get("hx-redirect") or response.headers.get("location", "")
    match = re.search(r"/kiosk/sale/(\d+)", target)
    assert match, (response.status_code, response.headers, response.text[:500])
    return int(match.group(1))


async def _wait_card(browser: Browser, html: str, seconds: float = 15) -> httpx.Response:
    reference = re.search(r"/kiosk/pay/card/([A-Za-z0-9-]+)", html)
    assert reference, html
    for _ in range(int(seconds / 0.2)):
        response = await browser.get(f"/kiosk/pay/card/{reference.group(1)}", headers=HX)
        if 'data-testid="card-apply"' in response.text:  # the answer is in: htmx POSTs it
            response = await browser.post_form(f"/kiosk/pay/card/{reference.group(1)}",
                                               headers=HX)
        if "hx-redirect" in response.headers or 'data-testid="card-outcome"' in response.text:
            return response
        await asyncio.sleep(0.2)
    raise AssertionError("the card payment never finished")


async def test_cash_sale_with_change_prints_after_commit(browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, scrip)
    panel = await _add(browser, book)
    assert "$35.00" in panel.text
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    key = _key(cash.text)
    assert 'name="tendered" value="$40.00"' in cash.text and "Exact $35.00" in cash.text
    done = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": key,
                                                       "tendered": "40"}, headers=HX)
    sale_id = await _sale_id(done)
    sale = await Sale.select().where(Sale.id == sale_id).first()
    assert sale["total_cents"] == 3_500 and sale["change_cents"] == 500
    tender = await Tender.select().where(Tender.sale == sale_id).first()
    assert tender["tendered_cents"] == 4_000 and tender["amount_cents"] == 3_500
    shift_cash = (await ledger.shift_balances(sale["shift"]))[DRAWER_CASH]
    assert shift_cash == 10_000 + 3_500
    await after_commit.drain()  # the receipt prints apart from the paying request
    job = await PrintJob.select().where(PrintJob.sale == sale_id).first()
    assert job["status"] == "printed"
    printed = devices.printed_receipts(await terminal_row(counter))
    assert any("35.00" in r["text"] for r in printed)
    page = await browser.get(f"/kiosk/sale/{sale_id}")
    assert "Change due" in page.text and "$5.00" in page.text
    # a double click (same form, same key) returns the first sale, never a second one
    again = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": key,
                                                        "tendered": "40"}, headers=HX)
    assert await _sale_id(again) == sale_id
    assert await Sale.count().where(Sale.clerk == clerk.id) == 1
    # the cart is empty for the next customer
    assert "Cart is empty" in (await browser.get("/kiosk")).text


async def test_cash_short_of_the_total_is_refused_in_the_form(browser: Browser) -> None:
    counter, clerk = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    response = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": _key(cash.text),
                                                           "tendered": "5"}, headers=HX)
    assert response.status_code == 200 and "less than the $10.00" in response.text
    assert not await Sale.exists().where(Sale.clerk == clerk.id)


async def test_scan_adds_by_barcode_and_unknown_codes_say_so(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    barcode = f"99{counter.terminal_id:010d}"
    await make_product(counter.admin, rules.TAXI_SCRIP, 1_000, barcode=barcode)
    panel = await browser.post_form("/kiosk/cart/scan", {"code": barcode}, headers=HX)
    assert panel.status_code == 200 and "$10.00" in panel.text
    unknown = await browser.post_form("/kiosk/cart/scan", {"code": "nothing-like-this"},
                                      headers=HX)
    assert unknown.headers.get("hx-retarget") == "#alerts"
    assert "Nothing matches" in unknown.text


async def test_card_sale_follows_the_terminal(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, book)
    started = await browser.post_form("/kiosk/pay/card", {"amount": "25.00"}, headers=HX)
    assert started.status_code == 200 and 'data-testid="card-prompt"' in started.text
    finished = await _wait_card(browser, started.text)
    sale_id = await _sale_id(finished)
    tender = await Tender.select().where(Tender.sale == sale_id).first()
    assert tender["kind"] == "card" and tender["card_last4"] and tender["amount_cents"] == 2_500
    attempt = await PaymentAttempt.select().where(PaymentAttempt.sale == sale_id).first()
    assert attempt["status"] == "approved"


async def test_declined_card_then_cash(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    devices.control(terminal, "terminal", "decline")
    try:
        book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
        await _add(browser, book)
        started = await browser.post_form("/kiosk/pay/card", {"amount": "25.00"}, headers=HX)
        outcome = await _wait_card(browser, started.text)
        assert "Declined" in outcome.text and "Nothing was charged" in outcome.text
    finally:
        devices.control(terminal, "terminal", "approve")
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    done = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": _key(cash.text),
                                                       "tendered": "25"}, headers=HX)
    sale_id = await _sale_id(done)
    kinds = [t["kind"] for t in await Tender.select().where(Tender.sale == sale_id)]
    assert kinds == ["cash"]


async def test_split_tender_check_then_card_then_cash(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, book)
    await _add(browser, book)  # $50
    check = await browser.get("/kiosk/tender/check", headers=HX)
    part = await browser.post_form("/kiosk/pay/check", {
        "idempotency_key": _key(check.text), "amount": "20", "check_number": "1042"}, headers=HX)
    assert "Still to pay" in part.text and "$30.00" in part.text
    started = await browser.post_form("/kiosk/pay/card", {"amount": "10"}, headers=HX)
    outcome = await _wait_card(browser, started.text)
    assert "Approved" in outcome.text and "$20.00" in outcome.text
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    done = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": _key(cash.text),
                                                       "tendered": "20"}, headers=HX)
    sale_id = await _sale_id(done)
    tenders = {t["kind"]: t["amount_cents"] for t in
               await Tender.select().where(Tender.sale == sale_id)}
    assert tenders == {"check": 2_000, "card": 1_000, "cash": 2_000}


async def test_pass_loaded_onto_the_card_that_was_read(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    serial = devices.present_card(terminal, serial=f"SIM{counter.terminal_id:08d}")
    day_pass = await make_product(counter.admin, rules.DAY_PASS, 500)
    refused = await browser.post_form("/kiosk/cart/add", {"product_id": str(day_pass)},
                                      headers=HX)
    assert "goes onto a fare card: read the customer" in refused.text
    read = await browser.post_form("/kiosk/card/read", headers=HX)
    assert serial in read.text and "$12.50" in read.text
    await _add(browser, day_pass)
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    done = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": _key(cash.text),
                                                       "tendered": "5"}, headers=HX)
    sale_id = await _sale_id(done)
    load = await CardLoad.select().where(CardLoad.card_serial == serial).first()
    assert load["status"] == "written"
    card = await devices.read_card(terminal)
    assert any(p["code"] == load["product_code"] for p in card["products"])
    page = await browser.get(f"/kiosk/sale/{sale_id}")
    assert "on the card" in page.text


async def test_card_removed_during_write_leaves_the_load_pending_with_retry(
        browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    devices.present_card(terminal, serial=f"RM{counter.terminal_id:08d}")
    sv = await make_product(counter.admin, rules.STORED_VALUE, None, min_cents=500,
                            max_cents=30_000, balance_cap_cents=40_000)
    await browser.post_form("/kiosk/card/read", headers=HX)
    await _add(browser, sv, value="20")
    devices.control(terminal, "cardreader", "remove_during_write")
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    done = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": _key(cash.text),
                                                       "tendered": "20"}, headers=HX)
    sale_id = await _sale_id(done)
    page = await browser.get(f"/kiosk/sale/{sale_id}")
    assert "not written" in page.text and "Retry writing the card" in page.text
    devices.present_card(terminal, serial=f"RM{counter.terminal_id:08d}")
    retried = await browser.post_form(f"/kiosk/sale/{sale_id}/loads/retry")
    assert retried.status_code == 303
    assert "on the card" in (await browser.get(f"/kiosk/sale/{sale_id}")).text
    assert (await devices.read_card(terminal))["stored_value_cents"] == 1_250 + 2_000


async def test_printer_offline_keeps_the_sale_and_queues_the_receipt(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    devices.control(terminal, "printer", "offline")
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    done = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": _key(cash.text),
                                                       "tendered": "10"}, headers=HX)
    sale_id = await _sale_id(done)
    assert await Sale.exists().where(Sale.id == sale_id)
    await after_commit.drain()
    job = await PrintJob.select().where(PrintJob.sale == sale_id).first()
    assert job["status"] == "failed"
    page = await browser.get(f"/kiosk/sale/{sale_id}")
    assert "did not print" in page.text and "Retry printing" in page.text
    status = await browser.get("/kiosk/status", headers=HX)
    assert "Printer: offline" in status.text
    devices.control(terminal, "printer", "normal")
    await browser.post_form("/kiosk/print/retry", {"back": f"/kiosk/sale/{sale_id}"})
    await after_commit.drain()
    job = await PrintJob.select().where(PrintJob.sale == sale_id).first()
    assert job["status"] == "printed"
    assert "D U P L I C A T E" not in devices.printed_receipts(terminal)[0]["text"]  # the original
    await browser.post_form(f"/kiosk/sale/{sale_id}/reprint")
    await after_commit.drain()
    assert "D U P L I C A T E" in devices.printed_receipts(terminal)[0]["text"]  # a copy
    jobs = await PrintJob.select().where(PrintJob.sale == sale_id)
    assert len(jobs) == 2 and all(j["status"] == "printed" for j in jobs)


async def test_status_bar_speaks_clerk_words(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    devices.control(terminal, "printer", "paper_low")
    try:
        status = await browser.get("/kiosk/status", headers=HX)
        assert "Printer: paper low" in status.text and "dev-warn" in status.text
        assert "Card terminal: ready" in status.text
    finally:
        devices.control(terminal, "printer", "normal")


async def test_admin_simulator_panel_and_printed_receipts(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    admin_browser = browser
    await admin_browser.sign_in(counter.admin.username)
    page = await admin_browser.get(f"/admin/terminals/{counter.terminal_id}")
    assert 'data-testid="sim-panel"' in page.text and "Decline the next cards" in page.text
    response = await admin_browser.post_form(f"/admin/terminals/{counter.terminal_id}/sim",
                                             {"device": "printer", "mode": "paper_out"})
    assert response.status_code == 303
    statuses = await devices.statuses(await terminal_row(counter))
    assert any(s.words == "out of paper" for s in statuses)
    await admin_browser.post_form(f"/admin/terminals/{counter.terminal_id}/sim",
                                  {"device": "printer", "mode": "normal"})
    receipts = await admin_browser.get(f"/admin/terminals/{counter.terminal_id}/receipts")
    assert receipts.status_code == 200
    card = await admin_browser.post_form(f"/admin/terminals/{counter.terminal_id}/sim/card",
                                         {"fare_category": "reduced", "balance": "3.00"})
    assert card.status_code == 303
    assert (await devices.read_card(await terminal_row(counter)))["fare_category"] == "reduced"
    lead = await make_user(Role.LEAD, (counter.org.section_id,))
    assert lead.role is Role.LEAD


async def test_customer_display_mirrors_the_cart(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    await _add(browser, scrip)
    # the simulated display reads its serial line in its own thread: give it a moment
    assert await _display_shows(terminal, "taxi_scrip", "Total $20.00")
    await browser.post_form("/kiosk/cart/clear", headers=HX)
    assert await _display_shows(terminal, "Welcome", "")


async def _display_shows(terminal: dict, first: str, second: str) -> bool:  # type: ignore[type-arg]
    for _ in range(40):
        line1, line2 = devices.display_text(terminal)
        if line1.startswith(first) and second in line2:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_reloading_during_a_card_payment_follows_it_again(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    await _add(browser, book)
    started = await browser.post_form("/kiosk/pay/card", {"amount": "25"}, headers=HX)
    reference = re.search(r"/kiosk/pay/card/([A-Za-z0-9-]+)", started.text).group(1)  # type: ignore[union-attr]
    page = await browser.get("/kiosk")
    assert f'hx-get="/kiosk/pay/card/{reference}"' in page.text
    await _wait_card(browser, started.text)


async def test_grid_search_quantities_value_dialog_and_receipts(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    sv = await make_product(counter.admin, rules.STORED_VALUE, None, min_cents=500,
                            max_cents=30_000, balance_cap_cents=40_000)
    grid = await browser.get("/kiosk/products?kind=taxi_scrip", headers=HX)
    assert f'name="product_id" value="{scrip}"' in grid.text
    assert f'value="{sv}"' not in grid.text  # only the chosen kind
    name = (await catalog.get_product(scrip))["name"]  # unique: other tests add taxi scrip too
    found = await browser.get("/kiosk/search", params={"code": name}, headers=HX)
    assert f'"product_id": "{scrip}"' in found.text
    value = await browser.get(f"/kiosk/cart/value/{sv}", headers=HX)
    assert 'data-testid="value-modal"' in value.text and "$5.00" in value.text
    await _add(browser, scrip)
    more = await browser.post_form("/kiosk/cart/qty", {"index": "0", "quantity": "3"},
                                   headers=HX)
    assert "$30.00" in more.text
    none = await browser.post_form("/kiosk/cart/qty", {"index": "0", "quantity": "0"},
                                   headers=HX)
    assert "Cart is empty" in none.text
    split = await browser.get("/kiosk/tender/split", headers=HX)
    assert split.status_code == 200 and "The cart is empty." in split.text  # nothing to pay
    await _add(browser, scrip)
    assert 'data-testid="split-modal"' in (await browser.get("/kiosk/tender/split",
                                                               headers=HX)).text
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    sale_id = await _sale_id(await browser.post_form(
        "/kiosk/pay/cash", {"idempotency_key": _key(cash.text), "tendered": "10"}, headers=HX))
    receipts = await browser.get("/kiosk/receipts")
    assert receipts.status_code == 200 and f"/kiosk/sale/{sale_id}" in receipts.text


async def test_another_terminals_sale_is_not_shown(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    sale_id = await _sale_id(await browser.post_form(
        "/kiosk/pay/cash", {"idempotency_key": _key(cash.text), "tendered": "10"}, headers=HX))
    other = Browser(transport=browser._transport, base_url="http://testserver")  # type: ignore[attr-defined]
    async with other:
        await selling_counter(other)
        response = await other.get(f"/kiosk/sale/{sale_id}")
        assert response.status_code == 404 and "another counter" in response.text
