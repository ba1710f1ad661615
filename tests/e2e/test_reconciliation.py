"""In a real browser: a lead and a supervisor close a day from the board to the signed-off
deposit, and the locked day then refuses a posting with a clear message."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from app.formatting import business_date
from tests.e2e.conftest import PROJECT_ROOT, LiveServer, sign_in, sign_out

pytestmark = pytest.mark.e2e


def work_a_day(server: LiveServer) -> dict[str, object]:
    """Two clerks' counted drawers at CENTRAL yesterday (one $1.50 short, one $2.00 over)."""
    result = subprocess.run(
        [sys.executable, "-m", "app.reconciliation.demo_day"], cwd=PROJECT_ROOT,
        env=server.env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def review(page: Page, shift_id: int, reason: str, button: str, flash: str) -> None:
    page.click(f"[data-testid=review-{shift_id}]")
    expect(page.locator("[data-testid=review-form]")).to_be_visible()
    page.check("[data-testid=outcome-accept]")
    page.select_option("#f-reason_code", reason)
    page.fill("#f-note", f"checked with the clerk ({reason})")
    page.click(f"[data-testid={button}]")
    expect(page.locator("#alerts")).to_contain_text(flash)


def test_a_supervisor_closes_a_real_day_and_the_locked_day_refuses_postings(
        live_server: LiveServer, page: Page) -> None:
    day = work_a_day(live_server)
    shifts = day["shifts"]
    assert isinstance(shifts, dict)
    a, b = int(shifts["a"]), int(shifts["b"])
    board = f"/reconciliation/{day['location_id']}/{day['day']}"

    # the lead sees both drawers and recommends accepting them
    sign_in(page, "lead")
    page.click("nav.mainnav >> text=Day board")
    page.goto(board)
    expect(page.locator(f"[data-testid=over-short-{a}]")).to_contain_text("-$1.50 short")
    expect(page.locator(f"[data-testid=over-short-{b}]")).to_contain_text("$2.00 over")
    review(page, a, "change_error", "recommend", "Recommendation recorded")
    review(page, b, "count_error", "recommend", "Recommendation recorded")
    expect(page.locator(f"[data-testid=shift-{a}]")).to_contain_text("Lead recommends: accept")
    sign_out(page)

    # the supervisor decides, and prepares the deposit
    sign_in(page, "supervisor")
    page.goto(board)
    review(page, a, "change_error", "decide", "Count accepted")
    review(page, b, "count_error", "decide", "Count accepted")
    expect(page.locator(f"[data-testid=shift-{a}]")).to_contain_text("Approved")
    page.click("[data-testid=prepare-deposit]")
    page.fill("#f-bag_number", "E2E-1001")
    expect(page.locator("#f-d1000")).to_have_value("2")  # suggested from the closing counts
    page.click("[data-testid=prepare]")
    expect(page.locator("#alerts")).to_contain_text("Deposit bag E2E-1001 prepared")
    expect(page.locator("[data-testid=deposit-total]")).to_have_text("$30.50")
    expect(page.locator("[data-testid=verify-form]")).to_have_count(0)  # not by the preparer
    deposit_url = page.url
    sign_out(page)

    # a second person verifies the bag, sends it and enters the bank's confirmation
    sign_in(page, "lead")
    page.goto(deposit_url)
    expect(page.locator("[data-testid=blind-count]")).to_be_visible()  # counted blind
    expect(page.locator("[data-testid=deposit-total]")).to_have_count(0)
    page.fill("#f-counted_cash", "25.00")
    page.click("[data-testid=verify]")
    expect(page.locator(".field-error")).to_contain_text("not what the slip says")
    expect(page.locator(".field-error")).not_to_contain_text("$25.50")
    page.fill("#f-counted_cash", "25.50")
    page.click("[data-testid=verify]")
    expect(page.locator("[data-testid=verified-by]")).to_have_text("Lee Lead")
    expect(page.locator("[data-testid=deposit-status]")).to_have_text("Verified")
    page.click("[data-testid=send]")
    expect(page.locator("[data-testid=deposit-status]")).to_have_text("In transit")
    page.fill("#f-bank_amount", "30.50")
    page.click("[data-testid=confirm]")
    expect(page.locator("[data-testid=deposit-status]")).to_have_text("Confirmed by the bank")
    slip = page.request.get(deposit_url + "/slip.pdf")
    assert slip.ok and slip.body().startswith(b"%PDF")
    sign_out(page)

    # the supervisor signs the day off
    sign_in(page, "supervisor")
    page.goto(board)
    page.click("[data-testid=sign-off]")
    page.click("[data-testid=confirm-go]")  # the in-page confirmation, not the browser's
    expect(page.locator("#alerts")).to_contain_text("signed off and locked")
    expect(page.locator("[data-testid=day-status]")).to_contain_text("Signed off by Sam Supervisor")

    # posting into the locked day is refused, with the way forward
    page.fill("#f-amount", "5.00")
    page.fill("#f-entry_date", str(day["day"]))
    page.fill("#f-memo", "found $5.00 in the safe")
    page.click("[data-testid=post-adjustment]")
    message = page.locator("#e-entry_date")
    expect(message).to_contain_text(f"The day {day['day']} at Central Station")
    expect(message).to_contain_text("is signed off; post a correction dated today")
    # dated today, it names the day it corrects
    page.fill("#f-entry_date", business_date().isoformat())
    page.click("[data-testid=post-adjustment]")
    expect(page.locator("#alerts")).to_contain_text(f"for {day['day']} posted on")
    report = page.request.get(board + "/report.pdf")
    assert report.ok and report.body().startswith(b"%PDF")
