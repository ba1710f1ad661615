"""A drawer's day on a real database: open with a float, move cash, blind close, recount."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.audit.tables import AuditEvent
from app.auth.roles import Role
from app.db import engine
from app.drawers import services as drawers
from app.drawers.errors import NoOpenShift
from app.drawers.tables import CashMovement, Shift, ShiftCount
from app.errors import Conflict, Forbidden, ValidationFailed
from app.ledger import services as ledger
from app.ledger.accounts import (
    CARD_CLEARING,
    CHECKS_ON_HAND,
    DRAWER_CASH,
    FARE_REVENUE,
    PAID_IN_OTHER,
    PAID_OUT_EXPENSE,
    SAFE,
)
from app.ledger.services import Leg
from app.ledger.tables import JournalTransaction
from tests.fixtures import make_org
from tests.integration.test_drawers_support import (
    FLOAT,
    FLOAT_CENTS,
    Counter,
    make_counter,
    make_terminal,
    open_counter,
    quick_user,
)

DAY = date(2026, 11, 20)


@pytest.fixture
async def counter() -> Counter:
    return await make_counter()


async def sell(counter: Counter, shift_id: int, *, taken: int, change: int,
               tender: str = "cash") -> int:
    """What the sales service posts for a cash sale: cash taken in, change out, revenue."""
    account = {"cash": DRAWER_CASH, "check": CHECKS_ON_HAND, "card": CARD_CLEARING}[tender]
    legs = [Leg(account, taken, tender_kind=tender), Leg(FARE_REVENUE, -(taken - change))]
    if change:
        legs.append(Leg(DRAWER_CASH, -change, tender_kind="cash"))
    return await ledger.post(kind="sale", actor=counter.clerk, location_id=counter.location_id,
                             business_date=DAY, legs=legs, shift_id=shift_id,
                             terminal_id=counter.terminal_id, clerk_id=counter.clerk.id)


async def close(counter: Counter, shift_id: int, cash: dict[int, int], *, checks: int = 0,
                checks_count: int = 0, card: int = 0, who=None) -> drawers.CountResult:  # type: ignore[no-untyped-def]
    return await drawers.submit_count(who or counter.clerk, shift_id=shift_id, denominations=cash,
                                      checks_cents=checks, checks_count=checks_count,
                                      card_cents=card)


# ---------------------------------------------------------------- opening


async def test_opening_a_shift_counts_the_float_and_moves_it_from_the_safe(
    counter: Counter,
) -> None:
    assert await drawers.open_shift_for_terminal(counter.terminal_id) is None
    shift_id = await open_counter(counter, day=DAY)

    shift = await drawers.open_shift_for_terminal(counter.terminal_id)
    assert shift is not None and shift["id"] == shift_id and shift["status"] == "open"
    assert shift["clerk"] == counter.clerk.id and shift["business_date"] == DAY
    opening = await ShiftCount.select().where(ShiftCount.shift == shift_id)
    assert [(c["kind"], c["cash_cents"]) for c in opening] == [("open", FLOAT_CENTS)]
    assert await ledger.shift_balances(shift_id) == {DRAWER_CASH: FLOAT_CENTS, SAFE: -FLOAT_CENTS}
    event = await AuditEvent.select().where(
        (AuditEvent.action == "shift.open") & (AuditEvent.object_id == str(shift_id))).first()
    assert event is not None and event["actor"] == counter.clerk.id


async def test_the_business_date_defaults_to_the_agency_day(counter: Counter) -> None:
    from app.formatting import business_date

    shift_id = await open_counter(counter)
    assert (await drawers.get_shift(shift_id))["business_date"] == business_date()


async def test_one_shift_per_drawer_and_one_drawer_per_clerk(counter: Counter) -> None:
    await open_counter(counter, day=DAY)
    other_clerk = await quick_user(Role.CLERK, (counter.org.section_id,))
    with pytest.raises(Conflict, match="already has a shift"):
        await drawers.open_shift(other_clerk, terminal_id=counter.terminal_id,
                                 location_id=counter.location_id, denominations=FLOAT)
    second_terminal = await make_terminal(counter.location_id)
    with pytest.raises(Conflict, match="already have an open drawer"):
        await drawers.open_shift(counter.clerk, terminal_id=second_terminal,
                                 location_id=counter.location_id, denominations=FLOAT)
    assert await Shift.count().where(Shift.terminal == counter.terminal_id) == 1


async def test_the_database_allows_one_shift_in_use_per_terminal(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Shift(terminal=counter.terminal_id, location=counter.location_id,
                    clerk=counter.lead.id, business_date=DAY, status="open").save()
    assert (await drawers.get_shift(shift_id))["status"] == "open"


async def test_two_clerks_opening_one_drawer_at_once_get_one_shift(counter: Counter) -> None:
    other_clerk = await quick_user(Role.CLERK, (counter.org.section_id,))
    results = await asyncio.gather(*[
        drawers.open_shift(who, terminal_id=counter.terminal_id, location_id=counter.location_id,
                           denominations=FLOAT, business_date=DAY)
        for who in (counter.clerk, other_clerk)
    ], return_exceptions=True)
    opened = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(opened) == 1 and len(refused) == 1
    assert isinstance(refused[0], Conflict), repr(refused[0])
    assert await Shift.count().where(Shift.terminal == counter.terminal_id) == 1
    assert await ledger.balance(DRAWER_CASH, shift_id=opened[0]) == FLOAT_CENTS


async def test_two_closes_at_once_store_one_count(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    results = await asyncio.gather(close(counter, shift_id, FLOAT),
                                   close(counter, shift_id, {2000: 1}, who=counter.lead),
                                   return_exceptions=True)
    counted = [r for r in results if isinstance(r, drawers.CountResult)]
    assert len(counted) == 1, results
    assert all(isinstance(r, Conflict) for r in results if r not in counted)
    rows = await drawers.counts(shift_id)
    assert [r["kind"] for r in rows] == ["open", "close"]


async def test_opening_refusals(counter: Counter) -> None:
    with pytest.raises(ValidationFailed, match="Count the float"):
        await drawers.open_shift(counter.clerk, terminal_id=counter.terminal_id,
                                 location_id=counter.location_id, denominations={})
    with pytest.raises(ValidationFailed):
        await drawers.open_shift(counter.clerk, terminal_id=counter.terminal_id,
                                 location_id=counter.location_id, denominations={300: 1})
    elsewhere = await make_org()
    with pytest.raises(ValidationFailed, match="another location"):
        await drawers.open_shift(counter.clerk, terminal_id=counter.terminal_id,
                                 location_id=elsewhere.location_id, denominations=FLOAT)
    outsider = await quick_user(Role.CLERK, (elsewhere.section_id,))
    with pytest.raises(Forbidden, match="outside your sections"):
        await drawers.open_shift(outsider, terminal_id=counter.terminal_id,
                                 location_id=counter.location_id, denominations=FLOAT)
    admin = await quick_user(Role.ADMINISTRATOR, ())
    with pytest.raises(Forbidden):
        await drawers.open_shift(admin, terminal_id=counter.terminal_id,
                                 location_id=counter.location_id, denominations=FLOAT)
    switched_off = await make_terminal(counter.location_id, active=False)
    with pytest.raises(Conflict, match="switched off"):
        await drawers.open_shift(counter.clerk, terminal_id=switched_off,
                                 location_id=counter.location_id, denominations=FLOAT)
    assert await drawers.open_shift_for_terminal(counter.terminal_id) is None


async def test_selling_requires_an_open_shift_of_ones_own(counter: Counter) -> None:
    with pytest.raises(NoOpenShift) as refused:
        await drawers.require_open_shift(counter.clerk, counter.terminal_id)
    assert refused.value.message == "Open a shift with a counted float before selling."
    shift_id = await open_counter(counter, day=DAY)
    assert (await drawers.require_open_shift(counter.clerk, counter.terminal_id))["id"] == shift_id
    assert (await drawers.require_open_shift(counter.lead, counter.terminal_id))["id"] == shift_id
    other_clerk = await quick_user(Role.CLERK, (counter.org.section_id,))
    with pytest.raises(Forbidden, match="This drawer belongs to"):
        await drawers.require_open_shift(other_clerk, counter.terminal_id)
    far_lead = await quick_user(Role.LEAD, ((await make_org()).section_id,))  # elsewhere
    with pytest.raises(Forbidden):
        await drawers.require_open_shift(far_lead, counter.terminal_id)


# ---------------------------------------------------------------- cash movements


async def test_paid_in_paid_out_and_drop_each_post_to_the_ledger(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_in",
                                amount_cents=1_000, reason="Change fund top-up")
    await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_out",
                                amount_cents=1_250, reason="Printer paper, receipt 5521")
    drop_id = await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="safe_drop",
                                          amount_cents=10_000, reason="", witness=counter.lead)
    balances = await ledger.shift_balances(shift_id)
    assert balances[DRAWER_CASH] == FLOAT_CENTS + 1_000 - 1_250 - 10_000
    assert balances[PAID_IN_OTHER] == -1_000 and balances[PAID_OUT_EXPENSE] == 1_250
    assert balances[SAFE] == -FLOAT_CENTS + 10_000
    drop = await CashMovement.select().where(CashMovement.id == drop_id).first()
    assert drop is not None and drop["witness"] == counter.lead.id
    txns = await ledger.transactions_for("cash_movement", str(drop_id))
    assert [t["kind"] for t in txns] == ["safe_drop"]
    expected = await drawers.expected_totals(shift_id)
    assert (expected.paid_in_cents, expected.paid_out_cents, expected.drops_cents) == (
        1_000, 1_250, 10_000)
    assert expected.expected_cash_cents == FLOAT_CENTS + 1_000 - 1_250 - 10_000


async def test_a_safe_drop_needs_another_person_as_witness(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    for witness in (None, counter.clerk):
        with pytest.raises(ValidationFailed, match="needs a witness"):
            await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="safe_drop",
                                        amount_cents=5_000, reason="", witness=witness)
    assert await CashMovement.count().where(CashMovement.shift == shift_id) == 0


async def test_a_large_paid_out_needs_a_lead_or_supervisor_override(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    other_clerk = await quick_user(Role.CLERK, (counter.org.section_id,))
    for override in (None, other_clerk):
        with pytest.raises(Forbidden, match=r"above \$20.00"):
            await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_out",
                                        amount_cents=2_001, reason="Refund", override=override)
    with pytest.raises(Forbidden):  # a lead may not approve their own paid-out
        await drawers.cash_movement(counter.lead, shift_id=shift_id, kind="paid_out",
                                    amount_cents=2_001, reason="Refund", override=counter.lead)
    await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_out",
                                amount_cents=2_000, reason="At the limit")
    movement_id = await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_out",
                                              amount_cents=2_001, reason="Refund",
                                              override=counter.supervisor)
    row = await CashMovement.select().where(CashMovement.id == movement_id).first()
    assert row is not None and row["override_by"] == counter.supervisor.id


async def test_cash_never_leaves_a_drawer_that_does_not_hold_it(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    movements_before = await CashMovement.count().where(CashMovement.shift == shift_id)
    with pytest.raises(ValidationFailed, match=r"\$150.01 is more than this drawer should hold") \
            as refused:
        await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_out",
                                    amount_cents=FLOAT_CENTS + 1, reason="Supplies",
                                    override=counter.supervisor)
    assert refused.value.field_errors == {
        "amount": "More than this drawer should hold: ask a supervisor."}  # never the $150.00
    with pytest.raises(ValidationFailed, match="for this safe drop"):
        await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="safe_drop",
                                    amount_cents=FLOAT_CENTS + 1, reason="", witness=counter.lead)
    assert await CashMovement.count().where(CashMovement.shift == shift_id) == movements_before
    assert await drawers.drawer_cash(shift_id) == FLOAT_CENTS
    await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="safe_drop",
                                amount_cents=FLOAT_CENTS, reason="", witness=counter.lead)
    with pytest.raises(ValidationFailed, match=r"\$0.01 is more than this drawer should hold"):
        await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_out",
                                    amount_cents=1, reason="Stamps")


async def test_a_no_sale_is_recorded_and_audited_without_moving_money(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    before = await JournalTransaction.count()
    movement_id = await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="no_sale",
                                              amount_cents=0, reason="Customer asked for change")
    assert await JournalTransaction.count() == before
    assert (await drawers.movements(shift_id))[0]["kind_label"] == "No sale"
    event = await AuditEvent.select().where(
        (AuditEvent.action == "drawer.no_sale") & (AuditEvent.object_id == str(shift_id))).first()
    assert event is not None and str(movement_id) in event["summary"]
    with pytest.raises(ValidationFailed):
        await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="no_sale",
                                    amount_cents=100, reason="x")
    with pytest.raises(ValidationFailed):
        await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_in",
                                    amount_cents=100, reason="  ")


async def test_cash_movements_need_an_open_shift(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    await close(counter, shift_id, FLOAT)
    with pytest.raises(NoOpenShift):
        await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind="paid_in",
                                    amount_cents=100, reason="late")


# ---------------------------------------------------------------- expected cash (property)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("sale"), st.integers(1, 20_000), st.integers(0, 2_000)),
        st.tuples(st.just("paid_in"), st.integers(1, 5_000), st.just(0)),
        st.tuples(st.just("paid_out"), st.integers(1, 2_000), st.just(0)),
        st.tuples(st.just("safe_drop"), st.integers(1, 10_000), st.just(0)),
        st.tuples(st.just("no_sale"), st.just(0), st.just(0)),
    ),
    max_size=8,
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations, float_twenties=st.integers(1, 20))
async def test_expected_cash_is_float_plus_takings_minus_change_payouts_and_drops(
    counter: Counter, ops: list[tuple[str, int, int]], float_twenties: int
) -> None:
    """...and cash never leaves a drawer that does not hold it (refused, nothing changes)."""
    counter.terminal_id = await make_terminal(counter.location_id)  # a fresh drawer per example
    shift_id = await open_counter(counter, day=DAY, float_counts={2000: float_twenties})
    float_cents = 2000 * float_twenties
    taken = change = paid_in = paid_out = drops = 0
    try:
        for kind, amount, give_back in ops:
            if kind == "sale":
                give_back = min(give_back, amount)
                await sell(counter, shift_id, taken=amount, change=give_back)
                taken += amount
                change += give_back
            elif kind in ("paid_out", "safe_drop") and amount > (
                    float_cents + taken - change - paid_out - drops + paid_in):
                with pytest.raises(ValidationFailed, match="more than this drawer should hold"):
                    await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind=kind,
                                                amount_cents=amount, reason="property",
                                                witness=counter.lead)
            else:
                await drawers.cash_movement(counter.clerk, shift_id=shift_id, kind=kind,
                                            amount_cents=amount, reason="property",
                                            witness=counter.lead)
                paid_in += amount if kind == "paid_in" else 0
                paid_out += amount if kind == "paid_out" else 0
                drops += amount if kind == "safe_drop" else 0
        expected = await drawers.expected_totals(shift_id)
        assert expected.expected_cash_cents == (
            float_cents + taken - change - paid_out - drops + paid_in)
        assert expected.float_cents == float_cents
        assert expected.cash_sales_cents == taken - change
        assert (expected.paid_in_cents, expected.paid_out_cents, expected.drops_cents) == (
            paid_in, paid_out, drops)
    finally:  # the clerk closes the drawer (one open drawer per clerk)
        in_drawer = max(float_cents + taken - change - paid_out - drops + paid_in, 0)
        counted = await close(counter, shift_id, {10000: in_drawer // 10000,
                                                  1: in_drawer % 10000})
    assert counted.cash_over_short_cents == in_drawer - expected.expected_cash_cents


# ---------------------------------------------------------------- blind close and recount


async def test_a_blind_close_stores_the_count_then_reports_over_and_short(
    counter: Counter,
) -> None:
    shift_id = await open_counter(counter, day=DAY)
    await sell(counter, shift_id, taken=10_000, change=0)                 # cash $100
    await sell(counter, shift_id, taken=2_500, change=0, tender="check")  # a $25 check
    await sell(counter, shift_id, taken=5_000, change=0, tender="card")   # $50 on card

    # the drawer should hold $250.00; the clerk counts $245.00 (short $5)
    result = await close(counter, shift_id, {10000: 1, 5000: 2, 2000: 2, 500: 1},
                         checks=2_500, checks_count=1, card=5_000)
    assert result.kind == "close" and result.cash_cents == 24_500
    assert result.expected_cash_cents == 25_000
    assert result.cash_over_short_cents == -500
    assert result.checks_over_short_cents == 0 and result.card_over_short_cents == 0
    assert result.total_over_short_cents == -500

    shift = await drawers.get_shift(shift_id)
    assert shift["status"] == "counted" and shift["closed_at"] is not None
    stored = await drawers.latest_count(shift_id)
    assert stored is not None and stored["id"] == result.count_id
    assert stored["denominations"] == {10000: 1, 5000: 2, 2000: 2, 500: 1}
    assert (stored["checks_cents"], stored["checks_count"], stored["card_cents"]) == (
        2_500, 1, 5_000)
    assert await drawers.open_shift_for_terminal(counter.terminal_id) is None
    with pytest.raises(Conflict, match="already been counted"):
        await close(counter, shift_id, FLOAT)
    event = await AuditEvent.select().where(
        (AuditEvent.action == "shift.counted") & (AuditEvent.object_id == str(shift_id))).first()
    assert event is not None and '"cash_cents": 24500' in event["summary"]


async def test_count_form_refusals_store_nothing(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    with pytest.raises(ValidationFailed) as refused:
        await close(counter, shift_id, FLOAT, checks=2_500, checks_count=0)
    assert "checks_count" in refused.value.field_errors
    with pytest.raises(ValidationFailed):
        await close(counter, shift_id, FLOAT, card=-1)
    with pytest.raises(ValidationFailed):
        await close(counter, shift_id, {2000: -3})
    other_clerk = await quick_user(Role.CLERK, (counter.org.section_id,))
    with pytest.raises(Forbidden):
        await close(counter, shift_id, FLOAT, who=other_clerk)
    assert await ShiftCount.count().where(ShiftCount.shift == shift_id) == 1
    assert (await drawers.get_shift(shift_id))["status"] == "open"


async def test_a_recount_is_a_second_count_beside_the_first(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    first = await close(counter, shift_id, {2000: 5, 1000: 4})  # $10 short
    assert first.cash_over_short_cents == -1_000

    with pytest.raises(Forbidden, match="lead or supervisor"):
        await drawers.request_recount(counter.clerk, shift_id, "please")
    with pytest.raises(ValidationFailed):
        await drawers.request_recount(counter.lead, shift_id, " ")
    await drawers.request_recount(counter.lead, shift_id, "Short $10: count the $5s again")
    assert (await drawers.get_shift(shift_id))["status"] == "recount"
    with pytest.raises(Conflict):  # the drawer is still in use while it is recounted
        await open_counter(counter, day=DAY)

    second = await close(counter, shift_id, FLOAT)
    assert second.kind == "recount" and second.cash_over_short_cents == 0
    rows = await drawers.counts(shift_id)
    assert [(r["kind"], r["cash_cents"]) for r in rows] == [
        ("open", FLOAT_CENTS), ("close", FLOAT_CENTS - 1_000), ("recount", FLOAT_CENTS)]
    latest = await drawers.latest_count(shift_id)
    assert latest is not None and latest["kind"] == "recount"
    shift = await drawers.get_shift(shift_id)
    assert shift["status"] == "counted"

    summary = await drawers.shift_summary(shift_id)
    assert [c.get("result", {}).get("cash_over_short_cents") for c in summary["counts"]] == [
        None, -1_000, 0]
    assert summary["expected"]["expected_cash_cents"] == FLOAT_CENTS
    assert summary["latest_result"]["kind"] == "recount"
    actions = [e["action"] for e in await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.object_type == "shift") & (AuditEvent.object_id == str(shift_id))
    ).order_by(AuditEvent.id)]
    assert actions == ["shift.open", "shift.counted", "shift.recount", "shift.counted"]


async def test_nobody_asks_for_a_recount_of_their_own_drawer(counter: Counter) -> None:
    shift_id = await drawers.open_shift(counter.lead, terminal_id=counter.terminal_id,
                                        location_id=counter.location_id, denominations=FLOAT,
                                        business_date=DAY)
    await close(counter, shift_id, FLOAT, who=counter.lead)
    with pytest.raises(Forbidden, match="your own drawer"):
        await drawers.request_recount(counter.lead, shift_id, "mine")
    await drawers.request_recount(counter.supervisor, shift_id, "spot check")
    with pytest.raises(Conflict):
        await drawers.request_recount(counter.supervisor, shift_id, "again")


async def test_a_submitted_count_can_never_be_rewritten(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    result = await close(counter, shift_id, FLOAT)
    for statement in (f"UPDATE shift_count SET cash_cents = 0 WHERE id = {result.count_id}",
                      f"DELETE FROM shift_count WHERE id = {result.count_id}"):
        with pytest.raises(Exception, match="append-only"):
            await engine().run_ddl(statement)
    stored = await drawers.latest_count(shift_id)
    assert stored is not None and stored["cash_cents"] == FLOAT_CENTS


async def test_shifts_for_day_lists_the_locations_drawers(counter: Counter) -> None:
    shift_id = await open_counter(counter, day=DAY)
    rows = await drawers.shifts_for_day(counter.location_id, DAY)
    assert [r["id"] for r in rows] == [shift_id]
    assert rows[0]["clerk_name"].startswith("Test Clerk") and rows[0]["status_label"] == "Open"


async def test_approval_moves_through_the_one_transition_and_a_stale_copy_loses(
    counter: Counter,
) -> None:
    from datetime import UTC, datetime

    from app.db import write_transaction
    from app.drawers import states

    shift_id = await open_counter(counter, day=DAY)
    await close(counter, shift_id, FLOAT)
    seen = await drawers.get_shift(shift_id)  # two reviewers read the counted shift
    approved_at = datetime.now(UTC)
    async with write_transaction():
        await states.transition(seen, states.APPROVED, counter.supervisor,
                                values={"approved_by": counter.supervisor.id,
                                        "approved_at": approved_at},
                                summary={"over_short_cents": 0})
    shift = await drawers.get_shift(shift_id)
    assert shift["status"] == "approved" and shift["approved_by"] == counter.supervisor.id
    with pytest.raises(Conflict, match="changed this shift just now"):
        await states.transition(seen, states.RECOUNT, counter.lead)  # stale: still 'counted'
    with pytest.raises(Conflict, match="cannot become"):
        await states.transition(shift, states.RECOUNT, counter.lead)
    event = await AuditEvent.select().where(
        (AuditEvent.action == "shift.approved") & (AuditEvent.object_id == str(shift_id))
    ).first()
    assert event is not None and event["actor"] == counter.supervisor.id
    assert (await drawers.get_shift(shift_id))["status"] == "approved"
