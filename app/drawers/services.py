"""Cash drawers: open a shift with a counted float, cash movements, blind close, recount.

Money never lives on the shift row: the float, drops, paid-ins and paid-outs are ledger
transactions tagged with the shift, and what the drawer *should* hold is a SQL sum over the
shift's postings (`expected_totals`). Counts are stored as submitted and never overwritten;
a recount is a new count beside the first. Posting the over/short happens at approval
(reconciliation), not here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from app import sql
from app.audit.services import record
from app.auth.capabilities import (
    Capability,
    can,
    in_section,
    is_own_work,
    require,
    require_not_own_work,
)
from app.auth.principal import Principal
from app.db import in_transaction, is_sqlite, write_transaction
from app.drawers import states
from app.drawers.denominations import count_total, from_json, to_json
from app.drawers.errors import NoOpenShift
from app.drawers.tables import CashMovement, Shift, ShiftCount
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.formatting import business_date as today_business_date
from app.formatting import money
from app.ledger import services as ledger
from app.ledger.accounts import (
    CARD_CLEARING,
    CHECKS_ON_HAND,
    DRAWER_CASH,
    PAID_IN_OTHER,
    PAID_OUT_EXPENSE,
    SAFE,
)
from app.terminals.tables import Terminal

#: Shift states whose drawer is still at its terminal (states.DRAWER_IN_USE, in a fixed order).
IN_USE_STATES = tuple(sorted(states.DRAWER_IN_USE))

MOVEMENT_KINDS = ("paid_in", "paid_out", "safe_drop", "no_sale")
MOVEMENT_LABELS = {"paid_in": "Paid in", "paid_out": "Paid out", "safe_drop": "Safe drop",
                   "no_sale": "No sale"}
#: Ledger transaction kinds posted by this module.
TXN_OPEN = "shift_open"
MAX_MOVEMENT_CENTS = 1_000_000


def paid_out_override_cents() -> int:
    """Paid-outs above this need a lead's or supervisor's override (FAREDESK_PAID_OUT_LIMIT_CENTS,
    default $20.00)."""
    raw = os.environ.get("FAREDESK_PAID_OUT_LIMIT_CENTS", "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else 2000


def now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- reading shifts


#: A shift's columns (shift `s`) with its terminal's code and name, location's name and
#: section, and clerk's username and full name: the dict every shift read returns.
SHIFT_COLUMNS = """
s.id, s.terminal, s.location, s.clerk, s.business_date, s.status, s.opened_at,
s.closed_at, s.approved_by, s.approved_at,
t.code AS terminal_code, t.name AS terminal_name,
l.name AS location_name, l.section AS section_id,
u.username AS clerk_username, u.full_name AS clerk_name
"""
#: The tables SHIFT_COLUMNS reads.
SHIFT_FROM = """
FROM shift s
JOIN terminal t ON t.id = s.terminal
JOIN location l ON l.id = s.location
JOIN app_user u ON u.id = s.clerk
"""
_SHIFT_SELECT = f"SELECT {SHIFT_COLUMNS} {SHIFT_FROM}"
#: One shift by id.
SHIFT_BY_ID_SQL = _SHIFT_SELECT + "WHERE s.id = {}"
#: One shift by id, its row locked until the transaction ends (PostgreSQL only).
SHIFT_BY_ID_LOCKED_SQL = SHIFT_BY_ID_SQL + " FOR UPDATE OF s"
#: The terminal's shift in the given state (at most one: a unique index), or no row.
SHIFT_FOR_TERMINAL_SQL = _SHIFT_SELECT + "WHERE s.terminal = {} AND s.status = {} LIMIT 1"
#: The same, its row locked until the transaction ends (PostgreSQL only).
SHIFT_FOR_TERMINAL_LOCKED_SQL = SHIFT_FOR_TERMINAL_SQL + " FOR UPDATE OF s"
#: The terminal's shift whose drawer is in use (one of IN_USE_STATES), or no row.
SHIFT_IN_USE_SQL = (_SHIFT_SELECT + "WHERE s.terminal = {} AND s.status IN "
                    + sql.in_list(IN_USE_STATES) + " LIMIT 1")
#: A location's shifts of one business day, in the order they opened.
SHIFTS_FOR_DAY_SQL = (_SHIFT_SELECT
                      + "WHERE s.location = {} AND s.business_date = {} ORDER BY s.opened_at")


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    row["status_label"] = states.LABELS.get(row["status"], row["status"])
    return row


def _shape_or_none(row: dict[str, Any] | None) -> dict[str, Any] | None:
    return _shape(row) if row is not None else None


async def get_shift(shift_id: int) -> dict[str, Any]:
    row = await sql.fetch_one(SHIFT_BY_ID_SQL, shift_id)
    if row is None:
        raise NotFound("No such shift.")
    return _shape(row)


async def _get_locked_shift(shift_id: int) -> dict[str, Any]:
    """The shift read under its row lock, held until the transaction ends, so a sale, a cash
    movement and the close of one drawer happen one after another (PostgreSQL; SQLite's
    IMMEDIATE write transactions already serialise writers)."""
    if is_sqlite():
        return await get_shift(shift_id)
    row = await sql.fetch_one(SHIFT_BY_ID_LOCKED_SQL, shift_id)
    if row is None:
        raise NotFound("No such shift.")
    return _shape(row)


async def open_shift_for_terminal(terminal_id: int) -> dict[str, Any] | None:
    """The terminal's open shift (selling allowed), or None."""
    return _shape_or_none(await sql.fetch_one(SHIFT_FOR_TERMINAL_SQL, terminal_id, states.OPEN))


