"""Deposits: built from approved shifts, prepared by one person, verified by a second, sent
to the bank and confirmed with the amount the bank credited.

    prepared ──(a second person recounts blind)──▶ verified ──▶ in transit
             ──▶ confirmed | discrepancy

Nobody verifies a bag they prepared or that holds a drawer they counted (or witnessed) or
worked: the recount is independent of everyone whose cash is in the bag.

Ledger moves (each one balanced journal transaction, location-level):

* at approval (variances): drawer cash → safe;
* in transit: safe (cash) and checks on hand (checks) → deposits in transit;
* confirmed: deposits in transit → bank; a bank amount that differs books the difference to
  cash over/short and leaves the deposit in `discrepancy` for follow-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Max

from app.audit.services import record
from app.auth.capabilities import Capability, can, is_own_work
from app.auth.principal import Principal
from app.db import write_transaction
from app.drawers.tables import Shift, ShiftCount
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.formatting import business_date as today
from app.formatting import money
from app.ledger import services as ledger
from app.ledger.accounts import BANK, CASH_OVER_SHORT, CHECKS_ON_HAND, DEPOSITS_IN_TRANSIT, SAFE
from app.reconciliation import board as boards
from app.reconciliation import rules, scope
from app.reconciliation.states import DEPOSIT, DepositStatus
from app.reconciliation.tables import Deposit, DepositShift
from app.sales.tables import Tender
from app.settings import get_settings

BAG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")


@dataclass(frozen=True)
class DepositForm:
    shift_ids: tuple[int, ...]
    bag_number: str
    denominations: dict[int, int] = field(default_factory=dict)
    note: str = ""


def _now() -> datetime:
    return datetime.now(UTC)


async def get_deposit(actor: Principal, deposit_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await Deposit.select(
        *Deposit.all_columns(),
        Deposit.location.name.as_alias("location_name"),
        Deposit.location.code.as_alias("location_code"),
        Deposit.location.section.as_alias("section_id"),
        Deposit.prepared_by.full_name.as_alias("prepared_by_name"),
        Deposit.verified_by.full_name.as_alias("verified_by_name"),
        Deposit.sent_by.full_name.as_alias("sent_by_name"),
        Deposit.confirmed_by.full_name.as_alias("confirmed_by_name"),
    ).where(Deposit.id == deposit_id).first()
    if row is None:
        raise NotFound("No such deposit.")
    rules.require_can_read(actor)
    if not actor.in_section(int(row["section_id"])):
        raise Forbidden("This deposit is at a location outside your sections.")
    row["status_label"] = DEPOSIT.label(row["status"])
    row["total_cents"] = int(row["cash_cents"]) + int(row["checks_cents"])
    row["denominations"] = rules.parse_denominations(row["denominations"])
    row["shifts"] = await DepositShift.select(
        DepositShift.shift, DepositShift.cash_cents, DepositShift.checks_cents,
        DepositShift.shift.clerk.full_name.as_alias("clerk_name"),  # type: ignore[union-attr]
        DepositShift.shift.terminal.code.as_alias("terminal_code"),  # type: ignore[union-attr]
    ).where(DepositShift.deposit == deposit_id).order_by(DepositShift.shift)
    row["checks"] = await checks_for([int(s["shift"]) for s in row["shifts"]])
    #: A person who may verify sees no expected amount: the recount is blind.
    row["blind"] = may_verify(actor, row)
    row["may_verify"] = row["blind"] and not await counted_a_drawer_in(actor, row)
    return row


async def checks_for(shift_ids: list[int]) -> list[dict[str, Any]]:
    """The checks taken in these shifts (number and amount), from the sales' tenders."""
    rows: list[dict[str, Any]] = await Tender.select(
        Tender.check_number, Tender.amount_cents, Tender.sale.receipt_number.as_alias("receipt"),
        Tender.sale.shift.as_alias("shift"),
    ).where(
        (Tender.kind == "check") & Tender.sale.shift.is_in(shift_ids or [-1])
    ).order_by(Tender.id)
    return rows


