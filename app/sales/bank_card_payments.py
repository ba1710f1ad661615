"""Card payments: every request to a payment terminal is recorded before it is sent.

The flow, driven by the kiosk:

1. `begin_card_payment` writes a PaymentAttempt (pending) with a fresh reference and COMMITS it,
   before the terminal is asked. It refuses while another attempt at that terminal is pending or
   of unknown outcome, so an unclear charge is never followed by a blind second one.
2. The kiosk asks the terminal (`terminal.sale(amount, reference)`) once per reference and passes
   the answer to `record_card_result`. Only brand, last 4 digits, approval code, the terminal's
   transaction id and a message are accepted; anything that looks like more of a card number is
   refused or removed. A final answer is never overwritten.
3. An approved attempt is a tender of exactly one sale (`complete_sale` links it) or refund.

When the outcome is unclear (the terminal timed out, the kiosk crashed) the attempt is listed by
`unresolved_card_outcomes`; a supervisor, never the clerk who ran it, settles it with
`settle_card_outcome` after checking the processor's report:

- 'declined': nothing was taken; no money moves.
- 'approved': the customer was charged. The ledger books it at once:
      Dr card_clearing / Cr card_outcome_suspense  (a sale charge)
      Dr card_outcome_suspense / Cr card_clearing  (a refund paid out)
  so the books match the processor. The suspense balance is money owed to (or by) a customer
  until the charge is attached to a sale (`complete_sale` then debits suspense instead of card
  clearing) or returned with `refund_unused_card_payment` (Dr suspense / Cr card clearing).
  An approved charge that was never booked (the sale simply never completed) is listed too and
  settled the same way; refunding one that was never booked moves no money in the books at all
  (charge and refund are both outside them).

Property: no path creates a second charge for one reference; a reference is used at most once.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.audit.services import record
from app.auth.capabilities import Capability, can, is_own_work
from app.auth.principal import Principal
from app.db import engine, write_transaction
from app.drawers.services import require_open_shift, require_selling_shift
from app.drawers.tables import Shift
from app.errors import Forbidden, NotFound, ValidationFailed
from app.formatting import business_date as today_business_date
from app.kiosk.tables import KioskCart
from app.ledger import services as ledger
from app.ledger.accounts import CARD_CLEARING, CARD_OUTCOME_SUSPENSE
from app.sales.authority import OverrideAction, check_decider
from app.sales.cart import MAX_AMOUNT_CENTS
from app.sales.errors import CardPaymentProblem
from app.sales.tables import PaymentAttempt
from app.terminals.tables import Terminal

PENDING = "pending"
APPROVED = "approved"
DECLINED = "declined"
CANCELLED = "cancelled"
UNKNOWN = "unknown"
SETTLED_APPROVED = "settled_approved"
SETTLED_DECLINED = "settled_declined"
REFUNDED = "refunded"

#: Answers a terminal gives (hardware's `unknown_outcome` is accepted as `unknown`).
RESULT_STATUSES = frozenset({APPROVED, DECLINED, CANCELLED, UNKNOWN})
#: Attempts whose money was taken and may pay for one sale (or, kind refund, one refund).
USABLE_STATUSES = frozenset({APPROVED, SETTLED_APPROVED})
#: Still waiting for an answer: a new attempt at the terminal waits for these.
OPEN_STATUSES = frozenset({PENDING, UNKNOWN})
KINDS = ("sale", "refund")
STATUS_LABELS = {
    PENDING: "Waiting for the terminal", APPROVED: "Approved", DECLINED: "Declined",
    CANCELLED: "Cancelled", UNKNOWN: "Outcome unknown", SETTLED_APPROVED: "Settled: charged",
    SETTLED_DECLINED: "Settled: not charged", REFUNDED: "Refunded (no sale)",
}

#: A pending attempt younger than this may still get its answer from the terminal.
PENDING_GRACE = timedelta(minutes=5)

_LAST4_RE = re.compile(r"^\d{4}$")
_BRAND_RE = re.compile(r"^[A-Za-z][A-Za-z .&'-]{0,19}$")
_AUTH_RE = re.compile(r"^[A-Za-z0-9]{1,12}$")
_TXN_RE = re.compile(r"^[A-Za-z0-9._:/-]{1,40}$")
#: Seven or more digits in a row (allowing spaces/dashes) could be part of a card number.
_DIGIT_RUN_RE = re.compile(r"\d(?:[ -]?\d){6,}")


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- pure validation


@dataclass(frozen=True)
class CardResult:
    """A terminal's answer, reduced to what faredesk may keep."""

    status: str
    brand: str | None = None
    last4: str | None = None
    auth_code: str | None = None
    terminal_txn_id: str | None = None
    message: str = ""


