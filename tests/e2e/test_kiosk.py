"""The counter kiosk in headless Chromium, against the simulated devices of the live server.

Each test registers its own terminal and clerk (a terminal takes one open shift, a clerk one
drawer), enrols the browser as that terminal, and works the counter like a clerk: open the
shift, sell, take the money, handle a device fault, refund, close. Screenshots at 1024×768 go
to FAREDESK_SHOTS_DIR (default /tmp/shots).
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, sign_in

pytestmark = pytest.mark.e2e
# Card payments and device round trips take seconds on a loaded CI machine.
expect.set_options(timeout=15_000)

SHOTS = Path(os.environ.get("FAREDESK_SHOTS_DIR", "/tmp/shots"))
CLERK_PIN = "5791"
_numbers = itertools.count(1)


@dataclass
class Counter:
    terminal_id: int
    code: str
    clerk: str


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"kiosk-{name}.png"))


def _new_clerk(live_server: LiveServer) -> str:
    username = f"e2eclerk{next(_numbers)}{secrets.token_hex(2)}"
    live_server.cli("create-user", "--username", username, "--full-name",
                    f"Erin {username[-4:].upper()} Clerk", "--role", "clerk", "--section", "CSC",
                    FAREDESK_NEW_USER_PASSWORD="clerk-password-123",
                    FAREDESK_NEW_USER_PIN=CLERK_PIN)
    return username


def open_counter(page: Page, live_server: LiveServer, float_twenties: int = 5) -> Counter:
    """Admin registers a terminal at Central and enrols this browser; a new clerk opens a shift."""
    page.set_viewport_size({"width": 1024, "height": 768})
    clerk = _new_clerk(live_server)
    code = f"E{next(_numbers)}{secrets.token_hex(2).upper()}"
    sign_in(page, "admin")
    page.goto("/admin/terminals/new")
    page.fill("#f-code", code)
    page.fill("#f-name", f"E2E counter {code}")
    page.select_option("#f-location_id", label="Central Station Customer Service Center")
    with page.expect_navigation():
        page.click("[data-testid=terminal-form] button[type=submit]")
    terminal_id = int(re.search(r"/admin/terminals/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    with page.expect_navigation():
        page.click("[data-testid=enrol]")
    page.goto("/kiosk")
    page.fill("[data-testid=login]", clerk)
    page.fill("[data-testid=pin]", CLERK_PIN)
    page.click("[data-testid=sign-in]")
    expect(page.locator("[data-testid=shift-open]")).to_be_visible()
    page.fill("[data-testid=count-2000]", str(float_twenties))
    page.click("[data-testid=open-shift]")
    expect(page.locator("[data-testid=sell]")).to_be_visible()
    return Counter(terminal_id, code, clerk)


@contextmanager
def back_office(page: Page) -> Iterator[Page]:
    """The administrator in a browser of their own (enrolment signed them out of the counter)."""
    browser = page.context.browser
    assert browser is not None
    admin = browser.new_context(base_url=page.url.split("/kiosk")[0])
    try:
        office = admin.new_page()
        sign_in(office, "admin")
        yield office
    finally:
        admin.close()


def simulate(page: Page, counter: Counter, device: str, mode: str) -> None:
    """Inject a device fault from the admin page, then come back to the counter."""
    with back_office(page) as office:
        office.goto(f"/admin/terminals/{counter.terminal_id}")
        with office.expect_navigation():
            office.click(f"[data-testid=sim-{device}-{mode}]")
    page.goto("/kiosk")
    expect(page.locator("[data-testid=sell]")).to_be_visible()


def settled(page: Page) -> None:
    """htmx has loaded and finished every request and swap (new buttons are wired up)."""
    page.wait_for_load_state("load")
    busy = page.locator(  # the status bar's background poll does not count
        ":is(.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added)"
        ":not(#device-status, #device-status *)")
    expect(busy).to_have_count(0)
    page.wait_for_timeout(60)


def tap(page: Page, product_code: str) -> None:
    settled(page)
    before = page.inner_text("[data-testid=total]")
    page.locator(f"[data-testid^=product-{product_code}]").first.click()
    expect(page.locator("[data-testid=total]")).not_to_have_text(before)
    settled(page)


def key(page: Page, name: str) -> None:
    """A keyboard shortcut, as the clerk presses it."""
    settled(page)
    page.keyboard.press(name)


def pay_cash(page: Page, quick: str | None = None, amount: str | None = None) -> None:
    """Cash: a quick-cash button (or F4 again: exact) finishes the sale in one touch; another
    amount is typed and taken."""
    key(page, "F4")
    expect(page.locator("[data-testid=cash-modal]")).to_be_visible()
    settled(page)
    if quick == "exact":
        key(page, "F4")  # F4 again in the cash dialog: the exact amount, and the sale is done
    elif quick:
        page.click(f"[data-testid=cash-{quick}]")
    else:
        page.fill("[data-testid=tendered]", amount or "")
        page.click("[data-testid=take-cash]")
    expect(page.locator("[data-testid=sale-done]")).to_be_visible()


def test_cash_sale_with_change(page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server)
    tap(page, "TAXI-SCRIP")
    tap(page, "TB-10")
    expect(page.locator("[data-testid=total]")).to_contain_text("$35.00")
    shot(page, "01-cart")
    key(page, "F4")
    expect(page.locator("[data-testid=cash-50]")).to_be_visible()
    shot(page, "02-cash")
    page.click("[data-testid=cash-50]")  # what the customer hands over: one touch finishes
    expect(page.locator("[data-testid=change-due]")).to_have_text("$15.00")
    expect(page.locator("[data-testid=printed]")).to_be_visible()
    shot(page, "03-change-due")
    page.click("[data-testid=next-customer]")
    expect(page.locator("[data-testid=cart]")).to_contain_text("Cart is empty")


def test_card_sale(page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server)
    tap(page, "TB-10")
    key(page, "F8")
    expect(page.locator("[data-testid=card-prompt]")).to_be_visible()
    shot(page, "04-card-prompt")
    expect(page.locator("[data-testid=sale-done]")).to_be_visible(timeout=20_000)
    expect(page.locator("[data-testid=sale-done]")).to_contain_text("Card VISA ••4242")
    expect(page.locator("[data-testid=change-due]")).to_have_text("No change due.")
    shot(page, "05-card-done")


def test_declined_card_then_cash(page: Page, live_server: LiveServer) -> None:
    counter = open_counter(page, live_server)
    simulate(page, counter, "terminal", "decline")
    tap(page, "TAXI-SCRIP")
    settled(page)
    page.click("[data-testid=pay-card]")
    expect(page.locator("[data-testid=card-outcome]")).to_have_text("Declined", timeout=20_000)
    expect(page.locator("[data-testid=card-modal]")).to_contain_text("Nothing was charged")
    shot(page, "06-declined")
    settled(page)
    page.click("[data-testid=card-continue]")
    expect(page.locator("[data-testid=card-modal]")).to_have_count(0)
    pay_cash(page, amount="10")
    expect(page.locator("[data-testid=sale-done]")).to_contain_text("Cash")
    expect(page.locator("[data-testid=sale-done]")).not_to_contain_text("Card VISA")
    simulate(page, counter, "terminal", "approve")


def test_split_tender_check_and_card(page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server)
    tap(page, "TB-10")
    tap(page, "TB-10")
    key(page, "F9")
    expect(page.locator("[data-testid=check-modal]")).to_be_visible()
    settled(page)
    page.fill("[data-testid=check-amount]", "20")
    page.fill("[data-testid=check-number]", "7731")
    page.click("[data-testid=take-check]")
    settled(page)
    expect(page.locator("[data-testid=remaining]")).to_have_text("$30.00")
    shot(page, "07-split-check-taken")
    settled(page)
    page.click("[data-testid=pay-card]")
    expect(page.locator("[data-testid=sale-done]")).to_be_visible(timeout=20_000)
    done = page.locator("[data-testid=sale-done]")
    expect(done).to_contain_text("Check #7731")
    expect(done).to_contain_text("Card VISA ••4242")
    expect(page.locator("[data-testid=sale-total]")).to_have_text("$50.00")


def test_pass_loaded_onto_a_card_that_was_read(page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server)
    key(page, "F6")
    expect(page.locator("[data-testid=card-balance]")).to_have_text("$12.50")
    expect(page.locator("[data-testid=card-category]")).to_have_text("adult")
    tap(page, "MP-ADULT-")
    expect(page.locator("[data-testid=cart]")).to_contain_text("card 04A1B2C3D4E5F6")
    shot(page, "08-pass-on-card")
    pay_cash(page, quick="exact")
    expect(page.locator("[data-testid=load-status]")).to_contain_text("on the card")
    shot(page, "09-pass-written")
    page.click("[data-testid=next-customer]")
    key(page, "F6")
    expect(page.locator("[data-testid=card-products]")).to_contain_text("Monthly pass")  # words
    expect(page.locator("[data-testid=card-products]")).not_to_contain_text("MP-ADULT")  # not codes


def test_printer_offline_during_a_sale_then_reprint(page: Page, live_server: LiveServer) -> None:
    counter = open_counter(page, live_server)
    simulate(page, counter, "printer", "offline")
    expect(page.locator("[data-testid=dev-printer]")).to_contain_text("offline", timeout=10_000)
    tap(page, "TAXI-SCRIP")
    pay_cash(page, quick="20")
    status = page.locator("[data-testid=print-status]")
    expect(status).to_contain_text("did not print")
    expect(status).to_contain_text("The sale is recorded")
    shot(page, "10-printer-offline")
    sale_url = page.url
    simulate(page, counter, "printer", "normal")
    page.goto(sale_url)
    page.click("[data-testid=retry-print]")
    expect(page.locator("[data-testid=printed]")).to_be_visible()
    page.click("[data-testid=reprint]")
    expect(page.locator("[data-testid=printed]")).to_contain_text("duplicate copy")
    with back_office(page) as office:
        office.goto(f"/admin/terminals/{counter.terminal_id}/receipts")
        expect(office.locator("[data-testid=sim-receipt]").first).to_contain_text("D U P L I C A T E")


def test_refund_with_supervisor_override(page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server)
    tap(page, "TB-10")
    pay_cash(page, quick="exact")
    receipt = page.inner_text("[data-testid=receipt-code]")
    page.click("[data-testid=nav-refund]")
    page.fill("[data-testid=receipt-lookup]", receipt)
    page.click("[data-testid=find-sale]")
    page.fill("[data-testid=refund-qty-1]", "1")
    page.select_option("[data-testid=refund-reason]", "duplicate_purchase")
    page.click("[data-testid=refund-submit]")
    expect(page.locator("[data-testid=override-modal]")).to_be_visible()
    shot(page, "11-override")
    page.fill("[data-testid=override-login]", "supervisor")
    page.fill("[data-testid=override-pin]", "8642")
    page.click("[data-testid=approve]")
    expect(page.locator("[data-testid=give-back]")).to_have_text("$25.00")
    expect(page.locator("[data-testid=sale-done]")).to_contain_text("Approved by Sam Supervisor")
    shot(page, "12-refund-done")


def test_blind_close_with_a_shortage(page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server, float_twenties=5)  # $100 float
    tap(page, "TAXI-SCRIP")
    pay_cash(page, quick="exact")  # +$10 cash: the drawer should hold $110
    page.click("[data-testid=next-customer]")
    page.click("[data-testid=nav-close]")
    expect(page.locator("[data-testid=shift-close]")).not_to_contain_text("$110")
    page.fill("[data-testid=count-2000]", "5")
    page.fill("[data-testid=count-500]", "1")  # $105 counted
    expect(page.locator("[data-count-output]")).to_have_text("$105.00")
    shot(page, "13-blind-count")
    page.click("[data-testid=submit-count]")
    expect(page.locator("[data-testid=confirm-dialog]")).to_contain_text("cannot be changed")
    page.click("[data-testid=confirm-go]")
    expect(page.locator("[data-testid=over-short]")).to_have_text("Short by $5.00.")
    expect(page.locator("[data-testid=cash-over-short]")).to_have_text("-$5.00")
    shot(page, "14-short")


def test_drawer_movements_and_lock_keep_the_cart(page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server)
    page.click("[data-testid=nav-paid-in]")
    page.fill("[data-testid=amount]", "5")
    page.fill("[data-testid=reason]", "coins from the safe")
    page.click("[data-testid=record-movement]")
    expect(page.locator("#alerts")).to_contain_text("Paid in recorded.")
    page.click("[data-testid=nav-safe-drop]")
    page.fill("[data-testid=amount]", "40")
    page.fill("[data-testid=witness-login]", "lead")
    page.fill("[data-testid=witness-pin]", "1357")
    shot(page, "15-safe-drop")
    page.click("[data-testid=record-movement]")
    expect(page.locator("#alerts")).to_contain_text("Safe drop recorded.")
    tap(page, "TAXI-SCRIP")
    key(page, "F12")  # lock: the cart stays on the server
    expect(page.locator("[data-testid=kiosk-locked]")).to_be_visible()
    shot(page, "16-locked")
    page.fill("[data-testid=pin]", CLERK_PIN)
    page.click("[data-testid=unlock]")
    expect(page.locator("[data-testid=cart]")).to_contain_text("Taxi scrip")
    expect(page.locator("[data-testid=total]")).to_contain_text("$10.00")