async def shift_in_use_for_terminal(terminal_id: int) -> dict[str, Any] | None:
    """The terminal's open or recount shift (its drawer is not free for a new shift)."""
    return _shape_or_none(await sql.fetch_one(SHIFT_IN_USE_SQL, terminal_id, *IN_USE_STATES))


async def shifts_for_day(location_id: int, business_date: date) -> list[dict[str, Any]]:
    rows = await sql.fetch(SHIFTS_FOR_DAY_SQL, location_id, business_date)
    return [_shape(row) for row in rows]


def may_oversee(actor: Principal, shift: Mapping[str, Any]) -> bool:
    """A lead or supervisor of the shift's section may look after another clerk's drawer."""
    return can(actor, Capability.OVERSEE_DRAWERS) and in_section(actor, int(shift["section_id"]))


def _check_drawer_actor(actor: Principal, shift: Mapping[str, Any]) -> None:
    if is_own_work(actor, shift["clerk"]) or may_oversee(actor, shift):
        return
    raise Forbidden(
        f"This drawer belongs to {shift['clerk_name']}; only they, or a lead or supervisor, "
        "can use it."
    )


async def require_open_shift(actor: Principal, terminal_id: int) -> dict[str, Any]:
    """The terminal's open shift, usable by `actor` (its clerk, or a lead or supervisor).

    One statement. Inside the caller's transaction on PostgreSQL the shift is read under its
    row lock (`FOR UPDATE`: a concurrent close is waited for, and a shift it closed no longer
    matches); SQLite's IMMEDIATE write transaction already keeps it from changing.
    """
    locked = in_transaction() and not is_sqlite()
    query = SHIFT_FOR_TERMINAL_LOCKED_SQL if locked else SHIFT_FOR_TERMINAL_SQL
    return check_open_shift(actor, await sql.fetch_one(query, terminal_id, states.OPEN))


def check_open_shift(actor: Principal, row: dict[str, Any] | None) -> dict[str, Any]:
    """`require_open_shift` for a caller that read the terminal's open shift itself
    (SHIFT_COLUMNS, or None when there is none): the shift, shaped, if `actor` may sell on it."""
    if row is None:
        raise NoOpenShift("Open a shift with a counted float before selling.")
    shift = _shape(row)
    _check_drawer_actor(actor, shift)
    return shift


async def require_selling_shift(actor: Principal, terminal_id: int) -> dict[str, Any]:
    """The terminal's open shift, if it is `actor`'s own: selling, taking card payments and
    giving money back go into the seller's own drawer only. A lead or supervisor who signs in
    at another clerk's counter does not sell into that clerk's drawer (issue 9 item 5)."""
    return check_selling_shift(actor, await require_open_shift(actor, terminal_id))


def check_selling_shift(actor: Principal, shift: dict[str, Any]) -> dict[str, Any]:
    if int(shift["clerk"]) != actor.id:
        raise Forbidden(
            f"This drawer is {shift['clerk_name']}'s. Selling needs your own open shift: "
            f"{shift['clerk_name']} signs in and closes this drawer, then you open yours.")
    return shift


