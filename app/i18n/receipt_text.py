"""Texts of the printed receipt and the customer pole display (the ``receipt`` catalog).

hardware.receipt lays a receipt out with English labels; `receipt_labels` gives it the same
labels in the customer's language (keyed by the English text), so hardware needs no catalogs.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


#: The labels hardware.receipt.layout prints (key: the English label it uses).
LABELS: tuple[str, ...] = (
    N_("Receipt"),
    N_("Date"),
    N_("Terminal"),
    N_("Clerk"),
    N_("Subtotal"),
    N_("TOTAL"),
    N_("Change"),
    N_("DUPLICATE"),
    N_("Reprint - not a new transaction"),
    N_("Cash"),
    N_("Card"),
    N_("Check"),
    N_("On account"),
    N_("Auth"),
    N_("Ref"),
)

#: Receipt titles by sale kind.
TITLES: dict[str, str] = {"sale": N_("SALE"), "void": N_("VOID"), "refund": N_("REFUND")}

#: The footer of a sale's receipt.
SALE_FOOTER: tuple[str, ...] = (N_("Thank you for riding."), N_("Keep this receipt for refunds."))

#: Void / refund footers ({receipt}, {reason}, {name} are filled in).
KIND_OF_RECEIPT = {"void": N_("Void of receipt {receipt}"), "refund": N_("Refund of receipt {receipt}")}
REASON = N_("Reason: {reason}")
APPROVED_BY = N_("Approved by {name}")

#: Line details.
CARD_DETAIL = N_("Card {serial}")
VALID_DETAIL = N_("Valid {start}–{end}")

#: The customer pole display (2 lines of 20 characters).
DISPLAY_WELCOME = N_("Welcome")
DISPLAY_TOTAL = N_("Total")
DISPLAY_THANKS = N_("Thank you!")
DISPLAY_CHANGE = N_("Change")

#: Void and refund reasons (codes of app.sales.reasons) as the customer reads them.
REASON_NAMES: dict[str, str] = {
    "keyed_in_error": N_("Keyed in error"),
    "customer_changed_mind": N_("Customer changed their mind"),
    "wrong_product": N_("Wrong product or fare category"),
    "payment_problem": N_("Payment problem"),
    "card_write_failed": N_("Could not write the fare card"),
    "duplicate_purchase": N_("Duplicate purchase"),
    "defective_card": N_("Defective fare card"),
    "service_disruption": N_("Service disruption"),
    "overcharge": N_("Overcharged"),
    "policy_exception": N_("Policy exception (supervisor)"),
}
