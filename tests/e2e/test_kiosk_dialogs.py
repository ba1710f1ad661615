"""Dialogs at the counter and in the back office, enrolment, and small things a clerk notices.

Focus moves into every dialog and back out; Esc closes; a wrong PIN puts the focus back on the
PIN; confirmations are in the page (a native confirm() would show as a Playwright "dialog"
event, which these tests count); an error answered while a dialog is open shows inside it.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.e2e.conftest import LiveServer, sign_in
from tests.e2e.test_kiosk import back_office, open_counter, settled, simulate, tap

pytestmark = pytest.mark.e2e
expect.set_options(timeout=15_000)


def no_native_dialogs(page: Page) -> list[str]:
    seen: list[str] = []

    def refuse(dialog: Dialog) -> None:
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    return seen


def test_dialogs_take_the_focus_give_it_back_and_show_their_errors(
        page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server)
    scan = page.locator("[data-testid=scan]")

    # Stored value without a card read: the refusal shows in the dialog, not dimmed behind it.
    settled(page)
    page.click("[data-testid=product-SV-LOAD]")
    modal = page.locator("[data-testid=value-modal]")
    expect(modal).to_be_visible()
    expect(page.locator("[data-testid=value-amount]")).to_be_focused()
    settled(page)
    page.click("[data-testid=value-quick-20]")
    expect(modal.locator("[role=alert]")).to_be_visible()
    expect(page.locator("#alerts [role=alert]")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(modal).to_have_count(0)
    expect(scan).to_be_focused()

    tap(page, "TB-10")
    # A shortcut from the scan box: focus goes into the dialog and comes back to the scan box.
    page.keyboard.press("F4")
    expect(page.locator("[data-testid=cash-modal]")).to_be_visible()
    expect(page.locator("[data-testid=tendered]")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid=cash-modal]")).to_have_count(0)
    expect(scan).to_be_focused()

    # From a button reached by keyboard: Tab stays inside the dialog; Esc returns to the button.
    settled(page)
    page.focus("[data-testid=pay-check]")
    page.keyboard.press("Enter")
    dialog = page.locator("[data-testid=check-modal]")
    expect(dialog).to_be_visible()
    expect(page.locator("[data-testid=check-number]")).to_be_focused()
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.querySelector('[data-testid=check-modal]').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator("[data-testid=pay-check]")).to_be_focused()


def test_confirmations_are_in_the_page_at_the_counter_and_in_the_back_office(
        page: Page, live_server: LiveServer) -> None:
    natives = no_native_dialogs(page)
    counter = open_counter(page, live_server)
    tap(page, "TB-10")
    page.click("[data-testid=pay-check]")
    page.fill("[data-testid=check-amount]", "10")
    page.fill("[data-testid=check-number]", "4242")
    page.click("[data-testid=take-check]")
    give_back = page.locator("[data-testid=give-back-0]")
    expect(give_back).to_be_visible()
    settled(page)
    give_back.click()
    confirm = page.locator("[data-testid=confirm-dialog]")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Hand the check back?")
    expect(page.locator("[data-testid=confirm-go]")).to_have_text("Give back")
    expect(page.locator("[data-testid=confirm-cancel]")).to_be_focused()
    page.keyboard.press("Escape")  # nothing happens: the check stays on the sale
    expect(confirm).to_be_hidden()
    expect(give_back).to_be_focused()
    expect(page.locator("[data-testid=collected]")).to_contain_text("check 4242")
    give_back.click()
    page.click("[data-testid=confirm-go]")
    expect(page.locator("#alerts")).to_contain_text("Give the check ($10.00) back.")
    expect(page.locator("[data-testid=collected]")).to_have_count(0)

    with back_office(page) as office:
        office_natives = no_native_dialogs(office)
        office.goto(f"/admin/terminals/{counter.terminal_id}")
        office.click("[data-testid=deactivate]")
        expect(office.locator("[data-testid=confirm-dialog]")).to_contain_text("Its kiosks stop working")
        office.click("[data-testid=confirm-cancel]")
        expect(office.locator("[data-testid=confirm-dialog]")).to_be_hidden()
        office.reload()
        expect(office.locator("[data-testid=deactivate]")).to_be_visible()  # still active
        assert office_natives == []
    assert natives == []


def test_a_wrong_pin_puts_the_focus_back_on_the_pin(page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server)
    page.click("[data-testid=nav-safe-drop]")
    page.fill("[data-testid=amount]", "20")
    page.fill("[data-testid=witness-login]", "lead")
    page.fill("[data-testid=witness-pin]", "0000")
    page.click("[data-testid=record-movement]")
    expect(page.locator("[data-testid=witness-error]")).to_be_visible()
    expect(page.locator("[data-testid=witness-pin]")).to_be_focused()
    expect(page.locator("[data-testid=witness-pin]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-testid=witness-login]")).to_have_value("lead")

    page.goto("/kiosk")
    settled(page)
    page.keyboard.press("F12")
    expect(page.locator("[data-testid=kiosk-locked]")).to_be_visible()
    page.fill("[data-testid=pin]", "0000")
    page.click("[data-testid=unlock]")
    expect(page.locator("[data-testid=unlock-error]")).to_be_visible()
    expect(page.locator("[data-testid=pin]")).to_be_focused()
    expect(page.locator("[data-testid=pin]")).to_have_value("")


def test_enrolment_signs_the_administrator_out_and_the_kiosk_shows_no_office_navigation(
        page: Page, live_server: LiveServer) -> None:
    code = f"N{secrets.token_hex(2).upper()}"
    sign_in(page, "admin")
    page.goto("/admin/terminals/new")
    page.fill("#f-code", code)
    page.fill("#f-name", f"E2E counter {code}")
    page.select_option("#f-location_id", label="Central Station Customer Service Center")
    with page.expect_navigation():
        page.click("[data-testid=terminal-form] button[type=submit]")
    with page.expect_navigation():
        page.click("[data-testid=enrol]")
    assert re.search(r"/kiosk\?enrolled=1$", page.url)
    expect(page.locator("[data-testid=enrolled-notice]")).to_contain_text(
        "The administrator was signed out")
    expect(page.locator(".mainnav")).to_have_count(0)
    page.goto("/admin/terminals")
    assert "/login" in page.url  # the back office is signed out in this browser
    sign_in(page, "admin")  # even if someone signs the office in again on the counter ...
    for path in ("/kiosk", "/kiosk/no-such-screen"):
        page.goto(path)
        expect(page.locator(".mainnav")).to_have_count(0)  # ... the kiosk never shows its menu
    expect(page.locator("[data-testid=kiosk-error]")).to_be_visible()


def test_retry_printing_while_offline_says_it_tried_and_pages_have_a_favicon(
        page: Page, live_server: LiveServer) -> None:
    counter = open_counter(page, live_server)
    icon = page.locator("link[rel=icon]")
    response = page.request.get(icon.get_attribute("href") or "")
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
    simulate(page, counter, "printer", "offline")
    tap(page, "TAXI-SCRIP")
    settled(page)
    page.keyboard.press("F4")
    settled(page)
    page.keyboard.press("F4")  # exact: the sale is recorded, the receipt waits
    expect(page.locator("[data-testid=print-status]")).to_contain_text("did not print")
    page.click("[data-testid=retry-print]")
    said = page.locator("#alerts")
    expect(said).to_contain_text("Tried printing again at")
    expect(said).to_contain_text("still not printed")
    first = said.inner_text()
    page.wait_for_timeout(1100)
    page.click("[data-testid=retry-print]")
    expect(said).to_contain_text("Tried printing again at")
    assert said.inner_text() != first  # a second try shows too
    simulate(page, counter, "printer", "normal")