# ---------------------------------------------------------------- opening a shift


def _is_unique_violation(exc: BaseException) -> bool:
    """A unique index refused the row (sqlite3.IntegrityError or asyncpg's UniqueViolation)."""
    name = type(exc).__name__
    return name == "UniqueViolationError" or (
        name == "IntegrityError" and "UNIQUE" in str(exc).upper())


async def _terminal(terminal_id: int) -> dict[str, Any]:
    row = await Terminal.select(
        Terminal.id, Terminal.code, Terminal.name, Terminal.location, Terminal.active,
        Terminal.location.section.as_alias("section_id"),
    ).where(Terminal.id == terminal_id).first()
    if row is None:
        raise NotFound("No such terminal.")
    return row


async def open_shift(
    actor: Principal,
    *,
    terminal_id: int,
    location_id: int,
    denominations: Mapping[int, int],
    business_date: date | None = None,
) -> int:
    """Open a shift on a terminal with a float counted by denomination; returns the shift id.

    Records the count (ShiftCount kind=open) and moves the float from SAFE to DRAWER_CASH in
    the ledger, tagged with the new shift. One shift per drawer at a time, one drawer per clerk.
    """
    require(actor, Capability.USE_KIOSK, "Only counter staff open a drawer.")
    float_cents = count_total(denominations)
    if float_cents <= 0:
        raise ValidationFailed("Count the float in the drawer before opening the shift.",
                               field_errors={"float": "The float is empty."})
    day = business_date or today_business_date()
    async with write_transaction():
        terminal = await _terminal(terminal_id)
        if int(terminal["location"]) != location_id:
            raise ValidationFailed("This terminal is at another location.")
        if not terminal["active"]:
            raise Conflict(f"Terminal {terminal['code']} is switched off; ask an administrator.")
        if not actor.in_section(int(terminal["section_id"])):
            raise Forbidden("This terminal's location is outside your sections.")
        busy = await shift_in_use_for_terminal(terminal_id)
        if busy is not None:
            raise Conflict(
                f"Terminal {terminal['code']} already has a shift "
                f"({busy['status_label'].lower()}) for {busy['clerk_name']}; close it first."
            )
        if await Shift.exists().where((Shift.clerk == actor.id) & (Shift.status == states.OPEN)):
            raise Conflict("You already have an open drawer; close it before opening another.")
        opened = now()
        shift = Shift(terminal=terminal_id, location=location_id, clerk=actor.id,
                      business_date=day, status=states.OPEN, opened_at=opened)
        try:
            await shift.save()
        except Exception as exc:  # the one-shift-per-terminal index settles a race
            if _is_unique_violation(exc):
                raise Conflict(f"Terminal {terminal['code']} was opened by someone else just "
                               "now; reload.") from exc
            raise
        shift_id = int(shift.id)
        count = ShiftCount(shift=shift_id, kind="open", counted_by=actor.id,
                           cash_cents=float_cents, denominations=to_json(denominations),
                           submitted_at=opened)
        await count.save()
        await ledger.post(
            kind=TXN_OPEN, actor=actor, location_id=location_id, business_date=day,
            legs=[ledger.Leg(DRAWER_CASH, float_cents, tender_kind="cash"),
                  ledger.Leg(SAFE, -float_cents)],
            shift_id=shift_id, terminal_id=terminal_id, clerk_id=actor.id,
            source_type="shift_count", source_id=str(count.id),
            memo=f"Opening float {terminal['code']}",
        )
        await record(actor, "shift.open", "shift", shift_id, {
            "terminal": terminal["code"], "business_date": day.isoformat(),
            "float_cents": float_cents,
        })
    return shift_id


# ---------------------------------------------------------------- cash movements


def _movement_legs(kind: str, amount: int) -> list[ledger.Leg]:
    if kind == "paid_in":
        return [ledger.Leg(DRAWER_CASH, amount, tender_kind="cash"),
                ledger.Leg(PAID_IN_OTHER, -amount)]
    if kind == "paid_out":
        return [ledger.Leg(PAID_OUT_EXPENSE, amount),
                ledger.Leg(DRAWER_CASH, -amount, tender_kind="cash")]
    return [ledger.Leg(SAFE, amount), ledger.Leg(DRAWER_CASH, -amount, tender_kind="cash")]


