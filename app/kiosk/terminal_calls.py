"""One call to the payment terminal, with its answer written down — the only place the kiosk
talks to the bank-card terminal about money.

The caller has recorded the attempt (pending, committed) with `begin_card_payment` before this
runs, so every request sent is on record. The terminal's answer is stored with
`record_card_result` ('unknown_outcome' is stored as 'unknown'). When the call (or storing its
answer) raises instead, nobody knows what was charged: the attempt becomes 'unknown' and a
supervisor settles it — unless `errors_are_final` and the error itself says nothing moved (the
terminal declined, was cancelled, or was never reached: offline).
"""

from __future__ import annotations

import logging
from typing import Any

from app.auth.principal import Principal
from app.kiosk import devices
from app.sales import bank_card_payments as bank_cards

log = logging.getLogger("faredesk.kiosk.card")


def status_after_error(exc: Exception, *, errors_are_final: bool) -> str:
    """The attempt's status when the terminal call raised instead of answering."""
    if not errors_are_final:
        return "unknown"
    code = getattr(exc, "code", "")
    if code == "declined":
        return "declined"
    if code in ("cancelled", "offline"):  # offline: never reached the terminal, nothing charged
        return "cancelled"
    return "unknown"


async def run_on_terminal(
    actor: Principal,
    terminal: dict[str, Any],
    reference: str,
    amount_cents: int,
    *,
    kind: str,
    original_txn_id: str = "",
    on_prompt: Any = None,
    errors_are_final: bool = False,
) -> dict[str, Any]:
    """Run the recorded attempt `reference` on the terminal (kind 'sale' charges, 'refund'
    pays back against `original_txn_id`) and store the outcome; the attempt as stored."""
    try:
        pad = devices.device_set(terminal).terminal
        if kind == "refund":
            result = await pad.refund(amount_cents, reference, original_txn_id, on_prompt=on_prompt)
        else:
            result = await pad.sale(amount_cents, reference, on_prompt=on_prompt)
        status = "unknown" if result.status == "unknown_outcome" else result.status
        return await bank_cards.record_card_result(
            reference, status, result.brand, result.last4, result.auth_code,
            result.terminal_txn_id, result.reason or "", actor=actor)
    except Exception as exc:
        log.warning("card %s %s ended without an answer: %s", kind, reference, exc)
        return await bank_cards.record_card_result(
            reference, status_after_error(exc, errors_are_final=errors_are_final),
            message=devices.clerk_message(exc), actor=actor)
