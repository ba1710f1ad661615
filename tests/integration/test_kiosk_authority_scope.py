"""Issue 9 item 6, the kiosk parts: authority stays in its sections and the blind close stays blind.

Reproduced on the old main: a paid-out at one section's kiosk approved by a supervisor of
another section only; a clerk opening another section's sale (receipt, clerk, lines) by its
receipt code; an all-blank close form submitted as a $0.00 count; a paid-out refusal telling the
clerk, mid-shift, how much cash the drawer should hold.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.catalog import rules
from app.drawers import services as drawers
from app.drawers.tables import ShiftCount
from app.errors import Forbidden, ValidationFailed
from app.sales.tables import Sale
from tests.fixtures import Browser, make_org, make_user
from tests.integration.test_drawers_support import FLOAT_CENTS, Counter, make_counter, open_counter
from tests.integration.test_kiosk_sale import _add, _key, _sale_id
from tests.integration.test_kiosk_support import (
    HX,
    clerk_signs_in,
    enrol,
    make_product,
    open_shift,
    selling_counter,
)
from tests.integration.test_kiosk_support import make_counter as make_kiosk


@pytest.fixture
async def counter() -> Counter:
    return await make_counter()


async def test_an_override_from_a_supervisor_of_another_section_does_not_count(
        counter: Counter) -> None:
    shift_id = await open_counter(counter)
    elsewhere = await make_org()
    outsider = await make_user(Role.SUPERVISOR, (elsewhere.section_id,))
    with pytest.raises(Forbidden, match="section"):
        await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_out",
                                    amount_cents=2_001, reason="Supplies", override=outsider)
    await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_out",
                                amount_cents=2_001, reason="Supplies",
                                override=counter.supervisor)


async def test_a_paid_out_refusal_does_not_tell_the_drawers_expected_cash(
        counter: Counter) -> None:
    shift_id = await open_counter(counter)
    with pytest.raises(ValidationFailed) as refused:
        await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_out",
                                    amount_cents=FLOAT_CENTS + 1, reason="Supplies",
                                    override=counter.supervisor)
    shown = refused.value.message + " ".join(refused.value.field_errors.values())
    assert "more than this drawer should hold" in shown and "supervisor" in shown
    assert f"{FLOAT_CENTS // 100}" not in shown.replace(f"{(FLOAT_CENTS + 1) / 100:.2f}", "")


async def test_refund_look_up_finds_only_sales_of_the_kiosks_section(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    sale_id = await _sale_id(await browser.post_form(
        "/kiosk/pay/cash", {"idempotency_key": _key(cash.text), "tendered": "10"}, headers=HX))
    sale = await Sale.select().where(Sale.id == sale_id).first()
    printed = f"{counter.org.code}-{counter.code}-{sale['receipt_number']:06d}"
    scanned = f"R-{counter.code}-{sale['receipt_number']}"
    other = await make_kiosk()  # another section's counter and clerk
    enrol(browser, other)
    await clerk_signs_in(browser, other)
    await open_shift(browser, d2000=5)
    for code in (printed, scanned):
        page = await browser.get(f"/kiosk/refund?code={code}")
        assert 'data-testid="refund-sale"' not in page.text, code
        assert "No sale with receipt" in page.text
    submitted = await browser.post_form(f"/kiosk/refund/{sale_id}", {
        "idempotency_key": "f" * 32, "reason": "overcharge"})
    assert 'data-testid="refund-sale"' not in submitted.text
    assert printed not in submitted.text


async def test_a_blind_close_with_every_field_empty_is_not_a_zero_count(
        browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    blank = await browser.post_form("/kiosk/shift/close", {})
    assert blank.status_code == 200 and "Nothing was entered" in blank.text
    closes = (ShiftCount.kind == "close") & (ShiftCount.shift.terminal == counter.terminal_id)
    assert not await ShiftCount.exists().where(closes)
    zero = await browser.post_form("/kiosk/shift/close", {"confirm_zero": "1"})
    assert zero.status_code == 200 and 'data-testid="shift-result"' in zero.text
    assert await ShiftCount.exists().where(closes)