def suggested_denominations(lines: list[boards.ShiftLine]) -> dict[int, int]:
    """A starting point for the bag: the cash to deposit made up from the largest pieces the
    drawers were closed with (the rest stays behind as floats), a plain breakdown if those
    pieces cannot make the amount exactly."""
    target = sum(line.deposit_cash_cents for line in lines)
    available: dict[int, int] = {}
    for line in lines:
        if line.counted:
            for cents, n in line.counted["denominations"].items():
                available[cents] = available.get(cents, 0) + n
    return rules.make_up(target, available) or rules.make_up(target, None)


async def candidates(actor: Principal, location_id: int, business_date: date
                     ) -> list[boards.ShiftLine]:
    """Approved shifts of the day not yet in a deposit."""
    board = await boards.day_board(actor, location_id, business_date)
    return board.undeposited


async def prepare(actor: Principal, location_id: int, business_date: date,
                  form: DepositForm) -> int:
    """Build a deposit (bag) from approved shifts; the cash counted into the bag by
    denomination must equal what those drawers hand over (counted − float + safe drops)."""
    rules.require_can_work(actor)
    await scope.location(actor, location_id)
    errors: dict[str, str] = {}
    bag = form.bag_number.strip().upper()
    if not BAG_RE.match(bag):
        errors["bag_number"] = "Enter the bag number printed on the bag (letters, digits, dashes)."
    elif await Deposit.exists().where(Deposit.bag_number == bag):
        errors["bag_number"] = "Another deposit already uses this bag number."
    try:
        return await _prepare(actor, location_id, business_date, form, bag, errors)
    except Exception as exc:
        if _is_unique_violation(exc):
            raise Conflict("Another deposit was prepared just now with one of these shifts or "
                           "this bag number; reload the board and try again.") from exc
        raise


def _is_unique_violation(exc: Exception) -> bool:
    name = type(exc).__name__
    return name in ("UniqueViolationError", "IntegrityError") and "unique" in str(exc).lower()


async def _prepare(actor: Principal, location_id: int, business_date: date, form: DepositForm,
                   bag: str, errors: dict[str, str]) -> int:
    async with write_transaction():
        if await ledger.is_day_locked(location_id, business_date):
            raise Conflict("This day is signed off; its deposits cannot change.")
        available = {line.id: line for line in
                     await candidates(actor, location_id, business_date)}
        chosen = [available[i] for i in form.shift_ids if i in available]
        if not form.shift_ids:
            errors["shift_ids"] = "Choose the approved shifts that go into this bag."
        elif len(chosen) != len(set(form.shift_ids)):
            errors["shift_ids"] = ("Only approved shifts of this day that are not in another "
                                   "deposit can go into the bag.")
        cash = sum(line.deposit_cash_cents for line in chosen)
        checks = sum(line.deposit_checks_cents for line in chosen)
        counted = rules.denominations_total(form.denominations)
        if any(n < 0 for n in form.denominations.values()):
            errors["denominations"] = "Counts cannot be negative."
        elif chosen and counted != cash:
            errors["denominations"] = (f"The bag's cash counts to {money(counted)}, but the "
                                       f"chosen drawers hand over {money(cash)}. Recount the bag.")
        if len(form.note) > 2000:
            errors["note"] = "Keep the note under 2,000 characters."
        if errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        check_rows = [c for c in await checks_for([line.id for line in chosen])]
        deposit = Deposit(
            location=location_id, business_date=business_date, bag_number=bag,
            status=rules.PREPARED, cash_cents=cash, checks_cents=checks,
            checks_count=sum(int(line.counted["checks_count"]) for line in chosen
                             if line.counted) or len(check_rows),
            denominations=rules.denominations_json(form.denominations),
            prepared_by=actor.id, prepared_at=_now(), note=form.note.strip(),
        )
        await deposit.save()
        deposit_id = int(deposit.id)
        await DepositShift.insert(*[
            DepositShift(deposit=deposit_id, shift=line.id, cash_cents=line.deposit_cash_cents,
                         checks_cents=line.deposit_checks_cents)
            for line in chosen
        ])
        await record(actor, "deposit.prepare", "deposit", deposit_id, {
            "bag_number": bag, "location": location_id,
            "business_date": business_date.isoformat(), "shifts": [line.id for line in chosen],
            "cash_cents": cash, "checks_cents": checks,
        })
    return deposit_id


