"""Variances: a lead recommends, a supervisor decides, nobody reviews their own shift; every
review is kept and audited; accepting approves the shift and posts a balanced settlement."""

from __future__ import annotations

import pytest

from app.audit.tables import AuditEvent
from app.auth.roles import Role
from app.drawers import services as drawers
from app.errors import Conflict, Forbidden, ValidationFailed
from app.ledger import services as ledger
from app.ledger.tables import JournalTransaction
from app.reconciliation import board as boards
from app.reconciliation import sampledata as sd
from app.reconciliation import variances
from app.reconciliation.tables import VarianceReview
from app.reconciliation.variances import ReviewForm
from app.sales.tables import PaymentAttempt
from tests.fixtures import make_org, make_user
from tests.integration.test_reconciliation_support import make_day, work_shifts


async def test_the_board_shows_expected_counted_and_over_short_from_the_ledger() -> None:
    d = await work_shifts(await make_day())
    board = await boards.day_board(d.supervisor, d.location_id, d.day)
    a, b = (next(s for s in board.shifts if s.id == d.shifts[k].shift_id) for k in "ab")
    assert (a.float_cents, a.expected_cash_cents, int(a.counted["cash_cents"])) == (
        15_000, 16_500, 16_350)
    assert a.over_short_cents == -150
    assert (b.expected_cash_cents, b.expected_checks_cents, b.expected_card_cents) == (
        16_000, 500, 500)
    assert b.over_short_cents == 200 and b.card_difference_cents == 0
    assert a.counted["denominations"] == {10000: 1, 5000: 1, 1000: 1, 100: 3, 25: 2}
    # every expected figure is the ledger's balance for the day at the location
    assert board.ledger["drawer_cash"] == a.expected_cash_cents + b.expected_cash_cents
    assert board.totals["over_short_cents"] == 50
    assert not board.receipts[0].gap and board.receipts[0].issued in (3, 4)


async def test_a_lead_accepts_a_small_shortage_and_the_settlement_balances() -> None:
    d = await work_shifts(await make_day())
    a = d.shifts["a"].shift_id
    result = await variances.review(d.lead, a, ReviewForm("accept", "change_error", "gave $1.50"))
    assert (result.step, result.over_short_cents) == ("decision", -150)
    shift = await drawers.get_shift(a)
    assert shift["status"] == "approved" and shift["approved_by"] == d.lead.id
    txn = await ledger.get_transaction(result.journal_txn_id or 0)
    legs = {(leg["account"], leg["amount_cents"]) for leg in txn["legs"]}
    assert legs == {("drawer_cash", -150), ("cash_over_short", 150), ("safe", 16_350),
                    ("drawer_cash", -16_350)}
    assert txn["legs"][0]["clerk"] == d.clerk_a.id
    # the shift's own balances still show what it was expected to hold
    assert (await drawers.expected_totals(a)).expected_cash_cents == 16_500
    review = await VarianceReview.select().where(VarianceReview.shift == a).first()
    assert review["reason_code"] == "change_error" and review["actor"] == d.lead.id
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "variance.decision") & (AuditEvent.object_id == str(a)))


async def test_above_the_lead_limit_the_lead_recommends_and_the_supervisor_decides() -> None:
    d = await make_day()
    item = await sd.product()
    a = await sd.open_drawer(d.clerk_a, d.terminal_a, d.location_id, d.day)
    await sd.sell(a, d.location_id, d.day, [item], [sd.Pay("cash", 500)])
    await sd.count_drawer(a, 15_500 - 900)  # $9.00 short
    result = await variances.review(d.lead, a.shift_id, ReviewForm("accept", "unknown"))
    assert result.step == "recommendation"
    assert (await drawers.get_shift(a.shift_id))["status"] == "counted"
    line = await boards.shift_line(d.supervisor, a.shift_id)
    assert line.pending_recommendation is not None
    decided = await variances.review(d.supervisor, a.shift_id, ReviewForm("accept", "unknown"))
    assert decided.step == "decision"
    assert (await drawers.get_shift(a.shift_id))["status"] == "approved"
    line = await boards.shift_line(d.supervisor, a.shift_id)
    assert [r["step"] for r in line.reviews] == ["recommendation", "decision"]
    assert line.pending_recommendation is None


async def test_a_lead_may_pass_even_a_small_variance_to_the_supervisor() -> None:
    d = await work_shifts(await make_day())
    result = await variances.review(
        d.lead, d.shifts["a"].shift_id,
        ReviewForm("accept", "change_error", recommend_only=True))
    assert result.step == "recommendation"


async def test_nobody_reviews_their_own_shift() -> None:
    d = await make_day()
    lead_drawer = await sd.open_drawer(d.lead, d.terminal_a, d.location_id, d.day)
    await sd.count_drawer(lead_drawer, 15_000)
    with pytest.raises(Forbidden, match="own shift"):
        await variances.review(d.lead, lead_drawer.shift_id, ReviewForm("accept", "none"))
    assert not await VarianceReview.exists().where(VarianceReview.shift == lead_drawer.shift_id)
    # another lead-or-supervisor may
    result = await variances.review(d.supervisor, lead_drawer.shift_id,
                                    ReviewForm("accept", "none"))
    assert result.step == "decision" and result.over_short_cents == 0


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CLERK, Role.COORDINATOR])
async def test_auditors_clerks_and_coordinators_cannot_review(role: Role) -> None:
    d = await work_shifts(await make_day())
    sections = () if role is Role.AUDITOR else (d.org.section_id,)
    someone = await make_user(role, sections)
    with pytest.raises(Forbidden):
        await variances.review(someone, d.shifts["a"].shift_id, ReviewForm("accept", "unknown"))


