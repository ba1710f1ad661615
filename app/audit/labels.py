"""Audit actions and objects in words, for the pages people read ("Signed in", not
"auth.sign_in"). The stored action code stays what it is; this only names it."""

from __future__ import annotations

ACTION_WORDS: dict[str, str] = {
    "auth.sign_in": "Signed in", "auth.sign_out": "Signed out", "auth.locked": "Account locked",
    "auth.pin_locked": "PIN locked", "kiosk.sign_in": "Signed in at a counter",
    "kiosk.sign_out": "Signed out at a counter", "kiosk.enrol": "Enrolled a counter",
    "kiosk.revoke": "Revoked a counter", "sale.complete": "Completed a sale",
    "shift.open": "Opened a shift", "receipt.queue": "Queued a receipt",
    "receipt.reprint": "Reprinted a receipt", "receipt.retry": "Retried printing",
    "receipt.print_failed": "Receipt did not print", "receipt.cancel": "Cancelled a receipt",
    "slip.printed": "Printed a drawer slip", "slip.print_failed": "Drawer slip did not print",
    "drawer.opened": "Opened the cash drawer", "drawer.not_opened": "Cash drawer did not open",
    "drawer.paid_in": "Paid in", "drawer.paid_out": "Paid out", "drawer.safe_drop": "Safe drop",
    "drawer.no_sale": "Opened the drawer (no sale)", "card.settle": "Settled a card payment",
    "card.refund_unused": "Refunded an unused card charge",
    "card_load.written": "Wrote a fare card", "card_load.failed": "Fare card write failed",
    "deposit.prepare": "Prepared a deposit", "deposit.verify": "Verified a deposit",
    "deposit.send": "Sent a deposit", "day.sign_off": "Signed off a day",
    "day.adjust": "Posted an adjusting entry", "ledger.lock_day": "Locked a day",
    "ledger.reverse": "Reversed an entry", "terminal.simulator": "Changed a simulated device",
    "user.reset_password": "Reset a password", "user.set_pin": "Set a PIN",
    "catalog.price.schedule": "Scheduled a price",
}

_VERBS = {"create": "Created", "update": "Changed", "activate": "Activated",
          "deactivate": "Deactivated"}


def action_words(action: str) -> str:
    """The action in words: from the table, else "Created a terminal" for terminal.create,
    else the code's words ("Shift recount" for shift.recount)."""
    if action in ACTION_WORDS:
        return ACTION_WORDS[action]
    *things, verb = action.split(".")
    if verb in _VERBS and things:
        return f"{_VERBS[verb]} a {things[-1].replace('_', ' ')}"
    return " ".join(action.replace("_", " ").split(".")).capitalize()


def object_words(object_type: str, object_id: object = "") -> str:
    """ "user #1", "sale #42", "cash movement #7" ('' when there is no object)."""
    if not object_type:
        return ""
    name = object_type.replace("_", " ")
    return f"{name} #{object_id}" if object_id not in (None, "") else name