async def _load_for_change(actor: Principal, deposit_id: int) -> dict[str, Any]:
    rules.require_can_work(actor)
    return await get_deposit(actor, deposit_id)


def verify_refusal(actor: Principal, deposit: dict[str, Any]) -> str | None:
    """Why `actor` may not verify this deposit, or None when they may (the page shows it)."""
    if not can(actor, Capability.VERIFY_DEPOSIT):
        return "A lead, supervisor or administrator verifies a deposit."
    if is_own_work(actor, deposit["prepared_by"]):
        return "The person who prepared a deposit cannot verify it; ask a colleague."
    return None


async def verify(actor: Principal, deposit_id: int, counted_cash_cents: int) -> None:
    """A second person recounts the bag blind and confirms it holds what the slip says."""
    async with write_transaction():
        deposit = await _load_for_change(actor, deposit_id)
        if refusal := verify_refusal(actor, deposit):
            raise Forbidden(refusal)
        if await counted_a_drawer_in(actor, deposit):
            raise Forbidden("This bag holds a drawer you worked or counted: someone who did "
                            "not handle its cash verifies it.")
        if deposit["verified_by"]:
            raise Conflict(f"This deposit was already verified by {deposit['verified_by_name']}.")
        if deposit["status"] != rules.PREPARED:
            raise Conflict("Only a prepared deposit can be verified.")
        if counted_cash_cents != int(deposit["cash_cents"]):
            # Blind: the expected amount is not revealed; the two recount together.
            raise ValidationFailed(
                "The bag does not match the slip.",
                field_errors={"counted_cash": (
                    f"You counted {money(counted_cash_cents)}, which is not what the slip "
                    "says. Recount the bag with the preparer.")},
            )
        await _move(actor, deposit, rules.VERIFIED,
                    {Deposit.verified_by: actor.id, Deposit.verified_at: _now()})
        await record(actor, "deposit.verify", "deposit", deposit_id,
                     {"counted_cash_cents": counted_cash_cents})


async def counted_a_drawer_in(actor: Principal, deposit: dict[str, Any]) -> bool:
    """Whether the actor worked, counted or witnessed the count of a drawer in the bag."""
    shift_ids = [int(s["shift"]) for s in deposit["shifts"]] or [-1]
    if await Shift.exists().where(Shift.id.is_in(shift_ids) & (Shift.clerk == actor.id)):
        return True
    return bool(await ShiftCount.exists().where(
        ShiftCount.shift.is_in(shift_ids)
        & ((ShiftCount.counted_by == actor.id) | (ShiftCount.witness == actor.id))))


def may_verify(actor: Principal, deposit: dict[str, Any]) -> bool:
    """Whether to offer the actor the (blind) verify form: someone allowed to verify, other
    than the preparer, on a prepared bag (the drawer check is in `verify` and in `deposit_view`)."""
    return deposit["status"] == rules.PREPARED and verify_refusal(actor, deposit) is None


async def _move(actor: Principal, deposit: dict[str, Any], new_status: DepositStatus,
                values: dict[Any, Any]) -> None:
    """The guarded state change (app.states); the caller audits the step with its journal entry."""
    rules.check_deposit_move(deposit["status"], new_status)
    await DEPOSIT.transition(deposit, new_status, actor, values=values, audit=False)


async def send(actor: Principal, deposit_id: int) -> int:
    """The verified bag leaves the safe: safe and checks on hand → deposits in transit."""
    async with write_transaction():
        deposit = await _load_for_change(actor, deposit_id)
        if not deposit["verified_by"] or deposit["status"] != rules.VERIFIED:
            raise Conflict("A second person must verify the bag before it leaves the safe.")
        await _move(actor, deposit, rules.IN_TRANSIT, {Deposit.sent_by: actor.id, Deposit.sent_at: _now()})
        legs = [
            ledger.Leg(DEPOSITS_IN_TRANSIT, int(deposit["total_cents"])),
            ledger.Leg(SAFE, -int(deposit["cash_cents"])),
            ledger.Leg(CHECKS_ON_HAND, -int(deposit["checks_cents"])),
        ]
        txn_id = await ledger.post(
            kind="deposit_send", actor=actor, location_id=int(deposit["location"]),
            business_date=today(), legs=[leg for leg in legs if leg.amount_cents],
            source_type="deposit", source_id=str(deposit_id),
            memo=f"Deposit bag {deposit['bag_number']} for {deposit['business_date']} in transit",
        )
        await record(actor, "deposit.send", "deposit", deposit_id,
                     {"journal_txn": txn_id, "total_cents": deposit["total_cents"]})
    return txn_id