async def test_a_supervisor_of_another_section_cannot_review() -> None:
    d = await work_shifts(await make_day())
    outsider = await make_user(Role.SUPERVISOR, ((await make_org()).section_id,))
    with pytest.raises(Forbidden, match="outside your sections"):
        await variances.review(outsider, d.shifts["a"].shift_id, ReviewForm("accept", "unknown"))


async def test_a_variance_needs_a_reason_and_bad_input_changes_nothing() -> None:
    d = await work_shifts(await make_day())
    a = d.shifts["a"].shift_id
    with pytest.raises(ValidationFailed) as caught:
        await variances.review(d.supervisor, a, ReviewForm("accept", "none"))
    assert "reason_code" in caught.value.field_errors
    with pytest.raises(ValidationFailed) as caught:
        await variances.review(d.supervisor, a, ReviewForm("investigate", "suspected_loss", ""))
    assert "note" in caught.value.field_errors
    assert (await drawers.get_shift(a))["status"] == "counted"
    assert not await VarianceReview.exists().where(VarianceReview.shift == a)
    assert not await JournalTransaction.exists().where(
        (JournalTransaction.source_type == "shift") & (JournalTransaction.source_id == str(a)))


async def test_a_recount_is_a_new_count_beside_the_first() -> None:
    d = await work_shifts(await make_day())
    b = d.shifts["b"]
    await variances.review(d.supervisor, b.shift_id,
                           ReviewForm("recount", "count_error", "recount the tens"))
    assert (await drawers.get_shift(b.shift_id))["status"] == "recount"
    await sd.count_drawer(b, 16_000, checks_cents=500, checks_count=1, card_cents=500)
    line = await boards.shift_line(d.supervisor, b.shift_id)
    assert [c["kind"] for c in line.counts] == ["open", "close", "recount"]
    assert [int(c["cash_cents"]) for c in line.counts] == [15_000, 16_200, 16_000]
    assert line.over_short_cents == 0 and line.recount_count == 1
    result = await variances.review(d.supervisor, b.shift_id, ReviewForm("accept", "none"))
    assert result.over_short_cents == 0


async def test_investigation_keeps_the_shift_counted_until_a_decision() -> None:
    d = await work_shifts(await make_day())
    a = d.shifts["a"].shift_id
    await variances.review(d.supervisor, a, ReviewForm("investigate", "suspected_loss",
                                                        "check the camera"))
    line = await boards.shift_line(d.supervisor, a)
    assert line.status == "counted" and line.under_investigation
    await variances.review(d.supervisor2, a, ReviewForm("accept", "count_error", "found"))
    assert (await drawers.get_shift(a))["status"] == "approved"


async def test_an_unresolved_card_outcome_blocks_approval_and_shows_on_the_board() -> None:
    d = await work_shifts(await make_day())
    b = d.shifts["b"]
    await PaymentAttempt(reference=f"R{b.shift_id}-x", terminal=b.terminal_id, shift=b.shift_id,
                         clerk=d.clerk_b.id, amount_cents=1234, status="unknown").save()
    line = await boards.shift_line(d.supervisor, b.shift_id)
    assert line.unresolved_cards == 1 and line.unresolved_card_cents == 1234
    assert any("card outcome" in p for p in line.problems)
    with pytest.raises(Conflict, match="unresolved card"):
        await variances.review(d.supervisor, b.shift_id, ReviewForm("accept", "count_error"))


async def test_only_a_counted_shift_can_be_reviewed() -> None:
    d = await work_shifts(await make_day(), count=False)
    with pytest.raises(Conflict, match="only a counted drawer"):
        await variances.review(d.supervisor, d.shifts["a"].shift_id,
                               ReviewForm("accept", "none"))



async def test_a_card_charge_that_paid_for_no_sale_is_flagged() -> None:
    from app.sales import bank_card_payments as bank_cards

    d = await work_shifts(await make_day(), count=False)
    b = d.shifts["b"]
    reference = await bank_cards.begin_card_payment(d.clerk_b, terminal_id=b.terminal_id,
                                                    amount_cents=700)
    await bank_cards.record_card_result(reference, "approved", "VISA", "4242", "OK1", "TT1")
    await sd.count_drawer(b, 16_200, checks_cents=500, checks_count=1, card_cents=500)
    line = await boards.shift_line(d.supervisor, b.shift_id)
    assert (line.unresolved_cards, line.unresolved_card_cents) == (1, 700)
    with pytest.raises(Conflict, match="unresolved card"):
        await variances.review(d.supervisor, b.shift_id, ReviewForm("accept", "count_error"))