def scrub_message(message: str | None) -> str:
    """A terminal message without anything that could be a card number, at most 200 chars."""
    text = " ".join((message or "").split())
    return _DIGIT_RUN_RE.sub("[removed]", text)[:200]


def clean_result(
    status: str,
    brand: str | None = None,
    last4: str | None = None,
    auth_code: str | None = None,
    terminal_txn_id: str | None = None,
    message: str | None = "",
) -> CardResult:
    """Validate a terminal's answer; raises ValidationFailed (never echoing the bad value)."""
    status = "unknown" if status == "unknown_outcome" else status
    if status not in RESULT_STATUSES:
        raise ValidationFailed("The payment terminal gave an answer faredesk does not know.")
    errors: dict[str, str] = {}
    if last4 is not None and not _LAST4_RE.match(last4):
        errors["last4"] = "Only the last 4 digits of a card are kept."
    if status == APPROVED and last4 is None:
        errors["last4"] = "An approved card payment needs the card's last 4 digits."
    if brand is not None and not _BRAND_RE.match(brand):
        errors["brand"] = "A card brand is a name like VISA."
    if auth_code is not None and not _AUTH_RE.match(auth_code):
        errors["auth_code"] = "An approval code is 1–12 letters or digits."
    if terminal_txn_id is not None and not _TXN_RE.match(terminal_txn_id):
        errors["terminal_txn_id"] = "The terminal's transaction id is not in a known form."
    if errors:
        raise ValidationFailed("The payment terminal's answer was refused.", field_errors=errors)
    return CardResult(status, brand.upper() if brand else None, last4, auth_code,
                      terminal_txn_id, scrub_message(message))


# ---------------------------------------------------------------- reading


def _columns() -> list[Any]:
    return [
        *PaymentAttempt.all_columns(),
        PaymentAttempt.terminal.code.as_alias("terminal_code"),
        PaymentAttempt.terminal.location.as_alias("location_id"),
        PaymentAttempt.terminal.location.section.as_alias("section_id"),  # type: ignore[union-attr]
        PaymentAttempt.clerk.full_name.as_alias("clerk_name"),
    ]


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    return row


async def get_attempt(reference: str) -> dict[str, Any]:
    row = await PaymentAttempt.select(*_columns()).where(
        PaymentAttempt.reference == reference
    ).first()
    if row is None:
        raise NotFound("No card payment with that reference.")
    return _shape(row)


async def attempts_for_sale(sale_id: int) -> list[dict[str, Any]]:
    rows = await PaymentAttempt.select(*_columns()).where(
        PaymentAttempt.sale == sale_id
    ).order_by(PaymentAttempt.id)
    return [_shape(row) for row in rows]


async def open_card_attempt(terminal_id: int) -> dict[str, Any] | None:
    """The terminal's attempt still waiting for an answer (pending or unknown), if any.

    After a kiosk restart: ask the terminal for this reference's status and record it.
    """
    row = await PaymentAttempt.select(*_columns()).where(
        (PaymentAttempt.terminal == terminal_id)
        & PaymentAttempt.status.is_in(list(OPEN_STATUSES))
    ).order_by(PaymentAttempt.id, ascending=False).first()
    return _shape(row) if row else None


