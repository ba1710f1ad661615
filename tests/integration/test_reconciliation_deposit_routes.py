"""A deposit bag from the safe to the bank through the ASGI app (verify, send, confirm), and the
adjusting-entry form: each form refuses bad input with its message and changes nothing, and
moves the money in the ledger when it succeeds."""

from __future__ import annotations

from app.auth.roles import Role
from app.formatting import business_date
from app.ledger import services as ledger
from app.ledger.accounts import BANK, CASH_OVER_SHORT, DEPOSITS_IN_TRANSIT, SAFE
from app.reconciliation import deposits, signoff
from app.reconciliation.tables import Deposit
from tests.fixtures import Browser, make_user, signed_in
from tests.integration.test_reconciliation_deposits import approve_both, bag
from tests.integration.test_reconciliation_support import Day, make_day, work_shifts


async def _balances(d: Day, *accounts: str) -> list[int]:
    return [await ledger.balance(account, location_id=d.location_id) for account in accounts]


async def _status(deposit_id: int) -> str:
    row = await Deposit.select(Deposit.status).where(Deposit.id == deposit_id).first()
    return str(row["status"])


async def test_a_bag_is_verified_sent_and_confirmed_through_the_forms(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await approve_both(d)
    deposit_id = await bag(d)  # $25.50 cash + $5.00 check = $30.50, prepared by the supervisor
    url = f"/reconciliation/deposit/{deposit_id}"
    await signed_in(browser, d.lead)
    in_transit, bank = await _balances(d, DEPOSITS_IN_TRANSIT, BANK)

    # nothing leaves the safe before a second person verified the bag
    early = await browser.post_form(f"{url}/send")
    assert early.status_code == 409
    assert "A second person must verify the bag before it leaves the safe" in early.text
    assert await _status(deposit_id) == "prepared"
    assert await _balances(d, DEPOSITS_IN_TRANSIT) == [in_transit]

    verified = await browser.post_form(f"{url}/verify", {"counted_cash": "25.50"})
    assert verified.status_code == 303, verified.text
    sent = await browser.post_form(f"{url}/send")
    assert sent.status_code == 303, sent.text
    page = await browser.get(url)
    assert 'data-testid="deposit-status">In transit<' in page.text
    assert "Deposit marked in transit to the bank." in page.text
    assert await _balances(d, DEPOSITS_IN_TRANSIT) == [in_transit + 3_050]

    # a bad amount is a field message; nothing changes
    bad = await browser.post_form(f"{url}/confirm", {"bank_amount": "30,5O", "note": ""})
    assert bad.status_code == 400 and 'id="e-bank_amount"' in bad.text
    assert await _status(deposit_id) == "in_transit"

    confirmed = await browser.post_form(f"{url}/confirm", {"bank_amount": "30.50", "note": ""})
    assert confirmed.status_code == 303, confirmed.text
    page = await browser.get(url)
    assert 'data-testid="deposit-status">Confirmed by the bank<' in page.text
    assert "The bank confirmed the deposit." in page.text
    assert await _balances(d, DEPOSITS_IN_TRANSIT, BANK) == [in_transit, bank + 3_050]


async def test_a_bank_amount_that_differs_needs_a_note_and_books_the_difference(
        browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await approve_both(d)
    deposit_id = await bag(d)
    await deposits.verify(d.lead, deposit_id, 2_550)
    await deposits.send(d.lead, deposit_id)
    url = f"/reconciliation/deposit/{deposit_id}"
    await signed_in(browser, d.supervisor2)
    before = await _balances(d, DEPOSITS_IN_TRANSIT, BANK, CASH_OVER_SHORT)

    unexplained = await browser.post_form(f"{url}/confirm", {"bank_amount": "30.00"})
    assert unexplained.status_code == 400
    assert "say what the bank reported" in unexplained.text
    assert 'value="30.00"' in unexplained.text  # the form keeps what was typed
    assert await _status(deposit_id) == "in_transit"
    assert await _balances(d, DEPOSITS_IN_TRANSIT, BANK, CASH_OVER_SHORT) == before

    flagged = await browser.post_form(f"{url}/confirm", {
        "bank_amount": "30.00", "note": "bank counted one coin roll short"})
    assert flagged.status_code == 303, flagged.text
    assert await _status(deposit_id) == "discrepancy"
    page = await browser.get(url)
    assert "amount differs: the deposit is flagged as a discrepancy." in page.text
    in_transit, bank, over_short = await _balances(d, DEPOSITS_IN_TRANSIT, BANK, CASH_OVER_SHORT)
    assert (in_transit - before[0], bank - before[1], over_short - before[2]) == (
        -3_050, 3_000, 50)


async def test_an_adjusting_entry_is_posted_from_the_board(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await signed_in(browser, d.supervisor)
    board = f"/reconciliation/{d.location_id}/{d.day.isoformat()}"
    today = business_date()
    safe, over_short = await _balances(d, SAFE, CASH_OVER_SHORT)

    # each bad field has its message; nothing is posted
    bad = await browser.post_form(f"{board}/adjust", {"amount": "0", "memo": " ",
                                                      "entry_date": ""})
    assert bad.status_code == 400
    assert "Enter the amount found (e.g. 5.00) or missing (e.g. -5.00)." in bad.text
    assert "Say what is being corrected and why." in bad.text
    early = await browser.post_form(f"{board}/adjust", {
        "amount": "5.00", "memo": "found in the safe", "entry_date": "2000-01-01"})
    assert early.status_code == 400
    assert "cannot be dated before the day it corrects" in early.text
    assert await _balances(d, SAFE, CASH_OVER_SHORT) == [safe, over_short]

    posted = await browser.post_form(f"{board}/adjust", {
        "amount": "-2.25", "memo": "safe audit: $2.25 missing", "entry_date": ""})
    assert posted.status_code == 303, posted.text
    page = await browser.get(board)
    assert signoff.adjustment_message(-225, d.day, today) in page.text
    assert await _balances(d, SAFE, CASH_OVER_SHORT) == [safe - 225, over_short + 225]


async def test_a_lead_cannot_post_an_adjusting_entry(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    board = f"/reconciliation/{d.location_id}/{d.day.isoformat()}"
    safe = await _balances(d, SAFE)
    await signed_in(browser, d.lead)
    refused = await browser.post_form(f"{board}/adjust", {"amount": "5.00", "memo": "found"})
    assert refused.status_code == 403
    assert await _balances(d, SAFE) == safe


async def test_an_auditor_cannot_post_an_adjusting_entry(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    board = f"/reconciliation/{d.location_id}/{d.day.isoformat()}"
    safe = await _balances(d, SAFE)
    await signed_in(browser, await make_user(Role.AUDITOR))
    refused = await browser.post_form(f"{board}/adjust", {"amount": "5.00", "memo": "found"})
    assert refused.status_code == 403
    assert await _balances(d, SAFE) == safe
