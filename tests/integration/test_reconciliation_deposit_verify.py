"""A verified deposit says verified everywhere; the verifier counts blind; nobody verifies a
bag holding a drawer they worked or counted (issue 9 items 6 and 8)."""

from __future__ import annotations

import re

import pytest

from app.errors import Forbidden, ValidationFailed
from app.reconciliation import board as boards
from app.reconciliation import deposits
from app.reconciliation import sampledata as sd
from app.reconciliation.deposits import DepositForm
from app.reconciliation.variances import ReviewForm
from tests.fixtures import Browser, signed_in
from tests.integration.test_reconciliation_deposits import approve_both, bag
from tests.integration.test_reconciliation_support import make_day, work_shifts
from tests.unit.test_reconciliation_pdf import pdf_text


async def test_a_verified_deposit_says_verified_on_the_page_board_slip_and_csv(
        browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await approve_both(d)
    deposit_id = await bag(d)
    await signed_in(browser, d.lead)
    response = await browser.post_form(f"/reconciliation/deposit/{deposit_id}/verify",
                                       {"counted_cash": "25.50"})
    assert response.status_code == 303, response.text
    page = await browser.get(f"/reconciliation/deposit/{deposit_id}")
    assert 'data-testid="deposit-status">Verified<' in page.text
    url = f"/reconciliation/{d.location_id}/{d.day}"
    board = await browser.get(url)
    assert f'data-testid="deposit-status-{deposit_id}">Verified<' in board.text
    csv = await browser.get(f"{url}/deposits.csv")
    assert ",verified," in csv.text and ",prepared," not in csv.text
    slip = await browser.get(f"/reconciliation/deposit/{deposit_id}/slip.pdf")
    assert re.search(r"Status\s*Verified", pdf_text(slip.content))
    report = await browser.get(f"{url}/report.pdf")
    assert re.search(rf"BAG-{d.org.code}\s*Verified", pdf_text(report.content))
    # and the next step is offered: sending the verified bag
    assert 'data-testid="send"' in (await browser.get(
        f"/reconciliation/deposit/{deposit_id}")).text


async def test_the_verifier_counts_blind(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await approve_both(d)
    deposit_id = await bag(d)  # $25.50 cash + $5.00 check, prepared by the supervisor
    await signed_in(browser, d.lead)
    page = await browser.get(f"/reconciliation/deposit/{deposit_id}")
    form_at = page.text.index('data-testid="verify-form"')
    assert 'data-testid="blind-count"' in page.text
    for amount in ("$25.50", "$30.50", "$13.50", "$12.00"):
        assert amount not in page.text[:form_at], amount
    assert 'data-testid="slip-pdf"' not in page.text
    wrong = await browser.post_form(f"/reconciliation/deposit/{deposit_id}/verify",
                                    {"counted_cash": "25.00"})
    assert wrong.status_code == 400 and "$25.50" not in wrong.text
    assert "You counted $25.00" in wrong.text
    # the preparer still sees the slip's amounts
    prepared = await deposits.get_deposit(d.supervisor, deposit_id)
    assert not prepared["blind"]


async def test_nobody_verifies_a_bag_holding_a_drawer_they_worked_or_counted() -> None:
    d = await work_shifts(await make_day())
    await approve_both(d)
    own = await sd.open_drawer(d.lead, await sd.terminal(d.location_id), d.location_id, d.day)
    await sd.count_drawer(own, 15_000)
    from app.reconciliation import variances

    await variances.review(d.supervisor, own.shift_id, ReviewForm("accept", "none", ""))
    deposit_id = await deposits.prepare(d.supervisor, d.location_id, d.day, DepositForm(
        shift_ids=(d.shifts["a"].shift_id, d.shifts["b"].shift_id, own.shift_id),
        bag_number=f"BAG-{d.org.code}", denominations={2000: 1, 500: 1, 50: 1}))
    with pytest.raises(Forbidden, match="holds a drawer you worked or counted"):
        await deposits.verify(d.lead, deposit_id, 2_550)
    assert not (await deposits.get_deposit(d.lead, deposit_id))["may_verify"]
    # someone who handled none of the bag's drawers verifies it (a wrong count is refused)
    with pytest.raises(ValidationFailed):
        await deposits.verify(d.supervisor2, deposit_id, 1)
    await deposits.verify(d.supervisor2, deposit_id, 2_550)
    board = await boards.day_board(d.supervisor, d.location_id, d.day)
    assert [x["status"] for x in board.deposits] == ["verified"]


async def test_a_colleague_who_counted_a_drawer_for_its_clerk_cannot_verify_it() -> None:
    d = await work_shifts(await make_day(), count=False)
    await sd.count_drawer(d.shifts["a"], 16_350, counter=d.lead)
    await sd.count_drawer(d.shifts["b"], 16_200, checks_cents=500, checks_count=1,
                          card_cents=500)
    await approve_both(d)
    deposit_id = await bag(d)
    with pytest.raises(Forbidden, match="worked or counted"):
        await deposits.verify(d.lead, deposit_id, 2_550)
