"""Shift screens at the kiosk: open with a counted float, drawer movements, blind close."""

from __future__ import annotations

from app.auth.roles import Role
from app.drawers import services as drawers
from app.drawers.tables import CashMovement, Shift, ShiftCount
from app.ledger import services as ledger
from app.ledger.accounts import DRAWER_CASH
from tests.fixtures import PIN, Browser, make_user
from tests.integration.test_kiosk_support import clerk_signs_in, make_counter, open_shift


async def test_open_shift_with_a_float_counted_by_denomination(browser: Browser) -> None:
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=5, d500=4, d25=8)  # $100 + $20 + $2
    shift = await Shift.select().where(Shift.clerk == clerk.id).first()
    assert shift["status"] == "open" and shift["terminal"] == counter.terminal_id
    count = await ShiftCount.select().where(ShiftCount.shift == shift["id"]).first()
    assert count["kind"] == "open" and count["cash_cents"] == 12_200
    assert (await ledger.shift_balances(shift["id"]))[DRAWER_CASH] == 12_200
    page = await browser.get("/kiosk")
    assert "Shift open. Ready to sell." in page.text


async def test_empty_float_rerenders_the_count_with_the_message(browser: Browser) -> None:
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    response = await browser.post_form("/kiosk/shift/open", {"d2000": "", "d100": "x"})
    assert response.status_code == 200
    assert "Enter a whole number of pieces" in response.text
    assert not await Shift.exists().where(Shift.clerk == clerk.id)


async def test_paid_in_paid_out_no_sale_and_witnessed_safe_drop(browser: Browser) -> None:
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=10)  # $200
    witness = await make_user(Role.LEAD, (counter.org.section_id,))
    form = await browser.get("/kiosk/drawer/safe_drop")
    assert form.status_code == 200 and "witness" in form.text.lower()
    refused = await browser.post_form("/kiosk/drawer/safe_drop", {"amount": "100"})
    assert refused.status_code == 200 and "needs a witness" in refused.text
    done = await browser.post_form("/kiosk/drawer/safe_drop", {
        "amount": "100", "witness_login": witness.username, "witness_pin": PIN})
    assert done.status_code == 303
    assert (await browser.post_form("/kiosk/drawer/paid_in",
                                    {"amount": "5", "reason": "change"})).status_code == 303
    assert (await browser.post_form("/kiosk/drawer/paid_out",
                                    {"amount": "3.50", "reason": "stamps"})).status_code == 303
    assert (await browser.post_form("/kiosk/drawer/no_sale",
                                    {"reason": "customer change"})).status_code == 303
    shift = await Shift.select().where(Shift.clerk == clerk.id).first()
    kinds = [m["kind"] for m in await CashMovement.select().where(
        CashMovement.shift == shift["id"]).order_by(CashMovement.id)]
    assert kinds == ["safe_drop", "paid_in", "paid_out", "no_sale"]
    expected = await drawers.expected_totals(shift["id"])
    assert expected.expected_cash_cents == 20_000 - 10_000 + 500 - 350


async def test_paid_out_above_the_limit_asks_for_an_override(browser: Browser) -> None:
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=10)
    asked = await browser.post_form("/kiosk/drawer/paid_out", {"amount": "50", "reason": "taxi"})
    assert asked.status_code == 200 and 'data-testid="override-modal"' in asked.text
    supervisor = await make_user(Role.SUPERVISOR, (counter.org.section_id,))
    approved = await browser.post_form("/kiosk/drawer/paid_out", {
        "amount": "50", "reason": "taxi", "override_login": supervisor.username,
        "override_pin": PIN})
    assert approved.status_code == 303
    shift = await Shift.select().where(Shift.clerk == clerk.id).first()
    row = await CashMovement.select().where(CashMovement.shift == shift["id"]).first()
    assert row["created_by"] == clerk.id and row["override_by"] == supervisor.id


async def test_blind_close_shows_over_short_only_after_submitting(browser: Browser) -> None:
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=5)  # $100 float
    form = await browser.get("/kiosk/shift/close")
    assert form.status_code == 200
    assert "$100.00" not in form.text and "Expected" not in form.text  # blind
    result = await browser.post_form("/kiosk/shift/close", {"d2000": "4", "d500": "3"})  # $95
    assert result.status_code == 200
    assert "Short by $5.00." in result.text
    shift = await Shift.select().where(Shift.clerk == clerk.id).first()
    assert shift["status"] == "counted"
    # a lead asks for a recount with their PIN; the first count stays
    lead = await make_user(Role.LEAD, (counter.org.section_id,))
    asked = await browser.post_form(f"/kiosk/shift/{shift['id']}/recount", {
        "reason": "recount the fives", "override_login": lead.username, "override_pin": PIN})
    assert asked.status_code == 303
    assert "Recount the drawer" in (await browser.get("/kiosk")).text
    again = await browser.post_form("/kiosk/shift/close", {"d2000": "5"})
    assert "The drawer balances exactly." in again.text
    kinds = [c["kind"] for c in await ShiftCount.select().where(
        ShiftCount.shift == shift["id"]).order_by(ShiftCount.id)]
    assert kinds == ["open", "close", "recount"]


async def test_clerk_cannot_ask_for_their_own_recount(browser: Browser) -> None:
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=5)
    await browser.post_form("/kiosk/shift/close", {"d2000": "5"})
    shift = await Shift.select().where(Shift.clerk == clerk.id).first()
    response = await browser.post_form(f"/kiosk/shift/{shift['id']}/recount", {"reason": "x"})
    assert response.status_code == 200 and "lead or supervisor" in response.text
    assert (await Shift.select().where(Shift.id == shift["id"]).first())["status"] == "counted"
