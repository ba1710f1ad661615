"""In a real browser: a back-office form sent by htmx that the server refuses with a 4xx
shows the refusal (issue 14 item 8). htmx 2 swaps no 4xx by default, so before base.html set
`responseHandling` the click did nothing visible at all."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, sign_in

pytestmark = pytest.mark.e2e


def spoil_csrf_cookie(page: Page) -> None:
    """As if the form had expired: the page's token no longer matches the cookie."""
    cookies = [c for c in page.context.cookies() if c["name"] == "faredesk_csrf"]
    assert cookies
    page.context.add_cookies([{**cookies[0], "value": "0" * 128}])


def test_a_refused_price_form_shows_why(live_server: LiveServer, page: Page) -> None:
    sign_in(page, "admin")
    page.goto("/admin/catalog")
    page.locator('a[href^="/admin/catalog/products/"]:not([href$="/new"])').first.click()
    expect(page.locator("#prices")).to_be_visible()
    spoil_csrf_cookie(page)
    page.fill("#f-amount", "3.00")
    page.locator("#prices button[type=submit]").click()
    alert = page.locator("#alerts [role=alert]")
    expect(alert).to_contain_text("This form has expired")
    expect(alert).to_have_attribute("data-status", "403")


def test_a_refused_board_form_shows_why(live_server: LiveServer, page: Page) -> None:
    sign_in(page, "supervisor")
    page.goto("/reconciliation")
    page.locator('a:text-is("Yesterday")').first.click()
    expect(page.locator("[data-testid=adjust-form]")).to_be_visible()
    spoil_csrf_cookie(page)
    page.fill("#f-amount", "5.00")
    page.fill("#f-memo", "found in the safe")
    page.click("[data-testid=post-adjustment]")
    expect(page.locator("#alerts [role=alert]")).to_contain_text("This form has expired")


def test_a_form_the_server_rejects_with_400_is_shown_with_its_messages(
        live_server: LiveServer, page: Page) -> None:
    """A boosted form whose handler answers 400 (a plain-form status) still shows the page."""
    sign_in(page, "supervisor")
    page.goto("/reconciliation")
    page.locator('a:text-is("Yesterday")').first.click()
    page.fill("#f-amount", "20,00")
    page.fill("#f-memo", "typed with a decimal comma")
    page.click("[data-testid=post-adjustment]")
    expect(page.locator("#e-amount")).to_contain_text("Enter an amount like 12.50.")
