"""The clerk's screen in headless Chromium: 1024×768 first, touch targets, the five-touch sale.

Screenshots at 1024×768 and 1280×800 go to FAREDESK_SHOTS_DIR (default /tmp/shots); the layout
checks are measured in the browser: no tile's text leaves its box or overlaps another part of
the tile, and every control the clerk can touch is at least 44×44 CSS pixels.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_kiosk import SHOTS, open_counter, settled, tap

pytestmark = pytest.mark.e2e
expect.set_options(timeout=15_000)

#: Tiles whose text leaves the box, or whose parts overlap (name, kind/month, price).
TILE_PROBLEMS = """() => {
  const problems = [];
  const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 &&
                           a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  document.querySelectorAll('.pbtn').forEach(tile => {
    const box = tile.getBoundingClientRect();
    const parts = [...tile.children];
    parts.forEach(part => {
      const r = part.getBoundingClientRect();
      const spills = part.scrollWidth > part.clientWidth + 1 || part.scrollHeight > part.clientHeight + 1;
      if (!inside(r, box) || spills)
        problems.push(`${tile.dataset.testid}: ${part.className} leaves the tile`);
    });
    for (let i = 0; i < parts.length; i++)
      for (let j = i + 1; j < parts.length; j++)
        if (meet(parts[i].getBoundingClientRect(), parts[j].getBoundingClientRect()))
          problems.push(`${tile.dataset.testid}: ${parts[i].className} overlaps ${parts[j].className}`);
  });
  return {problems, tiles: document.querySelectorAll('.pbtn').length};
}"""

#: Visible controls smaller than 44×44 CSS pixels, or past the edge of the screen.
SMALL_TARGETS = """() => {
  const small = [];
  const scope = document.querySelector('dialog[open]') || document;
  const controls = 'button, a[href], input:not([type=hidden]), select, textarea, summary, ' +
                   '[role=tab], [role=option]';
  scope.querySelectorAll(controls).forEach(el => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === 'hidden') return;
    if (r.right > window.innerWidth + 0.5 || r.left < -0.5)
      small.push(`${el.dataset.testid || el.tagName + ' ' + el.textContent.trim().slice(0, 24)}: off screen`);
    if (r.width < 44 || r.height < 44)
      small.push(`${el.dataset.testid || el.tagName + ' ' + el.textContent.trim().slice(0, 24)}: ` +
                 `${Math.round(r.width)}×${Math.round(r.height)}`);
  });
  return small;
}"""

#: Tabs cut off by the edge of their list (they must fit, wrapping if need be).
TAB_PROBLEMS = """() => {
  const list = document.querySelector('[role=tablist]');
  const box = list.getBoundingClientRect();
  const cut = [...list.querySelectorAll('[role=tab]')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.left < box.left - 0.5 || r.right > box.right + 0.5;
  }).map(t => t.textContent.trim());
  return {cut, scrolls: list.scrollWidth > list.clientWidth + 1};
}"""


#: Parts of an open dialog that stick out of it.
DIALOG_PROBLEMS = """() => {
  const dialog = document.querySelector('[role=dialog]');
  const box = dialog.getBoundingClientRect();
  return [...dialog.querySelectorAll('*')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5);
  }).map(el => el.dataset.testid || el.tagName);
}"""


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"screen-{name}.png"))


def layout_problems(page: Page) -> dict[str, Any]:
    tiles = page.evaluate(TILE_PROBLEMS)
    return {"tiles": tiles["problems"], "tile_count": tiles["tiles"],
            "small": page.evaluate(SMALL_TARGETS), "tabs": page.evaluate(TAB_PROBLEMS)}


def assert_counter_fits(page: Page) -> None:
    found = layout_problems(page)
    assert found["tile_count"] >= 15, found
    assert found["tiles"] == [], found["tiles"]
    assert found["small"] == [], found["small"]
    assert found["tabs"] == {"cut": [], "scrolls": False}, found["tabs"]


def test_counter_at_1024_and_1280_nothing_cut_and_every_target_44px(
        page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server)  # 1024×768
    page.evaluate("document.getElementById('alerts').innerHTML = ''")  # the shift-open message
    tap(page, "TB-10")  # a cart line: its − and + buttons are measured too
    for width, height in ((1024, 768), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("document.getElementById('pgrid').scrollTop = 0")
        page.wait_for_timeout(100)
        assert_counter_fits(page)
        # Tiles below the fold: the list says so at its lower edge (scrollbars may be hidden).
        scrolls = page.evaluate("(g => g.scrollHeight > g.clientHeight)(document.getElementById('pgrid'))")
        expect(page.locator("[data-scroll-hint]")).to_have_class(
            re.compile(r"more-below") if scrolls else re.compile(r"^(?!.*more-below)"))
        shot(page, f"sell-{width}x{height}")  # docs/kiosk/ holds a copy for the guide
    page.set_viewport_size({"width": 1024, "height": 768})

    # Tabs: the chosen one is the selected tab (and says so to assistive technology).
    assert page.locator("[aria-pressed]").count() == 0
    expect(page.locator("[role=tab][aria-selected=true]")).to_have_text("All")
    page.click("[data-testid=tab-monthly_pass]")
    settled(page)
    expect(page.locator("[role=tab][aria-selected=true]")).to_have_text("Monthly pass")
    expect(page.locator("[data-testid=tab-all]")).to_have_attribute("aria-selected", "false")
    expect(page.locator("#pgrid")).to_have_attribute("aria-labelledby", "tab-monthly_pass")
    expect(page.locator("[data-testid^=product-TB-10]")).to_have_count(0)
    # Keyboard: arrows move along the tabs and show their products.
    page.focus("[data-testid=tab-monthly_pass]")
    page.keyboard.press("ArrowRight")
    settled(page)
    expect(page.locator("[role=tab][aria-selected=true]")).to_have_text("Day pass")
    expect(page.locator("[data-testid=tab-day_pass]")).to_be_focused()
    page.click("[data-testid=tab-all]")
    settled(page)

    # The dialogs and the collected-payment line, at 1024×768.
    page.click("[data-testid=pay-cash]")
    expect(page.locator("[data-testid=cash-modal]")).to_be_visible()
    settled(page)
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate(DIALOG_PROBLEMS) == []
    shot(page, "cash-1024x768")
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid=cash-modal]")).to_have_count(0)
    page.click("[data-testid=pay-check]")
    page.fill("[data-testid=check-amount]", "10")
    page.fill("[data-testid=check-number]", "1001")
    page.click("[data-testid=take-check]")
    expect(page.locator("[data-testid=give-back-0]")).to_be_visible()
    settled(page)
    assert page.evaluate(SMALL_TARGETS) == []
    page.click("[data-testid=lock]")
    expect(page.locator("[data-testid=kiosk-locked]")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS) == []  # "Someone else" too


def test_the_common_sale_takes_five_touches(page: Page, live_server: LiveServer) -> None:
    """Read the card, load $20 of stored value, take cash with change: five touches."""
    counter = open_counter(page, live_server)
    context = page.context.browser.new_context(  # type: ignore[union-attr]
        base_url=live_server.url, viewport={"width": 1024, "height": 768}, has_touch=True,
        storage_state=page.context.storage_state())
    touch_screen = context.new_page()
    touches = 0

    def touch(selector: str) -> None:
        nonlocal touches
        settled(touch_screen)
        touch_screen.locator(selector).tap()
        touches += 1

    try:
        touch_screen.goto("/kiosk")
        expect(touch_screen.locator("[data-testid=cart]")).to_contain_text("Cart is empty")
        assert counter.code in touch_screen.inner_text("[data-testid=kiosk-bar]")
        touch("[data-testid=read-card]")
        expect(touch_screen.locator("[data-testid=card-balance]")).to_have_text("$12.50")
        touch("[data-testid=product-SV-LOAD]")
        touch("[data-testid=value-quick-20]")
        expect(touch_screen.locator("[data-testid=total]")).to_contain_text("$20.00")
        expect(touch_screen.locator("[data-testid=value-modal]")).to_have_count(0)
        touch("[data-testid=pay-cash]")
        expect(touch_screen.locator("[data-testid=cash-exact]")).to_contain_text("$20.00")
        touch("[data-testid=cash-50]")
        expect(touch_screen.locator("[data-testid=sale-done]")).to_be_visible()
        expect(touch_screen.locator("[data-testid=change-due]")).to_have_text("$30.00")
        expect(touch_screen.locator("[data-testid=load-status]")).to_contain_text("on the card")
        assert touches == 5
    finally:
        context.close()


def test_search_works_from_the_keyboard(page: Page, live_server: LiveServer) -> None:
    open_counter(page, live_server)
    scan = page.locator("[data-testid=scan]")
    # Enter on an empty scan box does nothing (no "Nothing matches" message).
    scan.press("Enter")
    page.wait_for_timeout(300)
    expect(page.locator("[data-testid=kiosk-alert]")).to_have_count(0)

    page.keyboard.press("F6")  # read the card: day passes, value and passes go onto it
    expect(page.locator("[data-testid=card-balance]")).to_be_visible()
    settled(page)

    # Several matches: the arrow keys choose one, Enter adds it.
    scan.press_sequentially("day pass")
    options = page.locator("#search-results [role=option]")
    expect(options).to_have_count(2)
    expect(scan).to_have_attribute("aria-expanded", "true")
    scan.press("Enter")  # several matches: Enter highlights the first, adds nothing, no error
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(page.locator("[data-testid=kiosk-alert]")).to_have_count(0)
    expect(page.locator("[data-testid=cart]")).to_contain_text("Cart is empty")
    scan.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(scan).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id") or "")
    scan.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(options.nth(1)).to_have_attribute("aria-selected", "false")
    chosen = (options.nth(0).inner_text()).split("$")[0].strip()
    assert chosen == "Day pass – Adult"
    scan.press("Enter")
    expect(page.locator("[data-testid=cart]")).to_contain_text(chosen)
    expect(scan).to_have_value("")
    expect(options).to_have_count(0)

    # The only match: Enter adds it without choosing.
    scan.press_sequentially("taxi")
    expect(options).to_have_count(1)
    scan.press("Enter")
    expect(page.locator("[data-testid=cart]")).to_contain_text("Taxi scrip")

    # Stored value from search opens its amount dialog; a monthly pass its month dialog.
    settled(page)
    scan.press_sequentially("stored value")
    expect(options).to_have_count(1)
    scan.press("Enter")
    expect(page.locator("[data-testid=value-modal]")).to_be_visible()
    expect(page.locator("[data-testid=value-amount]")).to_be_focused()
    page.keyboard.type("15")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=value-modal]")).to_have_count(0)
    expect(page.locator("[data-testid=total]")).to_contain_text("$30.00")
    settled(page)
    scan.press_sequentially("MP-ADULT")
    expect(options).to_have_count(1)
    scan.press("Enter")
    expect(page.locator("[data-testid=pass-month-modal]")).to_be_visible()
    first_month = page.locator("[data-testid^=month-]").first
    expect(first_month).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=pass-month-modal]")).to_have_count(0)
    expect(page.locator("[data-testid=cart]")).to_contain_text("Monthly pass – Adult")
    expect(scan).to_be_focused()


def test_every_counter_screen_has_44px_targets_at_1024(page: Page, live_server: LiveServer) -> None:
    """Beyond the selling screen: the done screen, receipts, refund, drawer, close, sign-in."""
    open_counter(page, live_server)
    tap(page, "TB-10")
    settled(page)
    page.keyboard.press("F4")
    settled(page)
    page.keyboard.press("F4")  # exact: the sale is done
    expect(page.locator("[data-testid=sale-done]")).to_be_visible()
    receipt = page.inner_text("[data-testid=receipt-code]")
    screens: dict[str, list[str]] = {"sale done": page.evaluate(SMALL_TARGETS)}
    for name in ("receipts", "card-outcomes", "drawer/paid_in", "drawer/paid_out",
                 "drawer/safe_drop", "drawer/no_sale", "shift/close"):
        page.goto(f"/kiosk/{name}")
        screens[name] = page.evaluate(SMALL_TARGETS)
    page.goto("/kiosk/refund")
    page.fill("[data-testid=receipt-lookup]", receipt)
    page.click("[data-testid=find-sale]")
    expect(page.locator("[data-testid=refund-submit]")).to_be_visible()
    screens["refund"] = page.evaluate(SMALL_TARGETS)
    shot(page, "refund-1024x768")
    page.click("[data-testid=kiosk-sign-out]")
    expect(page.locator("[data-testid=kiosk-signin]")).to_be_visible()
    screens["sign-in"] = page.evaluate(SMALL_TARGETS)
    assert {name: small for name, small in screens.items() if small} == {}
