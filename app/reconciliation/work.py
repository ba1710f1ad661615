"""Reconciliation's work for My work: variances to recommend or decide, deposits to verify,
days to sign off, card outcomes to settle (read through the area's own queries)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.approvals import services as approvals
from app.auth.capabilities import Capability, can
from app.auth.principal import Principal
from app.drawers.tables import Shift
from app.formatting import money
from app.ledger.tables import DayLock
from app.mywork.providers import WorkItem, provider
from app.reconciliation import board as boards
from app.reconciliation import rules, scope
from app.reconciliation.tables import Deposit
from app.sales import bank_card_payments as bank_cards
from app.settings import get_settings

AREA = "Reconciliation"
SIGN_OFF_DAYS = 14


def _moment(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def _working_locations(principal: Principal) -> list[int]:
    if not can(principal, Capability.WORK_RECONCILIATION):
        return []
    return await scope.location_ids(principal)


@provider
async def variances(principal: Principal) -> list[WorkItem]:
    """Counted drawers: a lead recommends (unless a recommendation waits already), a supervisor
    or administrator decides; nobody sees their own drawer."""
    ids = await _working_locations(principal)
    if not ids:
        return []
    shifts = await Shift.select(
        Shift.id, Shift.location, Shift.business_date, Shift.closed_at, Shift.clerk,
        Shift.clerk.full_name.as_alias("clerk_name"), Shift.terminal.code.as_alias("terminal"),
    ).where(Shift.location.is_in(ids) & (Shift.status == rules.SHIFT_COUNTED)
            & (Shift.clerk != principal.id))
    if not shifts:
        return []
    # the approvals' pending view: the newest recommendation after the newest decision
    pending = await approvals.pending(rules.VARIANCE_POLICY, [int(s["id"]) for s in shifts])
    tz, items = get_settings().tz, []
    for s in shifts:
        waiting = pending.get(int(s["id"]))
        if can(principal, Capability.DECIDE_VARIANCE):
            action, kind = "Decide", "variance.decide"
        elif waiting is None:
            action, kind = "Recommend", "variance.recommend"
        else:
            continue  # the lead's word is in: it waits for a supervisor now
        since = _moment(s["closed_at"])
        day = s["business_date"].isoformat()
        note = " (a lead recommends)" if waiting and can(principal, Capability.DECIDE_VARIANCE) else ""
        items.append(WorkItem(
            kind=kind, area=AREA, action=action,
            title=f"Drawer {s['terminal']} of {s['clerk_name']}, {day}{note}",
            link=f"/reconciliation/shift/{s['id']}", since=since,
            due_at=rules.deposit_due_at(s["business_date"], since, tz),
        ))
    return items


@provider
async def deposits_to_verify(principal: Principal) -> list[WorkItem]:
    """Prepared bags waiting for a second person (never the preparer)."""
    ids = await _working_locations(principal)
    if not ids:
        return []
    rows = await Deposit.select(
        Deposit.id, Deposit.location, Deposit.business_date, Deposit.bag_number,
        Deposit.cash_cents, Deposit.prepared_at,
    ).where(Deposit.location.is_in(ids) & (Deposit.status == rules.PREPARED)
            & Deposit.verified_by.is_null() & (Deposit.prepared_by != principal.id))
    return [WorkItem(
        kind="deposit.verify", area=AREA, action="Verify",
        title=f"Deposit bag {r['bag_number']} ({money(r['cash_cents'])}), {r['business_date']}",
        link=f"/reconciliation/deposit/{r['id']}", since=_moment(r["prepared_at"]),
        due_at=_moment(r["prepared_at"]) + timedelta(hours=24),
    ) for r in rows]


@provider
async def days_to_sign_off(principal: Principal) -> list[WorkItem]:
    """Days whose every drawer is approved and deposited, not yet signed off (supervisors,
    administrators; not a day they worked a drawer)."""
    if not can(principal, Capability.SIGN_OFF_DAY):
        return []
    ids = await _working_locations(principal)
    if not ids:
        return []
    since = date.today() - timedelta(days=SIGN_OFF_DAYS)
    verified = await Deposit.select(Deposit.location, Deposit.business_date).where(
        Deposit.location.is_in(ids) & Deposit.verified_by.is_not_null()
        & (Deposit.business_date >= since)).distinct()
    locked = {(int(r["location"]), r["business_date"]) for r in await DayLock.select(
        DayLock.location, DayLock.business_date).where(
        DayLock.location.is_in(ids) & (DayLock.business_date >= since))}
    items = []
    for row in verified:
        key = (int(row["location"]), row["business_date"])
        if key in locked:
            continue
        board = await boards.day_board(principal, *key)
        if board.sign_off_blockers or any(line.clerk_id == principal.id for line in board.shifts):
            continue
        day = key[1].isoformat()
        end = rules.end_of_day(key[1], get_settings().tz)
        items.append(WorkItem(
            kind="day.sign_off", area=AREA, action="Sign off",
            title=f"Business day {day} at {board.location['name']}",
            link=f"/reconciliation/{key[0]}/{day}", since=end,
            due_at=end + timedelta(hours=24),
        ))
    return items


@provider
async def card_outcomes(principal: Principal) -> list[WorkItem]:
    """Card payments whose outcome a supervisor must settle."""
    if not can(principal, Capability.SETTLE_CARD_OUTCOME):
        return []
    ids = await _working_locations(principal)
    return [WorkItem(
        kind="card.settle", area=AREA, action="Settle",
        title=(f"{o['problem']}: {money(o['amount_cents'])} at {o['terminal_code']} "
               f"({o['clerk_name']})"),
        link="/kiosk/card-outcomes", since=_moment(o["created_at"]),
    ) for o in await bank_cards.unresolved_card_outcomes(ids)]
