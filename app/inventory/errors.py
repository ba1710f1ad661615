"""Inventory errors, each with a message the person at the desk can act on."""

from __future__ import annotations

from app.errors import Conflict, NotFound, ValidationFailed


class RangeConflict(Conflict):
    """A serial range cannot move: part of it is elsewhere, already in stock, or not in stock.
    The message names the conflicting range and where it is."""

    title = "Those serials cannot move"


class NotEnoughStock(Conflict):
    title = "Not enough stock"


class CountChanged(Conflict):
    title = "The stock changed since the count"


class InventoryNotFound(NotFound):
    pass


def invalid(field: str, message: str) -> ValidationFailed:
    """A per-field refusal (the form shows the message next to the field)."""
    return ValidationFailed(message, field_errors={field: message})
