"""Quick-cash amounts for the cash dialog: the round sums a customer is likely to hand over.

The clerk taps what the customer hands over and the sale finishes in that one touch, so the
buttons must fit the amount due: "exact" (shown apart) and the next round amounts above it.
A round amount is the next multiple of a bank note ($5, $10, $20, $50, $100) strictly above
the amount due, plus the next whole dollar when less than $5 is due (coins and a $1 bill).
Pure functions on integer cents; no float anywhere.
"""

from __future__ import annotations

NOTES_CENTS = (500, 1000, 2000, 5000, 10000)
DEFAULT_LIMIT = 5


def next_multiple_above(amount_cents: int, step_cents: int) -> int:
    """The smallest multiple of `step_cents` strictly greater than `amount_cents`."""
    return (amount_cents // step_cents + 1) * step_cents


def amounts(due_cents: int, limit: int = DEFAULT_LIMIT) -> list[int]:
    """Round amounts above `due_cents`, smallest first, at most `limit` of them.

    Nothing is offered when nothing is due. The exact amount is not in the list (the dialog
    offers it as its own button).
    """
    if due_cents <= 0 or limit <= 0:
        return []
    steps = (100, *NOTES_CENTS) if due_cents < 500 else NOTES_CENTS
    candidates = sorted({next_multiple_above(due_cents, step) for step in steps})
    return candidates[:limit]
