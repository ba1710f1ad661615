"""The ledger legs of a sale, a void and a refund (pure: no database).

A sale (sign +1):
    Dr drawer_cash       cash applied (tendered − change)       tender_kind=cash
    Dr card_clearing     card                                   tender_kind=card
       (card_outcome_suspense instead, for a charge a supervisor already booked to suspense)
    Dr checks_on_hand    check                                  tender_kind=check
    Dr accounts_receivable  charge to account                   tender_kind=account
    Cr fare_revenue / card_fee_revenue / stored_value_liability, one leg per
       (account, product, fare category)
A void or refund (sign −1) posts the same legs with every amount negated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.catalog.rules import CARD_FEE, STORED_VALUE
from app.ledger.accounts import (
    ACCOUNTS_RECEIVABLE,
    CARD_CLEARING,
    CARD_FEE_REVENUE,
    CARD_OUTCOME_SUSPENSE,
    CHECKS_ON_HAND,
    DRAWER_CASH,
    FARE_REVENUE,
    STORED_VALUE_LIABILITY,
)
from app.ledger.services import Leg, check_legs
from app.sales.cart import ACCOUNT, CARD, CASH, CHECK

TENDER_ACCOUNTS: dict[str, str] = {
    CASH: DRAWER_CASH,
    CARD: CARD_CLEARING,
    CHECK: CHECKS_ON_HAND,
    ACCOUNT: ACCOUNTS_RECEIVABLE,
}


def revenue_account(product_kind: str) -> str:
    if product_kind == STORED_VALUE:
        return STORED_VALUE_LIABILITY
    if product_kind == CARD_FEE:
        return CARD_FEE_REVENUE
    return FARE_REVENUE


@dataclass(frozen=True)
class LineAmount:
    product_id: int
    product_kind: str
    fare_category: str | None
    amount_cents: int  # positive: what the line is worth


@dataclass(frozen=True)
class TenderAmount:
    kind: str
    amount_cents: int  # positive: applied (cash net of change)
    via_suspense: bool = False  # a card charge already booked to card_outcome_suspense


def tender_account(tender: TenderAmount) -> str:
    if tender.kind == CARD and tender.via_suspense:
        return CARD_OUTCOME_SUSPENSE
    return TENDER_ACCOUNTS[tender.kind]


def sale_legs(
    lines: Iterable[LineAmount], tenders: Iterable[TenderAmount], *, sign: int = 1
) -> list[Leg]:
    """Balanced legs; sign=+1 for a sale, −1 for a void or refund. Zero legs are left out."""
    if sign not in (1, -1):
        raise ValueError("sign is +1 or -1")
    revenue: dict[tuple[str, int, str | None], int] = {}
    for line in lines:
        key = (revenue_account(line.product_kind), line.product_id, line.fare_category)
        revenue[key] = revenue.get(key, 0) + line.amount_cents
    debits: dict[tuple[str, str], int] = {}
    for tender in tenders:
        key2 = (tender_account(tender), tender.kind)
        debits[key2] = debits.get(key2, 0) + tender.amount_cents
    legs = [
        Leg(account, sign * amount, tender_kind=kind)
        for (account, kind), amount in debits.items() if amount
    ]
    legs += [
        Leg(account, -sign * amount, product_id=product_id, fare_category=category)
        for (account, product_id, category), amount in revenue.items() if amount
    ]
    return legs


def checked_legs(legs: Sequence[Leg]) -> list[Leg]:
    """The legs, or [] when there is nothing to post (a $0 sale); raises if they do not balance."""
    if not legs:
        return []
    check_legs(legs)
    return list(legs)
