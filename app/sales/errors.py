"""Sales errors, written for the clerk at the counter."""

from __future__ import annotations

from app.errors import Conflict, DomainError


class SaleRefused(DomainError):
    """The sale cannot be completed as entered (a rule, a tender, a card)."""


class CardPaymentProblem(Conflict):
    """A card payment that cannot be used (not approved, used already, another amount)."""


class AlreadyReversed(Conflict):
    """A sale voided or refunded already (in full, or this much of it)."""
