"""The counter's dialogs through the ASGI client: quick cash that finishes a sale in one touch,
quick loads that add in one touch, the month dialog a pass found by search opens, and error
titles that do not ask to check a form nobody filled in."""

from __future__ import annotations

import re

from app.catalog import rules
from app.catalog.rules import month_label, sellable_pass_months
from app.formatting import business_date
from app.sales.tables import Sale
from tests.fixtures import Browser
from tests.integration.test_kiosk_support import HX, make_product, selling_counter


def _quick_cash(html: str) -> list[str]:
    return re.findall(r'name="tendered" value="(\$[0-9.,]+)"', html)


async def test_quick_cash_fits_the_amount_due_and_one_button_finishes_the_sale(
        browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_000)
    await browser.post_form("/kiosk/cart/add", {"product_id": str(book)}, headers=HX)
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    assert _quick_cash(cash.text) == ["$20.00", "$25.00", "$30.00", "$40.00", "$50.00",
                                      "$100.00"]
    assert 'data-testid="cash-exact"' in cash.text and 'data-testid="cash-50"' in cash.text
    # The $50 button is a form of its own: its one submit records the sale with the change.
    form = re.search(r'<form[^>]*>(?:(?!</form>).)*value="\$50\.00"(?:(?!</form>).)*</form>',
                     cash.text, re.S)
    assert form is not None
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form.group(0)))
    done = await browser.post_form("/kiosk/pay/cash", {
        "idempotency_key": fields["idempotency_key"], "tendered": fields["tendered"]},
        headers=HX)
    sale_id = int(re.search(r"/kiosk/sale/(\d+)", done.headers["hx-redirect"]).group(1))  # type: ignore[union-attr]
    sale = await Sale.select().where(Sale.id == sale_id).first()
    assert sale["total_cents"] == 2_000 and sale["change_cents"] == 3_000


async def test_quick_loads_add_in_one_touch_within_the_products_limits(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    sv = await make_product(counter.admin, rules.STORED_VALUE, None, min_cents=1_000,
                            max_cents=2_000, balance_cap_cents=40_000)
    dialog = await browser.get(f"/kiosk/cart/value/{sv}", headers=HX)
    offered = re.findall(r'name="value" value="(\$[0-9.]+)"', dialog.text)
    assert offered == ["$10.00", "$20.00"]  # $5 and $40 are outside this product's limits
    assert 'data-testid="value-quick-20"' in dialog.text
    assert 'hx-post="/kiosk/cart/add"' in dialog.text


async def test_a_pass_found_by_search_opens_its_month_dialog(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    monthly = await make_product(counter.admin, rules.MONTHLY_PASS, 10_000)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    dialog = await browser.get(f"/kiosk/cart/pass/{monthly}", headers=HX)
    assert dialog.status_code == 200 and 'data-testid="pass-month-modal"' in dialog.text
    months = sellable_pass_months(business_date())
    for month in months:
        assert f'name="pass_month" value="{month.isoformat()}"' in dialog.text
        assert month_label(month) in dialog.text
    assert dialog.text.count('name="pass_month"') == len(months)
    wrong = await browser.get(f"/kiosk/cart/pass/{scrip}", headers=HX)
    assert "not a monthly pass" in wrong.text and 'id="alerts"' not in wrong.text
    assert wrong.headers["hx-retarget"] == "#alerts"


async def test_an_error_where_no_form_was_filled_does_not_ask_to_check_the_form(
        browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    sv = await make_product(counter.admin, rules.STORED_VALUE, None, min_cents=500,
                            max_cents=20_000, balance_cap_cents=40_000)
    row = await browser.get(f"/kiosk/cart/value/{sv}", headers=HX)
    assert row.status_code == 200
    code = re.search(r"<h2[^>]*>([^:<]+):", row.text).group(1)  # type: ignore[union-attr]
    scanned = await browser.post_form("/kiosk/cart/scan", {"code": code}, headers=HX)
    assert "tap it to enter the amount" in scanned.text
    assert "Please check the form" not in scanned.text
    assert "That could not be done." in scanned.text
