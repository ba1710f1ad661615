"""Reason codes for voids and refunds: one list, shown to the clerk and kept on the Sale row."""

from __future__ import annotations

from app.errors import ValidationFailed

VOID_REASONS: dict[str, str] = {
    "keyed_in_error": "Keyed in error",
    "customer_changed_mind": "Customer changed their mind",
    "wrong_product": "Wrong product or fare category",
    "payment_problem": "Payment problem",
    "card_write_failed": "Could not write the fare card",
}

REFUND_REASONS: dict[str, str] = {
    "customer_changed_mind": "Customer changed their mind",
    "wrong_product": "Wrong product or fare category",
    "duplicate_purchase": "Duplicate purchase",
    "card_write_failed": "Could not write the fare card",
    "defective_card": "Defective fare card",
    "service_disruption": "Service disruption",
    "overcharge": "Overcharged",
    "policy_exception": "Policy exception (supervisor)",
}


def check_reason(code: str, allowed: dict[str, str]) -> str:
    code = (code or "").strip()
    if code not in allowed:
        raise ValidationFailed("Choose a reason.", field_errors={"reason_code": "Choose a reason."})
    return code


def reason_label(code: str) -> str:
    return REFUND_REASONS.get(code) or VOID_REASONS.get(code) or code
