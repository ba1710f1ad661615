"""The day board: every shift of one location and business day, from SQL aggregates.

About ten queries whatever the number of sales: the shift rows, the shifts' ledger balances
(GROUP BY shift, account over the indexed `posting` table), counts, reviews, cash movements,
unresolved card outcomes and print problems (GROUP BY shift), receipt-number ranges
(GROUP BY terminal), the deposits, the day lock and the day's ledger totals. No Python loop
walks sales or postings.

Figures come from the ledger: a shift's *expected* cash, checks and card totals are its
drawer-cash, checks-on-hand and card-clearing balances (the same sums `drawers.expected_totals`
reads); the settlement posted at approval and the deposit moves are location-level entries, so
a shift's balances keep showing what the shift itself did.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Count, Sum

from app import sql
from app.auth.principal import Principal
from app.auth.tables import User
from app.db import engine
from app.drawers.states import SHIFT
from app.drawers.tables import CashMovement, Shift, ShiftCount
from app.ledger.accounts import CARD_CLEARING, CHECKS_ON_HAND, DRAWER_CASH
from app.ledger.services import balances_by_shift, day_balances
from app.ledger.tables import DayLock, JournalTransaction
from app.reconciliation import rules, scope
from app.reconciliation.hours import closes_at
from app.reconciliation.states import DEPOSIT
from app.reconciliation.tables import Deposit, DepositShift, VarianceReview
from app.sales import bank_card_payments
from app.sales.tables import PaymentAttempt, PrintJob, Sale
from app.settings import get_settings

UNRESOLVED_CARD = ("pending", "unknown")
USED_CARD = ("approved", "settled_approved")
PRINT_PROBLEMS = ("queued", "failed")


@dataclass
class ShiftLine:
    id: int
    terminal_id: int
    terminal_code: str
    clerk_id: int
    clerk_name: str
    status: str
    opened_at: datetime | None
    closed_at: datetime | None
    approved_by_name: str | None
    approved_at: datetime | None
    float_cents: int = 0
    expected_cash_cents: int = 0
    expected_checks_cents: int = 0
    expected_card_cents: int = 0
    counted: dict[str, Any] | None = None  # latest close or recount
    counts: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    movements: dict[str, int] = field(default_factory=dict)
    unresolved_cards: int = 0
    unresolved_card_cents: int = 0
    print_problems: int = 0
    receipt_gap: bool = False
    deposit_id: int | None = None

    @property
    def state_label(self) -> str:
        return SHIFT.label(self.status)

    @property
    def variance(self) -> rules.Variance | None:
        if self.counted is None:
            return None
        return rules.Variance(
            expected_cash_cents=self.expected_cash_cents,
            counted_cash_cents=int(self.counted["cash_cents"]),
            expected_checks_cents=self.expected_checks_cents,
            counted_checks_cents=int(self.counted["checks_cents"]),
        )

    @property
    def over_short_cents(self) -> int | None:
        variance = self.variance
        return variance.total_cents if variance else None

    @property
    def card_difference_cents(self) -> int | None:
        if self.counted is None:
            return None
        return int(self.counted["card_cents"]) - self.expected_card_cents

    @property
    def drops_cents(self) -> int:
        return self.movements.get("safe_drop", 0)

    @property
    def deposit_cash_cents(self) -> int:
        """What this drawer adds to the bank bag: counted cash − float + safe drops."""
        if self.counted is None:
            return 0
        return int(self.counted["cash_cents"]) - self.float_cents + self.drops_cents

    @property
    def deposit_checks_cents(self) -> int:
        return int(self.counted["checks_cents"]) if self.counted else 0

    @property
    def recount_count(self) -> int:
        return sum(1 for c in self.counts if c["kind"] == "recount")

    @property
    def latest_decision(self) -> dict[str, Any] | None:
        decisions = [r for r in self.reviews if r["step"] == rules.DECISION]
        return decisions[-1] if decisions else None

    @property
    def pending_recommendation(self) -> dict[str, Any] | None:
        """The newest recommendation made after the newest decision (waiting for a supervisor)."""
        latest = self.latest_decision
        for review in reversed(self.reviews):
            if review["step"] == rules.RECOMMENDATION and (
                latest is None or review["id"] > latest["id"]
            ):
                return review
        return None

    @property
    def under_investigation(self) -> bool:
        latest = self.latest_decision
        return (self.status == rules.SHIFT_COUNTED and latest is not None
                and latest["outcome"] == rules.INVESTIGATE)

    @property
    def problems(self) -> list[str]:
        found = []
        if self.unresolved_cards:
            found.append(f"{self.unresolved_cards} unresolved card outcome(s)")
        if self.print_problems:
            found.append(f"{self.print_problems} receipt(s) waiting in the print queue")
        if self.receipt_gap:
            found.append("receipt-number gap on this terminal")
        if (self.card_difference_cents or 0) != 0:
            found.append("card batch differs from the card sales")
        return found


@dataclass
class ReceiptRange:
    terminal_id: int
    terminal_code: str
    first: int
    last: int
    issued: int
    distinct: int
    previous_last: int | None
    missing: list[int] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        if self.last - self.first + 1 != self.distinct or self.issued != self.distinct:
            return True
        return self.previous_last is not None and self.first != self.previous_last + 1

    @property
    def duplicates(self) -> int:
        return self.issued - self.distinct


@dataclass
class DayBoard:
    location: dict[str, Any]
    business_date: date
    shifts: list[ShiftLine]
    receipts: list[ReceiptRange]
    deposits: list[dict[str, Any]]
    lock: dict[str, Any] | None
    ledger: dict[str, int]
    adjustments: list[dict[str, Any]]
    last_count_at: datetime | None
    lead_limit_cents: int
    #: When the location closes on this day (from its opening hours); None: closed that day.
    closes_at: datetime | None = None
    #: The moment the board is judged at (now, unless a test or a report fixes it).
    now: datetime | None = None

    @property
    def locked(self) -> bool:
        return self.lock is not None

    @property
    def deposit_prepared(self) -> bool:
        return any(d["verified_by"] for d in self.deposits)

    @property
    def undeposited(self) -> list[ShiftLine]:
        return [s for s in self.shifts if s.status == rules.SHIFT_APPROVED and s.deposit_id is None]

    @property
    def deposit_due_at(self) -> datetime:
        return rules.deposit_due_at(self.business_date, self.last_count_at, get_settings().tz)

    @property
    def deposit_overdue(self) -> bool:
        if not self.shifts:
            return False
        return rules.deposit_overdue(self.business_date, self.last_count_at,
                                     bool(self.deposits), datetime.now(UTC),
                                     get_settings().tz)

    @property
    def totals(self) -> dict[str, int]:
        keys = ("float_cents", "expected_cash_cents", "expected_checks_cents",
                "expected_card_cents")
        result = {k: sum(getattr(s, k) for s in self.shifts) for k in keys}
        counted = [s for s in self.shifts if s.counted]
        result["counted_cash_cents"] = sum(int(s.counted["cash_cents"]) for s in counted
                                           if s.counted)
        result["counted_checks_cents"] = sum(int(s.counted["checks_cents"]) for s in counted
                                             if s.counted)
        result["counted_card_cents"] = sum(int(s.counted["card_cents"]) for s in counted
                                           if s.counted)
        result["over_short_cents"] = sum(s.over_short_cents or 0 for s in counted)
        return result

    @property
    def still_open(self) -> str:
        """Why the day is still running (empty when it has ended): the current business day
        cannot be locked while the location is open, or a day that has not begun."""
        tz = get_settings().tz
        now = (self.now or datetime.now(UTC)).astimezone(tz)
        today = now.date()
        if self.business_date > today:
            return "This day has not happened yet."
        if self.business_date < today or self.closes_at is None or now >= self.closes_at:
            return ""
        hours = self.location.get("opening_hours") or "not set"
        if self.closes_at.date() > self.business_date:
            return (f"The location's hours ({hours}) do not say when it closes, so today can "
                    "be signed off from midnight. Set the hours under Administration to sign "
                    "off after closing.")
        return (f"The location is open until {self.closes_at.strftime('%H:%M')} today "
                f"(hours: {hours}). Sign the day off after closing, once every drawer is "
                "closed; until then the counter can still sell and correct.")

    @property
    def sign_off_blockers(self) -> list[str]:
        """Why the day cannot be signed off yet (empty when it can)."""
        if self.locked:
            return ["The day is already signed off."]
        blockers = []
        if still_open := self.still_open:
            blockers.append(still_open)
        if not self.shifts:
            return blockers or ["No shifts were worked this day."]
        drawers_open = [s for s in self.shifts if s.status == rules.SHIFT_OPEN]
        if drawers_open:
            blockers.append(
                f"{len(drawers_open)} drawer(s) still open ("
                + ", ".join(f"{s.terminal_code} – {s.clerk_name}" for s in drawers_open)
                + "): each clerk closes their drawer first.")
        waiting = [s for s in self.shifts if s.status not in (rules.SHIFT_APPROVED,
                                                                rules.SHIFT_OPEN)]
        if waiting:
            blockers.append(f"{len(waiting)} shift(s) not approved yet.")
        if self.undeposited:
            blockers.append(f"{len(self.undeposited)} approved shift(s) not in a deposit yet.")
        unverified = [d for d in self.deposits if not d["verified_by"]]
        if unverified:
            blockers.append(f"{len(unverified)} deposit(s) not verified by a second person.")
        return blockers


# ---------------------------------------------------------------- queries


async def _shift_rows(location_id: int, business_date: date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Shift.select(
        Shift.id, Shift.terminal, Shift.terminal.code.as_alias("terminal_code"), Shift.clerk,
        Shift.clerk.full_name.as_alias("clerk_name"), Shift.status, Shift.opened_at,
        Shift.closed_at, Shift.approved_by.full_name.as_alias("approved_by_name"),
        Shift.approved_at,
    ).where(
        (Shift.location == location_id) & (Shift.business_date == business_date)
    ).order_by(Shift.terminal.code).order_by(Shift.opened_at)
    return rows


async def _counts(shift_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = await ShiftCount.select(
        ShiftCount.id, ShiftCount.shift, ShiftCount.kind, ShiftCount.cash_cents,
        ShiftCount.denominations, ShiftCount.checks_cents, ShiftCount.checks_count,
        ShiftCount.card_cents, ShiftCount.note, ShiftCount.submitted_at,
        ShiftCount.counted_by.full_name.as_alias("counted_by_name"),
    ).where(ShiftCount.shift.is_in(shift_ids)).order_by(ShiftCount.id)
    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        row["denominations"] = rules.parse_denominations(row["denominations"])
        result[int(row["shift"])].append(row)
    return result


async def _reviews(shift_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = await VarianceReview.select(
        *VarianceReview.all_columns(),
        VarianceReview.actor.full_name.as_alias("actor_name"),
    ).where(VarianceReview.shift.is_in(shift_ids)).order_by(VarianceReview.id)
    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        row["reason_label"] = rules.REASON_CODES.get(row["reason_code"], row["reason_code"])
        row["outcome_label"] = rules.OUTCOMES.get(row["outcome"], row["outcome"])
        result[int(row["shift"])].append(row)
    return result


async def _movements(shift_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = await CashMovement.select(
        CashMovement.shift, CashMovement.kind, Sum(CashMovement.amount_cents).as_alias("total"),
    ).where(CashMovement.shift.is_in(shift_ids)).group_by(CashMovement.shift, CashMovement.kind)
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        result[int(row["shift"])][row["kind"]] = int(row["total"] or 0)
    return result


def unresolved_card_condition() -> Any:
    """Card attempts a supervisor must still settle (the sales area's one rule: no final answer,
    or approved money, charged or refunded, that no sale or refund records)."""
    return bank_card_payments.to_settle_condition()


async def _card_outcomes(shift_ids: list[int]) -> dict[int, tuple[int, int]]:
    rows = await PaymentAttempt.select(
        PaymentAttempt.shift, Count().as_alias("n"),
        Sum(PaymentAttempt.amount_cents).as_alias("total"),
    ).where(
        PaymentAttempt.shift.is_in(shift_ids) & unresolved_card_condition()
    ).group_by(PaymentAttempt.shift)
    return {int(r["shift"]): (int(r["n"]), int(r["total"] or 0)) for r in rows}


async def _print_problems(shift_ids: list[int]) -> dict[int, int]:
    rows = await PrintJob.select(
        PrintJob.sale.shift.as_alias("shift"), Count().as_alias("n"),
    ).where(
        PrintJob.sale.shift.is_in(shift_ids) & PrintJob.status.is_in(list(PRINT_PROBLEMS))
    ).group_by(PrintJob.sale.shift)
    return {int(r["shift"]): int(r["n"]) for r in rows if r["shift"] is not None}


_RECEIPT_RANGES = (
    "SELECT terminal, MIN(receipt_number) AS first, MAX(receipt_number) AS last, "
    "COUNT(*) AS issued "
    "FROM sale WHERE terminal IN {} AND business_date = {} GROUP BY terminal"
)
_PREVIOUS_LAST = (
    "SELECT terminal, MAX(receipt_number) AS last FROM sale WHERE terminal IN {} "
    "AND business_date < {} GROUP BY terminal"
)
_NUMBERS = (
    "SELECT receipt_number FROM sale WHERE terminal = {} AND business_date = {} "
    "ORDER BY receipt_number"
)
MAX_MISSING_LISTED = 20


async def _receipts(location_id: int, business_date: date, codes: dict[int, str]
                    ) -> list[ReceiptRange]:
    """Receipt numbers issued per terminal that day (the terminals of the day's shifts: a sale
    needs a shift), read from the (terminal, business_date, receipt_number) index."""
    if not codes:
        return []
    rows = await Sale.raw(_RECEIPT_RANGES.replace("IN {}", f"IN {sql.in_list(codes)}"), *codes,
                          business_date)
    if not rows:
        return []
    terminal_ids = [int(r["terminal"]) for r in rows]
    previous = {int(r["terminal"]): r["last"] for r in await Sale.raw(
        _PREVIOUS_LAST.replace("IN {}", f"IN {sql.in_list(terminal_ids)}"), *terminal_ids,
        business_date)}
    ranges = []
    for row in rows:
        terminal_id = int(row["terminal"])
        prev_last = previous.get(terminal_id)
        item = ReceiptRange(
            terminal_id=terminal_id, terminal_code=codes.get(terminal_id, str(terminal_id)),
            first=int(row["first"]), last=int(row["last"]), issued=int(row["issued"]),
            distinct=int(row["issued"]),  # (terminal, receipt_number) is unique
            previous_last=int(prev_last) if prev_last is not None else None,
        )
        if item.gap:
            numbers = {int(r["receipt_number"]) for r in
                       await Sale.raw(_NUMBERS, terminal_id, business_date)}
            start = item.previous_last + 1 if item.previous_last is not None else item.first
            item.missing = [n for n in range(start, item.last + 1) if n not in numbers][
                :MAX_MISSING_LISTED]
        ranges.append(item)
    return sorted(ranges, key=lambda r: r.terminal_code)


async def _deposits(location_id: int, business_date: date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Deposit.select(
        *Deposit.all_columns(),
        Deposit.prepared_by.full_name.as_alias("prepared_by_name"),
        Deposit.verified_by.full_name.as_alias("verified_by_name"),
        Deposit.confirmed_by.full_name.as_alias("confirmed_by_name"),
    ).where(
        (Deposit.location == location_id) & (Deposit.business_date == business_date)
    ).order_by(Deposit.id)
    for row in rows:
        row["status_label"] = DEPOSIT.label(row["status"])
        row["total_cents"] = int(row["cash_cents"]) + int(row["checks_cents"])
    return rows


async def _deposited(shift_ids: list[int]) -> dict[int, int]:
    rows = await DepositShift.select(DepositShift.shift, DepositShift.deposit).where(
        DepositShift.shift.is_in(shift_ids)
    )
    return {int(r["shift"]): int(r["deposit"]) for r in rows}


async def day_lock(location_id: int, business_date: date) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await DayLock.select(
        DayLock.id, DayLock.locked_at, DayLock.locked_by,
        DayLock.locked_by.full_name.as_alias("locked_by_name"),
    ).where(
        (DayLock.location == location_id) & (DayLock.business_date == business_date)
    ).first()
    return row


async def adjustments_for(location_id: int, business_date: date) -> list[dict[str, Any]]:
    """Entries posted on later days that correct this day (corrects_date)."""
    rows: list[dict[str, Any]] = await JournalTransaction.select(
        JournalTransaction.id, JournalTransaction.kind, JournalTransaction.business_date,
        JournalTransaction.memo, JournalTransaction.occurred_at,
        JournalTransaction.created_by.full_name.as_alias("created_by_name"),
    ).where(
        (JournalTransaction.location == location_id)
        & (JournalTransaction.corrects_date == business_date)
    ).order_by(JournalTransaction.id)
    return rows


async def _all(*queries: Awaitable[Any]) -> list[Any]:
    """Run independent queries side by side on PostgreSQL's pool; one after another on SQLite
    or inside a transaction (one connection cannot run two queries at once)."""
    db = engine()
    if isinstance(db, PostgresEngine) and not db.transaction_exists():
        return list(await asyncio.gather(*queries))
    return [await query for query in queries]


async def day_board(actor: Principal, location_id: int, business_date: date) -> DayBoard:
    location = await scope.location(actor, location_id)
    shift_rows = await _shift_rows(location_id, business_date)
    ids = [int(r["id"]) for r in shift_rows] or [-1]
    codes = {int(r["terminal"]): r["terminal_code"] for r in shift_rows}
    (balances, counts, reviews, movements, cards, prints, deposited, receipts, deposits,
     lock, ledger, adjustments) = await _all(
        balances_by_shift(ids), _counts(ids), _reviews(ids), _movements(ids),
        _card_outcomes(ids), _print_problems(ids), _deposited(ids),
        _receipts(location_id, business_date, codes), _deposits(location_id, business_date),
        day_lock(location_id, business_date), day_balances(location_id, business_date),
        adjustments_for(location_id, business_date),
    )
    gap_terminals = {r.terminal_id for r in receipts if r.gap}
    lines: list[ShiftLine] = []
    last_count_at: datetime | None = None
    for row in shift_rows:
        shift_id = int(row["id"])
        shift_counts = counts.get(shift_id, [])
        opening = next((c for c in shift_counts if c["kind"] == "open"), None)
        closes = [c for c in shift_counts if c["kind"] in ("close", "recount")]
        balance = balances.get(shift_id, {})
        line = ShiftLine(
            id=shift_id, terminal_id=int(row["terminal"]), terminal_code=row["terminal_code"],
            clerk_id=int(row["clerk"]), clerk_name=row["clerk_name"], status=row["status"],
            opened_at=row["opened_at"], closed_at=row["closed_at"],
            approved_by_name=row["approved_by_name"], approved_at=row["approved_at"],
            float_cents=int(opening["cash_cents"]) if opening else 0,
            expected_cash_cents=balance.get(DRAWER_CASH, 0),
            expected_checks_cents=balance.get(CHECKS_ON_HAND, 0),
            expected_card_cents=balance.get(CARD_CLEARING, 0),
            counted=closes[-1] if closes else None, counts=shift_counts,
            reviews=reviews.get(shift_id, []), movements=movements.get(shift_id, {}),
            unresolved_cards=cards.get(shift_id, (0, 0))[0],
            unresolved_card_cents=cards.get(shift_id, (0, 0))[1],
            print_problems=prints.get(shift_id, 0),
            receipt_gap=int(row["terminal"]) in gap_terminals,
            deposit_id=deposited.get(shift_id),
        )
        if closes:
            at = closes[-1]["submitted_at"]
            last_count_at = at if last_count_at is None or at > last_count_at else last_count_at
        lines.append(line)
    return DayBoard(
        location=location, business_date=business_date, shifts=lines, receipts=receipts,
        deposits=deposits, lock=lock, ledger=ledger, adjustments=adjustments,
        last_count_at=last_count_at,
        lead_limit_cents=get_settings().variance_lead_limit_cents,
        closes_at=closes_at(location.get("opening_hours") or "", business_date,
                            get_settings().tz),
    )


async def shift_line(actor: Principal, shift_id: int) -> ShiftLine:
    """One shift as the board shows it (for a review page)."""
    row = await Shift.select(Shift.location, Shift.business_date).where(
        Shift.id == shift_id).first()
    if row is None:
        from app.errors import NotFound

        raise NotFound("No such shift.")
    board = await day_board(actor, int(row["location"]), row["business_date"])
    for line in board.shifts:
        if line.id == shift_id:
            return line
    raise AssertionError("shift missing from its own day board")


async def user_name(user_id: int) -> str:
    row = await User.select(User.full_name).where(User.id == user_id).first()
    return str(row["full_name"]) if row else "?"
