"""In a real browser: a rider reads the fares page in their browser's language, picks another
and keeps it; an administrator accepts a draft translation on /admin/languages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, sign_in

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("FAREDESK_SHOTS_DIR", "/tmp/shots"))


@pytest.fixture
def vietnamese_page(live_server: LiveServer, chromium: Browser) -> Iterator[Page]:
    """A browser set to Vietnamese (it sends Accept-Language: vi-VN)."""
    context = chromium.new_context(base_url=live_server.url, locale="vi-VN",
                                   viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_a_rider_reads_the_fares_in_their_language_and_keeps_a_choice(vietnamese_page: Page) -> None:
    page = vietnamese_page
    page.goto("/fares")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_text("Giá vé và vé tháng")
    expect(page.locator("[data-testid=fares-monthly_pass]")).to_contain_text("100,00\u00a0US$")
    expect(page.locator("nav.mainnav")).to_have_count(0)  # no staff navigation
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "public-fares-vi-1024x768.png"), full_page=True)
    with page.expect_navigation():
        page.click("[data-testid=lang-zh_Hant]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("h1")).to_have_text("票價與通行證")
    page.screenshot(path=str(SHOTS / "public-fares-zh_Hant-1024x768.png"), full_page=True)
    page.reload()  # the choice is kept over the browser's language
    expect(page.locator("h1")).to_have_text("票價與通行證")
    expect(page.locator("[data-testid=lang-zh_Hant]")).to_have_attribute("aria-current", "true")


def test_an_administrator_accepts_a_draft_translation(page: Page) -> None:
    sign_in(page, "admin")
    page.goto("/admin/languages")
    row = page.locator("[data-testid=tr-es-public]")
    expect(row).to_contain_text("draft")
    with page.expect_navigation():
        row.locator("[data-testid=accept]").click()
    expect(page.locator("#alerts")).to_contain_text("Accepted the es translation of public")
    expect(page.locator("[data-testid=tr-es-public]")).to_contain_text("accepted")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-languages-1280x800.png"), full_page=True)


def test_a_clerk_prints_a_korean_receipt_for_a_korean_customer(page: Page,
                                                                live_server: LiveServer) -> None:
    from tests.cjk import need_cjk_font
    from tests.e2e.test_kiosk import back_office, open_counter, pay_cash, settled, shot, tap

    need_cjk_font()
    counter = open_counter(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 1000})  # the grid's layout is not the point here
    settled(page)
    page.select_option("[data-testid=customer-lang]", "ko")  # htmx posts the change
    settled(page)
    page.reload()  # kept for this kiosk browser
    expect(page.locator("[data-testid=customer-lang]")).to_have_value("ko")
    tap(page, "TB-10")
    shot(page, "customer-language-ko")
    pay_cash(page, quick="exact")
    expect(page.locator("[data-testid=printed]")).to_be_visible()
    # the simulated printer got a raster receipt; the admin page shows it as an image
    # (enrolment signed the administrator out of the counter's browser: a browser of their own)
    with back_office(page) as office:
        office.goto(f"/admin/terminals/{counter.terminal_id}/receipts")
        image = office.locator("[data-testid=sim-receipt-image]").first
        expect(image).to_be_visible()
        assert office.evaluate("(img) => img.naturalWidth", image.element_handle()) == 576
        office.screenshot(path=str(SHOTS / "sim-receipt-ko.png"), full_page=True)
