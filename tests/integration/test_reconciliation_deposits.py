"""Deposits and day sign-off: built from approved shifts, prepared by one person and verified
by a second, sent and confirmed by the bank; the ledger moves drawer → safe → in transit → bank
and balances; a signed-off day takes no more postings, a correction names the day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.errors import Conflict, Forbidden, ValidationFailed
from app.formatting import business_date
from app.ledger import services as ledger
from app.ledger.errors import DayLocked
from app.ledger.services import Leg
from app.reconciliation import board as boards
from app.reconciliation import deposits, signoff, variances
from app.reconciliation import sampledata as sd
from app.reconciliation.deposits import DepositForm
from app.reconciliation.signoff import AdjustmentForm
from app.reconciliation.tables import Deposit
from app.reconciliation.variances import ReviewForm
from app.sales.tables import PrintJob, Sale
from app.terminals.tables import ReceiptCounter
from tests.integration.test_reconciliation_support import Day, make_day, work_shifts


async def approve_both(d: Day) -> None:
    await variances.review(d.supervisor, d.shifts["a"].shift_id,
                           ReviewForm("accept", "change_error", "short $1.50"))
    await variances.review(d.supervisor, d.shifts["b"].shift_id,
                           ReviewForm("accept", "count_error", "over $2.00"))


async def bag(d: Day) -> int:
    """A: $163.50 − $150 float = $13.50; B: $162.00 − $150 = $12.00 → $25.50 cash + $5 check."""
    return await deposits.prepare(d.supervisor, d.location_id, d.day, DepositForm(
        shift_ids=(d.shifts["a"].shift_id, d.shifts["b"].shift_id), bag_number=f"BAG-{d.org.code}",
        denominations={2000: 1, 500: 1, 50: 1}))


async def location_balance(d: Day, account: str) -> int:
    return await ledger.balance(account, location_id=d.location_id)


async def test_a_whole_day_from_counts_to_the_bank_balances_the_ledger() -> None:
    d = await work_shifts(await make_day())
    await approve_both(d)
    deposit_id = await bag(d)
    deposit = await deposits.get_deposit(d.lead, deposit_id)
    assert (deposit["cash_cents"], deposit["checks_cents"], deposit["checks_count"]) == (
        2_550, 500, 1)
    assert [c["check_number"] for c in deposit["checks"]] == ["1001"]
    with pytest.raises(Forbidden, match="prepared a deposit cannot verify"):
        await deposits.verify(d.supervisor, deposit_id, 2_550)
    with pytest.raises(ValidationFailed):
        await deposits.verify(d.lead, deposit_id, 2_500)
    with pytest.raises(Conflict, match="verify the bag"):
        await deposits.send(d.supervisor, deposit_id)
    await deposits.verify(d.lead, deposit_id, 2_550)
    await deposits.send(d.supervisor, deposit_id)
    assert await location_balance(d, "deposits_in_transit") == 3_050
    status = await deposits.confirm(d.supervisor, deposit_id, 3_050)
    assert status == "confirmed"
    # the books: every drawer settled, the safe holds exactly what it held before the day
    # (the floats it lent), the bank has the deposit, over/short nets to $0.50 over
    assert await location_balance(d, "drawer_cash") == 0
    assert await location_balance(d, "checks_on_hand") == 0
    assert await location_balance(d, "safe") == 0
    assert await location_balance(d, "deposits_in_transit") == 0
    assert await location_balance(d, "bank") == 3_050
    assert await location_balance(d, "cash_over_short") == -50
    board = await boards.day_board(d.supervisor, d.location_id, d.day)
    assert board.sign_off_blockers == []
    await signoff.sign_off(d.supervisor2, d.location_id, d.day)
    assert await ledger.is_day_locked(d.location_id, d.day)
    with pytest.raises(DayLocked, match="signed off"):
        await ledger.post(kind="sale", actor=d.clerk_a, location_id=d.location_id,
                          business_date=d.day,
                          legs=[Leg("drawer_cash", 100), Leg("fare_revenue", -100)])


async def test_a_bank_discrepancy_is_booked_and_flagged() -> None:
    d = await work_shifts(await make_day())
    await approve_both(d)
    deposit_id = await bag(d)
    await deposits.verify(d.lead, deposit_id, 2_550)
    await deposits.send(d.lead, deposit_id)
    with pytest.raises(ValidationFailed):
        await deposits.confirm(d.supervisor, deposit_id, 3_000)
    status = await deposits.confirm(d.supervisor, deposit_id, 3_000, "bank counted $50 less")
    assert status == "discrepancy"
    assert await location_balance(d, "deposits_in_transit") == 0
    assert await location_balance(d, "bank") == 3_000
    assert await location_balance(d, "cash_over_short") == -50 + 50


async def test_a_bag_must_hold_what_the_drawers_hand_over() -> None:
    d = await work_shifts(await make_day())
    await approve_both(d)
    with pytest.raises(ValidationFailed) as caught:
        await deposits.prepare(d.lead, d.location_id, d.day, DepositForm(
            shift_ids=(d.shifts["a"].shift_id,), bag_number="B-1", denominations={2000: 1}))
    assert "denominations" in caught.value.field_errors
    assert "$13.50" in caught.value.field_errors["denominations"]
    assert not await Deposit.exists().where(Deposit.bag_number == "B-1")


async def test_only_approved_shifts_go_into_a_deposit_once() -> None:
    d = await work_shifts(await make_day())
    await variances.review(d.supervisor, d.shifts["a"].shift_id,
                           ReviewForm("accept", "change_error"))
    with pytest.raises(ValidationFailed) as caught:
        await deposits.prepare(d.lead, d.location_id, d.day, DepositForm(
            shift_ids=(d.shifts["b"].shift_id,), bag_number="B-2"))
    assert "shift_ids" in caught.value.field_errors
    await deposits.prepare(d.lead, d.location_id, d.day, DepositForm(
        shift_ids=(d.shifts["a"].shift_id,), bag_number=f"B-{d.org.code}",
        denominations={1000: 1, 100: 3, 50: 1}))
    with pytest.raises(ValidationFailed):
        await deposits.prepare(d.lead, d.location_id, d.day, DepositForm(
            shift_ids=(d.shifts["a"].shift_id,), bag_number=f"B2-{d.org.code}",
            denominations={1000: 1, 100: 3, 50: 1}))


async def test_sign_off_waits_for_approvals_and_a_verified_deposit() -> None:
    d = await work_shifts(await make_day())
    with pytest.raises(Conflict, match="not approved"):
        await signoff.sign_off(d.supervisor, d.location_id, d.day)
    await approve_both(d)
    with pytest.raises(Conflict, match="not in a deposit"):
        await signoff.sign_off(d.supervisor, d.location_id, d.day)
    deposit_id = await bag(d)
    with pytest.raises(Conflict, match="not verified"):
        await signoff.sign_off(d.supervisor, d.location_id, d.day)
    with pytest.raises(Forbidden, match="supervisor"):
        await signoff.sign_off(d.lead, d.location_id, d.day)
    await deposits.verify(d.lead, deposit_id, 2_550)
    await signoff.sign_off(d.supervisor, d.location_id, d.day)
    with pytest.raises(Conflict):
        await signoff.sign_off(d.supervisor2, d.location_id, d.day)


async def test_a_correction_after_sign_off_is_dated_today_and_names_the_day() -> None:
    d = await work_shifts(await make_day())
    await approve_both(d)
    deposit_id = await bag(d)
    await deposits.verify(d.lead, deposit_id, 2_550)
    await signoff.sign_off(d.supervisor, d.location_id, d.day)
    with pytest.raises(DayLocked, match="signed off"):
        await signoff.post_adjustment(d.supervisor2, d.location_id, d.day, AdjustmentForm(
            amount_cents=500, memo="found $5 in the safe", entry_date=d.day))
    txn_id = await signoff.post_adjustment(d.supervisor2, d.location_id, d.day, AdjustmentForm(
        amount_cents=500, memo="found $5 in the safe", shift_id=d.shifts["a"].shift_id))
    txn = await ledger.get_transaction(txn_id)
    assert txn["business_date"] == business_date() and txn["corrects_date"] == d.day
    board = await boards.day_board(d.supervisor, d.location_id, d.day)
    assert [a["id"] for a in board.adjustments] == [txn_id]


async def test_a_deposit_not_prepared_within_24_hours_is_flagged() -> None:
    d = await work_shifts(await make_day(days_ago=3))
    board = await boards.day_board(d.supervisor, d.location_id, d.day)
    assert board.deposit_overdue
    overdue = await deposits.overdue_days(d.supervisor)
    assert (d.location_id, d.day) in {(r["location"], r["business_date"]) for r in overdue}
    fresh = await work_shifts(await make_day(days_ago=0))
    assert not (await boards.day_board(fresh.supervisor, fresh.location_id, fresh.day)
                ).deposit_overdue


async def test_receipt_gaps_and_print_problems_are_flagged() -> None:
    d = await work_shifts(await make_day(), count=False)
    a = d.shifts["a"]
    # a receipt number is skipped (the counter moved on without a sale)
    await ReceiptCounter.update({ReceiptCounter.last_number: ReceiptCounter.last_number + 1}
                                ).where(ReceiptCounter.terminal == a.terminal_id)
    receipt = await sd.sell(a, d.location_id, d.day, [await sd.product()], [sd.Pay("cash", 500)])
    sale = await Sale.select(Sale.id).where(
        (Sale.terminal == a.terminal_id) & (Sale.receipt_number == receipt)).first()
    await PrintJob(terminal=a.terminal_id, sale=sale["id"], status="failed",
                   last_error="paper out").save()
    board = await boards.day_board(d.supervisor, d.location_id, d.day)
    gap = next(r for r in board.receipts if r.terminal_id == a.terminal_id)
    assert gap.gap and gap.missing == [4]
    line = next(s for s in board.shifts if s.id == a.shift_id)
    assert line.receipt_gap and line.print_problems == 1
    other = next(s for s in board.shifts if s.id == d.shifts["b"].shift_id)
    assert not other.receipt_gap and other.print_problems == 0


async def test_an_auditor_reads_every_board_but_changes_nothing() -> None:
    from app.auth.roles import Role
    from tests.fixtures import make_user

    d = await work_shifts(await make_day())
    auditor = await make_user(Role.AUDITOR)
    board = await boards.day_board(auditor, d.location_id, d.day)
    assert len(board.shifts) == 2
    with pytest.raises(Forbidden, match="Auditors"):
        await deposits.prepare(auditor, d.location_id, d.day, DepositForm((), "X"))
    with pytest.raises(Forbidden):
        await signoff.sign_off(auditor, d.location_id, d.day)
    assert business_date() - d.day == timedelta(days=1)