def _check_movement(kind: str, amount_cents: int, reason: str, actor: Principal,
                    witness: Principal | None, override: Principal | None) -> None:
    errors: dict[str, str] = {}
    if kind not in MOVEMENT_KINDS:
        raise ValidationFailed("Choose paid in, paid out, safe drop or no sale.")
    if type(amount_cents) is not int:
        raise TypeError("amounts are integer cents")
    if kind == "no_sale":
        if amount_cents != 0:
            errors["amount"] = "A no-sale opening moves no money."
    elif not 0 < amount_cents <= MAX_MOVEMENT_CENTS:
        errors["amount"] = "Enter an amount greater than zero."
    if kind != "safe_drop" and not reason.strip():
        errors["reason"] = "Say why (a receipt number, what was bought, why the drawer opened)."
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    if kind == "safe_drop" and (witness is None or not witness.id or is_own_work(witness, actor.id)):
        raise ValidationFailed(
            "A safe drop needs a witness: another staff member signs in with their PIN.",
            field_errors={"witness": "Another person must witness the drop."},
        )
    needs_override = kind == "paid_out" and amount_cents > paid_out_override_cents()
    if needs_override and (
        override is None or not can(override, Capability.OVERSEE_DRAWERS)
        or is_own_work(override, actor.id)
    ):
        raise Forbidden(
                f"A paid-out above {money(paid_out_override_cents())} needs a lead or "
                "supervisor (not you) to approve it with their PIN."
            )


#: What each kind of cash leaving the drawer is called in the clerk's message.
CASH_OUT_WORDS = {"paid_out": "paid-out", "safe_drop": "safe drop", "refund": "cash refund",
                  "void": "cash given back on the void"}


async def drawer_cash(shift_id: int) -> int:
    """The cash the drawer should hold now: float, sales, movements and refunds so far."""
    return (await ledger.shift_balances(shift_id)).get(DRAWER_CASH, 0)


async def require_cash_on_hand(shift_id: int, amount_cents: int, kind: str) -> None:
    """Cash leaves a drawer only if the drawer should hold that much.

    Call inside the transaction that locked the shift (sales, movements and refunds of one
    drawer run one after another), so nothing changes the balance between check and posting.
    """
    if amount_cents <= 0:
        return
    held = await drawer_cash(shift_id)
    if amount_cents > held:
        # The drawer's expected cash is never shown mid-shift: it would unblind the close.
        raise ValidationFailed(
            f"{money(amount_cents)} is more than this drawer should hold for this "
            f"{CASH_OUT_WORDS[kind]}. Pay out less or pay the rest another way, or ask a "
            "supervisor to check the drawer.",
            field_errors={"amount": "More than this drawer should hold: ask a supervisor."},
        )


async def cash_movement(
    actor: Principal,
    *,
    shift_id: int,
    kind: str,
    amount_cents: int,
    reason: str,
    witness: Principal | None = None,
    override: Principal | None = None,
) -> int:
    """Record a paid-in, paid-out, safe drop or no-sale on an open shift; returns its id.

    Money-moving kinds post a ledger transaction in the same database transaction; a no-sale
    (amount 0) is recorded and audited only.
    """
    _check_movement(kind, amount_cents, reason, actor, witness, override)
    async with write_transaction():
        shift = await _get_locked_shift(shift_id)
        if shift["status"] != states.OPEN:
            raise NoOpenShift("This shift is closed; open a shift before using the drawer.")
        _check_drawer_actor(actor, shift)
        if override is not None and not override.in_section(int(shift["section_id"])):
            raise Forbidden(f"{override.full_name} does not run this location's section: "
                            "their approval does not count here. Ask a supervisor of this "
                            "section.")
        if kind in ("paid_out", "safe_drop"):
            await require_cash_on_hand(shift_id, amount_cents, kind)
        movement = CashMovement(
            shift=shift_id, kind=kind, amount_cents=amount_cents, reason=reason.strip()[:200],
            created_by=actor.id, witness=witness.id if witness else None,
            override_by=override.id if override else None, created_at=now(),
        )
        await movement.save()
        movement_id = int(movement.id)
        if kind != "no_sale":
            await ledger.post(
                kind=kind, actor=actor, location_id=int(shift["location"]),
                business_date=shift["business_date"], legs=_movement_legs(kind, amount_cents),
                shift_id=shift_id, terminal_id=int(shift["terminal"]), clerk_id=shift["clerk"],
                source_type="cash_movement", source_id=str(movement_id),
                memo=f"{MOVEMENT_LABELS[kind]}: {reason.strip()}"[:2000],
            )
        await record(actor, f"drawer.{kind}", "shift", shift_id, {
            "movement": movement_id, "amount_cents": amount_cents, "reason": reason.strip(),
            "witness": witness.username if witness else None,
            "override": override.username if override else None,
        })
    return movement_id