async def confirm(actor: Principal, deposit_id: int, bank_amount_cents: int, note: str = ""
                  ) -> str:
    """Enter the amount the bank credited; returns the new status (confirmed | discrepancy)."""
    if bank_amount_cents < 0:
        raise ValidationFailed("Enter the amount the bank credited.",
                               field_errors={"bank_amount": "Enter 0 or more."})
    async with write_transaction():
        deposit = await _load_for_change(actor, deposit_id)
        total = int(deposit["total_cents"])
        difference = bank_amount_cents - total
        if difference and not note.strip():
            raise ValidationFailed(
                "The bank's amount differs from the deposit: say what the bank reported.",
                field_errors={"note": f"The bank credited {money(difference, sign=True)} "
                                      "against the slip; explain."},
            )
        status = rules.CONFIRMED if difference == 0 else rules.DISCREPANCY
        await _move(actor, deposit, status, {
            Deposit.confirmed_by: actor.id, Deposit.confirmed_at: _now(),
            Deposit.bank_amount_cents: bank_amount_cents,
            Deposit.note: (deposit["note"] + "\n" + note.strip()).strip()[:2000],
        })
        legs = [ledger.Leg(BANK, bank_amount_cents), ledger.Leg(DEPOSITS_IN_TRANSIT, -total),
                ledger.Leg(CASH_OVER_SHORT, -difference)]
        txn_id = await ledger.post(
            kind="deposit_confirm", actor=actor, location_id=int(deposit["location"]),
            business_date=today(), legs=[leg for leg in legs if leg.amount_cents],
            source_type="deposit", source_id=str(deposit_id),
            memo=(f"Bank credited {money(bank_amount_cents)} for bag {deposit['bag_number']}"
                  + (f" ({money(difference, sign=True)} against the slip)" if difference else "")),
        )
        await record(actor, f"deposit.{status}", "deposit", deposit_id, {
            "bank_amount_cents": bank_amount_cents, "difference_cents": difference,
            "note": note.strip(), "journal_txn": txn_id,
        })
    return status


async def overdue_days(actor: Principal, days_back: int = 14) -> list[dict[str, Any]]:
    """Days (in the actor's locations, last `days_back` days) whose deposit is overdue."""
    ids = await scope.location_ids(actor)
    if not ids:
        return []
    since = today() - timedelta(days=days_back)
    days = await ShiftCount.select(
        ShiftCount.shift.location.as_alias("location"),
        ShiftCount.shift.location.name.as_alias("location_name"),  # type: ignore[union-attr]
        ShiftCount.shift.business_date.as_alias("business_date"),
        Max(ShiftCount.submitted_at).as_alias("last_count_at"),
    ).where(
        ShiftCount.shift.location.is_in(ids) & (ShiftCount.shift.business_date >= since)
        & ShiftCount.kind.is_in(["close", "recount"])
    ).group_by(ShiftCount.shift.location, ShiftCount.shift.location.name,  # type: ignore[union-attr]
               ShiftCount.shift.business_date)
    deposited = {
        (int(r["location"]), r["business_date"]) for r in await Deposit.select(
            Deposit.location, Deposit.business_date
        ).where(Deposit.location.is_in(ids) & (Deposit.business_date >= since))
    }
    now, tz = _now(), get_settings().tz
    result = []
    for row in days:
        key = (int(row["location"]), row["business_date"])
        last = row["last_count_at"]
        if isinstance(last, str):  # SQLite returns an aggregate of timestamps as text
            last = datetime.fromisoformat(last)
        if rules.deposit_overdue(row["business_date"], last, key in deposited, now, tz):
            row["due_at"] = rules.deposit_due_at(row["business_date"], last, tz)
            result.append(row)
    return sorted(result, key=lambda r: (r["business_date"], r["location_name"]))