def is_used(attempt: dict[str, Any]) -> bool:
    return attempt["sale"] is not None or attempt["status"] == REFUNDED


# ---------------------------------------------------------------- 1. begin


def _new_reference(terminal_code: str) -> str:
    return f"{terminal_code}-{secrets.token_hex(8).upper()}"


async def begin_card_payment(
    actor: Principal,
    *,
    terminal_id: int,
    amount_cents: int,
    kind: str = "sale",
    refund_of: str | None = None,
) -> str:
    """Record a card request (pending) and commit it; returns the reference for the terminal.

    Must be called outside any other transaction: the record has to exist even if everything
    after it fails. `refund_of` names an unused approved charge this refund returns
    (see `refund_unused_card_payment`).
    """
    if engine().transaction_exists():
        raise RuntimeError("begin_card_payment commits on its own: call it outside a transaction")
    if kind not in KINDS:
        raise ValidationFailed("A card payment is a sale or a refund.")
    if type(amount_cents) is not int or not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise ValidationFailed("Enter a card amount above zero.",
                               field_errors={"card": "Enter an amount above zero."})
    async with write_transaction():
        shift = await (require_selling_shift if refund_of is None else require_open_shift)(
            actor, terminal_id)
        waiting = await PaymentAttempt.select(PaymentAttempt.reference).where(
            (PaymentAttempt.terminal == terminal_id)
            & PaymentAttempt.status.is_in(list(OPEN_STATUSES))
        ).first()
        if waiting is not None:
            raise CardPaymentProblem(
                "The last card payment on this terminal has no clear outcome yet. Check the "
                "terminal, or ask a supervisor to settle it, before charging a card again."
            )
        if refund_of is not None:
            original = await get_attempt(refund_of)
            if kind != "refund" or original["kind"] != "sale":
                raise ValidationFailed("Only a card refund can return an unused card charge.")
            if original["status"] not in USABLE_STATUSES or is_used(original):
                raise CardPaymentProblem("That card charge is not an unused approved charge.")
            if original["amount_cents"] != amount_cents:
                raise ValidationFailed("Return the whole unused charge, no more and no less.")
        terminal = await Terminal.select(Terminal.code).where(Terminal.id == terminal_id).first()
        assert terminal is not None
        reference = _new_reference(terminal["code"])
        attempt = PaymentAttempt(
            reference=reference, kind=kind, terminal=terminal_id, shift=shift["id"],
            clerk=actor.id, amount_cents=amount_cents, status=PENDING, created_at=_now(),
            refund_of=refund_of,
        )
        await attempt.save()
        await record(actor, f"card.{kind}.begin", "payment_attempt", reference, {
            "terminal": terminal["code"], "amount_cents": amount_cents, "refund_of": refund_of,
        })
    return reference


# ---------------------------------------------------------------- 2. result


async def record_card_result(
    reference: str,
    status: str,
    brand: str | None = None,
    last4: str | None = None,
    auth_code: str | None = None,
    terminal_txn_id: str | None = None,
    message: str | None = "",
    *,
    actor: Principal | None = None,
) -> dict[str, Any]:
    """Store the terminal's answer for a pending (or unknown) attempt; returns the attempt.

    Recording the same answer twice is harmless; changing a final answer is refused.
    """
    result = clean_result(status, brand, last4, auth_code, terminal_txn_id, message)
    async with write_transaction():
        attempt = await get_attempt(reference)
        current = attempt["status"]
        if current not in OPEN_STATUSES:
            if current == result.status and attempt["card_last4"] == result.last4:
                return attempt
            if (result.status == APPROVED and current not in USABLE_STATUSES
                    and not _is_late_copy(attempt)):
                # The terminal approved after its first answer was recorded (a late reply to
                # a cancelled or abandoned request): the money moved, so it is recorded at
                # once as its own approved attempt, listed to settle. The first answer stays.
                late = await _record_late_approval(attempt, result, actor)
                return late
            raise CardPaymentProblem(
                f"This card payment is already {STATUS_LABELS.get(current, current).lower()}; "
                "its outcome cannot change."
            )
        final = result.status != UNKNOWN
        await PaymentAttempt.update({
            PaymentAttempt.status: result.status,
            PaymentAttempt.card_brand: result.brand,
            PaymentAttempt.card_last4: result.last4,
            PaymentAttempt.auth_code: result.auth_code,
            PaymentAttempt.terminal_txn_id: result.terminal_txn_id,
            PaymentAttempt.message: result.message,
            PaymentAttempt.resolved_at: _now() if final else None,
        }).where(
            (PaymentAttempt.reference == reference) & PaymentAttempt.status.is_in([current])
        )
        # Audit without card data: no last 4, no approval code.
        await record(actor, f"card.{attempt['kind']}.result", "payment_attempt", reference, {
            "status": result.status, "brand": result.brand,
            "amount_cents": attempt["amount_cents"], "terminal": attempt["terminal_code"],
        })
    return await get_attempt(reference)


