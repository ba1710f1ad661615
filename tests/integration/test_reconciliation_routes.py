"""The day board and its forms through the ASGI app: what each role sees and may do."""

from __future__ import annotations

import re

from app.auth.roles import Role
from app.drawers import services as drawers
from app.reconciliation.tables import Deposit
from tests.fixtures import Browser, make_org, make_user, signed_in
from tests.integration.test_reconciliation_support import make_day, work_shifts


async def test_the_supervisor_closes_a_day_from_the_board(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await signed_in(browser, d.supervisor)
    url = f"/reconciliation/{d.location_id}/{d.day.isoformat()}"
    board = await browser.get(url)
    assert board.status_code == 200
    a, b = d.shifts["a"].shift_id, d.shifts["b"].shift_id
    assert re.search(rf'data-testid="over-short-{a}">\s*<span class="tag tag-err">-\$1.50 short',
                     board.text)
    assert "$2.00 over" in board.text
    page = await browser.get(f"/reconciliation/shift/{a}")
    assert 'data-testid="review-form"' in page.text and "$165.00" in page.text
    # a reason is required: the form comes back with the message and nothing changes
    bad = await browser.post_form(f"/reconciliation/shift/{a}/review",
                                  {"outcome": "accept", "reason_code": "none", "step": "decide"})
    assert bad.status_code == 400 and "choose why" in bad.text
    assert (await drawers.get_shift(a))["status"] == "counted"
    for shift_id, reason in ((a, "change_error"), (b, "count_error")):
        done = await browser.post_form(f"/reconciliation/shift/{shift_id}/review", {
            "outcome": "accept", "reason_code": reason, "note": "", "step": "decide"})
        assert done.status_code == 303
    board = await browser.get(url)
    assert "Count accepted" in board.text and 'data-testid="prepare-deposit"' in board.text
    form = await browser.get(f"{url}/deposit")
    # the bag ($25.50) is suggested from the pieces the drawers were closed with
    assert 'name="d1000" inputmode="numeric" size="5" value="2"' in form.text
    assert 'name="d25" inputmode="numeric" size="5" value="2"' in form.text
    wrong = await browser.post_form(f"{url}/deposit", {
        "shift_ids": [str(a), str(b)], "bag_number": "bag-77", "d2000": "1"})
    assert wrong.status_code == 400 and "$25.50" in wrong.text
    made = await browser.post_form(f"{url}/deposit", {
        "shift_ids": [str(a), str(b)], "bag_number": f"bag-{d.org.code}", "d2000": "1",
        "d500": "1", "d50": "1"})
    assert made.status_code == 303
    deposit = await Deposit.select().where(Deposit.bag_number == f"BAG-{d.org.code}").first()
    slip = await browser.get(f"/reconciliation/deposit/{deposit['id']}/slip.pdf")
    assert slip.headers["content-type"] == "application/pdf" and slip.content.startswith(b"%PDF")
    report = await browser.get(f"{url}/report.pdf")
    assert report.content.startswith(b"%PDF")
    csv = await browser.get(f"{url}/shifts.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert f"{d.shifts['a'].shift_id}," in csv.text and ",-1.50," in csv.text


async def test_a_lead_recommends_through_the_form(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await signed_in(browser, d.lead)
    a = d.shifts["a"].shift_id
    response = await browser.post_form(f"/reconciliation/shift/{a}/review", {
        "outcome": "accept", "reason_code": "change_error", "step": "recommend"})
    assert response.status_code == 303
    board = await browser.get(f"/reconciliation/{d.location_id}/{d.day.isoformat()}")
    assert "Recommendation recorded" in board.text and "Lead recommends: accept" in board.text
    # a lead cannot sign off
    refused = await browser.post_form(
        f"/reconciliation/{d.location_id}/{d.day.isoformat()}/sign-off")
    assert refused.status_code == 403


async def test_an_auditor_reads_and_exports_but_has_no_forms(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await signed_in(browser, await make_user(Role.AUDITOR))
    url = f"/reconciliation/{d.location_id}/{d.day.isoformat()}"
    board = await browser.get(url)
    assert board.status_code == 200 and "Shifts" in board.text
    assert 'data-testid="adjust-form"' not in board.text
    shift = await browser.get(f"/reconciliation/shift/{d.shifts['a'].shift_id}")
    assert 'data-testid="review-form"' not in shift.text
    refused = await browser.post_form(f"/reconciliation/shift/{d.shifts['a'].shift_id}/review",
                                      {"outcome": "accept", "reason_code": "unknown"})
    assert refused.status_code == 403
    assert (await browser.get(f"{url}/shifts.csv")).status_code == 200


async def test_a_supervisor_sees_only_the_locations_of_their_sections(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    outsider = await make_user(Role.SUPERVISOR, ((await make_org()).section_id,))
    await signed_in(browser, outsider)
    response = await browser.get(f"/reconciliation/{d.location_id}/{d.day.isoformat()}")
    assert response.status_code == 403
    index = await browser.get("/reconciliation")
    assert d.org.code not in index.text


async def test_clerks_do_not_reach_the_board(browser: Browser) -> None:
    d = await make_day()
    await signed_in(browser, d.clerk_a)
    response = await browser.get(f"/reconciliation/{d.location_id}/{d.day.isoformat()}")
    assert response.status_code == 403
    home = await browser.get("/")
    assert 'href="/reconciliation"' not in home.text


async def test_the_index_lists_overdue_deposits_and_the_nav_links_the_board(
        browser: Browser) -> None:
    d = await work_shifts(await make_day(days_ago=3))
    await signed_in(browser, d.supervisor)
    index = await browser.get("/reconciliation")
    assert 'href="/reconciliation"' in index.text and 'href="/reports"' in index.text
    assert f'/reconciliation/{d.location_id}/{d.day.isoformat()}' in index.text
    jump = await browser.get(f"/reconciliation?location={d.location_id}&date={d.day.isoformat()}")
    assert jump.status_code == 303


async def test_the_home_page_lists_drawers_waiting_for_review(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await signed_in(browser, d.lead)
    home = await browser.get("/")
    assert 'data-testid="reconciliation-panel"' in home.text
    assert f'/reconciliation/{d.location_id}/{d.day.isoformat()}">' in home.text
    assert "2 shifts" in home.text


async def test_sign_off_too_early_re_renders_the_board_with_the_reasons(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await signed_in(browser, d.supervisor)
    url = f"/reconciliation/{d.location_id}/{d.day.isoformat()}"
    plain = await browser.post_form(f"{url}/sign-off")
    assert plain.status_code == 409 and "2 shift(s) not approved yet" in plain.text
    boosted = await browser.post_form(f"{url}/sign-off", headers={"HX-Request": "true"})
    assert boosted.status_code == 200 and "cannot be signed off yet" in boosted.text
    ledger = await browser.get(f"{url}/ledger.csv")
    assert "drawer_cash,325.00" in ledger.text  # two floats of $150 + $25 cash sales
    receipts = await browser.get(f"{url}/receipts.csv")
    assert receipts.text.count(",no,") == 2
