"""Day sign-off and adjusting entries.

A supervisor (or administrator) signs off a location's business day once every shift is
approved and every approved drawer is in a verified deposit; the ledger then locks the day
(`ledger.lock_day`): nothing new is dated in it. A later correction is an adjusting entry
dated on an open day (today by default) that names the day it corrects (`corrects_date`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.audit.services import record
from app.auth.capabilities import Capability, require, require_not_own_work
from app.auth.principal import Principal
from app.db import write_transaction
from app.drawers.tables import Shift
from app.errors import Conflict, Forbidden, ValidationFailed
from app.formatting import business_date as today
from app.formatting import money
from app.ledger import services as ledger
from app.ledger.accounts import CASH_OVER_SHORT, SAFE
from app.reconciliation import board as boards
from app.reconciliation import rules, scope


async def sign_off(actor: Principal, location_id: int, business_date: date, *,
                   now: datetime | None = None) -> int:
    """Lock the day at the location; returns the DayLock id.

    Refused while the day is still running: the current business day stays open until the
    location's closing time (from its opening hours) and until every drawer is closed, so the
    counter can always open a shift and post a correction during business hours.
    """
    rules.require_can_work(actor)
    require(actor, Capability.SIGN_OFF_DAY, "Only a supervisor or administrator signs off a day.")
    async with write_transaction():
        board = await boards.day_board(actor, location_id, business_date)
        board.now = now
        require_not_own_work(actor, *(line.clerk_id for line in board.shifts),
                             message="You worked a drawer this day; another supervisor signs it off.")
        if blockers := board.sign_off_blockers:
            raise Conflict("The day cannot be signed off yet: " + " ".join(blockers))
        lock_id = await ledger.lock_day(actor, location_id, business_date)
        totals = board.totals
        await record(actor, "day.sign_off", "location", location_id, {
            "business_date": business_date.isoformat(), "shifts": len(board.shifts),
            "deposits": [d["id"] for d in board.deposits],
            "over_short_cents": totals["over_short_cents"],
        })
    return lock_id


@dataclass(frozen=True)
class AdjustmentForm:
    """Money found (+) or missing (−) against a day's books, e.g. after a safe audit."""

    amount_cents: int
    memo: str
    entry_date: date | None = None  # the day the entry is dated; today when not given
    shift_id: int | None = None  # the drawer it concerns, if any (for over/short per clerk)


async def post_adjustment(actor: Principal, location_id: int, corrects: date,
                          form: AdjustmentForm) -> int:
    """Post an over/short adjusting entry for `corrects`; returns the journal transaction id.

    Dated on `form.entry_date` (today by default). The ledger refuses a date that is signed
    off, so a signed-off day is corrected by an entry dated on an open day naming it.
    """
    rules.require_can_work(actor)
    require(actor, Capability.POST_ADJUSTMENT,
            "Only a supervisor or administrator posts adjusting entries.")
    await scope.location(actor, location_id)
    if await Shift.exists().where((Shift.location == location_id)
                                  & (Shift.business_date == corrects)
                                  & (Shift.clerk == actor.id)):
        raise Forbidden("You worked a drawer at this location that day: another supervisor "
                        "posts its adjusting entries (nobody corrects their own shift).")
    latest = await first_open_day(location_id)
    entry_date = form.entry_date or latest
    errors: dict[str, str] = {}
    if form.amount_cents == 0:
        errors["amount"] = "Enter the amount found (e.g. 5.00) or missing (e.g. -5.00)."
    if not form.memo.strip():
        errors["memo"] = "Say what is being corrected and why."
    if entry_date < corrects:
        errors["entry_date"] = "An adjusting entry cannot be dated before the day it corrects."
    elif entry_date > latest:
        errors["entry_date"] = "An adjusting entry cannot be dated in the future."
    clerk_id = terminal_id = None
    if form.shift_id is not None:
        shift = await Shift.select(Shift.clerk, Shift.terminal).where(
            (Shift.id == form.shift_id) & (Shift.location == location_id)
            & (Shift.business_date == corrects)).first()
        if shift is None:
            errors["shift_id"] = "Choose a shift of that day, or none."
        else:
            clerk_id, terminal_id = int(shift["clerk"]), int(shift["terminal"])
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    amount = form.amount_cents
    async with write_transaction():
        txn_id = await ledger.post(
            kind="adjustment", actor=actor, location_id=location_id, business_date=entry_date,
            legs=[ledger.Leg(SAFE, amount), ledger.Leg(CASH_OVER_SHORT, -amount)],
            clerk_id=clerk_id, terminal_id=terminal_id, source_type="day",
            source_id=corrects.isoformat(), memo=form.memo.strip()[:2000],
            corrects_date=corrects if entry_date != corrects else None,
        )
        await record(actor, "day.adjust", "location", location_id, {
            "corrects": corrects.isoformat(), "entry_date": entry_date.isoformat(),
            "amount_cents": amount, "memo": form.memo.strip(), "journal_txn": txn_id,
            "shift": form.shift_id,
        })
    return txn_id


async def first_open_day(location_id: int) -> date:
    """The day a correction is dated on by default: today, or tomorrow once today is signed
    off (today can be signed off only after closing, so corrections are always possible)."""
    current = today()
    if await ledger.is_day_locked(location_id, current):
        return current + timedelta(days=1)
    return current


def adjustment_message(amount_cents: int, corrects: date, entry_date: date) -> str:
    return (f"Adjusting entry of {money(amount_cents, sign=True)} for {corrects.isoformat()} "
            f"posted on {entry_date.isoformat()}.")