#: The reference of the attempt that records a late approval of `<reference>`.
LATE_SUFFIX = "-LATE"


def _is_late_copy(attempt: dict[str, Any]) -> bool:
    return str(attempt["reference"]).endswith(LATE_SUFFIX)


async def _record_late_approval(attempt: dict[str, Any], result: CardResult,
                                actor: Principal | None) -> dict[str, Any]:
    """A new approved attempt for the same terminal, shift, clerk and amount, naming the first
    in its message; it pays for nothing, so `unresolved_card_outcomes` lists it at once."""
    reference = f"{attempt['reference'][:40 - len(LATE_SUFFIX)]}{LATE_SUFFIX}"
    existing = await PaymentAttempt.select(PaymentAttempt.id).where(
        PaymentAttempt.reference == reference).first()
    if existing is None:
        await PaymentAttempt(
            reference=reference, kind=attempt["kind"], terminal=attempt["terminal"],
            shift=attempt["shift"], clerk=attempt["clerk"], amount_cents=attempt["amount_cents"],
            status=APPROVED, card_brand=result.brand, card_last4=result.last4,
            auth_code=result.auth_code, terminal_txn_id=result.terminal_txn_id,
            message=(f"Late approval of {attempt['reference']} after it was recorded as "
                     f"{STATUS_LABELS.get(attempt['status'], attempt['status']).lower()}")[:200],
            created_at=_now(), resolved_at=_now(),
        ).save()
        await record(actor, f"card.{attempt['kind']}.late_approval", "payment_attempt",
                     reference, {"first": attempt["reference"], "first_status": attempt["status"],
                                 "amount_cents": attempt["amount_cents"],
                                 "terminal": attempt["terminal_code"]})
    return await get_attempt(reference)


# ---------------------------------------------------------------- 3. unclear outcomes


def to_settle_condition() -> Any:
    """Card attempts a supervisor must still settle, as a condition for SQL aggregates (the
    day board's count, a shift's approval): no final answer yet, or approved money that no
    sale or refund records — a charge (kind sale) or a card refund (kind refund) alike; a
    refund that returned an unused charge is resolved once `refund_unused_card_payment` noted
    it. (Unlike `unresolved_card_outcomes` it does not wait for a cart that holds the charge.)"""
    unused = (PaymentAttempt.status.is_in(sorted(USABLE_STATUSES)) & PaymentAttempt.sale.is_null()
              & (PaymentAttempt.refund_of.is_null() | (PaymentAttempt.resolution_note == "")))
    return PaymentAttempt.status.is_in(sorted(OPEN_STATUSES)) | unused


async def held_by_carts(terminal_ids: set[int]) -> set[str]:
    """References a kiosk cart holds right now: the card payment in flight, or a collected
    card tender of the sale in progress. Those are not outcomes to settle (yet)."""
    if not terminal_ids:
        return set()
    rows = await KioskCart.select(KioskCart.payment_reference, KioskCart.tenders).where(
        KioskCart.terminal.is_in(sorted(terminal_ids)))
    held: set[str] = set()
    for row in rows:
        if row["payment_reference"]:
            held.add(row["payment_reference"])
        for tender in json.loads(row["tenders"] or "[]"):
            if tender.get("payment_reference"):
                held.add(str(tender["payment_reference"]))
    return held