async def movements(shift_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await CashMovement.select(
        *CashMovement.all_columns(),
        CashMovement.created_by.username.as_alias("created_by_username"),
        CashMovement.witness.username.as_alias("witness_username"),
        CashMovement.override_by.username.as_alias("override_username"),
        CashMovement.witness.full_name.as_alias("witness_name"),
        CashMovement.override_by.full_name.as_alias("override_name"),
    ).where(CashMovement.shift == shift_id).order_by(CashMovement.id)
    for row in rows:
        row["kind_label"] = MOVEMENT_LABELS.get(row["kind"], row["kind"])
    return rows


# ---------------------------------------------------------------- expected totals


@dataclass(frozen=True)
class ExpectedTotals:
    """What the drawer should hold, from the shift's ledger postings.

    expected_cash = float + cash_sales (cash taken − change − cash refunds, and any other
    cash posting) + paid_in − paid_out − drops.
    """

    float_cents: int
    cash_sales_cents: int
    paid_in_cents: int
    paid_out_cents: int
    drops_cents: int
    expected_cash_cents: int
    expected_checks_cents: int
    expected_card_cents: int


async def expected_totals(shift_id: int) -> ExpectedTotals:
    by_kind = await ledger.shift_totals_by_kind(shift_id, DRAWER_CASH)
    balances = await ledger.shift_balances(shift_id)
    cash = balances.get(DRAWER_CASH, 0)
    float_cents = by_kind.get(TXN_OPEN, 0)
    paid_in = by_kind.get("paid_in", 0)
    paid_out = -by_kind.get("paid_out", 0)
    drops = -by_kind.get("safe_drop", 0)
    return ExpectedTotals(
        float_cents=float_cents,
        cash_sales_cents=cash - float_cents - paid_in + paid_out + drops,
        paid_in_cents=paid_in,
        paid_out_cents=paid_out,
        drops_cents=drops,
        expected_cash_cents=cash,
        expected_checks_cents=balances.get(CHECKS_ON_HAND, 0),
        expected_card_cents=balances.get(CARD_CLEARING, 0),
    )


# ---------------------------------------------------------------- counting


@dataclass(frozen=True)
class CountResult:
    count_id: int
    kind: str  # close | recount
    cash_cents: int
    checks_cents: int
    card_cents: int
    expected_cash_cents: int
    expected_checks_cents: int
    expected_card_cents: int

    @property
    def cash_over_short_cents(self) -> int:
        return self.cash_cents - self.expected_cash_cents

    @property
    def checks_over_short_cents(self) -> int:
        return self.checks_cents - self.expected_checks_cents

    @property
    def card_over_short_cents(self) -> int:
        return self.card_cents - self.expected_card_cents

    @property
    def total_over_short_cents(self) -> int:
        return (self.cash_over_short_cents + self.checks_over_short_cents
                + self.card_over_short_cents)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "cash_over_short_cents": self.cash_over_short_cents,
                "checks_over_short_cents": self.checks_over_short_cents,
                "card_over_short_cents": self.card_over_short_cents,
                "total_over_short_cents": self.total_over_short_cents}


def _check_count_amounts(checks_cents: int, checks_count: int, card_cents: int) -> None:
    errors: dict[str, str] = {}
    for name, value in (("checks_cents", checks_cents), ("checks_count", checks_count),
                        ("card_cents", card_cents)):
        if type(value) is not int:
            raise TypeError(f"{name} must be an int")
        if value < 0:
            errors[name] = "Enter 0 or more."
    if not errors:
        if checks_cents > 0 and checks_count == 0:
            errors["checks_count"] = "Enter how many checks make up the checks total."
        elif checks_count > 0 and checks_cents == 0:
            errors["checks_cents"] = "Enter the total of the checks."
    if errors:
        raise ValidationFailed("Please check the count.", field_errors=errors)


