"""Catalog rule errors: what the clerk sees when a product cannot go onto a card."""

from __future__ import annotations

from app.errors import DomainError, NotFound


class CatalogRuleError(DomainError):
    """A sale that the catalog's rules do not allow."""


class NotEligible(CatalogRuleError):
    """A reduced-fare product onto a card of another fare category."""


class PassNotOnSale(CatalogRuleError):
    """A monthly pass outside its sales window."""


class LoadRefused(CatalogRuleError):
    """A stored-value load below the minimum, above the maximum or over the balance cap."""


class NoPrice(NotFound):
    """No price is in force for the product at that moment."""
