"""Day sign-off cannot lock a counter that is still selling (issue 9 item 7), and nobody
corrects their own shift (item 6): the current business day is signed off only after the
location's closing time and once every drawer is closed; after a day is locked, corrections
are adjusting entries dated on an open day."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from app.errors import Conflict, Forbidden
from app.formatting import business_date
from app.ledger import services as ledger
from app.org.tables import Location
from app.reconciliation import board as boards
from app.reconciliation import deposits, signoff
from app.reconciliation.signoff import AdjustmentForm
from app.settings import get_settings
from tests.fixtures import Browser, signed_in
from tests.integration.test_reconciliation_deposits import approve_both, bag
from tests.integration.test_reconciliation_support import Day, make_day, work_shifts


def at(d: Day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(d.day, time(hour, minute), tzinfo=get_settings().tz)


async def ready_today(hours: str = "Daily 7:00–18:00") -> Day:
    """Today's day at a location with these hours: both drawers counted, approved, bagged."""
    d = await work_shifts(await make_day(days_ago=0))
    await Location.update({Location.opening_hours: hours}).where(Location.id == d.location_id)
    await approve_both(d)
    await deposits.verify(d.lead, await bag(d), 2_550)
    return d


async def test_today_is_not_signed_off_while_the_location_is_open() -> None:
    d = await ready_today()
    with pytest.raises(Conflict, match="open until 18:00 today"):
        await signoff.sign_off(d.supervisor2, d.location_id, d.day, now=at(d, 8, 39))
    assert not await ledger.is_day_locked(d.location_id, d.day)
    await signoff.sign_off(d.supervisor2, d.location_id, d.day, now=at(d, 18, 5))
    assert await ledger.is_day_locked(d.location_id, d.day)


async def test_hours_that_do_not_say_when_it_closes_keep_today_open_until_midnight() -> None:
    d = await ready_today("By appointment")
    with pytest.raises(Conflict, match="from midnight"):
        await signoff.sign_off(d.supervisor2, d.location_id, d.day, now=at(d, 23, 50))


async def test_a_day_that_has_not_happened_is_never_signed_off() -> None:
    d = await make_day(days_ago=-1)
    with pytest.raises(Conflict, match="not happened yet"):
        await signoff.sign_off(d.supervisor, d.location_id, d.day)


async def test_an_open_drawer_keeps_the_day_open_and_says_whose() -> None:
    d = await work_shifts(await make_day(days_ago=1), count=False)
    with pytest.raises(Conflict, match="2 drawer\\(s\\) still open") as refused:
        await signoff.sign_off(d.supervisor2, d.location_id, d.day)
    assert "each clerk closes their drawer first" in refused.value.message


async def test_the_board_explains_why_today_cannot_be_signed_off_yet(browser: Browser) -> None:
    d = await ready_today("Daily 0:00–23:59")
    board = await boards.day_board(d.supervisor2, d.location_id, d.day)
    board.now = at(d, 12)
    assert any("open until 23:59 today" in b for b in board.sign_off_blockers)
    await signed_in(browser, d.supervisor2)
    page = await browser.get(f"/reconciliation/{d.location_id}/{d.day}")
    if datetime.now(get_settings().tz).time() < time(23, 59):
        assert "open until 23:59 today" in page.text


async def test_after_today_is_signed_off_a_correction_is_dated_on_the_next_open_day() -> None:
    d = await ready_today()
    await signoff.sign_off(d.supervisor2, d.location_id, d.day, now=at(d, 18, 30))
    assert await signoff.first_open_day(d.location_id) == business_date() + timedelta(days=1)
    txn_id = await signoff.post_adjustment(d.supervisor2, d.location_id, d.day, AdjustmentForm(
        amount_cents=-200, memo="Counterfeit $2 found in the safe"))
    txn = await ledger.get_transaction(txn_id)
    assert txn["business_date"] == d.day + timedelta(days=1) and txn["corrects_date"] == d.day


async def test_nobody_posts_an_adjusting_entry_for_a_day_they_worked_a_drawer() -> None:
    d = await work_shifts(await make_day(days_ago=1))
    # the supervisor ran drawer A this day (a supervisor can sell at a kiosk)
    from app.reconciliation import sampledata as sd

    own = await sd.open_drawer(d.supervisor, await sd.terminal(d.location_id), d.location_id,
                               d.day)
    await sd.count_drawer(own, 14_850)  # $1.50 short
    before = await ledger.balance("cash_over_short", location_id=d.location_id)
    for shift_id in (own.shift_id, None):
        with pytest.raises(Forbidden, match="nobody corrects their own shift"):
            await signoff.post_adjustment(d.supervisor, d.location_id, d.day, AdjustmentForm(
                amount_cents=150, memo="move my shortage", shift_id=shift_id))
    assert await ledger.balance("cash_over_short", location_id=d.location_id) == before
    await signoff.post_adjustment(d.supervisor2, d.location_id, d.day, AdjustmentForm(
        amount_cents=150, memo="found in the safe", shift_id=own.shift_id))
