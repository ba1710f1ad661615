"""The day's paid-outs, safe drops (with witness), voids and refunds, read for the daily paper."""

from __future__ import annotations

import re

from app.auth.roles import Role
from app.drawers import services as drawers
from app.reconciliation import sampledata as sd
from app.reports.day_activity import day_activity
from app.sales.queries import recent_sales
from app.sales.returns import void_sale
from tests.fixtures import Browser, make_user, signed_in
from tests.integration.test_reconciliation_support import make_day
from tests.integration.test_sales_support import key


async def test_the_day_lists_movements_with_witnesses_and_the_voids() -> None:
    d = await make_day()
    item = await sd.product()
    a = await sd.open_drawer(d.clerk_a, d.terminal_a, d.location_id, d.day)
    await sd.sell(a, d.location_id, d.day, [item], [sd.Pay("cash", 500)])
    sold = await sd.sell(a, d.location_id, d.day, [item], [sd.Pay("cash", 500)])
    witness = await make_user(Role.LEAD, (d.org.section_id,))
    await drawers.cash_movement(d.clerk_a, shift_id=a.shift_id, kind="safe_drop", amount_cents=5_000,
                                reason="drawer over the limit", witness=witness)
    await drawers.cash_movement(d.clerk_a, shift_id=a.shift_id, kind="paid_out", amount_cents=250,
                                reason="stamps")
    sale = next(s for s in await recent_sales(a.terminal_id, limit=5) if s["receipt_number"] == sold)
    await void_sale(d.clerk_a, terminal_id=a.terminal_id, sale_id=int(sale["id"]),
                    reason_code="keyed_in_error", idempotency_key=key(),
                    card_refunds=[], override=d.supervisor)

    activity = await day_activity(d.location_id, d.day)
    [drop] = activity.of_kind("safe_drop")
    assert (drop["amount_cents"], drop["reason"]) == (5_000, "drawer over the limit")
    assert witness.username in drop["witness_name"]
    [paid] = activity.of_kind("paid_out")
    assert (paid["amount_cents"], paid["witness_name"]) == (250, None)
    [void] = activity.returns
    assert void["kind_label"] == "Void" and void["total_cents"] == -500
    assert void["reason_label"] == "Keyed in error"
    assert void["original"].endswith(f"{sold:06d}") and void["approved_by_name"]
    assert activity.account("drawer_cash") != "drawer_cash"  # the chart's name


async def test_the_shift_review_shows_each_safe_drops_witness(browser: Browser) -> None:
    d = await make_day()
    a = await sd.open_drawer(d.clerk_a, d.terminal_a, d.location_id, d.day)
    item = await sd.product()
    await sd.sell(a, d.location_id, d.day, [item], [sd.Pay("cash", 500)])
    first = await make_user(Role.LEAD, (d.org.section_id,))
    second = await make_user(Role.SUPERVISOR, (d.org.section_id,))
    for witness, cents in ((first, 4_000), (second, 6_000)):
        await drawers.cash_movement(d.clerk_a, shift_id=a.shift_id, kind="safe_drop",
                                    amount_cents=cents, reason="over the limit", witness=witness)
    await signed_in(browser, d.supervisor)
    page = await browser.get(f"/reconciliation/shift/{a.shift_id}")
    assert page.status_code == 200
    rows = re.findall(r'<td data-testid="movement-witness">(.*?)</td>', page.text, re.S)
    assert len(rows) == 2
    assert first.username in rows[0] and second.username in rows[1]
    assert "$40.00" in page.text and "$60.00" in page.text
