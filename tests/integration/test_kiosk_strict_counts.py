"""Counts and quantities at the counter are plain ASCII digits (issue 9 item 2): a superscript
or Arabic-Indic digit, a sign or an absurd number is a message at the field, never a 500, and
changes nothing."""

from __future__ import annotations

import pytest

from app.drawers.tables import Shift
from tests.fixtures import Browser
from tests.integration.test_kiosk_support import HX, clerk_signs_in, make_counter, selling_counter

NOT_PLAIN_COUNTS = ["²", "٣", "3.0", "-2", "1e3", "1_000", "100001"]


@pytest.mark.parametrize("raw", NOT_PLAIN_COUNTS)
async def test_a_float_count_that_is_not_a_plain_number_is_refused_at_the_field(
        browser: Browser, raw: str) -> None:
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    response = await browser.post_form("/kiosk/shift/open", {"d2000": "5", "d100": raw})
    assert response.status_code == 200
    assert "Enter a whole number of pieces" in response.text
    assert not await Shift.exists().where(Shift.clerk == clerk.id)


async def test_a_cart_quantity_in_other_digits_is_not_a_server_error(browser: Browser) -> None:
    await selling_counter(browser)
    response = await browser.post_form("/kiosk/cart/qty", {"index": "0", "quantity": "²"},
                                       headers=HX)
    assert response.status_code == 200


async def test_a_blind_close_check_count_in_other_digits_is_refused(browser: Browser) -> None:
    await selling_counter(browser)
    response = await browser.post_form("/kiosk/shift/close", {
        "d2000": "5", "checks_total": "0", "checks_count": "٣", "card_total": "0"})
    assert response.status_code == 200
    assert "Enter a whole number" in response.text
