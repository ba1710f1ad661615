"""Revenue reports and over/short per clerk: SQL aggregates over the ledger, scoped by section,
as pages, CSV and SVG."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from app.auth.roles import Role
from app.formatting import business_date
from app.reconciliation import sampledata as sd
from app.reconciliation import variances
from app.reconciliation.variances import ReviewForm
from app.reports import queries
from tests.fixtures import Browser, make_org, make_user, signed_in
from tests.integration.test_reconciliation_support import make_day, work_shifts


async def test_revenue_by_every_dimension_matches_the_sales() -> None:
    d = await work_shifts(await make_day(), count=False)
    youth = await sd.product("RC-YOUTH", "ticket_book", "youth", "Youth ticket")
    await sd.sell(d.shifts["a"], d.location_id, d.day, [youth], [sd.Pay("card", 500)])
    period = queries.Period(d.day, d.day)
    by_product = await queries.revenue_by(d.supervisor, "product", period, d.location_id)
    assert {r["label"]: r["amount_cents"] for r in by_product} == {
        "Adult ticket": 3_500, "Youth ticket": 500}
    by_category = await queries.revenue_by(d.supervisor, "fare_category", period, d.location_id)
    assert {r["key"]: r["amount_cents"] for r in by_category} == {"adult": 3_500, "youth": 500}
    by_tender = await queries.revenue_by(d.supervisor, "tender", period, d.location_id)
    assert {r["key"]: r["amount_cents"] for r in by_tender} == {
        "cash": 2_500, "check": 500, "card": 1_000}
    by_clerk = await queries.revenue_by(d.supervisor, "clerk", period, d.location_id)
    assert {r["key"]: r["amount_cents"] for r in by_clerk} == {
        d.clerk_a.id: 2_000, d.clerk_b.id: 2_000}
    by_terminal = await queries.revenue_by(d.supervisor, "terminal", period, d.location_id)
    assert sum(r["amount_cents"] for r in by_terminal) == 4_000 and len(by_terminal) == 2
    by_location = await queries.revenue_by(d.supervisor, "location", period)
    assert {r["key"]: r["amount_cents"] for r in by_location}[d.location_id] == 4_000
    # the float, settlements and other non-sale postings never count as sales by tender
    assert sum(r["amount_cents"] for r in by_tender) == sum(r["amount_cents"] for r in by_product)


async def test_a_period_adds_up_days_and_other_sections_stay_out() -> None:
    d = await work_shifts(await make_day(days_ago=2))
    item = await sd.product()
    later = await sd.open_drawer(d.clerk_a, d.terminal_a, d.location_id, d.day + timedelta(1))
    await sd.sell(later, d.location_id, d.day + timedelta(1), [item], [sd.Pay("cash", 500)])
    period = queries.Period(d.day, d.day + timedelta(1))
    rows = await queries.revenue_by(d.supervisor, "location", period, d.location_id)
    assert rows[0]["amount_cents"] == 3_500 + 500 and rows[0]["transactions"] == 8
    outsider = await make_user(Role.SUPERVISOR, ((await make_org()).section_id,))
    assert await queries.revenue_by(outsider, "product", period, d.location_id) == []
    auditor = await make_user(Role.AUDITOR)
    assert (await queries.revenue_by(auditor, "product", period, d.location_id))[0][
        "amount_cents"] == 4_000


async def test_over_short_per_clerk_over_30_and_90_days() -> None:
    d = await work_shifts(await make_day(days_ago=40))
    await variances.review(d.supervisor, d.shifts["a"].shift_id, ReviewForm("accept", "unknown"))
    item = await sd.product()
    yesterday = business_date() - timedelta(days=1)
    again = await sd.open_drawer(d.clerk_a, d.terminal_a, d.location_id, yesterday)
    await sd.sell(again, d.location_id, yesterday, [item], [sd.Pay("cash", 500)])
    await sd.count_drawer(again, 15_500 - 25)
    await variances.review(d.supervisor, again.shift_id, ReviewForm("accept", "count_error"))
    admin = await make_user(Role.ADMINISTRATOR)
    rows = {r["clerk"]: r for r in await queries.over_short_by_clerk(admin)}
    ann = rows[d.clerk_a.id]
    assert (ann["over_short_30"], ann["over_short_90"]) == (-25, -175)
    assert (ann["shortages_30"], ann["shortages_90"]) == (1, 2)


async def test_the_reports_page_charts_and_csv(browser: Browser) -> None:
    d = await work_shifts(await make_day())
    await variances.review(d.supervisor, d.shifts["a"].shift_id, ReviewForm("accept", "unknown"))
    await signed_in(browser, d.supervisor)
    q = f"from={d.day.isoformat()}&to={d.day.isoformat()}&location={d.location_id}"
    page = await browser.get(f"/reports?{q}")
    assert page.status_code == 200
    assert 'data-testid="report-total">$35.00' in page.text
    assert f'src="/reports/chart.svg?by=product&amp;{q.replace("&", "&amp;")}"' in page.text
    svg = await browser.get(f"/reports/chart.svg?by=tender&{q}")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "<script" not in svg.text and "$25.00" in svg.text
    body = (await browser.get(f"/reports/revenue.csv?by=tender&{q}")).text
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert {r["tender"]: r["amount"] for r in rows} == {"cash": "25.00", "card": "5.00",
                                                        "check": "5.00"}
    over_short = (await browser.get(f"/reports/over-short.csv?location={d.location_id}")).text
    assert "-1.50" in over_short
    bad = await browser.get("/reports?from=yesterday")
    assert bad.status_code == 200 and "Enter a date like" in bad.text


async def test_clerks_have_no_reports(browser: Browser) -> None:
    clerk = await make_user(Role.CLERK)
    await signed_in(browser, clerk)
    assert (await browser.get("/reports")).status_code == 403
    assert business_date()