async def unresolved_card_outcomes(
    location_ids: list[int] | tuple[int, ...],
    *,
    pending_minutes: int = 5,
    unused_minutes: int = 30,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Attempts a supervisor must look at, oldest first:

    - outcome unknown;
    - pending for more than `pending_minutes` (the kiosk never recorded an answer);
    - approved (or settled as charged) but attached to no sale or refund, at once, unless a
      kiosk cart holds it as the sale in progress (`held_by_carts`); a held one is listed
      after `unused_minutes` (the cart was left).
    """
    if not location_ids:
        return []
    moment = now or _now()
    rows = await PaymentAttempt.select(*_columns()).where(
        PaymentAttempt.terminal.location.is_in(list(location_ids))
        & PaymentAttempt.status.is_in([UNKNOWN, PENDING, APPROVED, SETTLED_APPROVED])
        & PaymentAttempt.sale.is_null()
    ).order_by(PaymentAttempt.created_at).order_by(PaymentAttempt.id)
    held = await held_by_carts({int(r["terminal"]) for r in rows
                                if r["status"] in USABLE_STATUSES})
    found: list[dict[str, Any]] = []
    for row in rows:
        age = moment - row["created_at"]
        status = row["status"]
        if status == PENDING and age <= timedelta(minutes=pending_minutes):
            continue
        if status in USABLE_STATUSES:
            if row["refund_of"] is not None and row["resolution_note"]:
                continue  # a refund that returned an unused charge: resolved with it
            if row["reference"] in held and age <= timedelta(minutes=unused_minutes):
                continue
        unused = "Charged, no sale" if row["kind"] == "sale" else "Refunded, no refund sale"
        row["problem"] = {UNKNOWN: "Outcome unknown", PENDING: "No answer recorded"}.get(
            status, unused)
        found.append(_shape(row))
    return found


async def _post_card_suspense(actor: Principal, attempt: dict[str, Any], *, sign: int,
                              kind: str, memo: str) -> int:
    """Dr card clearing / Cr suspense (sign +1, a charge), or the reverse (sign −1)."""
    shift = await Shift.select(Shift.business_date, Shift.location, Shift.clerk).where(
        Shift.id == attempt["shift"]
    ).first()
    assert shift is not None
    day = shift["business_date"]
    corrects = None
    if await ledger.is_day_locked(int(shift["location"]), day):
        day, corrects = today_business_date(), day
    amount = int(attempt["amount_cents"]) * sign
    return await ledger.post(
        kind=kind, actor=actor, location_id=int(shift["location"]), business_date=day,
        legs=[ledger.Leg(CARD_CLEARING, amount, tender_kind="card"),
              ledger.Leg(CARD_OUTCOME_SUSPENSE, -amount, tender_kind="card")],
        shift_id=int(attempt["shift"]), terminal_id=int(attempt["terminal"]),
        clerk_id=int(shift["clerk"]), source_type="payment_attempt",
        source_id=attempt["reference"], memo=memo, corrects_date=corrects,
    )


async def settle_card_outcome(
    actor: Principal, reference: str, outcome: str, note: str
) -> dict[str, Any]:
    """A supervisor states what really happened to an unclear (or unused) card payment."""
    if outcome not in (APPROVED, DECLINED):
        raise ValidationFailed("Settle as charged (approved) or not charged (declined).")
    note = " ".join(note.split())[:200]
    if not note:
        raise ValidationFailed("Say how you checked (processor report, batch, call).",
                               field_errors={"note": "Say how you checked."})
    async with write_transaction():
        attempt = await get_attempt(reference)
        check_decider(OverrideAction.SETTLE_CARD, actor=actor, doer_id=int(attempt["clerk"]),
                      section_id=int(attempt["section_id"]))
        status = attempt["status"]
        settleable = status in OPEN_STATUSES or (status == APPROVED and not is_used(attempt))
        if not settleable:
            raise CardPaymentProblem(
                f"This card payment is {attempt['status_label'].lower()}: nothing to settle."
            )
        if status == PENDING and _now() - attempt["created_at"] < PENDING_GRACE:
            raise CardPaymentProblem(
                "The terminal may still be answering this payment; settle it once it has been "
                f"waiting {PENDING_GRACE.seconds // 60} minutes."
            )
        new_status = SETTLED_APPROVED if outcome == APPROVED else SETTLED_DECLINED
        await PaymentAttempt.update({
            PaymentAttempt.status: new_status,
            PaymentAttempt.resolved_at: _now(),
            PaymentAttempt.resolved_by: actor.id,
            PaymentAttempt.resolution_note: note,
        }).where(
            (PaymentAttempt.reference == reference) & PaymentAttempt.status.is_in([status])
        )
        txn_id = None
        if outcome == APPROVED:
            txn_id = await _post_card_suspense(
                actor, attempt, sign=1 if attempt["kind"] == "sale" else -1,
                kind="card_settled", memo=f"Card {attempt['kind']} {reference} settled as charged",
            )
        await record(actor, "card.settle", "payment_attempt", reference, {
            "from": status, "to": new_status, "note": note, "amount_cents": attempt["amount_cents"],
            "clerk": attempt["clerk_name"], "ledger_txn": txn_id,
        })
    return await get_attempt(reference)


async def refund_unused_card_payment(
    actor: Principal, *, reference: str, refund_reference: str
) -> dict[str, Any]:
    """Close an approved charge that paid for nothing with the refund the terminal approved.

    The refund attempt must have been begun with `refund_of=reference` for the same amount.
    """
    async with write_transaction():
        original = await get_attempt(reference)
        refund = await get_attempt(refund_reference)
        if refund["refund_of"] != reference or refund["kind"] != "refund":
            raise ValidationFailed("That refund was not begun for this card charge.")
        if refund["status"] != APPROVED:
            raise CardPaymentProblem("The card refund has not been approved by the terminal.")
        if refund["resolution_note"]:
            raise CardPaymentProblem("That card refund has been recorded already.")
        if original["status"] not in USABLE_STATUSES or is_used(original):
            raise CardPaymentProblem("That card charge is not an unused approved charge.")
        if not (is_own_work(actor, refund["clerk"], original["clerk"])
                or can(actor, Capability.SETTLE_CARD_OUTCOME)):
            raise Forbidden("Only the clerk who ran the refund or a supervisor can record it.")
        note = f"Returned by card refund {refund_reference}"
        changed = await PaymentAttempt.update({
            PaymentAttempt.status: REFUNDED, PaymentAttempt.resolution_note: note,
            PaymentAttempt.resolved_at: _now(),
        }).where(
            (PaymentAttempt.reference == reference) & PaymentAttempt.sale.is_null()
            & PaymentAttempt.status.is_in(list(USABLE_STATUSES))
        ).returning(PaymentAttempt.id)
        if not changed:
            raise CardPaymentProblem("That card charge was used meanwhile.")
        await PaymentAttempt.update({
            PaymentAttempt.resolution_note: f"Returns unused charge {reference}",
        }).where(PaymentAttempt.reference == refund_reference)
        txn_id = None
        if original["status"] == SETTLED_APPROVED:  # booked to suspense: take it out again
            txn_id = await _post_card_suspense(
                actor, refund, sign=-1, kind="card_refund_unused",
                memo=f"Unused card charge {reference} refunded ({refund_reference})",
            )
        await record(actor, "card.refund_unused", "payment_attempt", reference, {
            "refund": refund_reference, "amount_cents": original["amount_cents"],
            "ledger_txn": txn_id,
        })
    return await get_attempt(reference)
