"""Variance review: a lead recommends, a supervisor decides, nobody reviews their own shift.

The review runs on the approvals mechanism (`rules.VARIANCE_POLICY`, app/approvals): every
recommendation and decision is a new `approval` row plus an audit event, with the count's
figures beside it in a new `variance_review` row (both append-only). Accepting a count
approves the shift through the drawers state machine and posts one balanced settlement entry:

* the over/short (counted − expected) between the drawer (cash) or checks on hand and
  CASH_OVER_SHORT, tagged with the clerk so over/short per clerk is a SUM over postings;
* the counted cash moved from the drawer to the safe.

The settlement is a location-level entry (no shift dimension, source = the shift), so the
shift's own balances keep showing what was expected from its sales; the location's drawer
cash nets to zero once every drawer is settled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.approvals import services as approvals
from app.approvals.policy import check_may_act
from app.auth.capabilities import Capability, can
from app.auth.principal import Principal
from app.db import write_transaction
from app.drawers import services as drawers
from app.drawers import states
from app.errors import Conflict, Forbidden
from app.formatting import money
from app.ledger import services as ledger
from app.ledger.accounts import CASH_OVER_SHORT, CHECKS_ON_HAND, DRAWER_CASH, SAFE
from app.reconciliation import board as boards
from app.reconciliation import notices, rules
from app.reconciliation.tables import VarianceReview
from app.sales.tables import PaymentAttempt
from app.settings import get_settings

SETTLEMENT_KIND = "shift_settle"


@dataclass(frozen=True)
class ReviewForm:
    outcome: str
    reason_code: str
    note: str = ""
    recommend_only: bool = False  # a lead passing the decision to a supervisor


@dataclass(frozen=True)
class ReviewResult:
    review_id: int
    step: str  # recommendation | decision
    outcome: str
    over_short_cents: int
    journal_txn_id: int | None

    @property
    def message(self) -> str:
        if self.step == rules.RECOMMENDATION:
            return (f"Recommendation recorded ({rules.OUTCOMES[self.outcome].lower()}); "
                    "a supervisor decides.")
        if self.outcome == rules.ACCEPT:
            return f"Count accepted; shift approved (over/short {money(self.over_short_cents)})."
        if self.outcome == rules.RECOUNT:
            return "Recount requested: the clerk counts the drawer again."
        return "Marked for investigation; the shift stays open for a decision."


def settlement_legs(variance: rules.Variance) -> list[ledger.Leg]:
    """The balanced legs that settle a counted drawer (pure; zero legs left out)."""
    legs = [
        ledger.Leg(DRAWER_CASH, variance.cash_cents),
        ledger.Leg(CASH_OVER_SHORT, -variance.cash_cents),
        ledger.Leg(CHECKS_ON_HAND, variance.checks_cents),
        ledger.Leg(CASH_OVER_SHORT, -variance.checks_cents),
        ledger.Leg(SAFE, variance.counted_cash_cents),
        ledger.Leg(DRAWER_CASH, -variance.counted_cash_cents),
    ]
    return [leg for leg in legs if leg.amount_cents != 0]


async def _unresolved_cards(shift_id: int) -> int:
    n: int = await PaymentAttempt.count().where(
        (PaymentAttempt.shift == shift_id) & boards.unresolved_card_condition()
    )
    return n


async def _settle(actor: Principal, shift: dict[str, Any], variance: rules.Variance) -> int | None:
    legs = settlement_legs(variance)
    if len(legs) < 2:
        return None
    return await ledger.post(
        kind=SETTLEMENT_KIND, actor=actor, location_id=int(shift["location"]),
        business_date=shift["business_date"], legs=legs, shift_id=None,
        terminal_id=int(shift["terminal"]), clerk_id=int(shift["clerk"]),
        source_type="shift", source_id=str(shift["id"]),
        memo=(f"Drawer {shift['terminal_code']} of {shift['clerk_name']} settled: over/short "
              f"{money(variance.total_cents)}, {money(variance.counted_cash_cents)} to the safe"),
    )


async def _request_recount(actor: Principal, shift: dict[str, Any], reason: str) -> None:
    if not can(actor, Capability.OVERSEE_DRAWERS):  # administrators do not work the counter
        await states.transition(shift, states.RECOUNT, actor, summary={"reason": reason})
    else:
        await drawers.request_recount(actor, int(shift["id"]), reason)


@approvals.on_decision(rules.VARIANCE_POLICY)
async def _decided(actor: Principal, decision: approvals.Decision,
                   subject: tuple[dict[str, Any], rules.Variance]) -> int | None:
    """A decision on a count lands: accept settles the drawer and approves the shift, recount
    sends it back to the clerk, investigate keeps it counted. Returns the settlement entry."""
    shift, variance = subject
    if decision.outcome == rules.ACCEPT:
        if cards := await _unresolved_cards(int(shift["id"])):
            raise Conflict(f"Settle the {cards} unresolved card outcome(s) of this "
                           "shift before approving it.")
        txn_id = await _settle(actor, shift, variance)
        await states.transition(
            shift, states.APPROVED, actor,
            values={"approved_by": actor.id, "approved_at": datetime.now(UTC)},
            summary={"over_short_cents": variance.total_cents},
        )
        return txn_id
    if decision.outcome == rules.RECOUNT:
        await _request_recount(actor, shift, decision.note or
                               rules.REASON_CODES[decision.reason_code])
    return None


def _check_scope(actor: Principal, shift: dict[str, Any]) -> None:
    rules.require_can_work(actor)
    check_may_act(rules.VARIANCE_POLICY, actor, section_id=int(shift["section_id"]),
                  doer_ids=(int(shift["clerk"]),))


async def review(actor: Principal, shift_id: int, form: ReviewForm) -> ReviewResult:
    """Record a lead's recommendation or a decision on the shift's latest count."""
    limit = get_settings().variance_lead_limit_cents
    async with write_transaction():
        shift = await drawers.get_shift(shift_id)
        _check_scope(actor, shift)
        if shift["status"] != states.COUNTED:
            raise Conflict(f"This shift is {shift['status_label'].lower()}: only a counted "
                           "drawer can be reviewed.")
        count = await drawers.latest_count(shift_id)
        if count is None:
            raise Conflict("This shift has no count to review.")
        expected = await drawers.expected_totals(shift_id)
        variance = rules.Variance(
            expected_cash_cents=expected.expected_cash_cents,
            counted_cash_cents=int(count["cash_cents"]),
            expected_checks_cents=expected.expected_checks_cents,
            counted_checks_cents=int(count["checks_cents"]),
        )
        word = await approvals.submit(
            rules.VARIANCE_POLICY, actor, object_id=shift_id,
            section_id=int(shift["section_id"]), doer_id=int(shift["clerk"]),
            outcome=form.outcome, reason_code=form.reason_code, note=form.note,
            amount_cents=variance.total_cents, subject=(shift, variance), limit_cents=limit,
            recommend_only=form.recommend_only,
            audit=lambda txn: {"over_short_cents": variance.total_cents,
                               "count": int(count["id"]), "lead_limit_cents": limit,
                               "journal_txn": txn},
        )
        step, txn_id = word.step, word.effect
        row = VarianceReview(  # the count's figures beside the approval record
            shift=shift_id, shift_count=int(count["id"]), step=step, outcome=form.outcome,
            reason_code=form.reason_code, note=form.note.strip()[:2000],
            expected_cash_cents=variance.expected_cash_cents,
            counted_cash_cents=variance.counted_cash_cents,
            expected_checks_cents=variance.expected_checks_cents,
            counted_checks_cents=variance.counted_checks_cents,
            over_short_cents=variance.total_cents, actor=actor.id, actor_role=actor.role.value,
            journal_txn_id=txn_id, created_at=datetime.now(UTC),
        )
        await row.save()
        if step == rules.RECOMMENDATION:  # the supervisors hear of it (outbox, same transaction)
            await notices.variance_recommended(actor, shift, int(row.id), form.outcome,
                                               variance.total_cents)
    return ReviewResult(int(row.id), step, form.outcome, variance.total_cents, txn_id)


async def reviewable_step(actor: Principal, shift: dict[str, Any], over_short_cents: int
                          ) -> dict[str, str]:
    """For the form: what each outcome would be for this actor ({outcome: step}), or {}."""
    try:
        _check_scope(actor, shift)
    except Forbidden:
        return {}
    limit = get_settings().variance_lead_limit_cents
    return {o: rules.review_step(actor, o, over_short_cents, limit) for o in rules.OUTCOMES}
