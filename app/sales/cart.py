"""The cart and its tenders, as pure values: no database, no float, no I/O.

A `CartLine` is what the clerk put on the counter. Its `unit_cents` is only a display hint from
the kiosk: `complete_sale` re-prices every line from the catalog and never trusts it. The one
amount the clerk enters is a stored-value load (`value_cents`), checked against the product's
bounds when the sale is completed.

Tender rules (`settle_tenders`):
- card, check and account tenders are applied at their face amount; together they must not
  exceed the total (nobody gets change from a card or a check);
- cash covers what remains; only cash gives change (cash handed over − what cash must cover);
- the tenders cover the total exactly once change is given back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from app.errors import ValidationFailed

MIN_QUANTITY = 1
MAX_QUANTITY = 99
MAX_LINES = 50
#: No single tender or cart can exceed this (a typo guard, not a business limit).
MAX_AMOUNT_CENTS = 10_000_000

CASH = "cash"
CARD = "card"
CHECK = "check"
ACCOUNT = "account"
TENDER_KINDS: tuple[str, ...] = (CASH, CARD, CHECK, ACCOUNT)
TENDER_LABELS: dict[str, str] = {
    CASH: "Cash", CARD: "Card", CHECK: "Check", ACCOUNT: "Charge to account",
}
#: Tenders applied at face value, before cash (they never give change).
NON_CASH_KINDS: tuple[str, ...] = (CARD, CHECK, ACCOUNT)


def _is_cents(value: object) -> bool:
    return type(value) is int


@dataclass(frozen=True)
class CartLine:
    """One line on the counter. `value_cents` is the stored-value amount the clerk entered."""

    product_id: int
    product_code: str = ""
    kind: str = ""
    description: str = ""
    quantity: int = 1
    unit_cents: int = 0
    fare_category: str | None = None
    card_serial: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    value_cents: int | None = None

    @property
    def amount_cents(self) -> int:
        return self.unit_cents * self.quantity

    def priced(self, unit_cents: int, **changes: object) -> CartLine:
        """A copy carrying the server's price (and any catalog facts passed as keywords)."""
        return replace(self, unit_cents=unit_cents, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Cart:
    lines: tuple[CartLine, ...] = ()

    @property
    def subtotal_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        # No tax on fare media; the total is the subtotal. Kept separate for the receipt.
        return self.subtotal_cents

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class TenderInput:
    """One way the customer pays (or, on a refund, is paid back).

    amount_cents: for cash, what the customer handed over (change is worked out); for card,
    check and account, the amount applied. Always positive, also on refunds.
    payment_reference: the PaymentAttempt reference of an approved card payment (or refund).
    """

    kind: str
    amount_cents: int
    payment_reference: str | None = None
    check_number: str | None = None
    account_ref: str | None = None


@dataclass(frozen=True)
class AppliedTender:
    """A tender as booked: `amount_cents` applied to the sale; cash keeps tendered and change."""

    kind: str
    amount_cents: int
    tendered_cents: int = 0
    change_cents: int = 0
    payment_reference: str | None = None
    check_number: str | None = None
    account_ref: str | None = None


@dataclass(frozen=True)
class Settlement:
    tenders: tuple[AppliedTender, ...]
    change_cents: int
    total_cents: int
    by_kind: dict[str, int] = field(default_factory=dict)


def validate_quantity(quantity: object, *, field_name: str = "quantity") -> int:
    if not _is_cents(quantity) or not (MIN_QUANTITY <= quantity <= MAX_QUANTITY):  # type: ignore[operator]
        raise ValidationFailed(
            f"Quantity must be a whole number from {MIN_QUANTITY} to {MAX_QUANTITY}.",
            field_errors={field_name: f"{MIN_QUANTITY}–{MAX_QUANTITY}"},
        )
    return int(quantity)  # type: ignore[call-overload]


def validate_stored_value_amount(value_cents: object, *, field_name: str = "value") -> int:
    """The shape of a stored-value entry (the product's min/max/cap are the catalog's rules)."""
    if not _is_cents(value_cents) or value_cents <= 0:  # type: ignore[operator]
        raise ValidationFailed(
            "Enter the amount to load onto the card.", field_errors={field_name: "Enter an amount."}
        )
    if value_cents > MAX_AMOUNT_CENTS:  # type: ignore[operator]
        raise ValidationFailed("That load amount is too large.",
                               field_errors={field_name: "Too large."})
    return int(value_cents)  # type: ignore[call-overload]


def validate_lines(lines: Sequence[CartLine]) -> None:
    if not lines:
        raise ValidationFailed("The cart is empty: add a product first.")
    if len(lines) > MAX_LINES:
        raise ValidationFailed(f"A sale holds at most {MAX_LINES} lines.")
    for index, line in enumerate(lines):
        validate_quantity(line.quantity, field_name=f"lines[{index}].quantity")
        if line.value_cents is not None:
            validate_stored_value_amount(line.value_cents, field_name=f"lines[{index}].value")
            if line.quantity != 1:
                raise ValidationFailed("A stored-value load is one line per card (quantity 1).")


def validate_tender(tender: TenderInput) -> None:
    if tender.kind not in TENDER_KINDS:
        raise ValidationFailed(f"Unknown way to pay: {tender.kind!r}.")
    if not _is_cents(tender.amount_cents) or tender.amount_cents <= 0:
        raise ValidationFailed(f"{TENDER_LABELS[tender.kind]}: enter an amount above zero.",
                               field_errors={tender.kind: "Enter an amount above zero."})
    if tender.amount_cents > MAX_AMOUNT_CENTS:
        raise ValidationFailed(f"{TENDER_LABELS[tender.kind]}: that amount is too large.")
    if tender.kind == CARD and not tender.payment_reference:
        raise ValidationFailed("Card: run the card on the payment terminal first.")
    if tender.kind == CHECK and not (tender.check_number or "").strip():
        raise ValidationFailed("Check: enter the check number.",
                               field_errors={"check_number": "Enter the check number."})
    if tender.kind == ACCOUNT and not (tender.account_ref or "").strip():
        raise ValidationFailed("Charge to account: choose the account.",
                               field_errors={"account_ref": "Choose the account."})


def settle_tenders(total_cents: int, tenders: Iterable[TenderInput]) -> Settlement:
    """Apply tenders to a total (≥ 0). Raises ValidationFailed when they do not cover it."""
    if not _is_cents(total_cents) or total_cents < 0:
        raise ValidationFailed("The total must be whole cents, zero or more.")
    tenders = list(tenders)
    for tender in tenders:
        validate_tender(tender)
    non_cash = [t for t in tenders if t.kind in NON_CASH_KINDS]
    cash = [t for t in tenders if t.kind == CASH]
    applied: list[AppliedTender] = []
    remaining = total_cents
    for tender in non_cash:
        if tender.amount_cents > remaining:
            label = TENDER_LABELS[tender.kind]
            raise ValidationFailed(
                f"{label} amount is more than what remains to pay "
                f"({remaining} cents): only cash gives change.",
                field_errors={tender.kind: "More than what remains."},
            )
        remaining -= tender.amount_cents
        applied.append(AppliedTender(
            kind=tender.kind, amount_cents=tender.amount_cents,
            payment_reference=tender.payment_reference,
            check_number=(tender.check_number or "").strip() or None,
            account_ref=(tender.account_ref or "").strip() or None,
        ))
    cash_handed = sum(t.amount_cents for t in cash)
    if cash_handed < remaining:
        raise ValidationFailed(
            f"The payment is short by {remaining - cash_handed} cents.",
            field_errors={"tenders": "Not enough to cover the total."},
        )
    change = cash_handed - remaining
    if cash_handed and remaining == 0:
        raise ValidationFailed("No cash is due: the other tenders already cover the total.",
                               field_errors={CASH: "No cash is due."})
    if cash_handed:
        applied.append(AppliedTender(kind=CASH, amount_cents=remaining,
                                     tendered_cents=cash_handed, change_cents=change))
    by_kind: dict[str, int] = {}
    for tender_applied in applied:
        by_kind[tender_applied.kind] = by_kind.get(tender_applied.kind, 0) + tender_applied.amount_cents
    assert sum(by_kind.values()) == total_cents
    return Settlement(tuple(applied), change, total_cents, by_kind)


def settle_refund_tenders(
    refund_cents: int, tenders: Iterable[TenderInput], refundable_by_kind: dict[str, int]
) -> Settlement:
    """Money paid back: exactly `refund_cents`, each kind within what that kind may still return.

    No change on a refund: the amounts are what leaves the drawer / goes back to the card.
    """
    tenders = list(tenders)
    for tender in tenders:
        validate_tender(tender)
    by_kind: dict[str, int] = {}
    for tender in tenders:
        by_kind[tender.kind] = by_kind.get(tender.kind, 0) + tender.amount_cents
    for kind, amount in by_kind.items():
        allowed = refundable_by_kind.get(kind, 0)
        if amount > allowed:
            label = TENDER_LABELS[kind]
            if allowed == 0:
                message = f"{label} was not used to pay this sale: refund to the original tender."
            else:
                message = f"{label} refund is more than was paid by {label.lower()} ({allowed} cents)."
            raise ValidationFailed(message, field_errors={kind: "More than may be refunded."})
    if sum(by_kind.values()) != refund_cents:
        raise ValidationFailed(
            f"The refund tenders add up to {sum(by_kind.values())} cents, "
            f"not the {refund_cents} cents being refunded.",
            field_errors={"tenders": "Must equal the refund amount."},
        )
    applied = tuple(
        AppliedTender(kind=t.kind, amount_cents=t.amount_cents,
                      tendered_cents=t.amount_cents if t.kind == CASH else 0,
                      payment_reference=t.payment_reference,
                      check_number=(t.check_number or "").strip() or None,
                      account_ref=(t.account_ref or "").strip() or None)
        for t in tenders
    )
    return Settlement(applied, 0, refund_cents, by_kind)


def plan_refund_tenders(refund_cents: int, refundable_by_kind: dict[str, int]) -> dict[str, int]:
    """A default split back to the original tenders: card, then account, check, cash last."""
    plan: dict[str, int] = {}
    remaining = refund_cents
    for kind in (CARD, ACCOUNT, CHECK, CASH):
        take = min(remaining, refundable_by_kind.get(kind, 0))
        if take > 0:
            plan[kind] = take
            remaining -= take
    if remaining:
        raise ValidationFailed("The refund is more than what was paid.")
    return plan
