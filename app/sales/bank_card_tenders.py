"""The approved bank-card payments a sale or return names as tenders: checked, claimed, and
written as tender rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app import sql
from app.errors import ValidationFailed
from app.sales import bank_card_payments as bank_cards
from app.sales.cart import CARD, AppliedTender
from app.sales.errors import CardPaymentProblem
from app.sales.idempotency import SALE
from app.sales.postings import TenderAmount


async def check_card_tenders(
    applied: Sequence[AppliedTender], *, terminal_id: int, kind: str
) -> dict[str, dict[str, Any]]:
    """The approved, unused card payments named by the tenders (reference -> attempt)."""
    refs = [t.payment_reference for t in applied if t.kind == CARD]
    if len(set(refs)) != len(refs):
        raise ValidationFailed("The same card payment is listed twice.")
    found: dict[str, dict[str, Any]] = {}
    for tender in applied:
        if tender.kind != CARD:
            continue
        assert tender.payment_reference is not None
        attempt = await bank_cards.get_attempt(tender.payment_reference)
        word = "payment" if kind == SALE else "refund"
        if attempt["kind"] != kind or attempt["refund_of"] is not None:
            raise CardPaymentProblem(f"That card transaction is not a card {word} for this.")
        if int(attempt["terminal"]) != terminal_id:
            raise CardPaymentProblem(f"That card {word} was run on another terminal.")
        if attempt["status"] not in bank_cards.USABLE_STATUSES:
            raise CardPaymentProblem(
                f"The card {word} is {attempt['status_label'].lower()}: it cannot be used."
            )
        if bank_cards.is_used(attempt):
            raise CardPaymentProblem(f"That card {word} has been used already.")
        if int(attempt["amount_cents"]) != tender.amount_cents:
            raise CardPaymentProblem(
                f"The card {word} was for {attempt['amount_cents']} cents, "
                f"not {tender.amount_cents}."
            )
        found[tender.payment_reference] = attempt
    return found


#: Links an unused, usable card payment to a sale; returns its id (no row: taken meanwhile).
_CLAIM_ATTEMPT_SQL = """
UPDATE payment_attempt SET sale = {{}}
WHERE reference = {{}} AND sale IS NULL AND status IN {statuses}
RETURNING id
"""


async def claim_attempts(references: Sequence[str], sale_id: int) -> None:
    """Link each card payment to the sale; refuses one that another sale took meanwhile."""
    usable = list(bank_cards.USABLE_STATUSES)
    claim_sql = _CLAIM_ATTEMPT_SQL.format(statuses=sql.in_list(usable))
    for reference in references:
        claimed = await sql.fetch(claim_sql, sale_id, reference, *usable)
        if not claimed:
            raise CardPaymentProblem("That card payment was used for another sale meanwhile.")


def tender_amounts(applied: Sequence[AppliedTender],
                    attempts: Mapping[str, dict[str, Any]]) -> list[TenderAmount]:
    return [
        TenderAmount(
            t.kind, t.amount_cents,
            via_suspense=bool(t.payment_reference)
            and attempts[t.payment_reference or ""]["status"] == bank_cards.SETTLED_APPROVED,
        )
        for t in applied
    ]


def tender_values(tender: AppliedTender, attempts: Mapping[str, dict[str, Any]],
                   sign: int) -> list[Any]:
    """A tender row's values after its sale id, in `_TENDER_ROW` order."""
    attempt = attempts.get(tender.payment_reference or "") or {}
    return [
        tender.kind, sign * tender.amount_cents,
        tender.tendered_cents if sign > 0 else 0, tender.change_cents if sign > 0 else 0,
        attempt.get("card_brand"), attempt.get("card_last4"), attempt.get("auth_code"),
        attempt.get("terminal_txn_id"), tender.check_number, tender.account_ref,
    ]