def _result(count: Mapping[str, Any], expected: ExpectedTotals) -> CountResult:
    return CountResult(
        count_id=int(count["id"]), kind=str(count["kind"]), cash_cents=int(count["cash_cents"]),
        checks_cents=int(count["checks_cents"]), card_cents=int(count["card_cents"]),
        expected_cash_cents=expected.expected_cash_cents,
        expected_checks_cents=expected.expected_checks_cents,
        expected_card_cents=expected.expected_card_cents,
    )


async def submit_count(
    actor: Principal,
    *,
    shift_id: int,
    denominations: Mapping[int, int],
    checks_cents: int,
    checks_count: int,
    card_cents: int,
    note: str = "",
) -> CountResult:
    """Blind close (or recount): store the count as submitted, move the shift to counted, and
    only then compare with what was expected. A count is never overwritten."""
    cash_cents = count_total(denominations)
    _check_count_amounts(checks_cents, checks_count, card_cents)
    async with write_transaction():
        shift = await _get_locked_shift(shift_id)
        if shift["status"] not in (states.OPEN, states.RECOUNT):
            raise Conflict("This drawer has already been counted; a lead or supervisor can "
                           "ask for a recount.")
        _check_drawer_actor(actor, shift)
        kind = "close" if shift["status"] == states.OPEN else "recount"
        submitted = now()
        count = ShiftCount(
            shift=shift_id, kind=kind, counted_by=actor.id, cash_cents=cash_cents,
            denominations=to_json(denominations), checks_cents=checks_cents,
            checks_count=checks_count, card_cents=card_cents, note=note.strip()[:2000],
            submitted_at=submitted,
        )
        await count.save()
        closing = {"closed_at": submitted} if kind == "close" else {}
        await states.transition(shift, states.COUNTED, actor, values=closing, summary={
            "count": int(count.id), "kind": kind, "cash_cents": cash_cents,
            "checks_cents": checks_cents, "card_cents": card_cents,
        })
        expected = await expected_totals(shift_id)
    return _result({"id": count.id, "kind": kind, "cash_cents": cash_cents,
                    "checks_cents": checks_cents, "card_cents": card_cents}, expected)


async def request_recount(actor: Principal, shift_id: int, reason: str) -> None:
    """A lead or supervisor (never on their own shift) sends a counted drawer back for a recount."""
    if not reason.strip():
        raise ValidationFailed("Say why the drawer must be recounted.",
                               field_errors={"reason": "Enter a reason."})
    async with write_transaction():
        shift = await _get_locked_shift(shift_id)
        if not may_oversee(actor, shift):
            raise Forbidden("Only a lead or supervisor of this location can ask for a recount.")
        require_not_own_work(actor, shift["clerk"], message=(
            "You cannot ask for a recount of your own drawer; ask another lead or supervisor."))
        await states.transition(shift, states.RECOUNT, actor, summary={"reason": reason.strip()})


async def counts(shift_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await ShiftCount.select(
        *ShiftCount.all_columns(),
        ShiftCount.counted_by.username.as_alias("counted_by_username"),
        ShiftCount.counted_by.full_name.as_alias("counted_by_name"),
    ).where(ShiftCount.shift == shift_id).order_by(ShiftCount.id)
    for row in rows:
        row["denominations"] = from_json(row["denominations"])
    return rows


async def latest_count(shift_id: int) -> dict[str, Any] | None:
    """The most recent close or recount of the shift (the one an approval acts on), or None."""
    row: dict[str, Any] | None = await ShiftCount.select().where(
        (ShiftCount.shift == shift_id) & ShiftCount.kind.is_in(["close", "recount"])
    ).order_by(ShiftCount.id, ascending=False).first()
    if row is not None:
        row["denominations"] = from_json(row["denominations"])
    return row


async def shift_summary(shift_id: int) -> dict[str, Any]:
    """The shift, its counts (each with over/short against what was expected), the expected
    totals and the cash movements: what a lead or supervisor reviews."""
    shift = await get_shift(shift_id)
    expected = await expected_totals(shift_id)
    all_counts = await counts(shift_id)
    for row in all_counts:
        if row["kind"] == "open":
            continue
        row["result"] = _result(row, expected).as_dict()
    latest = await latest_count(shift_id)
    return {
        "shift": shift,
        "expected": asdict(expected),
        "counts": all_counts,
        "latest_count": latest,
        "latest_result": _result(latest, expected).as_dict() if latest else None,
        "movements": await movements(shift_id),
    }
